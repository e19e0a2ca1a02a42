package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/careersbot/careersbot/transcripts"
)

func newServer(t testing.TB, opts Options, ho HTTPOptions) (*harness, *httptest.Server) {
	t.Helper()
	h := newHarness(t, opts)
	if ho.APIKeys == nil {
		ho.OpenREST = true // these tests are about the channel, not its keys (apikeys_test.go)
	}
	mux := http.NewServeMux()
	h.svc.Mount(mux, ho)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return h, srv
}

type call struct {
	status int
	body   string
	header http.Header
}

func do(t testing.TB, method, url, body string, header map[string]string) call {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return call{resp.StatusCode, string(b), resp.Header}
}

func post(t testing.TB, srv *httptest.Server, conv, body string, header map[string]string) call {
	return do(t, "POST", srv.URL+"/v1/conversations/"+conv+"/messages", body, header)
}

func decode[T any](t testing.TB, c call) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(c.body), &v); err != nil {
		t.Fatalf("decode %q: %v", c.body, err)
	}
	return v
}

func TestRESTOrderingUnderConcurrency(t *testing.T) {
	_, srv := newServer(t, Options{}, HTTPOptions{})
	const writers, each = 16, 12
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				c := post(t, srv, "busy", fmt.Sprintf(`{"text":"w%d-%d"}`, w, i), nil)
				if c.status != 200 {
					t.Errorf("status %d: %s", c.status, c.body)
					return
				}
				r := decode[MessageResponse](t, c)
				if len(r.Replies) != 1 || !strings.HasSuffix(r.Replies[0].Text, fmt.Sprintf("you said w%d-%d", w, i)) {
					t.Errorf("reply %+v", r)
				}
			}
		}()
	}
	wg.Wait()
	c := do(t, "GET", srv.URL+"/v1/conversations/busy/events?limit=1000", "", nil)
	evs := decode[EventsResponse](t, c).Events
	if len(evs) != 2*writers*each {
		t.Fatalf("%d events, want %d", len(evs), 2*writers*each)
	}
	seen := map[string]bool{}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
		if i%2 == 0 {
			if e.Kind != "user" || seen[e.Text] {
				t.Fatalf("event %d: %+v", i, e)
			}
			seen[e.Text] = true
			continue
		}
		// Each reply answers the message just before it, and turns count up: strictly in order.
		want := fmt.Sprintf("turn %d: you said %s", i/2+1, evs[i-1].Text)
		if e.Kind != "bot" || e.Text != want {
			t.Fatalf("event %d: %q, want %q", i, e.Text, want)
		}
	}
	c = do(t, "GET", srv.URL+"/v1/conversations/busy/events?after=380&limit=2", "", nil)
	if evs := decode[EventsResponse](t, c).Events; len(evs) != 2 || evs[0].Seq != 381 {
		t.Errorf("after/limit: %+v", evs)
	}
}

func TestRESTIdempotencyKey(t *testing.T) {
	h, srv := newServer(t, Options{}, HTTPOptions{})
	key := map[string]string{"Idempotency-Key": "k-1"}
	first := decode[MessageResponse](t, post(t, srv, "idem", `{"text":"what does an electrician do?"}`, key))
	second := decode[MessageResponse](t, post(t, srv, "idem", `{"text":"what does an electrician do?"}`, key))
	if first.Duplicate || !second.Duplicate || len(second.Replies) != 1 || second.Replies[0].Seq != first.Replies[0].Seq ||
		second.Replies[0].Text != first.Replies[0].Text || len(second.Replies[0].Buttons) != 1 {
		t.Errorf("first %+v second %+v", first, second)
	}
	if n := len(h.events("rest:idem")); n != 2 {
		t.Errorf("%d events, want 2", n)
	}
}

