package tensorflow

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, ...
	args string
}

// parseDockerfile is a small reader of Dockerfile syntax: comments,
// backslash continuations and "INSTRUCTION args" lines.
func parseDockerfile(t *testing.T, name string) []instruction {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", name))
	if err != nil {
		t.Fatalf("read deploy/%s: %v", name, err)
	}
	var out []instruction
	var cur string
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur += strings.TrimSuffix(trimmed, "\\") + " "
			continue
		}
		cur += trimmed
		cmd, args, _ := strings.Cut(cur, " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur = ""
	}
	if cur != "" {
		t.Fatalf("deploy/%s ends inside a continued line", name)
	}
	known := "FROM RUN COPY ADD ARG ENV USER ENTRYPOINT WORKDIR CMD LABEL EXPOSE"
	for _, in := range out {
		if !strings.Contains(known, in.cmd) {
			t.Errorf("deploy/%s: unknown instruction %q", name, in.cmd)
		}
	}
	return out
}

// finalStage returns the instructions after the last FROM.
func finalStage(ins []instruction) []instruction {
	last := 0
	for i, in := range ins {
		if in.cmd == "FROM" {
			last = i
		}
	}
	return ins[last:]
}

func find(ins []instruction, cmd string) []string {
	var out []string
	for _, in := range ins {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// checkBinary: the build stage writes /out/score with CGO_ENABLED=0 from
// ./cmd/score; the final stage copies it to the path ENTRYPOINT runs, as a
// non-root user.
func checkBinary(t *testing.T, name string, ins []instruction) {
	t.Helper()
	built := false
	for _, r := range find(ins, "RUN") {
		if strings.Contains(r, "CGO_ENABLED=0 go build") && strings.Contains(r, "-o /out/score ./cmd/score") {
			built = true
		}
	}
	if !built {
		t.Errorf("%s: no CGO_ENABLED=0 build of ./cmd/score to /out/score", name)
	}
	final := finalStage(ins)
	var dest string
	for _, c := range find(final, "COPY") {
		if f := strings.Fields(c); len(f) == 3 && f[1] == "/out/score" {
			dest = f[2]
		}
	}
	if dest == "" {
		t.Fatalf("%s: final stage does not copy /out/score", name)
	}
	ep := find(final, "ENTRYPOINT")
	if len(ep) != 1 || ep[0] != `["`+dest+`"]` {
		t.Errorf("%s: ENTRYPOINT %v, want [%q]", name, ep, dest)
	}
	users := find(final, "USER")
	if len(users) != 1 || strings.HasPrefix(users[0], "root") || strings.HasPrefix(users[0], "0") {
		t.Errorf("%s: final USER %v, want one non-root user", name, users)
	}
}

func TestDockerfileCPU(t *testing.T) {
	ins := parseDockerfile(t, "Dockerfile")
	checkBinary(t, "Dockerfile", ins)
	base := finalStage(ins)[0].args
	// purego makes the binary need ld.so and libc even with CGO_ENABLED=0.
	if strings.Contains(base, "static") || strings.Contains(base, "alpine") || strings.Contains(base, "scratch") {
		t.Errorf("Dockerfile runtime base %q has no glibc loader", base)
	}
}

// tfCUDA lists TensorFlow's tested build configurations (CUDA, cuDNN) for
// the versions the GPU image may pin.
var tfCUDA = map[string][2]string{
	"2.14": {"11.8", "8"},
	"2.15": {"12.2", "8"},
	"2.16": {"12.3", "8"},
	"2.17": {"12.3", "8"},
}

func TestDockerfileGPU(t *testing.T) {
	ins := parseDockerfile(t, "Dockerfile.gpu")
	checkBinary(t, "Dockerfile.gpu", ins)
	args := map[string]string{}
	for _, a := range find(ins, "ARG") {
		k, v, _ := strings.Cut(a, "=")
		if _, seen := args[k]; !seen || v != "" {
			args[k] = v
		}
	}
	tf := args["TF_VERSION"]
	if !regexp.MustCompile(`^2\.\d+\.\d+$`).MatchString(tf) {
		t.Fatalf("TF_VERSION %q is not a pinned 2.x.y version", tf)
	}
	minor := tf[:strings.LastIndex(tf, ".")]
	pair, ok := tfCUDA[minor]
	if !ok {
		t.Fatalf("TF %s has no known CUDA/cuDNN pair", tf)
	}
	cuda := args["CUDA_IMAGE"]
	if !strings.HasPrefix(cuda, "nvidia/cuda:"+pair[0]+".") || !strings.Contains(cuda, "-cudnn"+pair[1]+"-runtime-") {
		t.Errorf("CUDA_IMAGE %q does not match TF %s (CUDA %s, cuDNN %s)", cuda, tf, pair[0], pair[1])
	}
	if base := finalStage(ins)[0].args; base != "${CUDA_IMAGE}" {
		t.Errorf("final stage FROM %q, want ${CUDA_IMAGE}", base)
	}
	adds := find(ins, "ADD")
	if len(adds) != 1 || !strings.Contains(adds[0], "/libtensorflow-gpu-linux-x86_64-${TF_VERSION}.tar.gz") {
		t.Errorf("ADD %v, want the libtensorflow GPU tarball of ${TF_VERSION}", adds)
	}
	var env string
	for _, e := range find(finalStage(ins), "ENV") {
		for _, f := range strings.Fields(e) {
			if v, ok := strings.CutPrefix(f, EnvLibrary+"="); ok {
				env = v
			}
		}
	}
	copied := false
	for _, c := range find(finalStage(ins), "COPY") {
		if strings.Contains(c, "/opt/libtf/lib/ /usr/local/lib/") {
			copied = true
		}
	}
	if env != "/usr/local/lib/libtensorflow.so.2" || !copied {
		t.Errorf("%s=%q (copied lib/ to /usr/local/lib: %v), want /usr/local/lib/libtensorflow.so.2", EnvLibrary, env, copied)
	}
	if !strings.Contains(InstallHint, "libtensorflow-gpu-linux-x86_64-"+tf+".tar.gz") {
		t.Errorf("InstallHint names another tarball than the image's TF %s", tf)
	}
}
