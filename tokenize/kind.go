package tokenize

import "github.com/scorekit/score/tensor"

// InputKind says what a model input takes.
type InputKind string

// The input kinds.
const (
	// KindText: raw strings; the model tokenizes in its graph
	// (TextVectorization). Feed texts as they are.
	KindText InputKind = "text"
	// KindTokens: string tokens [batch, L]; the vocabulary look-up happens in
	// the graph. Feed EncodeStrings rows.
	KindTokens InputKind = "tokens"
	// KindIDs: integer (or float32) ids [batch, L]; the look-up happens in
	// Go. Feed EncodeIDs rows.
	KindIDs InputKind = "ids"
)

// DetectKind guesses the input kind from a signature input's dtype and
// shape (-1 for unknown dimensions; nil for unknown rank): string [batch]
// or [batch, 1] (or unknown rank) is text, string [batch, L] with L != 1 is
// tokens, int32/int64/float32/float64 [batch, L] is ids. It returns "" when
// none fits.
func DetectKind(dtype tensor.DType, shape []int) InputKind {
	switch dtype {
	case tensor.String:
		switch {
		case shape == nil || len(shape) <= 1:
			return KindText
		case len(shape) == 2 && shape[1] == 1:
			return KindText
		case len(shape) == 2:
			return KindTokens
		}
	case tensor.Int32, tensor.Int64, tensor.Float, tensor.Double:
		if len(shape) == 2 {
			return KindIDs
		}
	}
	return ""
}
