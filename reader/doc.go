// Package reader streams documents out of corpus files for the scoring
// pipeline: Parquet, CSV, TSV, JSON Lines, one-document text files and the
// IMDb review directory layout, optionally gzip or zstd compressed.
//
// It never loads a whole corpus into memory: Parquet is read row group by
// row group in batches of only the needed columns, delimited and line
// formats through a bounded sliding window (one record may be at most
// Options.MaxRecordBytes), and text files one at a time. It never imports an
// engine.
//
// # Contract
//
// Expand (or ExpandReport, which also lists skipped files) turns
// command-line arguments (files, directories, globs) into an ordered list
// of Inputs: arguments in the order given, each expanded in lexical order,
// a file named twice kept where it first appears. Open reads one Input and
// OpenAll concatenates several, opening one file at a time (it peeks at
// each CSV/TSV/JSONL/Parquet input once up front to report the union of
// their Columns). A Source yields Records until io.EOF; Stats counts
// records, Err records, repaired rows and nulls.
//
// Walk is the same inputs without the list: each pass (All) finds them
// again in the same order, Scan counts them (and learns their columns), and
// OpenInputs reads any Inputs (a Walk, or a List) with a goroutine finding
// a Walk's inputs ahead of the reading. A directory of millions of files
// then costs no memory per file; only when one argument lies inside
// another does a pass remember the files it has named.
//
// Parquet is read through arrow-go: the text column, when it is a flat
// byte array, directly page by page (one copy per value, into the arena
// when there is one); id and field
// columns through pqarrow record batches of Options.BatchRows rows. A
// panic inside the Parquet library on a corrupt file becomes an error.
// The text column is decoded ahead by one goroutine per Parquet source
// (page decompression is most of the cost of reading, and this overlaps it
// with the rest of the pipeline): it starts on the first Next, holds at
// most four decoded chunks of BatchRows values, and Close stops it and
// waits for it; errors reach Next at the row where they happen.
//
// Errors come in two kinds. A row that cannot be read (bad quoting, ragged
// row, invalid UTF-8 under "reject", a record over MaxRecordBytes, a bad
// JSON line) is a Record with Err set and empty Text: it still counts and
// reading goes on. An error returned by Next (other than io.EOF) is fatal
// for the source: the file vanished, a compressed stream is corrupt, the
// context was cancelled.
//
// # Choices made for messy input
//
//   - Row is the 1-based record ordinal within the file (header and blank
//     lines not counted); error messages also give the physical line.
//   - Blank lines (nothing between two line breaks) are not records in CSV,
//     TSV and JSONL. CRLF, LF and a bare CR all end a line.
//   - A UTF-8 byte order mark at the start of any file is dropped.
//   - NUL bytes are ordinary characters and are kept.
//   - MaxRecordBytes counts a CSV/TSV record's raw bytes with its line
//     break, a JSON line without it, a whole text file, a Parquet cell.
//   - Null: a missing or null cell (Parquet null, JSON null or absent key,
//     an unquoted empty CSV field). A quoted empty CSV field ("") is an
//     empty string, not null.
//   - Text that is not valid UTF-8 is never changed silently: "repair" (the
//     default) replaces each invalid byte with U+FFFD and counts the row in
//     Stats().Repaired; "reject" turns the row into an Err record.
//   - CSV quoting follows RFC 4180 ("" escapes a quote, quoted fields may
//     hold delimiters and line breaks, kept byte for byte, CRLF included).
//     A quote inside an unquoted field is a literal character. TSV has no
//     quoting by default (Options.Quoting changes that), because real TSV
//     files carry unbalanced quotes.
//   - Recovery from malformed quoting, so that one bad quote never loses the
//     rest of a file:
//     (1) a character other than a delimiter or line break after a closing
//     quote makes the record an Err row, and reading resumes after the line
//     break that ends that physical line;
//     (2) a quoted field that is still open at end of input, or when the
//     record reaches MaxRecordBytes, makes the record an Err row that
//     consumes only its first physical line; the bytes scanned while looking
//     for the closing quote are then re-read with quotes taken literally
//     (no closing quote exists in them), so the work stays linear.
//   - A record longer than MaxRecordBytes outside quotes is an Err row that
//     ends at the next line break; the bytes are skipped, never buffered.
//   - Ragged rows: extra fields that are all empty (trailing delimiters) are
//     ignored; any other field count that differs from the header (or from
//     the first row when there is no header) makes an Err row.
//   - Header detection ("auto"): the first row is a header when one of its
//     fields is a known column name (text, review, content, sentence,
//     verse_text, document, body, id, label, sentiment, rating, split,
//     score, class, target, or a configured column), or when every field is
//     an identifier-like name (letters, digits, _ . -; no spaces, not a
//     number) and the names are distinct. Force it with CSVHeader.
//   - Text column default: the only column, or the first column whose name
//     (case-insensitive) is text, review, content, sentence, verse_text,
//     document or body; headerless two-column files use column 0 as text and
//     column 1 as "label"; otherwise an error lists the columns. Columns of a
//     headerless file are named col_0, col_1, ... and TextColumn or IDColumn
//     may also be a 0-based column number.
//   - ID: the id column ("id" by default, any case) when present and
//     non-empty, else "<file base name>:<row>".
//   - JSON Lines: the text/id/field keys are chosen from the first valid
//     object the same way; string values are unquoted, other scalars keep
//     their JSON spelling, objects and arrays their compact JSON. Lines are
//     checked for UTF-8 before decoding; a \uD800-style lone surrogate
//     escape decodes to U+FFFD, as encoding/json does.
//   - IMDb directories ({train,test}/{pos,neg,unsup}/ID_RATING.txt): one
//     Input per review, ID "split/label/ID_RATING", Fields split, label,
//     rating; the dataset's other files (README, imdb.vocab, ...) are skipped
//     and reported. Other .txt files are one document each, ID = path
//     relative to the directory argument (the base name for a file argument).
//
// # Concurrency
//
// A Source is not safe for concurrent use; the pipeline reads it from one
// goroutine and fans records out. Records own their strings and maps,
// except that with Options.Arena the Text of CSV, TSV, Parquet and text-file
// records is cut from the arena's reused blocks and belongs to the record
// only until Record.Release (see TextArena); Release may be called from any
// goroutine.
//
// # Memory
//
// Parquet page buffers (compressed and decompressed pages, dictionaries)
// come from a process-wide pool: each column chunk reader gives them back
// when its row group is done, and the next one reuses them; pages are read
// one at a time rather than each column chunk whole. Values are copied out
// of the pages before they are given back.
package reader
