// Package tokenize turns documents into the fixed-length token rows that
// text models take: string tokens ([batch, L] string inputs whose look-up
// happens in the graph) or integer ids ([batch, L] int32/int64/float32
// inputs, looked up here in a Vocab). It never imports an engine.
//
// # Contract
//
// An Encoder is immutable after New and safe for concurrent use by any
// number of goroutines; the pipeline's tokenizer workers share one. Each
// call borrows working memory from a sync.Pool, so with reused rows the hot
// path allocates nothing per document for ids (EncodeIDs, EncodeIDs32,
// EncodeFloat32) and at most one string per document for string rows (the
// lower-cased tokens; none when a Vocab and OOVToken are set, because the
// vocabulary's own strings are reused). Tokens returned by Split and written
// by EncodeStrings may share memory with the input text; strings are
// immutable, so that is safe. The Encode methods write exactly len(row)
// values (pad_sequences semantics: Padding and Truncating "pre" by
// default, pad id 0, PadToken for strings) and return the number of tokens
// (or ids) before truncation; in spacy mode, when a text has more than
// len(row), the number returned is only known to be above len(row) (see
// Fast paths). Bad input never panics: invalid UTF-8 is
// passed through byte by byte (kept inside tokens), documents longer than
// 2 GiB are cut there.
//
// A Worker (Encoder.Worker) is the same methods for one goroutine that
// encodes many documents in a row: it takes the working memory once and
// keeps it, with its spaCy chunk cache, until Close, so the cache's hot
// entries stay near the core that uses them. The pipeline's tokenizer
// workers take one per batch.
//
// # Modes
//
//   - keras: keras.preprocessing.text.Tokenizer (text_to_word_sequence plus
//     texts_to_sequences): Python str.lower (simple Unicode mapping plus
//     İ -> "i̇" and the final-sigma rule), every Filters character replaced by
//     Split (" "), split on Split, empty pieces dropped. Tab and newline are
//     filters; other whitespace (\r, U+00A0...) stays inside tokens, exactly
//     as Keras does. Unknown words are dropped unless OOVToken is set; ids >=
//     NumWords likewise. Vocab.Options reproduces a saved Tokenizer's config.
//   - textvectorization: TextVectorization(standardize=
//     "lower_and_strip_punctuation", split="whitespace"): tf.strings.lower
//     with its default empty encoding lowers ASCII only
//     (absl::AsciiStrToLower); the 32 ASCII punctuation characters of
//     DEFAULT_STRIP_REGEX are removed; StringSplitV2 with an empty sep
//     splits on the C isspace set (space \t \n \v \f \r) only. Split's output
//     is what the graph's StringSplitV2 yields, token for token. Use a
//     vocabulary file saved from get_vocabulary() ("" = 0, "[UNK]" = 1) with
//     OOVToken "[UNK]" to get the layer's ids. Rows are padded and
//     truncated at the end by default in this mode, as the layer's
//     output_sequence_length does (RaggedTensorToTensor).
//   - whitespace: tf.strings.split(sep=None), i.e. the same ASCII whitespace
//     set; note that Python's str.split() also splits on Unicode spaces
//     (U+0085, U+00A0, U+2000..., \x1c-\x1f), TF does not. ASCII lowering
//     when Lower is set.
//   - spacy: a rule-based re-implementation of spaCy's English tokenizer
//     (the algorithm of spacy/tokenizer.pyx with the English prefix, suffix
//     and infix rules and tokenizer exceptions), lower-cased per token with
//     Python str.lower unless Lower is false. Whitespace handling is
//     spaCy's: one space after a token is dropped; other whitespace runs
//     (newlines, double spaces) are tokens of their own.
//
// # Known differences from spaCy (en_core_web_sm)
//
//   - Character classes are approximated with Unicode categories: ALPHA by
//     letters, ALPHA_LOWER/UPPER by lower/upper-case letters plus the
//     letters of caseless scripts (category Lo, and marks from Devanagari
//     on), the icon class by category So (spaCy's list is So of an older
//     Unicode version).
//   - URL_MATCH is RE2: \w, \d are ASCII/Unicode-category approximations of
//     Python's; the private-network exclusions are checked after the match.
//   - The final special-case pass only merges runs of adjacent tokens; spaCy's
//     PhraseMatcher also matches runs separated by whitespace, which it then
//     leaves unchanged but which can shadow an overlapping match.
//   - The exceptions are those of the current spaCy sources; a model
//     package serializes the rules of the spaCy version it was trained
//     with, which may differ slightly.
//   - spaCy's tokenizer cache can make a chunk's tokens depend on what the
//     same chunk gave earlier; ours (below) replays results that depend on
//     the chunk alone, so it changes no token.
//
// # Fast paths
//
// The plain loops stay the definition of each mode; faster paths give the
// same tokens and are tested against them token for token on the corpora
// and under fuzzing (fastpath_test.go):
//
//   - whitespace, textvectorization and keras (one-character Split) cut
//     ASCII text 64 bytes at a time from bit masks of separators and of
//     bytes to change; keras sends each stretch around a non-ASCII byte
//     through the rune loop. EncodeStrings without a Vocab builds, in
//     whitespace and keras modes, only the tokens the row keeps and counts
//     the rest from the masks.
//   - spacy finds chunks (whitespace-free runs, and whitespace runs) from
//     64-byte bit masks of whitespace, non-letters and upper-case letters
//     (AVX2 on amd64, 8 bytes at a time otherwise). It answers a chunk of
//     ASCII letters, or letters and one closing mark such as "," or ".",
//     directly, and other chunks of up to 64 bytes from a cache of earlier
//     results, merges included (merges never join two chunks): a fixed
//     4-way table of 4,096 chunks of up to 16 bytes (128 KiB, no pointers),
//     and two generations of 16,384 longer ones. A chunk neither answers
//     is mostly a new word in a familiar frame ("(Kersey)", "people.<br"):
//     a third table of 16,384 shapes (512 KiB) answers it from the frame
//     and the case of the word, unless the word is part of a rule (see
//     spacy_shape.go for why that is exact); only the rest go through the
//     affix rules. Each goroutine at work (or Worker) holds one cache
//     (about 3 MiB at most, most of it the longer chunks' generations once
//     full); an Encoder keeps at most GOMAXPROCS of them between calls.
//     Since chunks are tokenized independently, the Encode methods
//     tokenize only the chunks that hold the row's tokens: from the end of
//     the text with "pre" truncation (the default), from the start with
//     "post", stopping once more than len(row) tokens (or, for ids without
//     an OOV token, known ids) are in hand. A 100-token row of a
//     270-token review tokenizes about 40% of it. Going backward, the
//     block loop hands runs of plain words (letters after a single space,
//     surely no special case) to an assembly loop on amd64
//     (spacy_plain.go); the Go loop is the definition and the fallback.
//
// # Vocabularies
//
// LoadVocab reads a Keras Tokenizer JSON (to_json(), whose
// config.word_index is a JSON string inside JSON, or an object with a
// word_index member), a plain {"word": id} object, or one token per line
// (line number = id, plus the offset of LoadVocabOffset).
//
// # Input kinds
//
// DetectKind maps a signature input to KindText (string [batch] or
// [batch, 1]: the model has its own TextVectorization, feed the texts),
// KindTokens (string [batch, L]) or KindIDs (numeric [batch, L]).
package tokenize
