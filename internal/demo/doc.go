// Package demo writes the built-in demo: the default meta model and a
// deterministic corpus in the IMDb (aclImdb) directory layout, so `score
// demo` and the tests can run the whole pipeline with nothing downloaded.
//
// The corpus imitates the real aclImdb files: one review per file named
// <id>_<rating>.txt under {train,test}/{pos,neg}/ (ratings 7-10 positive,
// 1-4 negative), a single line with no line terminator, sentences with
// capitals and punctuation, the occasional literal "<br /><br />" and
// non-ASCII letter. Words come from the model's vocabulary with a Zipf
// distribution, positive or negative words slightly favoured by polarity,
// plus out-of-vocabulary words. About 1% of documents are empty and 1%
// whitespace-only, to exercise the pipeline's flags. Every document is
// drawn from its own PCG stream, so corpora of different sizes with the
// same seed share their first documents, and the same arguments always
// give the same bytes.
package demo
