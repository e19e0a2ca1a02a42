package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestBenchInProcess(t *testing.T) {
	for _, engine := range []string{"echo", "real"} {
		var out, errb bytes.Buffer
		err := runBench(context.Background(), []string{"--engine", engine, "--conversations", "4", "--messages", "6", "--duration", "60s", "--json"},
			strings.NewReader(""), &out, &errb)
		if err != nil {
			t.Fatalf("%s: %v\n%s", engine, err, errb.String())
		}
		var r benchResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v\n%s", engine, err, out.String())
		}
		if r.Messages != 24 || r.Errors != 0 || r.PerSecond <= 0 || r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 || r.CPUPerMessage <= 0 {
			t.Errorf("%s: %+v", engine, r)
		}
	}
}

func TestBenchRefusesOtherHosts(t *testing.T) {
	var ue usageError
	for _, addr := range []string{"http://10.0.0.1:8080", "http://example.org", "ftp://127.0.0.1", "http://192.168.1.2:80"} {
		err := runBench(context.Background(), []string{"--addr", addr}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if !errors.As(err, &ue) {
			t.Errorf("--addr %s: %v", addr, err)
		}
	}
	if err := checkLoopback("http://127.0.0.2:9000"); err != nil {
		t.Error(err)
	}
	if err := checkLoopback("http://[::1]:9000"); err != nil {
		t.Error(err)
	}
}
