//go:build !amd64 || purego

package numeric

func kernels() map[string]kernelSet { return map[string]kernelSet{"go": {six: kernelGo}} }

func bestKernel() kernelSet { return kernelSet{six: kernelGo} }
