package main

import (
	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/engine/tensorflow"
)

// engines registers every engine score has, in the preference order that
// --engine auto follows: TensorFlow where its library loads (it uses the GPU
// when the library has CUDA), else the native engine. This is the only place
// engines are registered.
func engines() *engine.Registry {
	return engine.NewRegistry(tensorflow.New(), native.New())
}
