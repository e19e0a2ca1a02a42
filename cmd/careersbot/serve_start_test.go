package main

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"

	"github.com/careersbot/careersbot/dialog"
)

// BenchmarkNewServer is what `careersbot serve` builds before it listens, on the
// embedded defaults and a fresh SQLite database each time: the LMI store and its place
// index, the engine (rules, templates, an understander), storage, channels. The
// embedded NLU is compiled once per process (dialog.DefaultNLU), so it is outside the
// loop: dialog's BenchmarkLoadNLU measures it. heap-bytes is what stays live.
func BenchmarkNewServer(b *testing.B) {
	ctx := context.Background()
	dialog.DefaultNLU()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func(dir string) *server {
		cfg, err := resolveServeConfig(serveFlags{dataDir: dir, addr: "127.0.0.1:0"}, func(string) string { return "" })
		if err != nil {
			b.Fatal(err)
		}
		cfg.LMI.SocVolume1 = "none"
		s, err := newServer(ctx, cfg, func(string) string { return "" }, log, io.Discard, serverTweaks{})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	b.ReportAllocs()
	for b.Loop() {
		start(b.TempDir()).closeStorage()
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := start(b.TempDir())
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "heap-bytes")
	s.closeStorage()
}
