package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
)

// TestRaiseOpenFileLimit lowers the soft limit, then checks that serve's start-up raises
// it back to the hard limit and logs old and new.
func TestRaiseOpenFileLimit(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("no RLIMIT_NOFILE: %v", err)
	}
	if lim.Max < 256 {
		t.Skipf("hard limit %d is too low to lower", lim.Max)
	}
	low := lim
	low.Cur = lim.Max - 100
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	cur, hard := raiseOpenFileLimit(slog.New(slog.NewTextHandler(&buf, nil)))
	if cur != lim.Max || hard != lim.Max {
		t.Errorf("raised to %d (hard %d), want %d", cur, hard, lim.Max)
	}
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	if lim.Cur != lim.Max {
		t.Errorf("soft limit %d after, want the hard %d", lim.Cur, lim.Max)
	}
	for _, want := range []string{"open file limit", "old=" + itoa(low.Cur), "new=" + itoa(lim.Max)} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, buf.String())
		}
	}
}

func itoa(n uint64) string { b, _ := json.Marshal(n); return string(b) }

// TestReadyzReportsWebchatConnections: /readyz carries the web chat's connections and
// limit, and says when the limit is near (webchat.max_connections 2 here).
func TestReadyzReportsWebchatConnections(t *testing.T) {
	s := testServer(t, context.Background(), func(cfg *serveConfig) { cfg.Webchat.MaxConnections = 2 })
	t.Cleanup(func() { s.store.Close() })
	srv := httptest.NewServer(s.mux)
	t.Cleanup(srv.Close)
	status := func() webchat.ConnectionStatus {
		t.Helper()
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Webchat *webchat.ConnectionStatus `json:"webchat"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body.Webchat == nil {
			t.Fatalf("readyz: %s, %+v, %v", resp.Status, body, err)
		}
		return *body.Webchat
	}
	if st := status(); st.Connections != 0 || st.Limit != 2 || st.NearLimit {
		t.Fatalf("no sockets: %+v", st)
	}
	ctx := context.Background()
	for range 2 {
		c, _, err := webchattest.Dial(ctx, webchattest.WSURL(srv.URL), "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Drop() })
	}
	if st := status(); st.Connections != 2 || !st.NearLimit || st.Warning == "" {
		t.Errorf("at the limit: %+v", st)
	}
	if _, resp, err := webchattest.Dial(ctx, webchattest.WSURL(srv.URL), ""); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("third socket: %v %v, want 503", resp, err)
	}
	if st := status(); st.Refused != 1 {
		t.Errorf("refusal not counted: %+v", st)
	}
}
