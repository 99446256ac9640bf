package tensorflow

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers in tensorflow/core/protobuf/config.proto (verified against
// the proto text: ConfigProto, GPUOptions, GraphOptions, OptimizerOptions;
// docs/savedmodel-format.md §4.5 lists the resulting bytes).
const (
	cfgDeviceCount        = 1  // ConfigProto.device_count: map<string, int32>
	cfgIntraOpThreads     = 2  // ConfigProto.intra_op_parallelism_threads: int32
	cfgInterOpThreads     = 5  // ConfigProto.inter_op_parallelism_threads: int32
	cfgGPUOptions         = 6  // ConfigProto.gpu_options: GPUOptions
	cfgAllowSoftPlacement = 7  // ConfigProto.allow_soft_placement: bool
	cfgGraphOptions       = 10 // ConfigProto.graph_options: GraphOptions

	gpuMemoryFraction = 1 // GPUOptions.per_process_gpu_memory_fraction: double
	gpuAllowGrowth    = 4 // GPUOptions.allow_growth: bool
	gpuVisibleDevices = 5 // GPUOptions.visible_device_list: string

	graphOptimizerOptions = 3 // GraphOptions.optimizer_options: OptimizerOptions
	optGlobalJitLevel     = 5 // OptimizerOptions.global_jit_level: GlobalJitLevel

	mapKey, mapValue = 1, 2 // map entry fields
)

// JITLevel is OptimizerOptions.GlobalJitLevel: XLA auto-clustering.
type JITLevel int32

// The GlobalJitLevel enum values (config.proto).
const (
	JITDefault JITLevel = 0
	JITOff     JITLevel = -1
	JITOn1     JITLevel = 1
	JITOn2     JITLevel = 2
)

// SessionConfig is the subset of ConfigProto score sets. The zero value
// serializes to nothing (TensorFlow's defaults); see defaultSessionConfig
// for what Load uses.
type SessionConfig struct {
	// AllowGrowth makes the GPU allocator grow on demand instead of taking
	// (almost) all GPU memory at start.
	AllowGrowth bool
	// MemoryFraction caps the GPU memory per process (0 = unset).
	MemoryFraction float64
	// VisibleDevices is a comma-separated list of CUDA device ids ("0,1").
	VisibleDevices string
	// HideGPUs sets device_count {"GPU": 0}: run on CPU only.
	HideGPUs bool
	// IntraOpThreads and InterOpThreads size TF's thread pools (0 = TF's
	// choice).
	IntraOpThreads, InterOpThreads int32
	// AllowSoftPlacement lets ops pinned to an absent device run elsewhere.
	AllowSoftPlacement bool
	// JIT sets graph_options.optimizer_options.global_jit_level.
	JIT JITLevel
}

// Marshal serializes the config as a ConfigProto, fields in number order
// (proto's canonical order), for TF_SetConfig.
func (c SessionConfig) Marshal() []byte {
	var b []byte
	if c.HideGPUs {
		var entry []byte
		entry = protowire.AppendTag(entry, mapKey, protowire.BytesType)
		entry = protowire.AppendString(entry, "GPU")
		entry = protowire.AppendTag(entry, mapValue, protowire.VarintType)
		entry = protowire.AppendVarint(entry, 0)
		b = protowire.AppendTag(b, cfgDeviceCount, protowire.BytesType)
		b = protowire.AppendBytes(b, entry)
	}
	if c.IntraOpThreads != 0 {
		b = appendInt32(b, cfgIntraOpThreads, c.IntraOpThreads)
	}
	if c.InterOpThreads != 0 {
		b = appendInt32(b, cfgInterOpThreads, c.InterOpThreads)
	}
	var gpu []byte
	if c.MemoryFraction != 0 {
		gpu = protowire.AppendTag(gpu, gpuMemoryFraction, protowire.Fixed64Type)
		gpu = protowire.AppendFixed64(gpu, math.Float64bits(c.MemoryFraction))
	}
	if c.AllowGrowth {
		gpu = protowire.AppendTag(gpu, gpuAllowGrowth, protowire.VarintType)
		gpu = protowire.AppendVarint(gpu, 1)
	}
	if c.VisibleDevices != "" {
		gpu = protowire.AppendTag(gpu, gpuVisibleDevices, protowire.BytesType)
		gpu = protowire.AppendString(gpu, c.VisibleDevices)
	}
	if len(gpu) > 0 {
		b = protowire.AppendTag(b, cfgGPUOptions, protowire.BytesType)
		b = protowire.AppendBytes(b, gpu)
	}
	if c.AllowSoftPlacement {
		b = protowire.AppendTag(b, cfgAllowSoftPlacement, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	if c.JIT != JITDefault {
		opt := appendInt32(nil, optGlobalJitLevel, int32(c.JIT))
		graph := protowire.AppendTag(nil, graphOptimizerOptions, protowire.BytesType)
		graph = protowire.AppendBytes(graph, opt)
		b = protowire.AppendTag(b, cfgGraphOptions, protowire.BytesType)
		b = protowire.AppendBytes(b, graph)
	}
	return b
}

// appendInt32 writes an int32 field: negative values sign-extend to ten
// varint bytes, as proto requires for int32 and enums.
func appendInt32(b []byte, num protowire.Number, v int32) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(int64(v)))
}
