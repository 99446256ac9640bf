// Package flowops holds the native engine's kernels for variables,
// checkpoint restore, functional control flow and TensorLists: VarHandleOp,
// ReadVariableOp, AssignVariableOp, TF1 VariableV2/Assign, RestoreV2, While,
// If, Case, Assert and the TensorList ops Keras RNNs are exported with,
// registered into an op.Set by Register.
//
// Variables are *op.Variable resources in c.Resources(): VarHandleOp keys
// them by VarKey(container, shared_name or node name) and outputs a
// DT_RESOURCE handle; VariableV2 keys them the same way and additionally
// under RefKey(node) so Assign can find the variable its ref input names.
//
// TF1 reference variables: TensorFlow passes a VariableV2's output by
// reference. Here VariableV2 outputs the variable's current value once it
// has one, so `x/read` Identity nodes and every other reader see a plain
// tensor, and a DT_RESOURCE handle to the variable while it is still
// uninitialised, which is what the restore and init Assigns consume (the
// engine's Identity also dereferences such a handle). Assign
// takes the variable from that handle or, for an already-initialised
// variable, by asking the Context for the producer of its ref input (the
// optional InputNamer interface); it replaces the value (never in place) and
// outputs the new value.
//
// Control flow: While/StatelessWhile, If/StatelessIf and Case/StatelessCase
// run their branch and body functions through c.Call. While checks
// c.Ctx() before every iteration, so a cancelled Run stops a runaway loop.
// Truthiness of a condition (If, While) follows TensorFlow: a scalar bool as
// is, a non-bool scalar is true when non-zero / non-empty, a non-scalar is
// true when it has elements.
//
// A TensorList is a scalar DT_VARIANT tensor holding a *TensorList. Lists are
// immutable values: SetItem, PushBack and PopBack return a new list and
// never change one another tensor still references.
//
// Checkpoints are read only through c.Checkpoint; SaveV2 and
// MergeV2Checkpoints (which write files) are deliberately not provided.
package flowops
