package native

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// NodeError is a failure of one node, named as TensorFlow names it:
// "node embedding/ResourceGather (ResourceGather): indices[3] = 20001 is not
// in [0, 20000)". Inside functions Node is "function/node". An error raised
// deep inside nested function calls keeps the innermost node's name.
type NodeError struct {
	Node string
	Op   string
	Err  error
}

func (e *NodeError) Error() string { return fmt.Sprintf("node %s (%s): %v", e.Node, e.Op, e.Err) }

// Unwrap returns the kernel's error.
func (e *NodeError) Unwrap() error { return e.Err }

// wrapNodeError names st in err unless err already names a node (it came
// from a nested call or from Context.Errorf) or is a cancellation.
func wrapNodeError(st *step, err error) error {
	var ne *NodeError
	if errors.As(err, &ne) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &NodeError{Node: st.name, Op: st.node.Op, Err: err}
}

// kernelContext implements op.Context for one step of one run.
type kernelContext struct {
	ctx   context.Context
	s     *session
	st    *step
	depth int
	trace *tracer
	// threads, when > 0, overrides the session's: the parallel scheduler
	// shares the threads among the kernels running at once.
	threads int
	// arena lends dirty buffers (op.Lender), or is nil.
	arena *arena
}

var _ op.Context = (*kernelContext)(nil)

func (c *kernelContext) Ctx() context.Context     { return c.ctx }
func (c *kernelContext) Node() string             { return c.st.name }
func (c *kernelContext) Op() string               { return c.st.node.Op }
func (c *kernelContext) Resources() *op.Resources { return c.s.res }
func (c *kernelContext) Threads() int {
	if c.threads > 0 {
		return c.threads
	}
	return c.s.threads
}
func (c *kernelContext) Attr(name string) (*tfpb.AttrValue, bool) {
	v, ok := c.st.attrs[name]
	return v, ok && v != nil
}

func (c *kernelContext) Call(fn *tfpb.NameAttrList, args []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if fn == nil || fn.Name == "" {
		return nil, c.Errorf("call of an unnamed function")
	}
	return c.s.call(c.ctx, fn.Name, args, c.depth+1, c.trace)
}

func (c *kernelContext) ReadFile(path string) ([]byte, error) {
	if c.s.files == nil {
		return nil, c.Errorf("read %s: this model has no readable files", path)
	}
	b, err := c.s.files.readFile(path)
	if err != nil {
		return nil, c.Errorf("%w", err)
	}
	return b, nil
}

func (c *kernelContext) Checkpoint(prefix string) (op.Checkpoint, error) {
	if c.s.files == nil {
		return nil, c.Errorf("checkpoint %s: this model has no variables", prefix)
	}
	ck, err := c.s.files.checkpoint(prefix)
	if err != nil {
		return nil, c.Errorf("%w", err)
	}
	return ck, nil
}

func (c *kernelContext) Errorf(format string, args ...any) error {
	return &NodeError{Node: c.st.name, Op: c.st.node.Op, Err: fmt.Errorf(format, args...)}
}

// InputNode names the node producing data input i (flowops.InputNamer):
// TF1's Assign finds the variable behind a ref input by it.
func (c *kernelContext) InputNode(i int) string {
	for _, in := range c.st.node.Input {
		if strings.HasPrefix(in, "^") {
			continue
		}
		if i == 0 {
			name, _, _ := strings.Cut(in, ":")
			return name
		}
		i--
	}
	return ""
}
