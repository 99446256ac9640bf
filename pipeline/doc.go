// Package pipeline is score's one runner: it streams records from the
// readers, groups them into batches (by count and by bytes), turns each batch
// into the model's input tensor on a pool of tokenizer workers, runs batches
// on N engine workers, and hands scored batches to the writer in input order.
//
// Stages are connected by bounded channels, so memory stays flat however
// large the corpus is; every send selects on the context, and the first fatal
// error cancels every stage. Every input row ends in exactly one place: it is
// scored, or written with null scores and its rejection reason. The Report
// accounts for each of them (read = scored + rejected).
//
// A run allocates little per document, so that the garbage collector (whose
// cycles follow the bytes allocated) seldom runs: texts are cut from a
// reader.TextArena whose blocks come back once every batch holding their
// texts is written (unless Options.Reader.Arena is given, Run makes one);
// written batches, their record slices, score buffers and the writer's rows
// are reused; token tensors go back to the Feeder's pool once the engine has
// run them.
package pipeline
