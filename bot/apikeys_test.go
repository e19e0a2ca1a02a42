package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRESTNeedsItsOwnAPIKey: without rest.open every REST request needs a live key,
// and one app's key never reads another app's conversation.
func TestRESTNeedsItsOwnAPIKey(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	tokA, keyA, err := h.store.CreateAPIKey(ctx, "app A")
	if err != nil {
		t.Fatal(err)
	}
	tokB, _, err := h.store.CreateAPIKey(ctx, "app B")
	if err != nil {
		t.Fatal(err)
	}
	tokRevoked, keyR, _ := h.store.CreateAPIKey(ctx, "old app")
	if err := h.store.RevokeAPIKey(ctx, keyR.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.store.RevokeAPIKey(ctx, "deadbeef"); !errors.Is(err, ErrNoAPIKey) {
		t.Errorf("revoke unknown key: %v", err)
	}
	srv := httptest.NewServer(mountOnly(h, HTTPOptions{APIKeys: h.store}))
	defer srv.Close()
	auth := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	c := post(t, srv, "c1", `{"text":"I am 15 and live in Leeds, what does an electrician do?"}`, auth(tokA))
	if c.status != 200 {
		t.Fatalf("app A posts: %d %s", c.status, c.body)
	}
	wrong := tokA[:len(tokA)-2] + "xx"
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"no key", nil, 401},
		{"wrong key", auth(wrong), 401},
		{"not a key", auth("hello"), 401},
		{"basic auth", map[string]string{"Authorization": "Basic YTpi"}, 401},
		{"revoked key", auth(tokRevoked), 401},
		{"another app's key", auth(tokB), 404},
	}
	for _, tc := range tests {
		c := do(t, "GET", srv.URL+"/v1/conversations/c1/events", "", tc.header)
		if c.status != tc.want {
			t.Errorf("%s: GET events = %d %s, want %d", tc.name, c.status, c.body, tc.want)
		}
		if strings.Contains(c.body, "Leeds") || strings.Contains(c.body, "electrician") {
			t.Errorf("%s: read the transcript: %s", tc.name, c.body)
		}
		if tc.want == 401 {
			if p := post(t, srv, "c1", `{"text":"hello"}`, tc.header); p.status != 401 {
				t.Errorf("%s: POST = %d, want 401", tc.name, p.status)
			}
		}
	}
	// App B's own "c1" is a different conversation; app A's transcript is untouched.
	if c := post(t, srv, "c1", `{"text":"hi"}`, auth(tokB)); c.status != 200 {
		t.Fatalf("app B posts: %d", c.status)
	}
	got := decode[EventsResponse](t, do(t, "GET", srv.URL+"/v1/conversations/c1/events", "", auth(tokA)))
	if len(got.Events) != 2 || !strings.Contains(got.Events[0].Text, "electrician") {
		t.Errorf("app A's transcript: %+v", got.Events)
	}
	if _, err := h.store.LastSeq(ctx, "rest:"+keyA.ID+"@c1"); err != nil {
		t.Errorf("app A's conversation is not scoped to its key: %v", err)
	}
	keys, err := h.store.APIKeys(ctx)
	if err != nil || len(keys) != 3 || keys[2].Active() || !keys[0].Active() {
		t.Errorf("APIKeys = %+v, %v", keys, err)
	}
}

func TestAPIKeysAreHashedAtRest(t *testing.T) {
	h := newHarness(t, Options{})
	tok, k, err := h.store.CreateAPIKey(context.Background(), "app")
	if err != nil {
		t.Fatal(err)
	}
	_, secret, ok := parseAPIToken(tok)
	if !ok || !strings.HasPrefix(tok, "cbk_"+k.ID+"_") {
		t.Fatalf("token %q", tok)
	}
	var n int
	if err := h.store.ReadDB().QueryRow(`SELECT COUNT(*) FROM api_keys WHERE hash LIKE '%'||?||'%' OR name LIKE '%'||?||'%'`, secret, secret).Scan(&n); err != nil || n != 0 {
		t.Errorf("secret stored in clear: %d %v", n, err)
	}
	if _, ok, _ := CheckAPIToken(context.Background(), h.store, tok); !ok {
		t.Error("the key does not check")
	}
}

func mountOnly(h *harness, ho HTTPOptions) *http.ServeMux {
	mux := http.NewServeMux()
	h.svc.Mount(mux, ho)
	return mux
}
