package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDeployFiles keeps deploy/ true to the code: every CAREERSBOT_* variable the files
// set is one serve reads, the Kubernetes configuration decodes strictly, the probes are
// on /readyz and /healthz, and Caddy balances over the compose file's three instances.
func TestDeployFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "deploy")
	known := map[string]bool{"CAREERSBOT_CONFIG": true}
	for _, e := range serveEnv {
		known[e.name] = true
	}
	envRe := regexp.MustCompile(`CAREERSBOT_[A-Z0-9_]+`)
	for _, f := range []string{"Dockerfile", "compose.yaml", "kubernetes.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range envRe.FindAllString(string(b), -1) {
			if !known[v] {
				t.Errorf("%s sets %s, which serve does not read", f, v)
			}
		}
	}

	b, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	var instances []string
	for name, s := range compose.Services {
		if s.Environment["CAREERSBOT_STORAGE"] == "postgres" && s.Environment["CAREERSBOT_BUS"] == "nats" {
			instances = append(instances, name)
		}
	}
	if len(instances) != 3 || compose.Services["postgres"].Image == "" || compose.Services["nats"].Image == "" || compose.Services["caddy"].Image == "" {
		t.Fatalf("compose.yaml: want postgres, nats, caddy and three careersbot instances on them, got instances %v", instances)
	}
	caddy, err := os.ReadFile(filepath.Join(dir, "Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range instances {
		if !strings.Contains(string(caddy), in+":8080") {
			t.Errorf("Caddyfile does not send to %s", in)
		}
	}
	if !strings.Contains(string(caddy), "health_uri /readyz") {
		t.Error("Caddyfile does not check /readyz")
	}

	k, err := os.ReadFile(filepath.Join(dir, "kubernetes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(k))
	probes := map[string]string{}
	checkedConfig := false
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("kubernetes.yaml: %v", err)
		}
		switch doc["kind"] {
		case "ConfigMap":
			data := doc["data"].(map[string]any)
			c := defaultServeConfig()
			if err := decodeServeConfig([]byte(data["careersbot.yaml"].(string)), "kubernetes.yaml careersbot.yaml", &c, channelNames()); err != nil {
				t.Fatal(err)
			}
			c.Storage.DSN = "postgres://from-the-secret/careersbot"
			if err := c.finish(); err != nil {
				t.Fatalf("kubernetes.yaml careersbot.yaml: %v", err)
			}
			checkedConfig = c.Storage.Driver == "postgres" && c.Bus.Driver == "nats"
		case "Deployment":
			spec := doc["spec"].(map[string]any)
			if spec["replicas"] != 3 {
				t.Errorf("Deployment replicas = %v, want 3", spec["replicas"])
			}
			pod := spec["template"].(map[string]any)["spec"].(map[string]any)
			ctr := pod["containers"].([]any)[0].(map[string]any)
			for _, p := range []string{"readinessProbe", "livenessProbe"} {
				if pr, ok := ctr[p].(map[string]any); ok {
					probes[p] = pr["httpGet"].(map[string]any)["path"].(string)
				}
			}
		}
	}
	if !checkedConfig {
		t.Error("kubernetes.yaml: no ConfigMap with a postgres and nats careersbot.yaml")
	}
	if probes["readinessProbe"] != "/readyz" || probes["livenessProbe"] != "/healthz" {
		t.Errorf("probes = %v, want readiness /readyz and liveness /healthz", probes)
	}
}
