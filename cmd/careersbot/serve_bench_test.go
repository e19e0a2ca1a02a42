package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/dialog"
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

func TestBenchCompareBare(t *testing.T) {
	var out, errb bytes.Buffer
	err := runBench(context.Background(), []string{"--engine", "echo", "--compare-bare", "--conversations", "3", "--messages", "5", "--duration", "60s", "--json"},
		strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	var r benchResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if r.Bare == nil || r.Bare.Messages != 15 || r.Bare.Errors != 0 || r.Messages != 15 {
		t.Fatalf("bare run missing or short: %s", out.String())
	}
	if want := r.PerSecond / r.Bare.PerSecond; r.BareRatio <= 0 || r.BareRatio != want {
		t.Errorf("ratio %v, want %v", r.BareRatio, want)
	}
}

func TestBenchIdleSockets(t *testing.T) {
	base := startService(t)
	var out, errb bytes.Buffer
	err := runBench(context.Background(), []string{"--addr", base, "--ws", "300", "--ws-hold", "10ms", "--json"}, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	var r idleResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if r.Opened != 300 || r.Refused != 0 || r.Failed != 0 || r.SourceAddrs != 253 || !strings.HasPrefix(r.Readyz, "200") {
		t.Errorf("%+v", r)
	}
}

func TestCheckReplyBody(t *testing.T) {
	good := `{"replies":[{"seq":12,"text":"hi","buttons":[],"cards":[],"charts":[],"sender":"bot"}],"state":"bot"}` + "\n"
	for _, tc := range []struct {
		name, body string
		full, ok   bool
	}{
		{"good, cheap", good, false, true},
		{"good, full", good, true, true},
		{"seq 0", `{"replies":[{"seq":0,"text":"hi"}],"state":"bot"}`, false, false},
		{"no replies", `{"replies":[],"state":"bot"}`, false, false},
		{"error body", `{"error":"internal error"}`, false, false},
		{"seq not a number", `{"replies":[{"seq":"7"}]}`, false, false},
		{"truncated after seq", `{"replies":[{"seq":7`, false, false},
		{"truncated, full", `{"replies":[{"seq":7,"text":"hi"`, true, false},
		{"seq 0, full", `{"replies":[{"seq":0}],"state":"bot"}`, true, false},
	} {
		if err := checkReplyBody([]byte(tc.body), tc.full); (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// BenchmarkBenchScriptRespond is the dialogue engine alone over what `careersbot bench`
// says, as the bench says it: 64 conversations, each starting at its own place in
// benchScript and carrying its state from turn to turn ("carried"), or every turn on a
// fresh state ("fresh", as dialog's BenchmarkRespond). The engine is the one
// `careersbot serve` builds (newServer), so the REST path's cost of a turn can be told
// from the service's.
func BenchmarkBenchScriptRespond(b *testing.B) {
	ctx := context.Background()
	cfg := defaultServeConfig()
	cfg.DataDir = b.TempDir()
	cfg.LMI.SocVolume1 = "none"
	if err := cfg.finish(); err != nil {
		b.Fatal(err)
	}
	s, err := newServer(ctx, cfg, func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard, serverTweaks{noRateLimits: true, noChannels: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.closeStorage()
	const convs = 64
	for i, text := range benchScript {
		b.Run(fmt.Sprintf("text%d", i), func(b *testing.B) {
			s.engine.Respond(ctx, dialog.State{}, dialog.Input{Text: text})
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				s.engine.Respond(ctx, dialog.State{}, dialog.Input{Text: text})
			}
		})
	}
	for _, carried := range []bool{true, false} {
		b.Run(map[bool]string{true: "carried", false: "fresh"}[carried], func(b *testing.B) {
			states := make([]dialog.State, convs)
			for _, text := range benchScript { // warm lazily built indexes
				s.engine.Respond(ctx, dialog.State{}, dialog.Input{Text: text})
			}
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				c, i := n%convs, n/convs
				st := dialog.State{}
				if carried {
					st = states[c]
				}
				_, next, err := s.engine.Respond(ctx, st, dialog.Input{Text: benchScript[(c+i)%len(benchScript)]})
				if err != nil {
					b.Fatal(err)
				}
				states[c] = next
			}
		})
	}
}
