package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/natsbus/natstest"
	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/careersbot/careersbot/transcripts"
)

// consoleUser is an adviser logged into one instance's console.
type consoleUser struct {
	name, cookie, csrf string
}

func consoleLogin(t *testing.T, base, name, password string) consoleUser {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"name": name, "password": password})
	r, err := http.Post(base+"/v1/adviser/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var me console.MeResponse
	if err := json.NewDecoder(r.Body).Decode(&me); err != nil || r.StatusCode != 200 {
		t.Fatalf("login %s at %s: %d %v", name, base, r.StatusCode, err)
	}
	for _, c := range r.Cookies() {
		if c.Name == console.SessionCookie {
			return consoleUser{name: name, cookie: c.Value, csrf: me.CSRF}
		}
	}
	t.Fatalf("login %s: no session cookie", name)
	return consoleUser{}
}

// do calls the console API at base as u; it returns the status and body.
func (u consoleUser) do(t *testing.T, method, base, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.AddCookie(&http.Cookie{Name: console.SessionCookie, Value: u.cookie})
	req.Header.Set(console.CSRFHeader, u.csrf)
	req.Header.Set("Content-Type", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, b
}

func (u consoleUser) act(t *testing.T, base, key, action string, body any) (int, []byte) {
	t.Helper()
	return u.do(t, "POST", base, "/v1/adviser/conversations/"+key+"/"+action, body)
}

// sse is a console's live stream, read on its own goroutine.
type sse struct {
	events chan [2]string // event name, data
	cancel func()
}

func (u consoleUser) stream(t *testing.T, base string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/adviser/stream", nil)
	req.AddCookie(&http.Cookie{Name: console.SessionCookie, Value: u.cookie})
	r, err := http.DefaultClient.Do(req)
	if err != nil || r.StatusCode != 200 {
		cancel()
		t.Fatalf("stream at %s: %v %v", base, r, err)
	}
	s := &sse{events: make(chan [2]string, 1024), cancel: cancel}
	go func() {
		defer r.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(r.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var name string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				name = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				s.events <- [2]string{name, v}
			}
		}
	}()
	t.Cleanup(cancel)
	return s
}

// until reads the stream until ok accepts an event (60 s at most).
func (s *sse) until(t *testing.T, what string, ok func(name, data string) bool) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev, open := <-s.events:
			if !open {
				t.Fatalf("the console stream ended before %s", what)
			}
			if ok(ev[0], ev[1]) {
				return
			}
		case <-timeout:
			t.Fatalf("the console stream never showed %s", what)
		}
	}
}

func queueHas(data, key, state string) bool {
	var q console.QueueResponse
	if json.Unmarshal([]byte(data), &q) != nil {
		return false
	}
	for _, e := range q.Queue {
		if e.Key == key && e.State == state {
			return true
		}
	}
	return false
}

