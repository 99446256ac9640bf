// Package arrowpool is a memory.Allocator for arrow-go that keeps the
// buffers arrow frees and hands them out again, so that a long run of the
// Parquet reader and writer (page buffers, column builders, encoders)
// allocates a working set once instead of at every page and row group.
package arrowpool
