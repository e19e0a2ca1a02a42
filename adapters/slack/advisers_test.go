package slack

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/slack/slacktest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/bottest"
	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/careersbot/careersbot/dialog"
)

type careersResponder struct{}

func (careersResponder) Respond(ctx context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error) {
	t := strings.ToLower(in.Text)
	if strings.Contains(t, "adviser") {
		return dialog.Reply{Intent: dialog.IntentHandoff, Handoff: true, Text: "I'll find you a careers adviser."}, st, nil
	}
	st.LastOccupationNames = []string{"Nurses"}
	return dialog.Reply{Intent: dialog.IntentPay, Text: "Nurses earn about £37,000 (ONS ASHE 2025).", Sources: []string{"ashe2025p"}}, st, nil
}

// startDesk starts a service on store (and bus, when not nil) with a Slack adapter
// whose adviser channel is CADV, all stopped when t ends.
func startDesk(t *testing.T, srv *slacktest.Server, store bot.Storage, bus bot.Bus) *bot.Service {
	t.Helper()
	svc := bot.New(store, careersResponder{}, bot.Options{Bus: bus, RetryBase: 5 * time.Millisecond, PollEvery: 5 * time.Millisecond})
	a := newAdapter(t, srv, func(o *Options) { o.AdviserChannel, o.Advisers = "CADV", svc })
	svc.Register(a)
	svc.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	bottest.Run(t, a, svc, 3*time.Second)
	return svc
}

