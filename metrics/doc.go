// Package metrics writes Prometheus metrics of a finished (or interrupted)
// run in the text exposition format (version 0.0.4), to a file or pushed to
// a Pushgateway, for nightly jobs that nobody watches.
//
// Contract: a Set is built by one goroutine; metric and label names must
// match Prometheus' name rules (Add rejects others); label values are
// escaped. Push sends one HTTP PUT to <url>/metrics/job/<job>/instance/<instance>,
// replacing that group's metrics, and fails on any status other than 2xx.
package metrics