func TestRESTErrors(t *testing.T) {
	_, srv := newServer(t, Options{MaxMessageBytes: 100}, HTTPOptions{
		ConversationLimit: RateLimit{Rate: 0.001, Burst: 3},
	})
	tests := []struct {
		name, conv, body string
		header           map[string]string
		status           int
		errPart          string
	}{
		{"bad JSON", "e1", `{"text":`, nil, 400, "bad JSON"},
		{"not an object", "e2", `["hi"]`, nil, 400, "bad JSON"},
		{"unknown field", "e3", `{"txt":"hi"}`, nil, 400, "unknown field"},
		{"empty", "e4", `{"text":"  "}`, nil, 400, "empty"},
		{"binary", "e5", "{\"text\":\"\xff\xfe\x00\"}", nil, 400, "not UTF-8"},
		{"NUL escape", "e6", `{"text":"a\u0000b"}`, nil, 400, "not text"},
		{"too large text", "e7", `{"text":"` + strings.Repeat("a", 101) + `"}`, nil, 413, "too large"},
		{"too large body", "e8", `{"text":"` + strings.Repeat("a", 5000) + `"}`, nil, 413, "too large"},
		{"bad id", "a%20b", `{"text":"hi"}`, nil, 400, "conversation id"},
		{"bad age", "e9", `{"text":"hi","age":-3}`, nil, 400, "age"},
		{"wrong type", "e10", `text=hi`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 400, "bad JSON"},
		{"ok 1", "lim", `{"text":"hi"}`, nil, 200, ""},
		{"ok 2", "lim", `{"text":"hi"}`, nil, 200, ""},
		{"ok 3", "lim", `{"text":"hi"}`, nil, 200, ""},
		{"rate limited", "lim", `{"text":"hi"}`, nil, 429, "slow down"},
		{"other conversation fine", "lim2", `{"text":"hi"}`, nil, 200, ""},
	}
	for _, tc := range tests {
		c := post(t, srv, tc.conv, tc.body, tc.header)
		if c.status != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, c.status, tc.status, c.body)
			continue
		}
		if tc.errPart != "" {
			e := decode[apiError](t, c)
			if !strings.Contains(e.Error, tc.errPart) {
				t.Errorf("%s: error %q lacks %q", tc.name, e.Error, tc.errPart)
			}
		}
		if tc.status == 429 && c.header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", tc.name)
		}
	}
	if c := do(t, "GET", srv.URL+"/v1/conversations/nobody/events", "", nil); c.status != 404 {
		t.Errorf("unknown conversation events: %d", c.status)
	}
	if c := do(t, "GET", srv.URL+"/v1/conversations/lim/events?after=x", "", nil); c.status != 400 {
		t.Errorf("bad after: %d", c.status)
	}
}

func TestRESTPerIPRateLimit(t *testing.T) {
	_, srv := newServer(t, Options{}, HTTPOptions{IPLimit: RateLimit{Rate: 0.001, Burst: 2}})
	codes := []int{}
	for i := range 3 {
		codes = append(codes, post(t, srv, fmt.Sprint("ip", i), `{"text":"hi"}`, nil).status)
	}
	if fmt.Sprint(codes) != "[200 200 429]" {
		t.Errorf("codes %v", codes)
	}
}

func TestXSSIsEscaped(t *testing.T) {
	h, srv := newServer(t, Options{}, HTTPOptions{AdminToken: "s3cret"})
	payloads := []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `"><svg onload=alert(1)>`}
	for i, p := range payloads {
		body, _ := json.Marshal(MessageRequest{Text: p})
		c := post(t, srv, fmt.Sprint("x", i), string(body), nil)
		if c.status != 200 || strings.Contains(c.body, "<") || !strings.HasPrefix(c.header.Get("Content-Type"), "application/json") ||
			c.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("REST reply to %q: %d %q %v", p, c.status, c.body, c.header)
		}
		// The reply still carries the text, escaped for JSON.
		if r := decode[MessageResponse](t, c); !strings.Contains(r.Replies[0].Text, p) {
			t.Errorf("reply lost the text: %q", r.Replies[0].Text)
		}
		// An intent name is the only free text on the stats page; plant a hostile one.
		if _, err := h.store.Append(context.Background(), transcripts.Event{Conversation: "x", Channel: "x", Kind: "user", Text: p, Intent: p}); err != nil {
			t.Fatal(err)
		}
	}
	c := do(t, "GET", srv.URL+"/admin/stats", "", map[string]string{"Authorization": "Bearer s3cret"})
	if c.status != 200 || !strings.HasPrefix(c.header.Get("Content-Type"), "text/html") {
		t.Fatalf("stats page: %d %v", c.status, c.header)
	}
	for _, p := range payloads {
		if strings.Contains(c.body, p) {
			t.Errorf("stats page contains raw %q", p)
		}
	}
	if !strings.Contains(c.body, "&lt;script&gt;") {
		t.Error("stats page lacks the escaped intent")
	}
}

