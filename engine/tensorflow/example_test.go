package tensorflow_test

import (
	"fmt"

	"github.com/scorekit/score/engine/tensorflow"
)

// The ConfigProto bytes Load passes to TF_SetConfig for a GPU run that
// grows GPU memory on demand and uses only GPU 0.
func ExampleSessionConfig_Marshal() {
	cfg := tensorflow.SessionConfig{AllowGrowth: true, VisibleDevices: "0"}
	fmt.Printf("% x\n", cfg.Marshal())
	// Output: 32 05 20 01 2a 01 30
}

// Probe tells `score inspect --engine tensorflow` which library Load would
// use, or why there is none.
func ExampleProbe() {
	version, path, err := tensorflow.Probe(map[string]string{tensorflow.ExtraLibrary: "/opt/libtensorflow/lib"})
	if err != nil {
		fmt.Println("tensorflow engine unavailable:", err)
		return
	}
	fmt.Printf("libtensorflow %s (%s)\n", version, path)
}
