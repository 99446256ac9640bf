// Package tensorflow is the "tensorflow" engine: it runs SavedModels with
// libtensorflow's C API, loaded at run time with purego (no cgo; the
// binary builds and runs with CGO_ENABLED=0 and needs TensorFlow only when
// this engine is chosen).
//
// # Finding the library
//
// Load (never package init) looks, in order, at:
//
//  1. Extra["tf_library"] (the CLI's --tf-library), else the environment
//     variable SCORE_TF_LIBRARY: a path to libtensorflow.so.2 (or the pip
//     wheel's libtensorflow_cc.so.2), or a folder holding it directly or
//     in lib/. When set, nothing else is tried.
//  2. The system search path: dlopen("libtensorflow.so.2") (LD_LIBRARY_PATH,
//     ldconfig's cache), as installed from the libtensorflow tarball.
//  3. A pip TensorFlow: python3 (if on PATH, 20 s timeout) is asked for the
//     tensorflow package folder, which holds libtensorflow_cc.so.2 and
//     libtensorflow_framework.so.2.
//
// libtensorflow_framework is opened first with RTLD_GLOBAL, then the C API
// library. Every required symbol is looked up before any is called; a
// library that lacks some fails with all of them named ("missing symbols:
// TF_Version, ..."). Failures wrap engine.ErrUnavailable, so --engine auto
// falls back to the native engine, and the message lists every path tried
// and how to install libtensorflow. Libraries stay loaded for the life of
// the process (TensorFlow cannot be unloaded). Probe does the same lookup
// for `score inspect --engine tensorflow`.
//
// # Session settings
//
// LoadOptions.Device "cpu" hides GPUs (device_count {"GPU": 0}); "gpu"
// fails (wrapping ErrUnavailable) when the session lists no GPU device; ""
// lets TensorFlow choose (a GPU when the GPU build finds one).
// LoadOptions.Threads sets intra_op_parallelism_threads. Extra keys:
// tf_gpu_allow_growth (default true), tf_gpu_memory_fraction,
// tf_visible_devices, tf_inter_op_threads, tf_soft_placement (default
// true), tf_xla (default, off, on, on2). They become a ConfigProto built
// with protowire and passed to TF_SetConfig.
//
// # Memory and concurrency
//
// Every TF object has one owner and is deleted explicitly: Run deletes its
// input and output tensors on every path, Close deletes the session, graph,
// options and status in reverse order; there are no finalizers. Inputs are
// allocated by TensorFlow (TF_AllocateTensor) and filled from Go, so no Go
// memory outlives a C call; the Go arrays a call reads or fills (dims,
// TF_Output and TF_Tensor* arrays, the tag strings and the char* array
// that points at them) are pinned with runtime.Pinner for the duration of
// that call only, which also makes the char** of tags legal (Go memory
// holding Go pointers). String bytes passed to TF_StringCopy and the
// export dir are plain call arguments that TF copies and does not keep. String outputs are
// decoded from the 24-byte TF_TString layout in Go after a load-time check
// against the library's own TF_StringGetDataPointer/TF_StringGetSize (the
// C functions are used if the check fails). Run may be called from many
// goroutines at once (TF sessions are thread-safe; each Run has its own
// TF_Status); Close waits for Runs in flight.
//
// # Running on a GPU node
//
// Use the image built from deploy/Dockerfile.gpu (TF 2.15.0 GPU
// libtensorflow on CUDA 12.2 + cuDNN 8.9), or install the
// libtensorflow-gpu-linux-x86_64-2.15.0 tarball plus CUDA 12.2 and cuDNN 8
// runtime libraries on the host. The NVIDIA driver must be recent enough
// for CUDA 12.2 (nvidia-smi shows "CUDA Version: 12.2" or higher), and in
// Kubernetes the pod needs a nvidia.com/gpu resource limit. Then:
//
//	score --engine tensorflow --device gpu --model DIR --in ... --out ...
//
// To check that the GPU is used:
//
//   - Load fails with "device gpu: TensorFlow sees no GPU" when it is not,
//     and Model.Info()["devices"] (printed by score in its report and
//     output metadata) lists GPU:0 when it is.
//   - TF_CPP_MIN_LOG_LEVEL=0 makes TensorFlow log "Created device
//     /job:localhost/replica:0/task:0/device:GPU:0 with ... MB memory" at load,
//     and errors such as "Could not load dynamic library 'libcudnn.so.8'" when
//     CUDA/cuDNN are missing.
//   - nvidia-smi on the node shows the score process with GPU memory and
//     utilization while it scores (with allow_growth on, memory grows with
//     the batch instead of being taken whole at start).
//
// # Not verified
//
// No TensorFlow library was available where this package was written: the
// C calls follow c_api.h and tf_tstring.h (docs/savedmodel-format.md §4),
// and the tests that need the library skip unless SCORE_TF_LIBRARY is set
// (and fail if it is set but does not load).
package tensorflow
