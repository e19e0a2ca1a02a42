package slack

import (
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/slack/slacktest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/bottest"
	"github.com/careersbot/careersbot/dialog"
)

const secret = "signing-secret"

func newAdapter(t *testing.T, srv *slacktest.Server, mod func(*Options)) *Adapter {
	t.Helper()
	o := Options{BotToken: "xoxb-test", AppToken: "xapp-test", SigningSecret: secret, APIURL: srv.APIURL(),
		PingInterval: 2 * time.Second, RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	a, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func run(t *testing.T, a *Adapter, h bot.Handler) {
	t.Helper()
	bottest.Run(t, a, h, 3*time.Second)
}

// started runs an adapter with the default test options against a new fake Slack,
// answering through a Replier; the fake closes after the adapter stops.
func started(t *testing.T) (*slacktest.Server, *bottest.Replier) {
	t.Helper()
	srv := slacktest.NewServer()
	t.Cleanup(srv.Close)
	a := newAdapter(t, srv, nil)
	h := bottest.NewReplier(a)
	run(t, a, h)
	return srv, h
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSocketModeConversationWithButton(t *testing.T) {
	srv, h := started(t)

	env := srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "what do &lt;nurses&gt; earn", "1700000001.000100"))
	posts, err := srv.WaitPosts(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitAck(waitCtx(t), env); err != nil {
		t.Fatal(err)
	}
	got := h.Messages()[0]
	if got.ID != "Ev1" || got.Conversation != "D1" || got.User != "U1" || got.Text != "what do <nurses> earn" || len(got.Raw) == 0 {
		t.Fatalf("inbound %+v", got)
	}
	p := posts[0]
	if p.Channel != "D1" || p.ThreadTS != "" || !strings.Contains(p.Text, "You said") {
		t.Fatalf("post %+v", p)
	}
	var blocks []map[string]any
	if err := json.Unmarshal(p.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	last := blocks[len(blocks)-1]
	if last["type"] != "actions" || !strings.Contains(string(p.Blocks), `"value":"handoff"`) {
		t.Fatalf("blocks %s", p.Blocks)
	}

	env2 := srv.PushInteractive(slacktest.BlockActions("U1", p, "handoff", "Talk to an adviser"))
	if _, err := srv.WaitPosts(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitAck(waitCtx(t), env2); err != nil {
		t.Fatal(err)
	}
	press := h.Messages()[1]
	if press.Button != "handoff" || press.Text != "Talk to an adviser" || press.Conversation != "D1" || press.User != "U1" {
		t.Fatalf("button press %+v", press)
	}

	srv.PushSlash("/careers", "D1", "U1", "adviser now")
	if _, err := srv.WaitPosts(waitCtx(t), 3); err != nil {
		t.Fatal(err)
	}
	if m := h.Messages()[2]; m.Command != "adviser" || m.Text != "now" {
		t.Fatalf("slash command %+v", m)
	}
}

func TestMentionThreads(t *testing.T) {
	srv, h := started(t)

	srv.PushEvent("Ev1", slacktest.AppMention("C1", "U2", "how do I become a vet?", "1700000002.000100", ""))
	posts, err := srv.WaitPosts(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].Channel != "C1" || posts[0].ThreadTS != "1700000002.000100" {
		t.Fatalf("reply not in thread: %+v", posts[0])
	}
	if m := h.Messages()[0]; m.Text != "how do I become a vet?" || m.Conversation != "C1/1700000002.000100" {
		t.Fatalf("mention %+v", m)
	}
	// A follow-up in that thread without a mention is answered; chatter elsewhere is not.
	srv.PushEvent("Ev2", slacktest.ThreadMessage("C1", "U3", "lunch?", "1700000003.000100", "1699999999.000100"))
	srv.PushEvent("Ev3", slacktest.ThreadMessage("C1", "U2", "and the pay?", "1700000004.000100", "1700000002.000100"))
	srv.PushEvent("Ev4", map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "bot_id": "B9", "text": "a bot", "ts": "1.0"})
	if _, err := srv.WaitPosts(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	got := h.Messages()
	if len(got) != 2 || got[1].Text != "and the pay?" || got[1].Conversation != "C1/1700000002.000100" {
		t.Fatalf("handled %+v", got)
	}
}

func TestDuplicateAndRefusedEnvelopes(t *testing.T) {
	srv, h := started(t)

	e1 := srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "hello", "1.1"))
	e2 := srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "hello", "1.1")) // same event again
	if err := srv.WaitAck(waitCtx(t), e2); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitAck(waitCtx(t), e1); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Posts()); n != 1 {
		t.Fatalf("answered %d times, want once", n)
	}

	h.Refuse(1)
	e3 := srv.PushEvent("Ev2", slacktest.DirectMessage("D1", "U1", "second", "1.2"))
	time.Sleep(150 * time.Millisecond)
	for _, ack := range srv.Acks() {
		if ack == e3 {
			t.Fatal("a refused envelope was acknowledged")
		}
	}
	if n := srv.Redeliver(); n != 1 {
		t.Fatalf("redelivered %d", n)
	}
	if err := srv.WaitAck(waitCtx(t), e3); err != nil {
		t.Fatal(err)
	}
	if got := h.Messages(); len(got) != 2 || got[1].Text != "second" {
		t.Fatalf("handled %+v", got)
	}
}

