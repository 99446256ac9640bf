// Command score scores text corpora with TensorFlow SavedModels. See the
// README for usage and exit codes.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
