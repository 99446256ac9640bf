// Package op is the contract between the native engine's executor
// (engine/native) and its kernels (engine/native/numeric, textops, flowops):
// an op's definition (its TensorFlow OpDef in a compact text form, for
// default attrs and output-argument names) plus the kernel that computes it,
// and the Context a kernel runs in.
//
// Kernels are pure: they compute from their inputs, attrs and the model's
// own state (variables, tables, functions, the checkpoint and asset files
// the Context hands out). A kernel never opens files or the network itself;
// that is what keeps an untrusted model harmless.
package op
