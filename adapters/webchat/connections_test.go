package webchat_test

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/internal/syncbuf"
)

// TestConnectionLimitFromFileLimit: with an open-file limit of 24 and 12 files reserved,
// 12 sockets are allowed; from 90% (11) the log and Status say the limit is near, and the
// 13th upgrade is refused with 503 and a reason, logged, rather than accepted and lost.
func TestConnectionLimitFromFileLimit(t *testing.T) {
	tests := []struct {
		name                            string
		opts                            webchat.Options
		wantLimit, wantNear, wantRefuse int
	}{
		{"open-file limit", webchat.Options{FileLimit: 24, ReservedFiles: 12}, 12, 11, 13},
		{"reserve at most half", webchat.Options{FileLimit: 10, ReservedFiles: 512}, 5, 5, 6},
		{"MaxConnections lower", webchat.Options{FileLimit: 20000, MaxConnections: 3}, 3, 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncbuf.Buffer
			tt.opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			r := newRig(t, tt.opts)
			ctx := testCtx(t)
			if st := r.a.Status(); st.Limit != tt.wantLimit || st.NearLimit {
				t.Fatalf("Status before any socket: %+v, want limit %d, not near", st, tt.wantLimit)
			}
			for i := 1; i < tt.wantRefuse; i++ {
				dial(t, r)
				st := r.a.Status()
				if st.Connections != int64(i) || st.NearLimit != (i >= tt.wantNear) {
					t.Fatalf("after %d sockets: %+v (near from %d)", i, st, tt.wantNear)
				}
				if st.NearLimit && !strings.Contains(st.Warning, "web chat connections in use") {
					t.Errorf("near the limit without a warning: %+v", st)
				}
			}
			if !strings.Contains(logs.String(), "connections near the limit") {
				t.Errorf("no near-the-limit warning in the log:\n%s", logs.String())
			}
			_, resp, err := webchattest.Dial(ctx, r.ws, "")
			if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("socket %d: %v, %v; want 503", tt.wantRefuse, resp, err)
			}
			if resp.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			if st := r.a.Status(); st.Refused != 1 || st.Connections != int64(tt.wantRefuse-1) {
				t.Errorf("after the refusal: %+v", st)
			}
			if !strings.Contains(logs.String(), "connection limit reached") {
				t.Errorf("refusal not logged:\n%s", logs.String())
			}
		})
	}
}

// TestRefusalHasABody: a plain HTTP client sees why the upgrade was refused.
func TestRefusalHasABody(t *testing.T) {
	r := newRig(t, webchat.Options{MaxConnections: 1})
	dial(t, r)
	req, _ := http.NewRequest("GET", r.srv.URL+"/chat/ws", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "too many chat connections") {
		t.Errorf("got %s %q", resp.Status, b)
	}
}

// TestBadUpgrades: requests to the socket path that are not a WebSocket handshake get a
// status that says what is wrong.
func TestBadUpgrades(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"plain GET", map[string]string{}, http.StatusUpgradeRequired},
		{"version 8", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "8", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}, http.StatusUpgradeRequired},
		{"short key", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "c2hvcnQ="}, http.StatusBadRequest},
	}
	r := newRig(t, webchat.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", r.srv.URL+"/chat/ws", nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	// None of them counts as a connection.
	time.Sleep(10 * time.Millisecond)
	if n := r.a.Status().Connections; n != 0 {
		t.Errorf("%d connections counted", n)
	}
}
