package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/scorekit/score/shard"
)

const deployDir = "../../deploy/k8s"

// kustomization is the part of kustomize's file format the manifests use.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Labels     []struct {
		Pairs map[string]string `json:"pairs"`
	} `json:"labels"`
	Images []struct {
		Name, NewName, NewTag string
	} `json:"images"`
	Patches []struct {
		Path string `json:"path"`
	} `json:"patches"`
}

// objects is a decoded manifest stream.
type objects struct {
	configMaps map[string]*corev1.ConfigMap
	pvcs       map[string]*corev1.PersistentVolumeClaim
	cronJobs   []*batchv1.CronJob
	jobs       []*batchv1.Job
}

func splitDocs(data []byte) [][]byte {
	var out [][]byte
	for _, d := range bytes.Split(data, []byte("\n---")) {
		if len(bytes.TrimSpace(d)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// decodeStrict decodes every document by its kind, rejecting unknown fields.
func decodeStrict(t *testing.T, name string, data []byte) objects {
	t.Helper()
	o := objects{configMaps: map[string]*corev1.ConfigMap{}, pvcs: map[string]*corev1.PersistentVolumeClaim{}}
	for i, doc := range splitDocs(data) {
		var head struct{ Kind string }
		if err := yaml.Unmarshal(doc, &head); err != nil {
			t.Fatalf("%s doc %d: %v", name, i, err)
		}
		var err error
		switch head.Kind {
		case "ConfigMap":
			v := &corev1.ConfigMap{}
			err = yaml.UnmarshalStrict(doc, v)
			o.configMaps[v.Name] = v
		case "PersistentVolumeClaim":
			v := &corev1.PersistentVolumeClaim{}
			err = yaml.UnmarshalStrict(doc, v)
			o.pvcs[v.Name] = v
		case "CronJob":
			v := &batchv1.CronJob{}
			err = yaml.UnmarshalStrict(doc, v)
			o.cronJobs = append(o.cronJobs, v)
		case "Job":
			v := &batchv1.Job{}
			err = yaml.UnmarshalStrict(doc, v)
			o.jobs = append(o.jobs, v)
		case "Kustomization":
			err = yaml.UnmarshalStrict(doc, &kustomization{})
		default:
			t.Fatalf("%s doc %d: unexpected kind %q", name, i, head.Kind)
		}
		if err != nil {
			t.Fatalf("%s doc %d (%s): %v", name, i, head.Kind, err)
		}
	}
	return o
}

// TestDeployManifestsDecodeStrictly decodes every file under deploy/k8s,
// patches included.
func TestDeployManifestsDecodeStrictly(t *testing.T) {
	var n int
	err := filepath.Walk(deployDir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		decodeStrict(t, path, data)
		n++
		return nil
	})
	if err != nil || n < 9 {
		t.Fatalf("walked %d manifests: %v", n, err)
	}
}

// build runs `kubectl kustomize` on an overlay.
func build(t *testing.T, overlay string) objects {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		if os.Getenv("SCORE_REQUIRE_FIXTURES") == "1" {
			t.Fatal("kubectl not found; SCORE_REQUIRE_FIXTURES=1 makes this a failure")
		}
		t.Skip("kubectl not found: install kubectl to build the kustomize overlays")
	}
	out, err := exec.Command(kubectl, "kustomize", filepath.Join(deployDir, "overlays", overlay)).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", overlay, err, out)
	}
	return decodeStrict(t, overlay, out)
}

func TestDeployOverlaysWiring(t *testing.T) {
	for _, overlay := range []string{"cpu", "gpu"} {
		t.Run(overlay, func(t *testing.T) {
			o := build(t, overlay)
			if len(o.cronJobs) != 1 || len(o.jobs) != 1 {
				t.Fatalf("%d CronJobs, %d Jobs; want 1 and 1", len(o.cronJobs), len(o.jobs))
			}
			cj := o.cronJobs[0]
			if cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent {
				t.Errorf("CronJob concurrencyPolicy %q, want Forbid", cj.Spec.ConcurrencyPolicy)
			}
			checkJobSpec(t, overlay, o, &cj.Spec.JobTemplate.Spec, 1)
			j := o.jobs[0]
			if j.Spec.CompletionMode == nil || *j.Spec.CompletionMode != batchv1.IndexedCompletion {
				t.Fatal("Job is not Indexed")
			}
			if *j.Spec.Parallelism > *j.Spec.Completions || j.Spec.BackoffLimitPerIndex == nil {
				t.Errorf("Job parallelism %d, completions %d, backoffLimitPerIndex %v", *j.Spec.Parallelism, *j.Spec.Completions, j.Spec.BackoffLimitPerIndex)
			}
			checkJobSpec(t, overlay, o, &j.Spec, int(*j.Spec.Completions))
		})
	}
}

