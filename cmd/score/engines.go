package main

import (
	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
)

// engines registers every engine score has, in the preference order that
// --engine auto follows. This is the only place engines are registered.
func engines() *engine.Registry {
	return engine.NewRegistry(native.New())
}
