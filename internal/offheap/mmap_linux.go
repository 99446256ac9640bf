package offheap

import "syscall"

const supported = true

func mapAnon(size int) ([]byte, error) {
	return syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

// release hands b's pages back to the kernel; the mapping stays, and the
// pages read as zeros when next touched.
func release(b []byte) error { return syscall.Madvise(b, syscall.MADV_DONTNEED) }
