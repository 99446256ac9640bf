package tokenize

import (
	"testing"

	"github.com/scorekit/score/tensor"
)

func TestDetectKind(t *testing.T) {
	cases := []struct {
		dt    tensor.DType
		shape []int
		want  InputKind
	}{
		{tensor.String, []int{-1, 1}, KindText}, // arxiv_textvec_gap_softmax_tf2 input_9
		{tensor.String, []int{-1}, KindText},    // [batch]
		{tensor.String, nil, KindText},          // unknown rank
		{tensor.String, []int{-1, 200}, KindTokens},
		{tensor.String, []int{-1, -1}, KindTokens},
		{tensor.Float, []int{-1, 8}, KindIDs}, // sms_spam_embedding_mlp_tf2 embedding_input
		{tensor.Int32, []int{-1, 200}, KindIDs},
		{tensor.Int64, []int{-1, -1}, KindIDs},
		{tensor.Int64, []int{-1}, ""},
		{tensor.Bool, []int{-1, 3}, ""},
		{tensor.String, []int{-1, 2, 3}, ""},
	}
	for _, c := range cases {
		if got := DetectKind(c.dt, c.shape); got != c.want {
			t.Errorf("DetectKind(%s, %v) = %q, want %q", c.dt, c.shape, got, c.want)
		}
	}
}
