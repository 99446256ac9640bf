package savedmodel

import "testing"

func TestParseTensorName(t *testing.T) {
	good := []struct {
		in   string
		node string
		idx  int
	}{
		{"x:0", "x", 0},
		{"x", "x", 0},
		{"StatefulPartitionedCall_5:12", "StatefulPartitionedCall_5", 12},
		{"a/b/c:3", "a/b/c", 3},
		{"^init", "init", -1},
		{"ParseExample/ParseExample:1", "ParseExample/ParseExample", 1},
	}
	for _, c := range good {
		node, idx, err := ParseTensorName(c.in)
		if err != nil || node != c.node || idx != c.idx {
			t.Errorf("ParseTensorName(%q) = %q, %d, %v; want %q, %d", c.in, node, idx, err, c.node, c.idx)
		}
	}
	for _, bad := range []string{"", ":0", "x:", "x:-1", "x:a", "x:01", "^", "^x:0", "x:99999999999999999999"} {
		if _, _, err := ParseTensorName(bad); err == nil {
			t.Errorf("ParseTensorName(%q): no error", bad)
		}
	}
}
