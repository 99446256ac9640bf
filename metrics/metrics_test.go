package metrics

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	s := &Set{Const: map[string]string{"shard": "1"}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Add("docs_total", "Documents\nread.", Counter, nil, 12))
	must(s.Add("stage_seconds", "Per stage.", Counter, map[string]string{"stage": "read"}, 0.5))
	must(s.Add("stage_seconds", "", Counter, map[string]string{"stage": `a"b\c`}, math.Inf(1)))
	must(s.Add("ratio", "", Gauge, nil, math.NaN()))
	var b bytes.Buffer
	must(s.WriteText(&b))
	want := `# HELP docs_total Documents\nread.
# TYPE docs_total counter
docs_total{shard="1"} 12
# HELP stage_seconds Per stage.
# TYPE stage_seconds counter
stage_seconds{shard="1",stage="read"} 0.5
stage_seconds{shard="1",stage="a\"b\\c"} +Inf
# TYPE ratio gauge
ratio{shard="1"} NaN
`
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestAddRejectsBadNames(t *testing.T) {
	s := &Set{}
	for _, c := range []struct {
		name   string
		labels map[string]string
	}{
		{"1abc", nil}, {"a-b", nil}, {"", nil}, {"ok", map[string]string{"bad-label": "x"}}, {"ok", map[string]string{"__reserved": "x"}},
	} {
		if err := s.Add(c.name, "", Gauge, c.labels, 1); err == nil {
			t.Errorf("Add(%q, %v) accepted", c.name, c.labels)
		}
	}
	s.Add("x", "", Gauge, nil, 1)
	if err := s.Add("x", "", Counter, nil, 1); err == nil {
		t.Error("type change accepted")
	}
}

func TestPush(t *testing.T) {
	var got struct {
		method, path, ctype, body string
	}
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.ctype, got.body = r.Method, r.URL.EscapedPath(), r.Header.Get("Content-Type"), string(b)
		w.WriteHeader(status)
		io.WriteString(w, "gateway says no")
	}))
	defer srv.Close()
	s := &Set{}
	s.Add("docs_total", "", Counter, nil, 3)
	if err := s.Push(context.Background(), srv.Client(), srv.URL+"/", "nightly score", "7"); err != nil {
		t.Fatal(err)
	}
	if got.method != http.MethodPut || got.path != "/metrics/job/nightly%20score/instance/7" ||
		got.ctype != "text/plain; version=0.0.4; charset=utf-8" || got.body != "# TYPE docs_total counter\ndocs_total 3\n" {
		t.Fatalf("push: %+v", got)
	}
	status = http.StatusBadRequest
	err := s.Push(context.Background(), srv.Client(), srv.URL, "j", "")
	if err == nil || !strings.Contains(err.Error(), "gateway says no") {
		t.Fatalf("failed push: %v", err)
	}
	if got.path != "/metrics/job/j" {
		t.Fatalf("path without instance: %s", got.path)
	}
}