// TestScaleOutHandoffAcrossInstances: two `careersbot serve` processes on one
// PostgreSQL and one NATS, with accounts made by `careersbot advisers add` in
// PostgreSQL. A young person on instance B's web chat asks for a person (B counts the
// adviser whose console is open on A as online);
// an adviser logged into instance A's console sees them queued live (SSE fed over
// NATS); advisers on A and on B claim at the same moment and exactly one wins, the
// other told who; the adviser on A replies and the young person gets it live on B;
// their answer reaches A's console. Then A is SIGKILLed while the adviser holds the
// conversation: the hold survives, the bot stays quiet, and the adviser, whose session
// is in PostgreSQL, carries on through B.
func TestScaleOutHandoffAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several serve processes; skipped with -short")
	}
	dsn := pgtest.DSN(t)
	nats := natstest.Start(t)
	dir := t.TempDir()
	bin := buildCareersbot(t, dir)
	c := newCluster(t, bin, dir, 2, scaleoutConfig(dsn, nats.URL()))
	// The accounts go into PostgreSQL through the CLI, before any instance runs.
	const password = "a-long-password-for-the-test"
	for _, a := range [][2]string{{"ann", "Ann Smith"}, {"bob", "Bob Jones"}} {
		cmd := exec.Command(bin, "advisers", "add", "--config", c.cfg, "--display", a[1], a[0])
		cmd.Stdin = strings.NewReader(password + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("advisers add %s: %v\n%s", a[0], err, out)
		}
	}
	c.mustStart(0)
	c.mustStart(1)
	instA, instB := c.base(0), c.base(1)
	for i := range 2 {
		b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("instance%d.log", i)))
		if bytes.Contains(b, []byte("SQLite only")) {
			t.Fatalf("instance %d warns that the handoff side is SQLite only:\n%s", i, b)
		}
	}
	ann := consoleLogin(t, instA, "ann", password)
	bob := consoleLogin(t, instB, "bob", password)
	annLive := ann.stream(t, instA)
	annLive.until(t, "the first queue", func(name, _ string) bool { return name == "queue" })

	// Ann's console is open on A; B counts her as online (presence shared in PostgreSQL).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, b := bob.do(t, "GET", instB, "/v1/adviser/queue", nil)
		var q console.QueueResponse
		if json.Unmarshal(b, &q) == nil && q.Presence["ann"] == bot.PresenceOnline {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B never counted ann (console open on A) as online: %s", b)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const tab = "handoffacrossinstances1"
	key := "webchat:" + tab
	yp := &webchattest.Session{URL: webchattest.WSURL(instB), Origin: instB, Conversation: tab, Age: 16}
	if err := yp.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer yp.Close()
	if err := yp.Say(ctx, "m1", "can I talk to a real person", ""); err != nil {
		t.Fatal(err)
	}
	var place string
	if err := yp.Read(ctx, func(f webchattest.Frame) bool {
		place = f.Text
		return f.Type == "message" && strings.Contains(f.Text, "in the queue")
	}); err != nil {
		t.Fatalf("the young person on B was not told their place: %v", err)
	}
	if strings.Contains(place, "No careers adviser is online") {
		t.Errorf("B told the young person no adviser is online while ann's console is open on A: %q", place)
	}
	annLive.until(t, "the young person from B queued on A's console", func(name, data string) bool {
		return name == "queue" && queueHas(data, key, bot.StateQueued)
	})

	// Ann on A and Bob on B claim at the same moment.
	var wg sync.WaitGroup
	var annCode, bobCode int
	var annBody, bobBody []byte
	start := make(chan struct{})
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-start
		annCode, annBody = ann.act(t, instA, key, "claim", map[string]string{})
	}()
	go func() {
		defer wg.Done()
		<-start
		bobCode, bobBody = bob.act(t, instB, key, "claim", map[string]string{})
	}()
	close(start)
	wg.Wait()
	lost := func(code int, body []byte, winner string) {
		t.Helper()
		var e struct {
			ClaimedBy string `json:"claimed_by"`
		}
		if code != http.StatusConflict || json.Unmarshal(body, &e) != nil || e.ClaimedBy != winner {
			t.Fatalf("the losing claim got %d %s, want 409 naming %s", code, body, winner)
		}
	}
	switch {
	case annCode == 200 && bobCode != 200:
		lost(bobCode, bobBody, "ann")
		t.Logf("claim race: ann on A won, bob on B was told")
	case bobCode == 200 && annCode != 200:
		lost(annCode, annBody, "bob")
		t.Logf("claim race: bob on B won, ann on A was told; bob transfers to ann")
		if code, b := bob.act(t, instB, key, "transfer", map[string]string{"to": "ann"}); code != 200 {
			t.Fatalf("transfer: %d %s", code, b)
		}
		if code, b := ann.act(t, instA, key, "claim", map[string]string{}); code != 200 {
			t.Fatalf("ann's claim after the transfer: %d %s", code, b)
		}
	default:
		t.Fatalf("claims: ann %d %s, bob %d %s: want exactly one winner", annCode, annBody, bobCode, bobBody)
	}

	// Ann on A replies; the young person on B gets it live.
	const hello = "Hi, I'm Ann, a careers adviser. What are you thinking of doing?"
	if code, b := ann.act(t, instA, key, "reply", map[string]string{"text": hello}); code != 200 {
		t.Fatalf("reply on A: %d %s", code, b)
	}
	if err := yp.Read(ctx, func(f webchattest.Frame) bool { return f.Type == "message" && f.Text == hello }); err != nil {
		t.Fatalf("the young person on B never got A's reply: %v", err)
	}
	// Their answer reaches Ann's console on A.
	const answer = "I'd like to be a paramedic"
	if err := yp.Say(ctx, "m2", answer, ""); err != nil {
		t.Fatal(err)
	}
	annLive.until(t, "the young person's answer", func(name, data string) bool {
		var ev console.EventView
		return name == "event" && json.Unmarshal([]byte(data), &ev) == nil && ev.Conversation == key &&
			ev.Kind == transcripts.KindUser && ev.Text == answer
	})

	// A dies while Ann holds the conversation.
	annLive.cancel()
	c.kill(0)
	if err := yp.Say(ctx, "m3", "are you still there?", ""); err != nil {
		t.Fatal(err)
	}
	if err := yp.Read(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" && f.ID == "m3" }); err != nil {
		t.Fatal(err)
	}
	// Her session is in PostgreSQL: she carries on through B without logging in again.
	code, b := ann.do(t, "GET", instB, "/v1/adviser/conversations/"+key, nil)
	if code != 200 || !bytes.Contains(b, []byte(`"state":"with_adviser"`)) || !bytes.Contains(b, []byte("are you still there?")) {
		t.Fatalf("B's view of the held conversation after A died: %d %s", code, tail(string(b), 600))
	}
	annOnB := ann.stream(t, instB)
	annOnB.until(t, "the hold on B's desk", func(name, data string) bool {
		return name == "queue" && queueHas(data, key, bot.StateWithAdviser)
	})
	const carryOn = "Still here. Paramedics train through a degree or an apprenticeship."
	if code, b := ann.act(t, instB, key, "reply", map[string]string{"text": carryOn}); code != 200 {
		t.Fatalf("reply through B: %d %s", code, b)
	}
	if err := yp.Read(ctx, func(f webchattest.Frame) bool { return f.Type == "message" && f.Text == carryOn }); err != nil {
		t.Fatalf("the young person never got the reply sent through B: %v", err)
	}
	if code, b := ann.act(t, instB, key, "resolve", map[string]string{"outcome": "advice_given"}); code != 200 {
		t.Fatalf("resolve through B: %d %s", code, b)
	}

	// The transcript: each adviser message once, numbering contiguous, the bot silent
	// from the handoff to the resolve, and the one claim that held it by Ann.
	st, err := pgstore.Open(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evs, err := st.EventsAfter(ctx, key, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var claims []string
	queued, resolved := false, false
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: numbering not contiguous", i, e.Seq)
		}
		count[e.Text]++
		if a, ok := bot.ActionOf(e); ok {
			switch a.Action {
			case bot.ActionQueued:
				queued = true
			case bot.ActionClaimed:
				claims = append(claims, a.Adviser)
			case bot.ActionResolved:
				resolved = true
			}
		}
		if queued && !resolved && e.Kind == transcripts.KindBot {
			t.Errorf("the bot answered while the conversation was with the advisers: %q", e.Text)
		}
	}
	if count[hello] != 1 || count[carryOn] != 1 || count[answer] != 1 || count["are you still there?"] != 1 {
		t.Errorf("messages stored %d/%d/%d/%d times, want once each", count[hello], count[carryOn], count[answer], count["are you still there?"])
	}
	if len(claims) == 0 || claims[len(claims)-1] != "ann" || len(claims) > 2 {
		t.Errorf("claims %v: want one winner (then ann after a transfer)", claims)
	}
	if n := yp.Duplicates(); n != 0 {
		t.Errorf("the web chat showed %d messages twice", n)
	}
}
