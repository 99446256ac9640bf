//go:build !amd64 || purego

package numeric

func kernels() map[string]microKernel { return map[string]microKernel{"go": kernelGo} }

func bestKernel() microKernel { return kernelGo }