func TestAdminAuthAndStats(t *testing.T) {
	_, srv := newServer(t, Options{}, HTTPOptions{AdminToken: "s3cret"})
	post(t, srv, "a", `{"text":"what does an electrician do?"}`, nil)
	post(t, srv, "a", `{"text":"adviser please"}`, nil)
	tests := []struct {
		path   string
		header map[string]string
		status int
	}{
		{"/admin/stats", nil, 401},
		{"/admin/stats", map[string]string{"Authorization": "Bearer wrong"}, 401},
		{"/admin/stats", map[string]string{"Authorization": "Basic " + "dTpzM2NyZXQ="}, 200}, // u:s3cret
		{"/v1/admin/stats?since=2000-01-01", map[string]string{"Authorization": "Bearer s3cret"}, 200},
		{"/v1/admin/stats?since=yesterday", map[string]string{"Authorization": "Bearer s3cret"}, 400},
	}
	for _, tc := range tests {
		c := do(t, "GET", srv.URL+tc.path, "", tc.header)
		if c.status != tc.status {
			t.Errorf("%s: %d, want %d", tc.path, c.status, tc.status)
		}
		if tc.path == "/admin/stats" && c.status == 200 && (!strings.Contains(c.body, "Handed off: user</th><td class=\"n\">1") || !strings.Contains(c.body, "Wait for an adviser")) {
			t.Errorf("stats page lacks the advisers' KPIs: %s", c.body)
		}
		if tc.path == "/v1/admin/stats?since=2000-01-01" {
			st := decode[transcripts.Stats](t, c)
			if st.Conversations != 1 || st.Messages != 2 || st.HandedOff != 1 || st.Intents["describe"] != 1 {
				t.Errorf("stats %+v", st)
			}
		}
	}
	auth := map[string]string{"Authorization": "Bearer s3cret"}
	c := do(t, "POST", srv.URL+"/v1/admin/conversations/rest:a/messages", `{"text":"Hello, I'm an adviser"}`, auth)
	if r := decode[MessageResponse](t, c); c.status != 200 || r.State != StateWithAdviser || r.Replies[0].Sender != "adviser" {
		t.Errorf("adviser message: %d %s", c.status, c.body)
	}
	c = do(t, "GET", srv.URL+"/v1/conversations/a/events?after=4", "", nil)
	if evs := decode[EventsResponse](t, c).Events; len(evs) != 2 || evs[0].Kind != "system" || evs[1].Kind != "adviser" {
		t.Errorf("events after adviser message (the queue notice, the adviser; no actions): %s", c.body)
	}
	if c := do(t, "DELETE", srv.URL+"/v1/admin/conversations/rest:a", "", auth); c.status != 200 {
		t.Errorf("erase: %d", c.status)
	}
	c = do(t, "GET", srv.URL+"/v1/conversations/a/events", "", nil)
	if evs := decode[EventsResponse](t, c).Events; c.status != 200 || len(evs) != 0 {
		t.Errorf("after erase: %d %s", c.status, c.body)
	}

	_, off := newServer(t, Options{}, HTTPOptions{})
	if c := do(t, "GET", off.URL+"/admin/stats", "", nil); c.status != 404 {
		t.Errorf("admin without a token configured: %d", c.status)
	}
}

func TestCORSAndOps(t *testing.T) {
	_, srv := newServer(t, Options{}, HTTPOptions{AllowedOrigins: []string{"https://careers.example.org"},
		Ready: func(context.Context) error { return nil }})
	c := post(t, srv, "o", `{"text":"hi"}`, map[string]string{"Origin": "https://evil.example"})
	if c.status != 403 {
		t.Errorf("foreign origin: %d", c.status)
	}
	c = post(t, srv, "o", `{"text":"hi"}`, map[string]string{"Origin": "https://careers.example.org"})
	if c.status != 200 || c.header.Get("Access-Control-Allow-Origin") != "https://careers.example.org" {
		t.Errorf("allowed origin: %d %v", c.status, c.header)
	}
	c = do(t, "OPTIONS", srv.URL+"/v1/conversations/o/messages", "", map[string]string{"Origin": "https://careers.example.org"})
	if c.status != 204 || !strings.Contains(c.header.Get("Access-Control-Allow-Headers"), "Idempotency-Key") {
		t.Errorf("preflight: %d %v", c.status, c.header)
	}
	for path, want := range map[string]string{
		"/healthz":      `"ok"`,
		"/readyz":       `"ready"`,
		"/metrics":      "careersbot_messages_total",
		"/openapi.json": `"openapi": "3.0.3"`,
	} {
		c := do(t, "GET", srv.URL+path, "", nil)
		if c.status != 200 || !strings.Contains(c.body, want) {
			t.Errorf("%s: %d, lacks %q", path, c.status, want)
		}
	}
	c = do(t, "GET", srv.URL+"/metrics", "", nil)
	for _, m := range []string{"careersbot_message_duration_seconds_bucket", "careersbot_outbox_depth", "careersbot_handoffs_total", "careersbot_safeguarding_flags_total", "careersbot_active_conversations"} {
		if !strings.Contains(c.body, m) {
			t.Errorf("metrics lack %s", m)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil || doc["paths"] == nil {
		t.Errorf("openapi.json: %v", err)
	}
}

func BenchmarkRESTPost(b *testing.B) {
	_, srv := newServer(b, Options{}, HTTPOptions{})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n int64
	var mu sync.Mutex
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		n++
		conv := fmt.Sprint("b", n)
		mu.Unlock()
		url := srv.URL + "/v1/conversations/" + conv + "/messages"
		for pb.Next() {
			resp, err := client.Post(url, "application/json", bytes.NewReader([]byte(`{"text":"what does an electrician do?"}`)))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatal(resp.Status)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func TestOriginAllowed(t *testing.T) {
	allowed := []string{"https://careers.example.org", "*.schools.example"}
	tests := []struct {
		origin string
		want   bool
	}{
		{"https://careers.example.org", true},
		{"HTTPS://Careers.Example.org", true},
		{"http://careers.example.org", false},
		{"https://careers.example.org.evil.test", false},
		{"https://a.schools.example", true},
		{"https://schools.example", false},
		{"https://a.schools.example.evil.test", false},
		{"null", false},
	}
	for _, tc := range tests {
		if got := OriginAllowed(tc.origin, allowed); got != tc.want {
			t.Errorf("OriginAllowed(%q) = %v, want %v", tc.origin, got, tc.want)
		}
	}
	if !OriginAllowed("https://anything.test", []string{"*"}) {
		t.Error("* does not allow all")
	}
}
