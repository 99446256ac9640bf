package savedmodel

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// The fixtures' SOURCE.md files carry an inspection of each model decoded
// independently (Python protobuf classes, by the fixture author). These
// types hold what the tests compare against.
type srcModel struct {
	rel                   string
	tags                  []string
	tfVersion, git        string
	producer, minConsumer int32
	stripped              bool
	graphNodes, functions int
	sigs                  map[string]*srcSig
	vars                  map[string]string // key -> "dtype [shape]"
}

type srcSig struct {
	method string
	ins    []string // "key dtype shape <- name" normalised
	outs   []string
	ops    map[string]int
	funcs  int
}

var (
	reHeader  = regexp.MustCompile(`^##### (\S+)`)
	reMeta    = regexp.MustCompile(`^meta_graph tags=\[(.*?)\] tf_version='(.*?)' git='(.*?)' .*stripped_default_attrs=(\w+) versions=\{'producer': (\d+)(?:, 'min_consumer': (\d+))?`)
	reCounts  = regexp.MustCompile(`^\s+graph_nodes=(\d+) functions=(\d+)`)
	reSig     = regexp.MustCompile(`^\s+signature '(.*?)' method=(\S*)`)
	reTI      = regexp.MustCompile(`^\s+(in|out)\s+(\S+)\s+(\S+)\s+(<unknown rank>|\S+)\s*(?:\(coo_sparse values=(\S+) indices=(\S+) dense_shape=(\S+)\))?\s*(?:<-|->)\s*(\S*)$`)
	reOps     = regexp.MustCompile(`^\s+reachable ops \((\d+) funcs\): (.*)$`)
	reVar     = regexp.MustCompile(`^\s+var (\S+) (\S+) (\[.*\])$`)
	reOpCount = regexp.MustCompile(`^(\S+)×(\d+)$`)
)

func parseSourceMDs(t *testing.T) []*srcModel {
	t.Helper()
	root := fixtures.Path(t, "fixtures/savedmodels")
	files, _ := filepath.Glob(filepath.Join(root, "*", "SOURCE.md"))
	var out []*srcModel
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		var cur *srcModel
		var sig *srcSig
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if m := reHeader.FindStringSubmatch(line); m != nil {
				cur = &srcModel{rel: m[1], sigs: map[string]*srcSig{}, vars: map[string]string{}}
				out = append(out, cur)
				continue
			}
			if cur == nil {
				continue
			}
			if m := reMeta.FindStringSubmatch(line); m != nil {
				for _, tg := range strings.Split(m[1], ",") {
					cur.tags = append(cur.tags, strings.Trim(strings.TrimSpace(tg), "'"))
				}
				cur.tfVersion, cur.git, cur.stripped = m[2], m[3], m[4] == "True"
				p, _ := strconv.Atoi(m[5])
				mc, _ := strconv.Atoi(m[6])
				cur.producer, cur.minConsumer = int32(p), int32(mc)
			} else if m := reCounts.FindStringSubmatch(line); m != nil {
				cur.graphNodes, _ = strconv.Atoi(m[1])
				cur.functions, _ = strconv.Atoi(m[2])
			} else if m := reSig.FindStringSubmatch(line); m != nil {
				sig = &srcSig{method: m[2], ops: map[string]int{}}
				cur.sigs[m[1]] = sig
			} else if m := reTI.FindStringSubmatch(line); m != nil && sig != nil {
				s := normTI(m[2], m[3], m[4], m[5], m[6], m[7], m[8])
				if m[1] == "in" {
					sig.ins = append(sig.ins, s)
				} else {
					sig.outs = append(sig.outs, s)
				}
			} else if m := reOps.FindStringSubmatch(line); m != nil && sig != nil {
				sig.funcs, _ = strconv.Atoi(m[1])
				for _, item := range strings.Split(m[2], ", ") {
					if c := reOpCount.FindStringSubmatch(item); c != nil {
						sig.ops[c[1]], _ = strconv.Atoi(c[2])
					}
				}
			} else if m := reVar.FindStringSubmatch(line); m != nil {
				cur.vars[m[1]] = m[2] + " " + strings.ReplaceAll(m[3], " ", "")
			}
		}
		fh.Close()
	}
	if len(out) < 16 {
		t.Fatalf("parsed %d model inspections from SOURCE.md files, want >= 16", len(out))
	}
	return out
}

// normTI renders a signature tensor in one canonical text form shared by the
// SOURCE.md parser and the code under test: shapes "?" (absent) and
// "<unknown rank>" both mean unknown rank.
func normTI(key, dtype, shape, values, indices, dense, name string) string {
	if dtype == "INVALID" {
		dtype = "invalid"
	}
	if shape == "?" {
		shape = "<unknown rank>"
	}
	s := key + " " + dtype + " " + shape
	if values != "" {
		s += " sparse(" + values + "," + indices + "," + dense + ")"
	}
	return s + " " + name
}
