package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// responder is a small careers bot: it hands off when asked for an adviser or a
// person, cites a source for pay, and otherwise echoes.
type responder struct{}

func (responder) Respond(ctx context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error) {
	t := strings.ToLower(in.Text + " " + in.Button)
	st.Turns++
	switch {
	case strings.Contains(t, "adviser") || strings.Contains(t, "person") || in.Button == "handoff":
		return dialog.Reply{Intent: dialog.IntentHandoff, Handoff: true, Text: "I'll find you a careers adviser."}, st, nil
	case strings.Contains(t, "unsure about my manager"): // a tier-2 check-in
		return dialog.Reply{Intent: dialog.IntentUnknown, Review: true, CheckIn: dialog.SafeguardSexting, Text: "Before I answer, can I check: is someone pressuring you?"}, st, nil
	case strings.Contains(t, "electrician"):
		st.Profile.Region = "Yorkshire and The Humber"
		st.LastOccupationNames = []string{"Electricians and electrical fitters"}
		return dialog.Reply{Intent: dialog.IntentPay, Text: "Electricians earn about £35,000 a year (ONS ASHE 2025).", Sources: []string{"ashe2025p"}}, st, nil
	}
	return dialog.Reply{Intent: dialog.IntentUnknown, Text: "You said: " + in.Text}, st, nil
}

type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

type rig struct {
	t     testing.TB
	store *bot.SQLiteStorage
	svc   *bot.Service
	wc    *webchat.Adapter
	con   *console.Console
	srv   *httptest.Server
	clock *clock
}

const (
	annPass  = "ann-has-a-long-password"
	bobPass  = "bob-has-a-long-password"
	rootPass = "root-has-a-long-password"
)

// rigOption changes the console's or the web chat's options.
type rigOption func(*console.Options, *webchat.Options)

func newRig(t testing.TB, tls bool, opts ...rigOption) *rig {
	t.Helper()
	return newRigWith(t, tls, responder{}, opts...)
}

