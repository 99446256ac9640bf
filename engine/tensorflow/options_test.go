package tensorflow

import (
	"testing"

	"github.com/scorekit/score/engine"
)

func TestParseSettings(t *testing.T) {
	s, err := parseSettings(engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (SessionConfig{AllowGrowth: true, AllowSoftPlacement: true}); s.config != want {
		t.Errorf("defaults %+v, want %+v", s.config, want)
	}
	s, err = parseSettings(engine.LoadOptions{Device: "cpu", Threads: 4, Extra: map[string]string{
		ExtraAllowGrowth: "false", ExtraMemoryFraction: "0.5", ExtraVisibleDevices: "0,2",
		ExtraInterOpThreads: "2", ExtraSoftPlacement: "false", ExtraXLA: "on2",
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := SessionConfig{MemoryFraction: 0.5, VisibleDevices: "0,2", HideGPUs: true,
		IntraOpThreads: 4, InterOpThreads: 2, JIT: JITOn2}
	if s.config != want {
		t.Errorf("got %+v, want %+v", s.config, want)
	}
	for _, bad := range []engine.LoadOptions{
		{Device: "GPU"}, {Threads: -1},
		{Extra: map[string]string{ExtraAllowGrowth: "yes please"}},
		{Extra: map[string]string{ExtraMemoryFraction: "0"}},
		{Extra: map[string]string{ExtraVisibleDevices: "0,,1"}},
		{Extra: map[string]string{ExtraInterOpThreads: "-3"}},
		{Extra: map[string]string{ExtraXLA: "fast"}},
	} {
		if _, err := parseSettings(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