// TestAdviserChannel: a young person in a Slack DM asks for an adviser; the escalation
// appears in the adviser channel with a summary and a Claim button; of two advisers
// pressing Claim one wins and the other is told who; thread replies reach the young
// person, their answers come back into the thread; Resolve hands back to the bot.
func TestAdviserChannel(t *testing.T) {
	srv := slacktest.NewServer()
	defer srv.Close()
	store, err := bot.OpenSQLiteStorage(context.Background(), filepath.Join(t.TempDir(), "careersbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	startDesk(t, srv, store, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wait := func(what string, ok func(slacktest.Post) bool) slacktest.Post {
		t.Helper()
		p, err := srv.WaitPost(ctx, what, ok)
		if err != nil {
			t.Fatalf("%v\nposts: %+v", err, srv.Posts())
		}
		return p
	}
	toYP := func(text string) func(slacktest.Post) bool {
		return func(p slacktest.Post) bool { return p.Channel == "D1" && strings.Contains(p.Text, text) }
	}
	inThread := func(ts, text string) func(slacktest.Post) bool {
		return func(p slacktest.Post) bool {
			return p.Channel == "CADV" && p.ThreadTS == ts && strings.Contains(p.Text, text)
		}
	}

	srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "what do nurses earn", "1700000001.000100"))
	wait("the pay answer", toYP("£37,000"))
	srv.PushEvent("Ev2", slacktest.DirectMessage("D1", "U1", "can I talk to an adviser", "1700000001.000200"))
	wait("the queue place", toYP("number 1 in the queue"))
	esc := wait("the escalation", func(p slacktest.Post) bool { return p.Channel == "CADV" && p.ThreadTS == "" })
	if !strings.Contains(string(esc.Blocks), `"value":"cbdesk:claim:slack:D1"`) || !strings.Contains(esc.Text, "asked about: Nurses") ||
		!strings.Contains(esc.Text, "ashe2025p") || !strings.Contains(esc.Text, "(user, on slack)") {
		t.Fatalf("escalation %q %s", esc.Text, esc.Blocks)
	}

	// Two advisers press Claim.
	srv.PushInteractive(slacktest.BlockActions("UADV1", esc, "cbdesk:claim:slack:D1", "Claim"))
	srv.PushInteractive(slacktest.BlockActions("UADV2", esc, "cbdesk:claim:slack:D1", "Claim"))
	eph, err := srv.WaitEphemerals(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if eph[0].User != "UADV2" || !strings.Contains(eph[0].Text, "Already claimed by <@UADV1>") {
		t.Errorf("loser told %+v", eph[0])
	}
	ups, err := srv.WaitUpdates(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ups[0].Text, "Claimed by <@UADV1>") || !strings.Contains(string(ups[0].Blocks), "cbdesk:resolve:slack:D1") ||
		!strings.Contains(string(ups[0].Blocks), "cbdesk:release:slack:D1") || strings.Contains(string(ups[0].Blocks), "cbdesk:claim") {
		t.Errorf("claimed message %+v", ups[0])
	}
	wait("told an adviser joined", toYP("A careers adviser has joined"))
	if c, _, _ := store.Conversation(ctx, "slack:D1"); c.State != bot.StateWithAdviser || c.Adviser != "slack:UADV1" {
		t.Fatalf("state %+v", c)
	}

	// The holder's thread reply reaches the young person; the other adviser's does not.
	srv.PushEvent("Ev3", slacktest.ThreadMessage("CADV", "UADV2", "I can help too", "1700000002.000100", esc.TS))
	if _, err := srv.WaitEphemerals(ctx, 2); err != nil {
		t.Fatal(err)
	}
	srv.PushEvent("Ev4", slacktest.ThreadMessage("CADV", "UADV1", "Hi, I'm Sam, a careers adviser. What would you like to know?", "1700000002.000200", esc.TS))
	wait("the adviser's reply in the DM", toYP("Hi, I'm Sam"))
	srv.PushEvent("Ev5", slacktest.DirectMessage("D1", "U1", "how do I train as a nurse", "1700000003.000100"))
	wait("the young person's answer in the thread", inThread(esc.TS, "*Young person:* how do I train as a nurse"))
	for _, p := range srv.Posts() {
		if p.Channel == "D1" && strings.Contains(p.Text, "I can help too") {
			t.Error("the non-holder's reply was relayed")
		}
		if p.Channel == "D1" && strings.Contains(p.Text, "£37,000") && p.TS > esc.TS {
			t.Error("the bot answered while the adviser held the conversation")
		}
	}

	// Resolve.
	srv.PushInteractive(slacktest.BlockActions("UADV1", esc, "cbdesk:resolve:slack:D1", "Resolve"))
	wait("the close in the DM", toYP("closed this chat"))
	wait("the close in the thread", inThread(esc.TS, "resolved by slack:UADV1: advice_given"))
	if c, _, _ := store.Conversation(ctx, "slack:D1"); c.State != bot.StateBot {
		t.Errorf("after resolve: %s", c.State)
	}
	evs, _ := store.EventsAfter(ctx, "slack:D1", 0, 0)
	var acts []string
	for _, e := range evs {
		if ac, ok := bot.ActionOf(e); ok {
			acts = append(acts, ac.Action+":"+ac.Adviser)
		}
	}
	if got := strings.Join(acts, " "); got != "queued: claimed:slack:UADV1 resolved:slack:UADV1" {
		t.Errorf("actions %s", got)
	}
	// Back with the bot.
	srv.PushEvent("Ev6", slacktest.DirectMessage("D1", "U1", "what do nurses earn", "1700000004.000100"))
	closed := wait("the close", toYP("closed this chat"))
	wait("the bot again", func(p slacktest.Post) bool {
		return p.Channel == "D1" && strings.Contains(p.Text, "£37,000") && p.TS > closed.TS
	})
}

