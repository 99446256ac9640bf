// Package engine defines how score runs a model: the Engine and Model
// interfaces that every engine implements (engine/native, the pure-Go
// executor; engine/tensorflow, libtensorflow loaded at run time), the
// description of a signature, and a registry that the command fills
// explicitly in one place.
//
// Readers, tokenizers and writers never import this package's
// implementations; the pipeline sees only the interfaces.
package engine