func TestSocketReconnects(t *testing.T) {
	srv, _ := started(t)
	if err := srv.WaitConnects(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	srv.Drop()
	if err := srv.WaitConnects(waitCtx(t), 2); err != nil {
		t.Fatal("no reconnect after a dropped connection:", err)
	}
	if err := srv.WaitOpen(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "after drop", "1.1"))
	if _, err := srv.WaitPosts(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	srv.Disconnect()
	if err := srv.WaitConnects(waitCtx(t), 3); err != nil {
		t.Fatal("no reconnect after a disconnect envelope:", err)
	}
	if err := srv.WaitOpen(waitCtx(t), 1); err != nil { // the refreshed connection closed
		t.Fatal(err)
	}
	srv.PushEvent("Ev2", slacktest.DirectMessage("D1", "U1", "after refresh", "1.2"))
	if _, err := srv.WaitPosts(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
}

func TestSendErrorClassification(t *testing.T) {
	tests := []struct {
		name  string
		f     slacktest.Failure
		retry bool
		after time.Duration
	}{
		{"429", slacktest.Failure{Code: 429, RetryAfter: 2}, true, 2 * time.Second},
		{"500", slacktest.Failure{Code: 500}, true, 0},
		{"503", slacktest.Failure{Code: 503}, true, 0},
		{"dropped", slacktest.Failure{Drop: true}, true, 0},
		{"ratelimited body", slacktest.Failure{SlackError: "ratelimited"}, true, 0},
		{"channel_not_found", slacktest.Failure{SlackError: "channel_not_found"}, false, 0},
		{"403", slacktest.Failure{Code: 403}, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := slacktest.NewServer()
			defer srv.Close()
			a := newAdapter(t, srv, nil)
			srv.Fail("chat.postMessage", tc.f)
			m := bot.Message{Conversation: "D1", Text: "hi"}
			err := a.Send(context.Background(), m)
			var se *bot.SendError
			if !errors.As(err, &se) || se.Retry != tc.retry || se.After != tc.after {
				t.Fatalf("err = %#v, want Retry %v After %v", err, tc.retry, tc.after)
			}
			if err := a.Send(context.Background(), m); err != nil {
				t.Fatalf("next attempt: %v", err)
			}
			if n := len(srv.Posts()); n != 1 {
				t.Fatalf("posted %d", n)
			}
		})
	}
}

func TestEventsAPIOverHTTP(t *testing.T) {
	srv := slacktest.NewServer()
	defer srv.Close()
	a := newAdapter(t, srv, func(o *Options) { o.AppToken = "" })
	h := bottest.NewReplier(a)
	mux := http.NewServeMux()
	a.Mount(mux)
	web := httptest.NewServer(mux)
	defer web.Close()
	events, interact := web.URL+"/slack/events", web.URL+"/slack/interactivity"

	do := func(req *http.Request) (int, string) {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	ev := slacktest.EventCallback("Ev1", slacktest.DirectMessage("D1", "U1", "hello", "1.1"))
	if code, _ := do(slacktest.SignedEvent(events, secret, ev)); code != 503 {
		t.Fatalf("before Run: %d", code)
	}
	run(t, a, h)

	if code, body := do(slacktest.SignedEvent(events, secret, slacktest.URLVerification("chal-123"))); code != 200 || body != "chal-123" {
		t.Fatalf("url_verification: %d %q", code, body)
	}
	bad := slacktest.SignedEvent(events, "wrong-secret", ev)
	stale := slacktest.SignedRequest(events, secret, "application/json", ev, time.Now().Add(-10*time.Minute))
	tampered := slacktest.SignedEvent(events, secret, ev)
	tampered.Header.Set("X-Slack-Signature", slacktest.Sign(secret, time.Now(), []byte(`{"other":1}`)))
	unsigned, _ := http.NewRequest("POST", events, strings.NewReader(string(ev)))
	for name, req := range map[string]*http.Request{"wrong secret": bad, "stale": stale, "tampered": tampered, "unsigned": unsigned} {
		if code, _ := do(req); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if len(h.Messages()) != 0 {
		t.Fatal("a rejected request reached the handler")
	}
	if code, _ := do(slacktest.SignedEvent(events, secret, ev)); code != 200 {
		t.Fatalf("event: %d", code)
	}
	retry := slacktest.SignedEvent(events, secret, ev)
	retry.Header.Set("X-Slack-Retry-Num", "1")
	if code, _ := do(retry); code != 200 {
		t.Fatalf("retried event: %d", code)
	}
	if got := h.Messages(); len(got) != 1 {
		t.Fatalf("handled %d, want 1 (retry deduplicated)", len(got))
	}
	h.Refuse(1)
	ev2 := slacktest.EventCallback("Ev2", slacktest.DirectMessage("D1", "U1", "again", "1.2"))
	if code, _ := do(slacktest.SignedEvent(events, secret, ev2)); code != 503 {
		t.Fatalf("refused event acknowledged: %d", code)
	}
	if code, _ := do(slacktest.SignedEvent(events, secret, ev2)); code != 200 {
		t.Fatalf("redelivered event: %d", code)
	}

	posts := srv.Posts()
	pressPayload := slacktest.BlockActions("U1", posts[0], "pay", "Pay")
	unsignedPress := slacktest.SignedInteraction(interact, "nope", pressPayload)
	if code, _ := do(unsignedPress); code != 401 {
		t.Fatalf("unsigned interaction: %d", code)
	}
	if code, _ := do(slacktest.SignedInteraction(interact, secret, pressPayload)); code != 200 {
		t.Fatalf("interaction: %d", code)
	}
	got := h.Messages()
	if len(got) != 3 || got[2].Button != "pay" || got[2].Text != "Pay" {
		t.Fatalf("handled %+v", got)
	}
}

func TestBlocks(t *testing.T) {
	m := bot.Message{Text: "Pay for <nurses> & more",
		Cards: []dialog.Card{{Title: "Nurse", Subtitle: "SOC 2231", Fields: []dialog.Field{{Label: "Median pay", Value: "£35,000 <a year>"}, {Label: "Hours", Value: "37"}},
			Footer: "ONS ASHE 2024"}},
		Charts:  []dialog.Chart{{Kind: "bar", AltText: "Nurses earn £35,000.", Source: "ONS ASHE 2024"}},
		Buttons: []dialog.Button{{Label: "Entry routes", Value: "entry"}}}
	msgs := Blocks(m)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	b, _ := json.Marshal(msgs[0].Blocks)
	s := string(b)
	for _, want := range []string{
		`{"type":"section","text":{"type":"plain_text","text":"Pay for \u003cnurses\u003e \u0026 more","emoji":false}}`,
		`{"type":"header","text":{"type":"plain_text","text":"Nurse","emoji":false}}`,
		`"text":"*Median pay*\n£35,000 \u0026lt;a year\u0026gt;","verbatim":true`,
		`{"type":"context","elements":[{"type":"plain_text","text":"ONS ASHE 2024","emoji":false}]}`,
		`"text":"Nurses earn £35,000.\nSource: ONS ASHE 2024"`,
		`"text":{"type":"plain_text","text":"Entry routes","emoji":false},"action_id":"btn_0","value":"entry"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %s in\n%s", want, s)
		}
	}
	if msgs[0].Fallback != m.Text {
		t.Errorf("fallback %q", msgs[0].Fallback)
	}
	if bs := Buttons(msgs[0].Blocks); len(bs) != 1 || bs[0].Value != "entry" {
		t.Errorf("Buttons %v", bs)
	}
	// Long text: sections of at most 3,000 characters, over 50 blocks split.
	long := bot.Message{Text: strings.Repeat("Careers advice matters. ", 8000)}
	msgs = Blocks(long)
	if len(msgs) != 2 {
		t.Fatalf("%d messages for %d characters", len(msgs), len(long.Text))
	}
	for _, mm := range msgs {
		if len(mm.Blocks) > maxBlocks {
			t.Fatalf("%d blocks", len(mm.Blocks))
		}
	}
}

func TestChartsAsImagesWithPublicURL(t *testing.T) {
	srv := slacktest.NewServer()
	defer srv.Close()
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	defer web.Close()
	a := newAdapter(t, srv, func(o *Options) { o.PublicURL = web.URL + "/" })
	a.Mount(mux)
	if !a.Capabilities().Charts {
		t.Fatal("charts not reported with a public URL")
	}
	m := bot.Message{Conversation: "D1", Text: "Pay compared",
		Charts: []dialog.Chart{{Kind: "bar", Title: "Median pay", Labels: []string{"Nurse", "Teacher"},
			Series: []dialog.Series{{Values: []float64{35000, 41000}}}, AltText: "Teachers earn more.", Source: "ONS ASHE 2024"}}}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var blocks []struct {
		Type     string `json:"type"`
		ImageURL string `json:"image_url"`
		AltText  string `json:"alt_text"`
		Elements []struct {
			Text string `json:"text"`
		} `json:"elements"`
	}
	json.Unmarshal(srv.Posts()[0].Blocks, &blocks)
	var url, source string
	for i, b := range blocks {
		if b.Type == "image" {
			url = b.ImageURL
			if b.AltText != "Teachers earn more." || i+1 >= len(blocks) {
				t.Fatalf("image block %+v", b)
			}
			source = blocks[i+1].Elements[0].Text
		}
	}
	if !strings.HasPrefix(url, web.URL+"/slack/charts/") || source != "Source: ONS ASHE 2024" {
		t.Fatalf("image %q source %q in %s", url, source, srv.Posts()[0].Blocks)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := png.Decode(resp.Body); err != nil || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("chart picture: %v %s", err, resp.Header.Get("Content-Type"))
	}
	resp2, err := http.Get(web.URL + "/slack/charts/0000.png")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 404 {
		t.Fatalf("unknown chart: %d", resp2.StatusCode)
	}
}

func TestSocketReconnectsWithoutPings(t *testing.T) {
	srv := slacktest.NewServer()
	srv.PingInterval = time.Hour // a silent peer
	defer srv.Close()
	a := newAdapter(t, srv, func(o *Options) { o.PingInterval = 200 * time.Millisecond })
	run(t, a, bottest.NewReplier(a))
	if err := srv.WaitConnects(waitCtx(t), 2); err != nil {
		t.Fatal("no reconnect when the server stopped sending PINGs:", err)
	}
}

func TestPartialSendResumes(t *testing.T) {
	srv := slacktest.NewServer()
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	m := bot.Message{Conversation: "D1", Seq: 7, Text: strings.Repeat("Careers advice matters. ", 8000)}
	if n := len(Blocks(m)); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	srv.Fail("chat.postMessage", slacktest.Failure{Skip: 1, Code: 500})
	var se *bot.SendError
	if err := a.Send(context.Background(), m); !errors.As(err, &se) || !se.Retry {
		t.Fatalf("first attempt: %v", err)
	}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	posts := srv.Posts()
	if len(posts) != 2 || string(posts[0].Blocks) == string(posts[1].Blocks) {
		t.Fatalf("%d posts, want the 2 parts once each", len(posts))
	}
}