// TestAdviserChannelThreadsSurviveRestart: after the adapter restarts (a new process
// on the same database), a reply in an escalation's thread still reaches the young
// person.
func TestAdviserChannelThreadsSurviveRestart(t *testing.T) {
	srv := slacktest.NewServer()
	defer srv.Close()
	store, err := bot.OpenSQLiteStorage(context.Background(), filepath.Join(t.TempDir(), "careersbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := bot.New(store, careersResponder{}, bot.Options{RetryBase: 5 * time.Millisecond, PollEvery: 5 * time.Millisecond})
	svc.Start()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		svc.Close(ctx)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := func() (*Adapter, func()) {
		a := newAdapter(t, srv, func(o *Options) { o.AdviserChannel, o.Advisers = "CADV", svc })
		svc.Register(a)
		rctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { a.Run(rctx, svc); close(done) }()
		return a, func() { stop(); <-done }
	}
	_, stop := start()
	srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "can I talk to an adviser", "1700000001.000100"))
	esc, err := srv.WaitPost(ctx, "the escalation", func(p slacktest.Post) bool { return p.Channel == "CADV" && p.ThreadTS == "" })
	if err != nil {
		t.Fatal(err)
	}
	srv.PushInteractive(slacktest.BlockActions("UADV1", esc, "cbdesk:claim:slack:D1", "Claim"))
	if _, err := srv.WaitUpdates(ctx, 1); err != nil {
		t.Fatal(err)
	}
	stop()
	_, stop = start()
	defer stop()
	if err := srv.WaitConnects(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// the first process's connection must be gone, or the fake may write the next
	// envelope to it (Slack itself would redeliver it later)
	if err := srv.WaitOpen(ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.PushEvent("Ev2", slacktest.ThreadMessage("CADV", "UADV1", "Still here after the restart", "1700000002.000100", esc.TS))
	if _, err := srv.WaitPost(ctx, "the reply after the restart", func(p slacktest.Post) bool {
		return p.Channel == "D1" && strings.Contains(p.Text, "Still here after the restart")
	}); err != nil {
		t.Fatalf("%v\nacks %v", err, srv.Acks())
	}
}

// TestAdviserChannelOnTwoInstances: two instances share a store and a bus (every
// instance sees every event, as over NATS), both connected to Slack with the adviser
// channel. Each escalation is posted once and each message mirrored into its thread
// once, whichever instance handled it; a thread reply arriving at either instance
// reaches the young person.
func TestAdviserChannelOnTwoInstances(t *testing.T) {
	dsn := pgtest.DSN(t) // two instances need a store they can share: PostgreSQL
	srv := slacktest.NewServer()
	defer srv.Close()
	bus := bot.NewMemoryBus() // NATS's part: every event reaches both instances
	for i := 0; i < 2; i++ {
		store, err := pgstore.Open(context.Background(), dsn, pgstore.Options{Migrate: true, MaxConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		startDesk(t, srv, store, bus)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.WaitOpen(ctx, 2); err != nil {
		t.Fatal(err)
	}
	count := func(ok func(slacktest.Post) bool) int {
		n := 0
		for _, p := range srv.Posts() {
			if ok(p) {
				n++
			}
		}
		return n
	}
	escalation := func(p slacktest.Post) bool { return p.Channel == "CADV" && p.ThreadTS == "" }
	srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "can I talk to an adviser", "1700000001.000200"))
	esc, err := srv.WaitPost(ctx, "the escalation", escalation)
	if err != nil {
		t.Fatal(err)
	}
	srv.PushInteractive(slacktest.BlockActions("UADV1", esc, "cbdesk:claim:slack:D1", "Claim"))
	if _, err := srv.WaitUpdates(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// two thread replies: the fake gives each to whichever connection reads first
	for i, text := range []string{"Hi, I'm Sam", "What would you like to know?"} {
		srv.PushEvent("Ev2"+text, slacktest.ThreadMessage("CADV", "UADV1", text, "1700000002.00010"+string(rune('0'+i)), esc.TS))
		if _, err := srv.WaitPost(ctx, "the reply in the DM", func(p slacktest.Post) bool { return p.Channel == "D1" && strings.Contains(p.Text, text) }); err != nil {
			var texts []string
			for _, p := range srv.Posts() {
				texts = append(texts, p.Channel+": "+p.Text)
			}
			t.Fatalf("%v\nposts:\n%s\nephemerals: %+v", err, strings.Join(texts, "\n"), srv.Ephemerals())
		}
	}
	srv.PushEvent("Ev3", slacktest.DirectMessage("D1", "U1", "how do I train as a nurse", "1700000003.000100"))
	mirrored := func(p slacktest.Post) bool {
		return p.Channel == "CADV" && p.ThreadTS == esc.TS && strings.Contains(p.Text, "how do I train as a nurse")
	}
	if _, err := srv.WaitPost(ctx, "the answer in the thread", mirrored); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // time for a second instance to post it again, if it would
	if n := count(escalation); n != 1 {
		t.Errorf("the escalation was posted %d times, want once", n)
	}
	if n := count(mirrored); n != 1 {
		t.Errorf("the young person's message was mirrored %d times, want once", n)
	}
}
