package numeric

import "runtime"

func benchThreads() int { return runtime.GOMAXPROCS(0) }
