// Package native is score's pure-Go TensorFlow engine: it loads a
// SavedModel and executes its graph on the CPU with kernels from the op
// table (core ops here; numeric, textops and flowops register the rest).
//
// Loading follows TensorFlow's own loader (session style): pick the
// MetaGraphDef by tags, check every op reachable from the signature and
// from the restore and init paths (including inside the library functions
// they call) and report all missing ops at once as an
// *engine.UnsupportedOpsError, run the saver's restore op with the variables
// prefix (and asset paths) fed, run the init op(s), and compile the
// signature into a plan.
//
// New returns the engine with the full op table; NewWithOps builds one from
// chosen kernel packages (tests); SupportedOps lists the full table and
// Engine.Check reports a model's missing ops without running anything.
// Signature inputs bound to SparseTensors (coo_sparse) are fed as three
// tensors "<key>/indices", "<key>/values", "<key>/dense_shape"; a feed's
// dtype must match the graph's placeholder, which wins over a wrong dtype
// recorded in the SignatureDef.
//
// Execution: a plan is the pruned (data and control edges, fed tensors cut
// their producers), topologically ordered list of nodes for one set of
// feeds and fetches, with every value in a numbered slot. Plans and
// library functions are compiled once, cached and immutable; each Run keeps
// its values in its own slot slice, releasing each as soon as its last
// reader has run, so concurrent Runs are safe.
//
// Plan-time optimizations, all exact (results equal the plain graph's):
// common-subexpression elimination of stateless nodes (same op, attrs and
// inputs; small equal Consts); sibling fusion: Conv2D (NHWC) or MatMul
// nodes with equal attrs that read the same tensor run as one wide op on
// their weights concatenated along the output channel (cached while the
// weight tensors are unchanged), its output split per node; a Conv2D and
// the BiasAdd, Relu and MaxPool or Max (global pooling) that follow it
// through Keras' Squeeze/ExpandDims views run as one pass that finishes
// each output row in cache (convchain.go; numeric.Conv2DEpilogue); a
// BiasAdd read only by a Relu runs as one pass, in place when its input
// buffer is private to the run; and the steps that compute model constants
// (Consts, variable reads and views of them) run once per plan and are
// reused until a variable is assigned (memo.go). Kernels learn which inputs
// are model constants (numeric.ConstInputs) and may borrow recycled dirty
// buffers for outputs they overwrite (arena.go), in plans that cannot keep
// a value past the run. Graph plans with several independent heavy nodes run
// on a scheduler that starts each node when its inputs are ready, on up to
// Threads goroutines, sharing the threads among the kernels running at
// once (Context.Threads); function bodies run sequentially.
//
// Model.RunTrace reports every executed node (inside functions too) with
// its outputs, for debugging and tests.
//
// Safety: kernels reach files only through the Context: the model's
// assets/ and variables/ files and its own checkpoint. Nothing else is read.
// Errors from kernels name the node and op, as TensorFlow's do
// (*NodeError); inside functions the node is "function/node".
package native
