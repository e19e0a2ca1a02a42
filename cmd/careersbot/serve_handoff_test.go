package main

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/careersbot/careersbot/bot"
)

func (p *serveProc) admin(t *testing.T, method, path, body string) string {
	t.Helper()
	req, _ := http.NewRequest(method, p.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer test-admin")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return string(b)
}

// TestServeKeepsQueueAndHoldAcrossSIGKILL: a conversation waiting in the queue and one
// held by an adviser are both where they were after a hard kill, and nothing the
// adviser sent is lost or sent twice.
func TestServeKeepsQueueAndHoldAcrossSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := buildCareersbot(t, t.TempDir())
	data := t.TempDir()
	p := startServe(t, bin, data, "CAREERSBOT_ADMIN_TOKEN=test-admin")
	if r := p.post(t, "waiting", "can I talk to a real person"); r.State != bot.StateQueued {
		t.Fatalf("waiting: %+v", r)
	}
	if r := p.post(t, "held", "I need to talk to an adviser"); r.State != bot.StateQueued {
		t.Fatalf("held: %+v", r)
	}
	p.admin(t, "POST", "/v1/admin/conversations/rest:held/join", `{"adviser":"ann"}`)
	p.admin(t, "POST", "/v1/admin/conversations/rest:held/messages", `{"text":"Hi, I'm Ann from the careers service"}`)

	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	p = startServe(t, bin, data, "CAREERSBOT_ADMIN_TOKEN=test-admin")

	r := p.post(t, "held", "thanks, are you still there?")
	if r.State != bot.StateWithAdviser {
		t.Errorf("the adviser's hold was lost: %+v", r)
	}
	for _, rep := range r.Replies {
		if rep.Sender == "bot" {
			t.Errorf("the bot answered while the adviser holds the conversation: %q", rep.Text)
		}
	}
	r = p.post(t, "waiting", "hello?")
	if r.State != bot.StateQueued || len(r.Replies) == 0 || !strings.Contains(r.Replies[0].Text, "number 1 in the queue") {
		t.Errorf("the queue was lost: %+v", r)
	}
	evs := p.events(t, "held")
	n := 0
	for _, e := range evs {
		if e.Kind == "adviser" && strings.Contains(e.Text, "Ann from the careers service") {
			n++
		}
		if e.Kind == "action" || e.Kind == "note" {
			t.Errorf("the young person's transcript shows an adviser action: %+v", e)
		}
	}
	if n != 1 {
		t.Errorf("the adviser's message is in the transcript %d times, want once", n)
	}
	all := p.admin(t, "GET", "/v1/admin/conversations/rest:held/events", "")
	if strings.Count(all, `"kind":"action"`) != 2 || !strings.Contains(all, "claimed by ann") {
		t.Errorf("admin transcript lacks the actions: %s", all)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
}
