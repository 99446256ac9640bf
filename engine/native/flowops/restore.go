package flowops

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func restoreDefs() []op.Def {
	return []op.Def{
		{Spec: "RestoreV2(prefix: string, tensor_names: string, shape_and_slices: string) -> (tensors: dtypes); dtypes: list(type)", Stateful: true, Kernel: restoreV2},
		{Spec: "Restore(file_pattern: string, tensor_name: string) -> (tensor: dt); dt: type; preferred_shard: int = -1", Stateful: true, Kernel: restoreV1},
	}
}

func stringVec(c op.Context, what string, t *tensor.Tensor) ([]string, error) {
	v, ok := t.Data().([]string)
	if !ok || t.Rank() > 1 {
		return nil, c.Errorf("%s must be a string scalar or vector, got %s", what, t)
	}
	return v, nil
}

// restoreV2 reads whole tensors (empty slice specs) from the checkpoint at
// prefix; each stored dtype must equal the node's dtypes entry.
func restoreV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	prefix, err := stringVec(c, "prefix", in[0])
	if err != nil {
		return nil, err
	}
	names, err := stringVec(c, "tensor_names", in[1])
	if err != nil {
		return nil, err
	}
	slices, err := stringVec(c, "shape_and_slices", in[2])
	if err != nil {
		return nil, err
	}
	dtypes, err := op.Types(c, "dtypes")
	if err != nil {
		return nil, err
	}
	if len(prefix) != 1 {
		return nil, c.Errorf("prefix must be a single string, got %s", in[0])
	}
	if len(names) != len(dtypes) || len(slices) != len(dtypes) {
		return nil, c.Errorf("%d tensor_names and %d shape_and_slices for %d dtypes", len(names), len(slices), len(dtypes))
	}
	ck, err := c.Checkpoint(prefix[0])
	if err != nil {
		return nil, c.Errorf("open checkpoint %s: %v", prefix[0], err)
	}
	out := make([]*tensor.Tensor, len(names))
	for i, name := range names {
		if slices[i] != "" {
			return nil, c.Errorf("tensor %q: sliced restore (%q) is not supported", name, slices[i])
		}
		t, err := ck.Tensor(name)
		if err != nil {
			return nil, c.Errorf("restore %q from %s: %v", name, prefix[0], err)
		}
		if t.DType() != dtypes[i] {
			return nil, c.Errorf("tensor %q in %s is %s, expected %s", name, prefix[0], t.DType(), dtypes[i])
		}
		out[i] = t
	}
	return out, nil
}

func restoreV1(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	prefix, err := stringVec(c, "file_pattern", in[0])
	if err != nil {
		return nil, err
	}
	name, err := stringVec(c, "tensor_name", in[1])
	if err != nil {
		return nil, err
	}
	dt, err := op.Type(c, "dt")
	if err != nil {
		return nil, err
	}
	if len(prefix) != 1 || len(name) != 1 {
		return nil, c.Errorf("file_pattern and tensor_name must be single strings")
	}
	ck, err := c.Checkpoint(prefix[0])
	if err != nil {
		return nil, c.Errorf("open checkpoint %s: %v", prefix[0], err)
	}
	t, err := ck.Tensor(name[0])
	if err != nil {
		return nil, c.Errorf("restore %q from %s: %v", name[0], prefix[0], err)
	}
	if t.DType() != dt {
		return nil, c.Errorf("tensor %q in %s is %s, expected %s", name[0], prefix[0], t.DType(), dt)
	}
	return []*tensor.Tensor{t}, nil
}
