package native

import (
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
)

// maxCSEConst bounds the encoded size of a Const that common-subexpression
// elimination compares; larger ones are left alone.
const maxCSEConst = 4096

// eliminateCommon merges steps that compute the same value: stateless
// builtin ops of the same type, attrs and input slots (Const steps: the
// same value), without control dependencies. Readers of a dropped step's
// outputs, fetches included, read the kept step's instead. Sibling heads
// that each expand the same shared tensor thus come to read one tensor,
// which fuseSiblings can then exploit. Steps must be in topological order.
func eliminateCommon(steps []step, fetch []int) []step {
	alias := map[int]int{}
	slotOf := func(sl int) int {
		if a, ok := alias[sl]; ok {
			return a
		}
		return sl
	}
	seen := map[string]int{} // key -> new position
	newPos := make([]int, len(steps))
	out := steps[:0:0]
	for pos := range steps {
		st := steps[pos]
		st.in = append([]int(nil), st.in...)
		for j, sl := range st.in {
			st.in[j] = slotOf(sl)
		}
		for j, q := range st.after {
			st.after[j] = newPos[q]
		}
		if k, ok := cseKey(&st); ok {
			if q, dup := seen[k]; dup {
				for j := range st.nout {
					alias[st.out+j] = out[q].out + j
				}
				newPos[pos] = q
				continue
			}
			seen[k] = len(out)
		}
		newPos[pos] = len(out)
		out = append(out, st)
	}
	for i, sl := range fetch {
		fetch[i] = slotOf(sl)
	}
	return out
}

// cseKey identifies the value a step computes, or false when the step
// must not be merged (stateful, a call, control inputs, a large Const, an
// input-less op other than Const).
func cseKey(st *step) (string, bool) {
	if st.def == nil || st.def.Stateful || st.fn != "" || len(st.after) > 0 || st.fused != nil || st.def.Name == "Placeholder" {
		return "", false
	}
	if len(st.in) == 0 && st.constant == nil {
		// Input-less ops other than Const (resource handles) may take
		// their identity from the node's name.
		return "", false
	}
	if st.constant != nil {
		if v, ok := st.attrs["value"]; !ok || proto.Size(v) > maxCSEConst {
			return "", false
		}
	}
	ak, ok := attrKey(st.attrs)
	if !ok {
		return "", false
	}
	var sb strings.Builder
	sb.WriteString(st.def.Name)
	for _, sl := range st.in {
		sb.WriteByte(0)
		sb.WriteString(strconv.Itoa(sl))
	}
	sb.WriteByte(1)
	sb.WriteString(ak)
	return sb.String(), true
}
