package numeric

import "os"

var _ = func() int {
	if v := os.Getenv("SCORE_KERNEL_TMP"); v != "" {
		kernel = kernels()[v]
	}
	return 0
}()
