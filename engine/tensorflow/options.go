package tensorflow

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scorekit/score/engine"
)

// Extra keys (engine.LoadOptions.Extra) for session settings; the CLI
// maps its --tf-* flags onto them.
const (
	// ExtraAllowGrowth: "true" (default) or "false".
	ExtraAllowGrowth = "tf_gpu_allow_growth"
	// ExtraMemoryFraction: per-process GPU memory cap in (0, 1].
	ExtraMemoryFraction = "tf_gpu_memory_fraction"
	// ExtraVisibleDevices: CUDA device ids, e.g. "0" or "0,1".
	ExtraVisibleDevices = "tf_visible_devices"
	// ExtraInterOpThreads: TF's inter-op pool size (LoadOptions.Threads
	// sets the intra-op pool).
	ExtraInterOpThreads = "tf_inter_op_threads"
	// ExtraSoftPlacement: "true" (default) or "false".
	ExtraSoftPlacement = "tf_soft_placement"
	// ExtraXLA: "default", "off", "on" (= on1) or "on2".
	ExtraXLA = "tf_xla"
)

// settings are the parsed load options.
type settings struct {
	device string // "", "cpu", "gpu"
	config SessionConfig
}

// parseSettings validates opts and builds the session config: allow_growth
// and soft placement on unless turned off, GPUs hidden for device "cpu",
// LoadOptions.Threads as the intra-op pool.
func parseSettings(opts engine.LoadOptions) (settings, error) {
	s := settings{device: opts.Device}
	c := SessionConfig{AllowGrowth: true, AllowSoftPlacement: true}
	switch opts.Device {
	case "", "gpu":
	case "cpu":
		c.HideGPUs = true
	default:
		return s, fmt.Errorf("tensorflow engine: device %q: want cpu or gpu", opts.Device)
	}
	if opts.Threads < 0 || opts.Threads > 1<<16 {
		return s, fmt.Errorf("tensorflow engine: threads %d out of range", opts.Threads)
	}
	c.IntraOpThreads = int32(opts.Threads)
	x := opts.Extra
	var err error
	if v, ok := x[ExtraAllowGrowth]; ok {
		if c.AllowGrowth, err = strconv.ParseBool(v); err != nil {
			return s, fmt.Errorf("tensorflow engine: %s=%q: want true or false", ExtraAllowGrowth, v)
		}
	}
	if v, ok := x[ExtraSoftPlacement]; ok {
		if c.AllowSoftPlacement, err = strconv.ParseBool(v); err != nil {
			return s, fmt.Errorf("tensorflow engine: %s=%q: want true or false", ExtraSoftPlacement, v)
		}
	}
	if v, ok := x[ExtraMemoryFraction]; ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0 && f <= 1) {
			return s, fmt.Errorf("tensorflow engine: %s=%q: want a number in (0, 1]", ExtraMemoryFraction, v)
		}
		c.MemoryFraction = f
	}
	if v := x[ExtraVisibleDevices]; v != "" {
		for _, id := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(id); err != nil || n < 0 {
				return s, fmt.Errorf("tensorflow engine: %s=%q: want comma-separated GPU ids", ExtraVisibleDevices, v)
			}
		}
		c.VisibleDevices = v
	}
	if v, ok := x[ExtraInterOpThreads]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1<<16 {
			return s, fmt.Errorf("tensorflow engine: %s=%q: want a thread count", ExtraInterOpThreads, v)
		}
		c.InterOpThreads = int32(n)
	}
	switch v := x[ExtraXLA]; v {
	case "", "default":
	case "off":
		c.JIT = JITOff
	case "on", "on1":
		c.JIT = JITOn1
	case "on2":
		c.JIT = JITOn2
	default:
		return s, fmt.Errorf("tensorflow engine: %s=%q: want default, off, on or on2", ExtraXLA, v)
	}
	s.config = c
	return s, nil
}
