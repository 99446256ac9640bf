// Package enginetest is the conformance suite every engine must pass: Run
// loads each real SavedModel fixture under ../shared/fixtures/savedmodels
// with the signature its expected_outputs*.json names, feeds the file's
// inputs and compares the outputs with the file's tolerance (exact for
// integers); it also runs each model from several goroutines at once,
// checks that bad inputs fail without breaking the model, and feeds the
// tf.Transform fixture's aligned raw/transformed sample as SparseTensors.
//
// An engine's own test calls Run(t, engine). Missing fixtures skip loudly
// (fail under SCORE_REQUIRE_FIXTURES=1), see internal/fixtures.
package enginetest
