package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/discord/discordtest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/bottest"
	"github.com/careersbot/careersbot/dialog"
)

const token = "discord-test-token"

func newAdapter(t *testing.T, srv *discordtest.Server) *Adapter {
	t.Helper()
	a, err := New(Options{Token: token, HTTPClient: srv.Client(), RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// start runs the adapter and waits for READY.
func start(t *testing.T, a *Adapter, h bot.Handler) {
	t.Helper()
	ended := bottest.Run(t, a, h, 5*time.Second)
	select {
	case <-a.Ready():
	case <-ended:
		t.Fatal("Run ended early")
	case <-time.After(3 * time.Second):
		t.Fatal("no READY")
	}
}

// started runs an adapter against a new fake Discord, answering through a Replier that
// refuses the first refuse messages, and waits for READY; the fake closes after the
// adapter stops.
func started(t *testing.T, refuse int) (*discordtest.Server, *bottest.Replier) {
	t.Helper()
	srv := discordtest.NewServer(token)
	t.Cleanup(srv.Close)
	a := newAdapter(t, srv)
	h := bottest.NewReplier(a).Refuse(refuse)
	start(t, a, h)
	return srv, h
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestConversationWithButtonAndSlashCommand(t *testing.T) {
	t.Parallel()
	srv, h := started(t, 0)

	if err := srv.Wait(waitCtx(t), "slash command", func() bool { return len(srv.Commands()) == 1 }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(srv.Commands()[0]), `"name":"careers"`) || !strings.Contains(string(srv.Commands()[0]), `"name":"question"`) {
		t.Fatalf("command %s", srv.Commands()[0])
	}
	if st := srv.Stats(); st.Intents&int(Intents) != int(Intents) || st.Identifies != 1 {
		t.Fatalf("identify %+v", st)
	}

	mid := srv.DirectMessage("dm1", "u1", "what does a *vet* earn?")
	sent, err := srv.WaitSent(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	got := h.Messages()[0]
	if got.ID != mid || got.Conversation != "dm1" || got.User != "u1" || got.Text != "what does a *vet* earn?" || len(got.Raw) == 0 {
		t.Fatalf("inbound %+v", got)
	}
	if sent[0].ChannelID != "dm1" || sent[0].Content != `You said: what does a \*vet\* earn?` {
		t.Fatalf("sent %+v", sent[0])
	}
	comps, _ := json.Marshal(sent[0].Payload["components"])
	if !strings.Contains(string(comps), `"custom_id":"handoff"`) || !strings.Contains(string(comps), `"label":"Talk to an adviser"`) {
		t.Fatalf("components %s", comps)
	}

	iid := srv.PressButton("u1", sent[0], "handoff")
	if _, err := srv.WaitSent(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	press := h.Messages()[1]
	if press.ID != iid || press.Button != "handoff" || press.Text != "Talk to an adviser" || press.Conversation != "dm1" {
		t.Fatalf("press %+v", press)
	}
	if err := srv.Wait(waitCtx(t), "callback", func() bool { return len(srv.Callbacks()) == 1 }); err != nil {
		t.Fatal(err)
	}
	if cb := srv.Callbacks()[0]; cb.InteractionID != iid || cb.Type != 6 {
		t.Fatalf("callback %+v, want deferred update (6)", cb)
	}

	srv.SlashCommand("c1", "u2", "how do I become a plumber")
	sent, err = srv.WaitSent(waitCtx(t), 3)
	if err != nil {
		t.Fatal(err)
	}
	slash := h.Messages()[2]
	if slash.Text != "how do I become a plumber" || slash.Conversation != "c1/u2" || slash.User != "u2" {
		t.Fatalf("slash %+v", slash)
	}
	if err := srv.Wait(waitCtx(t), "callback", func() bool { return len(srv.Callbacks()) == 2 }); err != nil {
		t.Fatal(err)
	}
	if cb := srv.Callbacks()[1]; cb.Type != 4 || !strings.Contains(cb.Data["content"].(string), "plumber") {
		t.Fatalf("slash callback %+v", cb)
	}
	if !strings.HasPrefix(sent[2].Content, "<@u2> ") || sent[2].ChannelID != "c1" {
		t.Fatalf("guild answer %+v", sent[2])
	}

	// Guild chatter without a mention is ignored; a mention is answered.
	srv.GuildMessage("c1", "u3", "lunch?", false)
	srv.GuildMessage("c1", "u3", "pay for nurses", true)
	if _, err := srv.WaitSent(waitCtx(t), 4); err != nil {
		t.Fatal(err)
	}
	if m := h.Messages()[3]; m.Text != "pay for nurses" || m.Conversation != "c1/u3" {
		t.Fatalf("mention %+v", m)
	}
}

func TestDuplicateAndCommands(t *testing.T) {
	t.Parallel()
	srv, h := started(t, 1) // the first offer is refused, then retried
	id := srv.DirectMessage("dm1", "u1", "hello")
	srv.Redispatch(id, "dm1", "u1", "hello")
	srv.DirectMessage("dm1", "u1", "/adviser please")
	if _, err := srv.WaitSent(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	got := h.Messages()
	if len(got) != 2 || got[1].Command != "adviser" || got[1].Text != "please" {
		t.Fatalf("handled %+v", got)
	}
	if n := len(srv.Sent()); n != 2 {
		t.Fatalf("answered %d, want 2", n)
	}
}

func TestGatewayResumeAndReconnect(t *testing.T) {
	t.Parallel()
	srv, h := started(t, 0)
	srv.DirectMessage("dm1", "u1", "one")
	if _, err := srv.WaitSent(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	srv.Drop()
	srv.DirectMessage("dm1", "u1", "sent while down") // replayed on resume
	if err := srv.Wait(waitCtx(t), "resume", func() bool { return srv.Stats().Resumes == 1 }); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitSent(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	srv.Reconnect() // op 7
	if err := srv.Wait(waitCtx(t), "second resume", func() bool { return srv.Stats().Resumes >= 2 && srv.Stats().Connected }); err != nil {
		t.Fatal(err)
	}
	srv.DirectMessage("dm1", "u1", "three")
	if _, err := srv.WaitSent(waitCtx(t), 3); err != nil {
		t.Fatal(err)
	}
	got := h.Messages()
	if len(got) != 3 || got[1].Text != "sent while down" || got[2].Text != "three" {
		t.Fatalf("handled %+v", got)
	}
	st := srv.Stats()
	if st.Identifies != 1 || st.Heartbeats == 0 {
		t.Fatalf("stats %+v: want one identify and heartbeats", st)
	}
}

func TestSendErrorClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fs    []discordtest.Failure
		retry bool
		after time.Duration
	}{
		{"429", []discordtest.Failure{{Code: 429, RetryAfter: 1.5}}, true, 1500 * time.Millisecond},
		{"500", []discordtest.Failure{{Code: 500}}, true, 0},
		{"502 twice", []discordtest.Failure{{Code: 502}, {Code: 502}}, true, 0},
		{"403", []discordtest.Failure{{Code: 403}}, false, 0},
		{"404", []discordtest.Failure{{Code: 404}}, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := discordtest.NewServer(token)
			defer srv.Close()
			a := newAdapter(t, srv)
			srv.Fail("messages", tc.fs...)
			m := bot.Message{Conversation: "dm1", Text: "hi"}
			err := a.Send(context.Background(), m)
			var se *bot.SendError
			if !errors.As(err, &se) || se.Retry != tc.retry || se.After != tc.after {
				t.Fatalf("err = %v (%#v), want Retry %v After %v", err, se, tc.retry, tc.after)
			}
			if err := a.Send(context.Background(), m); err != nil {
				t.Fatalf("next attempt: %v", err)
			}
			if n := len(srv.Sent()); n != 1 {
				t.Fatalf("sent %d", n)
			}
		})
	}
}

func TestLayoutCardsChartsSplitting(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv)
	long := strings.Repeat("Apprenticeships pay while you learn. ", 120) // ~4,400 characters
	m := bot.Message{Conversation: "dm1", Seq: 3, Text: long,
		Cards: []dialog.Card{{Title: "Nurse", Subtitle: "SOC 2231", Fields: []dialog.Field{{Label: "Median pay", Value: "£35,000"}}, Footer: "ONS ASHE 2024"}},
		Charts: []dialog.Chart{{Kind: "bar", Title: "Pay", Labels: []string{"Nurse"}, Series: []dialog.Series{{Values: []float64{35000}}},
			AltText: "Nurses earn about £35,000.", Source: "ONS ASHE 2024"}},
		Buttons: []dialog.Button{{Label: "More", Value: strings.Repeat("v", 150)}}}
	srv.Fail("messages", discordtest.Failure{Code: 500}) // first attempt fails at once
	if err := a.Send(context.Background(), m); err == nil {
		t.Fatal("want an error")
	}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent()
	if len(sent) != 4 {
		t.Fatalf("%d messages, want 3 text parts and the rich one", len(sent))
	}
	var text []string
	for _, s := range sent[:3] {
		if n := len([]rune(s.Content)); n > MaxText {
			t.Fatalf("part of %d characters", n)
		}
		text = append(text, s.Content)
	}
	if strings.Join(text, " ") != strings.TrimSpace(long) {
		t.Fatal("text changed in splitting")
	}
	rich := sent[3]
	pic, ok := rich.Files["chart-0.png"]
	if !ok {
		t.Fatalf("no chart attachment: %v", rich.Files)
	}
	if _, err := png.Decode(bytes.NewReader(pic)); err != nil {
		t.Fatal("attachment is not a PNG:", err)
	}
	b, _ := json.Marshal(rich.Payload)
	for _, want := range []string{`"title":"Nurse"`, `"name":"Median pay"`, `"value":"£35,000"`, `"text":"ONS ASHE 2024"`,
		`"url":"attachment://chart-0.png"`, `"text":"Source: ONS ASHE 2024"`, `"custom_id":"h:`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("missing %s in %s", want, b)
		}
	}
	// The hashed custom_id maps back to the long value.
	var p struct {
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	}
	json.Unmarshal(b, &p)
	if v := a.value(p.Components[0].Components[0].CustomID); v != strings.Repeat("v", 150) {
		t.Fatalf("custom_id maps to %q", v)
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(token)
	defer srv.Close()
	a, err := New(Options{Token: "wrong", HTTPClient: srv.Client(), RetryMin: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(waitCtx(t), bottest.NewReplier(a)); err == nil {
		t.Fatal("Run with a wrong token succeeded")
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain £42,000 (ONS, 2025)", "plain £42,000 (ONS, 2025)"},
		{"*bold* _it_ ~x~ `c` ||s||", `\*bold\* \_it\_ \~x\~ \` + "`c\\`" + ` \|\|s\|\|`},
		{"# Heading\n> quote [a](b)", `\# Heading` + "\n" + `\> quote \[a\](b)`},
		{`back\slash`, `back\\slash`},
	}
	for _, tc := range tests {
		if got := escapeMarkdown(tc.in); got != tc.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPartialSendResumes(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv)
	m := bot.Message{Conversation: "dm1", Seq: 9, Text: strings.Repeat("Apprenticeships pay while you learn. ", 80)} // 2 parts
	srv.Fail("messages", discordtest.Failure{Skip: 1, Code: 500})
	var se *bot.SendError
	if err := a.Send(context.Background(), m); !errors.As(err, &se) || !se.Retry {
		t.Fatalf("first attempt: %v", err)
	}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent()
	if len(sent) != 2 || sent[0].Content == sent[1].Content {
		t.Fatalf("%d messages, want the 2 parts once each", len(sent))
	}
}
