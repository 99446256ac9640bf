package flowops

import "github.com/scorekit/score/engine/native/op"

// Register adds the variable, restore, control-flow and TensorList ops to s.
// It panics on a duplicate op (a programming error caught by the first
// test).
func Register(s *op.Set) {
	s.Add(varDefs()...)
	s.Add(restoreDefs()...)
	s.Add(controlDefs()...)
	s.Add(listDefs()...)
}