// newRigWith is newRig over another engine (the real one, for the review flags).
func newRigWith(t testing.TB, tls bool, engine bot.Responder, opts ...rigOption) *rig {
	t.Helper()
	ctx := context.Background()
	store, err := bot.OpenSQLiteStorage(ctx, filepath.Join(t.TempDir(), "careersbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, store: store, clock: &clock{}}
	r.clock.ns.Store(time.Now().UnixNano())
	r.svc = bot.New(store, engine, bot.Options{Check: dialog.CheckSafeguarding, RetryBase: 5 * time.Millisecond, PollEvery: 5 * time.Millisecond})
	for _, a := range []struct{ name, display, role, pass string }{
		{"ann", "Ann", bot.RoleAdviser, annPass}, {"bob", "Bob", bot.RoleAdviser, bobPass}, {"root", "Root", bot.RoleAdmin, rootPass},
		{"dan", "Dan", bot.RoleAdviser, "dan-has-a-long-password"},
	} {
		h, err := console.HashPassword(a.pass)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.AddAdviser(ctx, bot.Adviser{Name: a.name, Display: a.display, Role: a.role}, h); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.DisableAdviser(ctx, "dan"); err != nil {
		t.Fatal(err)
	}
	co := console.Options{Service: r.svc, Store: store, AdminToken: "api-token", Now: r.clock.Now,
		Idle: 30 * time.Minute, OfflineGrace: time.Hour}
	var wo webchat.Options
	for _, o := range opts {
		o(&co, &wo)
	}
	r.con, err = console.New(co)
	if err != nil {
		t.Fatal(err)
	}
	r.wc, err = webchat.New(wo, bot.VisibleHistory{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	r.svc.Register(r.wc)
	mux := http.NewServeMux()
	r.wc.Mount(mux)
	r.con.Mount(mux)
	r.svc.Mount(mux, bot.HTTPOptions{APIKeys: store})
	if tls {
		r.srv = httptest.NewTLSServer(mux)
	} else {
		r.srv = httptest.NewServer(mux)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { r.wc.Run(runCtx, r.svc); close(done) }()
	r.svc.Start()
	t.Cleanup(func() {
		r.srv.Close()
		stop()
		<-done
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		r.svc.Close(cctx)
		store.Close()
	})
	return r
}

// client is one browser-like API client with its own cookie jar.
type client struct {
	r    *rig
	http *http.Client
	csrf string
}

func (r *rig) client() *client {
	jar, _ := cookiejar.New(nil)
	hc := *r.srv.Client() // a copy: each client has its own cookies
	hc.Jar = jar
	return &client{r: r, http: &hc}
}

type resp struct {
	status int
	body   string
	header http.Header
}

func (c *client) do(method, path, body string, hdr ...string) resp {
	c.r.t.Helper()
	req, _ := http.NewRequest(method, c.r.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" && method != "GET" {
		req.Header.Set(console.CSRFHeader, c.csrf)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.r.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, string(b), res.Header}
}

func (c *client) login(name, pass string) resp {
	c.r.t.Helper()
	b, _ := json.Marshal(map[string]string{"name": name, "password": pass})
	res := c.do("POST", "/v1/adviser/login", string(b))
	if res.status == 200 {
		var me console.MeResponse
		json.Unmarshal([]byte(res.body), &me)
		c.csrf = me.CSRF
	}
	return res
}

func (r *rig) say(conv, text string) bot.Result {
	r.t.Helper()
	res, err := r.svc.Process(context.Background(), bot.Message{Channel: "test", Conversation: conv, Text: text})
	if err != nil {
		r.t.Fatal(err)
	}
	return res
}

// TestAuthorisationMatrix: every /v1/adviser route refuses a request without a
// session, with an expired session, with the wrong role and without the CSRF token.
func TestAuthorisationMatrix(t *testing.T) {
	r := newRig(t, false)
	r.say("q1", "can I talk to an adviser")
	r.say("q2", "can I talk to an adviser")
	r.say("private", "hello")                      // never on the desk: advisers may not read it
	r.say("flagged", "im unsure about my manager") // flagged for review: advisers may read it
	routes := []struct {
		method, path, body string
		adminOnly          bool
	}{
		{"GET", "/v1/adviser/me", "", false},
		{"GET", "/v1/adviser/queue", "", false},
		{"GET", "/v1/adviser/reviews", "", false},
		{"GET", "/v1/adviser/conversations/test:flagged", "", false},
		{"POST", "/v1/adviser/conversations/test:flagged/review", `{"text":"checked: safe"}`, false},
		{"GET", "/v1/adviser/advisers", "", false},
		{"GET", "/v1/adviser/canned", "", false},
		{"POST", "/v1/adviser/canned", `{"title":"Hi","text":"Hello there"}`, true},
		{"DELETE", "/v1/adviser/canned/1", "", true},
		{"POST", "/v1/adviser/presence", `{"status":"online"}`, false},
		{"GET", "/v1/adviser/conversations/test:q1", "", false},
		{"POST", "/v1/adviser/conversations/test:q1/note", `{"text":"first contact"}`, false},
		{"POST", "/v1/adviser/conversations/test:q1/claim", "", false},
		{"POST", "/v1/adviser/conversations/test:q1/reply", `{"text":"hello"}`, false},
		{"POST", "/v1/adviser/conversations/test:q1/transfer", `{"to":"bob"}`, false},
		{"POST", "/v1/adviser/conversations/test:q1/claim", "", false},
		{"POST", "/v1/adviser/conversations/test:q1/release", "", false},
		{"GET", "/v1/adviser/queue", "", false}, // q1 is with the bot now: claim a fresh one
		{"POST", "/v1/adviser/conversations/test:q2/claim", "", false},
		{"POST", "/v1/adviser/conversations/test:q2/resolve", `{"outcome":"advice_given"}`, false},
		{"POST", "/v1/adviser/logout", "", false},
	}
	anon := r.client()
	for _, rt := range routes {
		if got := anon.do(rt.method, rt.path, rt.body); got.status != 401 {
			t.Errorf("no session: %s %s = %d %s", rt.method, rt.path, got.status, got.body)
		}
		if got := anon.do(rt.method, rt.path, rt.body, "Cookie", console.SessionCookie+"=forged"); got.status != 401 {
			t.Errorf("forged session: %s %s = %d", rt.method, rt.path, got.status)
		}
		if got := anon.do(rt.method, rt.path, rt.body, "Authorization", "Bearer wrong"); got.status != 401 {
			t.Errorf("wrong API token: %s %s = %d", rt.method, rt.path, got.status)
		}
	}
	ann := r.client()
	if got := ann.login("ann", annPass); got.status != 200 {
		t.Fatalf("login: %d %s", got.status, got.body)
	}
	for _, rt := range routes {
		if rt.method == "GET" {
			continue
		}
		if got := ann.do(rt.method, rt.path, rt.body, console.CSRFHeader, ""); got.status != 403 {
			t.Errorf("missing CSRF: %s %s = %d %s", rt.method, rt.path, got.status, got.body)
		}
		if got := ann.do(rt.method, rt.path, rt.body, console.CSRFHeader, "not-the-token"); got.status != 403 {
			t.Errorf("wrong CSRF: %s %s = %d", rt.method, rt.path, got.status)
		}
		if rt.adminOnly {
			if got := ann.do(rt.method, rt.path, rt.body); got.status != 403 {
				t.Errorf("adviser on an admin route: %s %s = %d", rt.method, rt.path, got.status)
			}
		}
	}
	if got := ann.do("GET", "/v1/adviser/conversations/test:private", ""); got.status != 404 || strings.Contains(got.body, "hello") {
		t.Errorf("adviser reads a conversation not on the desk: %d %s", got.status, got.body)
	}
	// None of the refused requests changed anything.
	if evs, _ := r.store.EventsAfter(context.Background(), "test:q1", 0, 0); hasKind(evs, transcripts.KindNote) || r.svc.Queue()[0].State != bot.StateQueued {
		t.Errorf("a refused request changed the conversation: %v", evs)
	}
	// The same routes work with the session, the CSRF token and the right role.
	root := r.client()
	root.login("root", rootPass)
	for _, rt := range routes {
		c := ann
		if rt.adminOnly {
			c = root
		}
		if got := c.do(rt.method, rt.path, rt.body); got.status != 200 {
			t.Errorf("allowed: %s %s = %d %s", rt.method, rt.path, got.status, got.body)
		}
	}
	if got := root.do("GET", "/v1/adviser/conversations/test:private", ""); got.status != 200 {
		t.Errorf("admin reads any conversation: %d", got.status)
	}
	// Reviewed, the flagged conversation is off the list and closed to advisers again;
	// reviewing it twice is a conflict.
	bob := r.client()
	bob.login("bob", bobPass)
	if got := bob.do("GET", "/v1/adviser/reviews", ""); got.status != 200 || strings.Contains(got.body, "test:flagged") {
		t.Errorf("reviews after the review: %d %s", got.status, got.body)
	}
	if got := bob.do("GET", "/v1/adviser/conversations/test:flagged", ""); got.status != 404 {
		t.Errorf("adviser reads a reviewed conversation off the desk: %d", got.status)
	}
	if got := root.do("POST", "/v1/adviser/conversations/test:flagged/review", ""); got.status != 409 {
		t.Errorf("second review: %d %s", got.status, got.body)
	}
	// ann logged out at the end of the loop: her cookie no longer works.
	if got := ann.do("GET", "/v1/adviser/me", ""); got.status != 401 {
		t.Errorf("after logout: %d", got.status)
	}
	// Idle timeout.
	if got := ann.login("ann", annPass); got.status != 200 {
		t.Fatal(got.body)
	}
	r.clock.Add(31 * time.Minute)
	if got := ann.do("GET", "/v1/adviser/queue", ""); got.status != 401 || !strings.Contains(got.body, "expired") {
		t.Errorf("expired session: %d %s", got.status, got.body)
	}
	// Idle sessions are deleted (at the next login), not kept for ever.
	stale := r.client()
	stale.login("bob", bobPass)
	r.clock.Add(31 * time.Minute)
	r.client().login("root", rootPass)
	var n int
	r.store.ReadDB().QueryRow(`SELECT COUNT(*) FROM adviser_sessions WHERE adviser='bob'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d idle sessions of bob's kept", n)
	}
	// The API token acts as an admin.
	if got := anon.do("GET", "/v1/adviser/queue", "", "Authorization", "Bearer api-token"); got.status != 200 {
		t.Errorf("API token: %d", got.status)
	}
	// Disabled accounts and wrong passwords do not log in; attempts are limited.
	r.clock.Add(time.Hour) // a fresh login budget
	c := r.client()
	if got := c.login("dan", "dan-has-a-long-password"); got.status != 401 {
		t.Errorf("disabled account logged in: %d", got.status)
	}
	codes := []int{}
	for range 6 {
		codes = append(codes, c.login("bob", "guess-guess-guess").status)
	}
	if fmt.Sprint(codes) != "[401 401 401 401 429 429]" {
		t.Errorf("login attempts: %v, want 401s then 429 (limit 5 a minute, one used by dan)", codes)
	}
}

func hasKind(evs []transcripts.Event, kind string) bool {
	for _, e := range evs {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

func TestSessionCookieFlags(t *testing.T) {
	for _, tls := range []bool{false, true} {
		r := newRig(t, tls)
		got := r.client().login("ann", annPass)
		ck := ""
		for _, v := range got.header.Values("Set-Cookie") {
			if strings.HasPrefix(v, console.SessionCookie+"=") {
				ck = v
			}
		}
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") || strings.Contains(ck, "Secure") != tls {
			t.Errorf("tls=%v: cookie %q", tls, ck)
		}
		var n int
		value := strings.TrimPrefix(strings.Split(ck, ";")[0], console.SessionCookie+"=")
		r.store.ReadDB().QueryRow(`SELECT COUNT(*) FROM adviser_sessions WHERE id_hash = ? OR CAST(id_hash AS TEXT) = ?`, value, value).Scan(&n)
		if n != 0 {
			t.Errorf("session id stored in clear")
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := console.HashPassword("correct horse battery")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q %v", h, err)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		if ok, err := console.CheckPassword(h, tc.pw); ok != tc.want || err != nil {
			t.Errorf("CheckPassword(%q) = %v %v", tc.pw, ok, err)
		}
	}
	if _, err := console.HashPassword("short"); err == nil {
		t.Error("short password accepted")
	}
	if _, err := console.CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("a non-argon2id hash: no error")
	}
}

// sse reads server-sent events from the console stream.
type sse struct {
	body io.Closer
	ch   chan [2]string
}

func (c *client) stream(t testing.TB) *sse {
	req, _ := http.NewRequest("GET", c.r.srv.URL+"/v1/adviser/stream", nil)
	res, err := c.http.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("stream: %v %v", err, res)
	}
	s := &sse{body: res.Body, ch: make(chan [2]string, 1024)}
	go func() {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		var kind string
		for sc.Scan() {
			line := sc.Text()
			if k, ok := strings.CutPrefix(line, "event: "); ok {
				kind = k
			} else if d, ok := strings.CutPrefix(line, "data: "); ok {
				s.ch <- [2]string{kind, d}
			}
		}
		close(s.ch)
	}()
	t.Cleanup(func() { res.Body.Close() })
	return s
}

func (s *sse) until(t testing.TB, what string, ok func(kind, data string) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev, open := <-s.ch:
			if !open {
				t.Fatalf("stream closed waiting for %s", what)
			}
			if ok(ev[0], ev[1]) {
				return
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestWebchatUserWithConsoleAdviser: a young person on the web chat (WebSocket) and an
// adviser on the console API (REST + server-sent events), end to end: the queue
// updates live, two advisers claim and one wins, messages go both ways, notes stay
// private, resolve hands back to the bot.
func TestWebchatUserWithConsoleAdviser(t *testing.T) {
	r := newRig(t, false)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ann, bob := r.client(), r.client()
	ann.login("ann", annPass)
	bob.login("bob", bobPass)
	live := ann.stream(t)
	live.until(t, "the first queue", func(k, d string) bool { return k == "queue" })

	yp := &webchattest.Session{URL: webchattest.WSURL(r.srv.URL), Conversation: "young-person-1", Age: 15}
	if err := yp.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer yp.Close()
	shown := func(what string, ok func(f webchattest.Frame) bool) {
		t.Helper()
		if err := yp.Read(ctx, ok); err != nil {
			t.Fatalf("young person waiting for %s: %v (shown %v)", what, err, yp.Shown())
		}
	}
	yp.Say(ctx, "m1", "how much do electricians earn", "")
	shown("the pay answer", func(f webchattest.Frame) bool { return strings.Contains(f.Text, "£35,000") })
	yp.Say(ctx, "m2", "can I talk to a person please", "")
	shown("the queue place", func(f webchattest.Frame) bool { return strings.Contains(f.Text, "number 1 in the queue") })
	key := "webchat:young-person-1"
	live.until(t, "the queue with the young person", func(k, d string) bool { return k == "queue" && strings.Contains(d, key) })

	// Both claim at once: one wins, the other is told who.
	var wg sync.WaitGroup
	results := make([]resp, 2)
	for i, c := range []*client{ann, bob} {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = c.do("POST", "/v1/adviser/conversations/"+key+"/claim", "") }()
	}
	wg.Wait()
	winner, loser := ann, bob
	if results[1].status == 200 {
		winner, loser = bob, ann
		results[0], results[1] = results[1], results[0]
	}
	winName := map[*client]string{ann: "ann", bob: "bob"}[winner]
	if results[0].status != 200 || results[1].status != 409 || !strings.Contains(results[1].body, `"claimed_by":"`+winName+`"`) {
		t.Fatalf("claims: %+v", results)
	}
	shown("the adviser's name", func(f webchattest.Frame) bool { return strings.Contains(f.Text, "You're now talking with") })

	// The profile card: age group, region, jobs, what the bot said with sources.
	var cv console.ConversationResponse
	json.Unmarshal([]byte(winner.do("GET", "/v1/adviser/conversations/"+key, "").body), &cv)
	if cv.Profile.Region != "Yorkshire and The Humber" || len(cv.Profile.Jobs) == 0 || len(cv.Profile.BotSaid) != 1 ||
		cv.Profile.BotSaid[0].Sources[0] != "ashe2025p" || cv.Profile.Trigger != bot.TriggerUser {
		t.Errorf("profile %+v", cv.Profile)
	}

	// Adviser -> young person, young person -> adviser (live on the stream).
	if got := winner.do("POST", "/v1/adviser/conversations/"+key+"/reply", `{"text":"Hi, I'm here to help with electrician routes."}`); got.status != 200 {
		t.Fatalf("reply: %d %s", got.status, got.body)
	}
	if got := loser.do("POST", "/v1/adviser/conversations/"+key+"/reply", `{"text":"me too"}`); got.status != 409 {
		t.Errorf("the loser replied: %d", got.status)
	}
	shown("the adviser's reply", func(f webchattest.Frame) bool {
		return f.Sender == "adviser" && strings.Contains(f.Text, "electrician routes")
	})
	winner.do("POST", "/v1/adviser/conversations/"+key+"/note", `{"text":"Keen on apprenticeships; follow up in June."}`)
	yp.Say(ctx, "m3", "thanks! what about apprenticeships?", "")
	live.until(t, "the young person's answer on the console", func(k, d string) bool {
		return k == "event" && strings.Contains(d, "what about apprenticeships") && strings.Contains(d, `"kind":"user"`)
	})
	if got := winner.do("POST", "/v1/adviser/conversations/"+key+"/resolve", `{"outcome":"nonsense"}`); got.status != 400 {
		t.Errorf("bad outcome: %d", got.status)
	}
	if got := winner.do("POST", "/v1/adviser/conversations/"+key+"/resolve", `{"outcome":"advice_given"}`); got.status != 200 {
		t.Fatalf("resolve: %d %s", got.status, got.body)
	}
	shown("the close", func(f webchattest.Frame) bool { return strings.Contains(f.Text, "closed this chat") })
	yp.Say(ctx, "m4", "how much do electricians earn", "")
	shown("the bot again", func(f webchattest.Frame) bool {
		return f.Sender == "bot" && f.Seq > 0 && strings.Contains(f.Text, "£35,000") && f.Text != "" && f.Seq > cv.Events[len(cv.Events)-1].Seq
	})

	// The young person never saw the note or the actions, and saw no bot reply while held.
	for _, f := range yp.Shown() {
		if strings.Contains(f.Text, "apprenticeships; follow up") || strings.Contains(f.Text, "claimed by") {
			t.Errorf("the young person saw %q", f.Text)
		}
	}
	evs, _ := r.store.EventsAfter(ctx, key, 0, 0)
	var acts []string
	held := false
	for _, e := range evs {
		if a, ok := bot.ActionOf(e); ok {
			acts = append(acts, a.Action+":"+a.Adviser)
			held = a.To == bot.StateWithAdviser || a.To == bot.StateQueued
		}
		if held && e.Kind == transcripts.KindBot {
			t.Errorf("bot answered while held: %q", e.Text)
		}
	}
	if got := strings.Join(acts, " "); got != "queued: claimed:"+winName+" resolved:"+winName {
		t.Errorf("actions %s", got)
	}
	if !hasKind(evs, transcripts.KindNote) {
		t.Error("the note is not in the transcript")
	}
}

// TestOpenAPIDocumentsTheAdviserAPI: every /v1/adviser route is in bot/openapi.json.
func TestOpenAPIDocumentsTheAdviserAPI(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(bot.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{"post /v1/adviser/login", "post /v1/adviser/logout", "get /v1/adviser/me", "get /v1/adviser/queue",
		"get /v1/adviser/reviews", "get /v1/adviser/stream", "post /v1/adviser/presence", "get /v1/adviser/advisers", "get /v1/adviser/canned", "post /v1/adviser/canned",
		"delete /v1/adviser/canned/{id}", "get /v1/adviser/conversations/{key}", "post /v1/adviser/conversations/{key}/{action}"} {
		method, path, _ := strings.Cut(route, " ")
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("openapi.json lacks %s", route)
		}
	}
}

// TestClosingTheConsoleGoesOffline: an open stream is "online"; when the adviser's
// last console closes, after the grace period they are offline and the conversation
// they held goes back to the queue. A reload within the grace keeps it.
func TestClosingTheConsoleGoesOffline(t *testing.T) {
	r := newRig(t, false, func(co *console.Options, _ *webchat.Options) { co.OfflineGrace = 300 * time.Millisecond })
	r.say("held", "can I talk to an adviser")
	ann := r.client()
	ann.login("ann", annPass)
	s := ann.stream(t)
	s.until(t, "the queue", func(k, d string) bool { return k == "queue" })
	if p := r.svc.Presence()["ann"]; p != bot.PresenceOnline {
		t.Fatalf("presence with the console open: %q", p)
	}
	if got := ann.do("POST", "/v1/adviser/conversations/test:held/claim", ""); got.status != 200 {
		t.Fatal(got.body)
	}
	// A reload: close and reopen within the grace.
	s.body.Close()
	s2 := ann.stream(t)
	s2.until(t, "the queue again", func(k, d string) bool { return k == "queue" })
	time.Sleep(500 * time.Millisecond)
	if c, _, _ := r.store.Conversation(context.Background(), "test:held"); c.State != bot.StateWithAdviser {
		t.Fatalf("a reload lost the hold: %s", c.State)
	}
	s2.body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _, _ := r.store.Conversation(context.Background(), "test:held")
		if c.State == bot.StateQueued && c.Handoff.Trigger == bot.TriggerAdviserOffline {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing the console: %+v", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, ok := r.svc.Presence()["ann"]; ok {
		t.Error("ann is still present")
	}
}

// TestStreamCarriesOnlyTheDesk: an adviser's live stream never carries a message of a
// conversation that is not on the desk; an admin's does.
func TestStreamCarriesOnlyTheDesk(t *testing.T) {
	r := newRig(t, false)
	ann, root := r.client(), r.client()
	ann.login("ann", annPass)
	root.login("root", rootPass)
	sa, sr := ann.stream(t), root.stream(t)
	for _, s := range []*sse{sa, sr} {
		s.until(t, "the queue", func(k, d string) bool { return k == "queue" })
	}
	r.say("private", "my private question about nursing")
	r.say("waiting", "can I talk to an adviser")
	var leaked []string
	sa.until(t, "the handoff", func(k, d string) bool {
		if strings.Contains(d, "private question") {
			leaked = append(leaked, d)
		}
		return k == "event" && strings.Contains(d, "test:waiting") && strings.Contains(d, `"kind":"action"`)
	})
	if len(leaked) > 0 {
		t.Errorf("the adviser's stream carried %q", leaked)
	}
	sr.until(t, "the private message on the admin's stream", func(k, d string) bool { return strings.Contains(d, "private question") })
}
