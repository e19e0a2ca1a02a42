package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
)

// testServer builds the real service (SQLite storage in a temporary directory, the real
// dialogue engine over the embedded LMI without SOC Volume 1, no rate limits and no
// channels from the environment) with the configuration tune changes, if any. Its
// storage closes when the test ends unless run takes it over (startService).
func testServer(t *testing.T, ctx context.Context, tune func(*serveConfig)) *server {
	t.Helper()
	cfg := defaultServeConfig()
	cfg.DataDir = t.TempDir()
	cfg.LMI.SocVolume1 = "none"
	if tune != nil {
		tune(&cfg)
	}
	if err := cfg.finish(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := newServer(ctx, cfg, func(string) string { return "" }, log, io.Discard, serverTweaks{noRateLimits: true, noChannels: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startService runs the real service (testServer) with the chat adapters given on a
// loopback port, as `careersbot serve` does, and returns its base URL. It stops when the
// test ends, and the test fails if it stopped with an error.
func startService(t *testing.T, adapters ...bot.Adapter) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := testServer(t, ctx, func(cfg *serveConfig) { cfg.Server.ShutdownTimeout = duration(3 * time.Second) })
	for _, a := range adapters {
		s.add(a)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		s.store.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
