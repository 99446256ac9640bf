package numeric

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// notNumeric are fixture ops other packages own (executor, textops,
// flowops) or that only training/saving functions use.
var notNumeric = map[string]bool{
	// executor
	"Const": true, "Placeholder": true, "PlaceholderWithDefault": true, "Identity": true, "IdentityN": true,
	"NoOp": true, "StopGradient": true, "PartitionedCall": true, "StatefulPartitionedCall": true,
	// variables, checkpoints, control flow, lists (flowops)
	"VarHandleOp": true, "ReadVariableOp": true, "AssignVariableOp": true, "VariableV2": true, "Assign": true,
	"VarIsInitializedOp": true, "DisableCopyOnRead": true, "RestoreV2": true, "SaveV2": true, "MergeV2Checkpoints": true,
	"ShardedFilename": true, "StatelessIf": true, "StatelessWhile": true, "TensorListFromTensor": true,
	"TensorListGetItem": true, "TensorListReserve": true, "TensorListSetItem": true, "TensorListStack": true,
	// strings and tables (textops)
	"StringJoin": true, "StringLower": true, "StaticRegexReplace": true, "StaticRegexFullMatch": true,
	"StringSplitV2": true, "RaggedTensorToTensor": true, "HashTableV2": true, "MutableHashTableV2": true,
	"LookupTableFindV2": true, "LookupTableImportV2": true, "LookupTableInsertV2": true, "LookupTableExportV2": true,
	"LookupTableSizeV2": true, "InitializeTableFromTextFileV2": true, "StringToHashBucketFast": true,
	"ParseExample": true, "ParseExampleV2": true, "UniqueWithCounts": true,
	// training-only
	"IteratorGetNext": true, "RandomUniform": true, "StridedSliceGrad": true, "CudnnRNN": true, "CudnnRNNBackprop": true,
}

// TestFixtureOpsRegistered reads the "ALL ops" lists of every fixture's
// SOURCE.md and checks that each numeric op there is registered.
func TestFixtureOpsRegistered(t *testing.T) {
	root := fixtures.Path(t, "fixtures/savedmodels")
	files, err := filepath.Glob(filepath.Join(root, "*", "SOURCE.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no SOURCE.md under %s: %v", root, err)
	}
	seen := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			_, list, ok := strings.Cut(line, "ALL ops (")
			if !ok {
				continue
			}
			_, list, _ = strings.Cut(list, "): ")
			for _, name := range strings.Split(list, ", ") {
				name = strings.TrimSpace(name)
				if name == "" || notNumeric[name] {
					continue
				}
				seen++
				if _, ok := testSet.Lookup(name); !ok {
					t.Errorf("%s: op %s is not registered", filepath.Base(filepath.Dir(f)), name)
				}
			}
		}
	}
	if seen < 40 {
		t.Fatalf("only %d numeric ops found in the fixtures' op lists", seen)
	}
}