// checkJobSpec checks one pod template against score's CLI: image, flags,
// environment, the ConfigMap key read by --config, volumes, exit codes.
func checkJobSpec(t *testing.T, overlay string, o objects, js *batchv1.JobSpec, shards int) {
	t.Helper()
	pod := js.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q, want Never (podFailurePolicy needs it)", pod.RestartPolicy)
	}
	if len(pod.Containers) != 1 || pod.Containers[0].Name != "score" {
		t.Fatalf("want one container named score, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	if want := "ghcr.io/scorekit/score:" + overlay; c.Image != want {
		t.Errorf("image %q, want %q", c.Image, want)
	}

	// The arguments must parse with score's own flags.
	j := &job{}
	fs := pflag.NewFlagSet("score", pflag.ContinueOnError)
	bindRunFlags(fs, j)
	var configPath string
	fs.StringVar(&configPath, "config", "", "")
	if err := fs.Parse(c.Args); err != nil || fs.NArg() != 0 {
		t.Fatalf("args %q: %v (%d positional)", c.Args, err, fs.NArg())
	}

	// --config must be a key of a mounted ConfigMap.
	var data string
	for _, m := range c.VolumeMounts {
		for _, v := range pod.Volumes {
			if v.Name != m.Name || v.ConfigMap == nil {
				continue
			}
			for _, item := range v.ConfigMap.Items {
				if filepath.Join(m.MountPath, item.Path) == configPath {
					cm := o.configMaps[v.ConfigMap.Name]
					if cm == nil {
						t.Fatalf("volume %s names ConfigMap %s, not in the manifests", v.Name, v.ConfigMap.Name)
					}
					var ok bool
					if data, ok = cm.Data[item.Key]; !ok {
						t.Fatalf("ConfigMap %s has no key %s", cm.Name, item.Key)
					}
				}
			}
		}
		for _, v := range pod.Volumes {
			if v.Name == m.Name && v.PersistentVolumeClaim != nil && o.pvcs[v.PersistentVolumeClaim.ClaimName] == nil {
				t.Errorf("volume %s names PVC %s, not in the manifests", v.Name, v.PersistentVolumeClaim.ClaimName)
			}
		}
	}
	if data == "" {
		t.Fatalf("--config %q is not a mounted ConfigMap key", configPath)
	}

	// Config and environment as score reads them: every SCORE_* variable
	// names a flag, the config has only known keys, and the job checks.
	env := map[string]string{"JOB_COMPLETION_INDEX": strconv.Itoa(shards - 1)}
	for _, e := range c.Env {
		name, ok := strings.CutPrefix(e.Name, "SCORE_")
		if !ok || fs.Lookup(strings.ToLower(strings.ReplaceAll(name, "_", "-"))) == nil {
			t.Errorf("env %s names no score flag", e.Name)
		}
		env[e.Name] = e.Value
	}
	cfg := filepath.Join(t.TempDir(), "job.yaml")
	os.WriteFile(cfg, []byte(data), 0o644)
	if err := applySources(fs, cfg, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("config and env: %v", err)
	}
	if err := checkJob(j); err != nil {
		t.Fatalf("job from the manifests: %v", err)
	}
	if !isDatasetOut(j.Out) {
		t.Errorf("out %q is not a dataset directory", j.Out)
	}
	sp, err := shard.Resolve(j.Shard, j.Shards, env["JOB_COMPLETION_INDEX"])
	if err != nil || sp.Count != shards {
		t.Errorf("shards from args %v and completions %d: %v, %v", c.Args, shards, sp, err)
	}
	if grace := pod.TerminationGracePeriodSeconds; grace == nil || j.GracePeriod <= 0 || j.GracePeriod >= time.Duration(*grace)*time.Second {
		t.Errorf("--grace-period %v must be below terminationGracePeriodSeconds %v", j.GracePeriod, grace)
	}
	if j.MetricsPush == "" {
		t.Error("no metrics_push for an unattended run")
	}

	// Exit codes in podFailurePolicy are score's.
	codes := map[batchv1.PodFailurePolicyAction][]int32{}
	for _, r := range js.PodFailurePolicy.Rules {
		if r.OnExitCodes != nil && (r.OnExitCodes.ContainerName == nil || *r.OnExitCodes.ContainerName == c.Name) {
			codes[r.Action] = append(codes[r.Action], r.OnExitCodes.Values...)
		}
	}
	if !slices.Contains(codes[batchv1.PodFailurePolicyActionFailJob], exitUsage) || !slices.Contains(codes[batchv1.PodFailurePolicyActionIgnore], exitInterrupted) {
		t.Errorf("podFailurePolicy %v: want FailJob on %d and Ignore on %d", codes, exitUsage, exitInterrupted)
	}

	gpu := c.Resources.Limits[corev1.ResourceName("nvidia.com/gpu")]
	switch overlay {
	case "gpu":
		if gpu.Value() != 1 || j.Engine != "tensorflow" || j.Device != "gpu" {
			t.Errorf("gpu overlay: nvidia.com/gpu %v, engine %q, device %q", gpu.String(), j.Engine, j.Device)
		}
	case "cpu":
		if !gpu.IsZero() || j.Engine != "native" {
			t.Errorf("cpu overlay: nvidia.com/gpu %v, engine %q", gpu.String(), j.Engine)
		}
	}
}
