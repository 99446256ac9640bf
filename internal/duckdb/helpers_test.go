package duckdb

import "strconv"

func formatG(f float32) string { return strconv.FormatFloat(float64(f), 'g', -1, 32) }
