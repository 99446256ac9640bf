package textops

import (
	"testing"

	"github.com/scorekit/score/engine/native/op/optest"
)

// TestSpecsMatchFixtureOpDefs checks this package's op specs against the
// OpDefs in the real fixtures (see optest.CheckSpecs).
func TestSpecsMatchFixtureOpDefs(t *testing.T) { optest.CheckSpecs(t, testSet) }
