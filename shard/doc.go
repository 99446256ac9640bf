// Package shard splits a run's expanded inputs into N disjoint shards and
// each shard into parts, deterministically, so that N processes (an Indexed
// Job's pods) can score one corpus and the union of their outputs equals one
// unsharded run, row for row.
//
// Contract:
//   - Units are whole files, or, for a Parquet file with more rows than the
//     part bound and more than one row group, runs of consecutive row
//     groups. Units keep the input order that reader.Expand gave.
//   - Shard K of N receives a contiguous run of units, balanced by
//     estimated rows ; every unit
//     belongs to exactly one shard. A file whose row count is unknown
//     weighs its size in KiB (at least one). The same inputs, N and part bound always
//     give the same plan, on every machine.
//   - Within a shard, consecutive units are grouped into parts of at most
//     PartRows estimated rows (a unit larger than the bound is a part of its
//     own). A part's Key hashes the identity of its units (path, size, row
//     groups), so a rerun over unchanged inputs finds the same part names.
//   - Plan reads only Parquet footers (to count rows per row group); it reads
//     no data.
package shard
