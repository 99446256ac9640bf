package textops

import "github.com/scorekit/score/engine/native/op"

// Register adds the string, ragged and lookup-table ops to s. It panics on a
// duplicate op (a programming error caught by the first test).
func Register(s *op.Set) {
	s.Add(stringDefs()...)
	s.Add(regexDefs()...)
	s.Add(splitDefs()...)
	s.Add(hashDefs()...)
	s.Add(raggedDefs()...)
	s.Add(tableDefs()...)
	s.Add(parseDefs()...)
}
