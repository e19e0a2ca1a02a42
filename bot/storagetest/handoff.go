package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// The handoff section: what bot.HandoffStore keeps (accounts, sessions, canned
// replies, API keys, escalations), the advisers' desk a service rebuilds from it, and
// the claim race through bot.Service on one store or several instances.

var handoffTests = []struct {
	name   string
	shared bool
	fn     func(t *testing.T, o Opener)
}{
	{"HandoffAccounts", false, testAccounts},
	{"HandoffSessions", false, testSessions},
	{"HandoffCannedReplies", false, testCanned},
	{"HandoffAPIKeys", false, testAPIKeys},
	{"HandoffEscalations", false, testEscalations},
	{"HandoffEscalationClaims", false, testEscalationClaims},
	{"HandoffQueueOrder", false, testQueueOrder},
	{"HandoffClaimRace", false, testClaimRace},
	{"HandoffClaimRaceAcrossInstances", true, testClaimRaceAcrossInstances},
}

func handoffStore(t *testing.T, s bot.Storage) bot.HandoffStore {
	t.Helper()
	hs, ok := s.(bot.HandoffStore)
	if !ok {
		t.Fatalf("%T does not implement bot.HandoffStore", s)
	}
	return hs
}

func testAccounts(t *testing.T, o Opener) {
	s := handoffStore(t, o.Open(t))
	ctx := ctxT(t)
	if err := s.AddAdviser(ctx, bot.Adviser{Name: "zoe", Display: "Zoe Ng", Role: bot.RoleAdmin}, "hash-z"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAdviser(ctx, bot.Adviser{Name: "ann", Display: "Ann Smith", Role: bot.RoleAdviser}, "hash-a"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAdviser(ctx, bot.Adviser{Name: "ann", Display: "Another Ann", Role: bot.RoleAdmin}, "x"); !errors.Is(err, bot.ErrAdviserExists) {
		t.Fatalf("adding a taken name: %v, want ErrAdviserExists", err)
	}
	list, err := s.Advisers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "ann" || list[1].Name != "zoe" || list[0].Display != "Ann Smith" || list[1].Role != bot.RoleAdmin {
		t.Fatalf("advisers: %+v, want ann then zoe as added", list)
	}
	if list[0].Created.IsZero() || time.Since(list[0].Created) > time.Hour {
		t.Fatalf("created %v", list[0].Created)
	}
	a, hash, ok, err := s.AdviserByName(ctx, "ann")
	if err != nil || !ok || hash != "hash-a" || a.Role != bot.RoleAdviser || a.Disabled {
		t.Fatalf("AdviserByName(ann) = %+v %q %v %v", a, hash, ok, err)
	}
	if _, _, ok, err := s.AdviserByName(ctx, "nobody"); ok || err != nil {
		t.Fatalf("unknown adviser: ok=%v err=%v", ok, err)
	}
	sess := func(id string) {
		now := time.Now()
		if err := s.CreateSession(ctx, []byte(id), bot.Session{Adviser: "ann", CSRF: "c", Created: now, Seen: now}); err != nil {
			t.Fatal(err)
		}
	}
	sess("s1")
	if err := s.SetAdviserPassword(ctx, "ann", "hash-a2"); err != nil {
		t.Fatal(err)
	}
	if _, hash, _, _ := s.AdviserByName(ctx, "ann"); hash != "hash-a2" {
		t.Fatalf("password not changed: %q", hash)
	}
	if _, ok, _ := s.SessionByHash(ctx, []byte("s1")); ok {
		t.Fatal("a new password left the old session logged in")
	}
	sess("s2")
	if err := s.DisableAdviser(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if a, _, _, _ := s.AdviserByName(ctx, "ann"); !a.Disabled {
		t.Fatal("disable did not stick")
	}
	if _, ok, _ := s.SessionByHash(ctx, []byte("s2")); ok {
		t.Fatal("a disabled account stayed logged in")
	}
	for _, err := range []error{s.DisableAdviser(ctx, "nobody"), s.SetAdviserPassword(ctx, "nobody", "h")} {
		if !errors.Is(err, bot.ErrNoAdviser) {
			t.Fatalf("changing an unknown adviser: %v, want ErrNoAdviser", err)
		}
	}
}

func testSessions(t *testing.T, o Opener) {
	s := handoffStore(t, o.Open(t))
	ctx := ctxT(t)
	base := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	mk := func(id, adviser string, seen time.Time) {
		if err := s.CreateSession(ctx, []byte(id), bot.Session{Adviser: adviser, CSRF: "csrf-" + id, Created: base, Seen: seen}); err != nil {
			t.Fatal(err)
		}
	}
	mk("a1", "ann", base)
	mk("a2", "ann", base.Add(time.Minute))
	mk("b1", "bob", base.Add(2*time.Minute))
	got, ok, err := s.SessionByHash(ctx, []byte("a1"))
	if err != nil || !ok || got.Adviser != "ann" || got.CSRF != "csrf-a1" || !got.Created.Equal(base) || !got.Seen.Equal(base) {
		t.Fatalf("SessionByHash(a1) = %+v %v %v", got, ok, err)
	}
	if _, ok, err := s.SessionByHash(ctx, []byte("nope")); ok || err != nil {
		t.Fatalf("unknown session: %v %v", ok, err)
	}
	if err := s.CreateSession(ctx, []byte("a1"), bot.Session{Adviser: "eve", CSRF: "x", Created: base, Seen: base}); err == nil {
		t.Fatal("a second session under one id was accepted")
	}
	if err := s.TouchSession(ctx, []byte("a1"), base.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.SessionByHash(ctx, []byte("a1")); !got.Seen.Equal(base.Add(10 * time.Minute)) {
		t.Fatalf("touch: seen %v", got.Seen)
	}
	// Idle: a2 (seen base+1m) and b1 (base+2m) are older than base+5m; a1 was touched.
	if err := s.DeleteIdleSessions(ctx, base.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"a1": true, "a2": false, "b1": false} {
		if _, ok, _ := s.SessionByHash(ctx, []byte(id)); ok != want {
			t.Fatalf("after the idle sweep session %s present=%v, want %v", id, ok, want)
		}
	}
	mk("a3", "ann", base.Add(time.Hour))
	mk("b2", "bob", base.Add(time.Hour))
	if err := s.DeleteSession(ctx, []byte("a1")); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.SessionByHash(ctx, []byte("a1")); ok {
		t.Fatal("logout left the session")
	}
	if err := s.DeleteAdviserSessions(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.SessionByHash(ctx, []byte("a3")); ok {
		t.Fatal("DeleteAdviserSessions left one of ann's sessions")
	}
	if _, ok, _ := s.SessionByHash(ctx, []byte("b2")); !ok {
		t.Fatal("DeleteAdviserSessions(ann) ended bob's session")
	}
}

func testCanned(t *testing.T, o Opener) {
	s := handoffStore(t, o.Open(t))
	ctx := ctxT(t)
	if list, err := s.CannedReplies(ctx); err != nil || list == nil || len(list) != 0 {
		t.Fatalf("empty list = %#v %v, want an empty non-nil slice", list, err)
	}
	w, err := s.SaveCannedReply(ctx, bot.CannedReply{Title: "Welcome", Text: "Hi, I'm a careers adviser."})
	if err != nil || w.ID == 0 {
		t.Fatalf("add: %+v %v", w, err)
	}
	a, err := s.SaveCannedReply(ctx, bot.CannedReply{Title: "Apprenticeships", Text: "Find an apprenticeship: gov.uk"})
	if err != nil || a.ID == 0 || a.ID == w.ID {
		t.Fatalf("add: %+v %v", a, err)
	}
	w.Text = "Hello, <b>I'm</b> here to help."
	if _, err := s.SaveCannedReply(ctx, w); err != nil {
		t.Fatal(err)
	}
	list, _ := s.CannedReplies(ctx)
	if len(list) != 2 || list[0] != a || list[1] != w {
		t.Fatalf("list = %+v, want by title: %+v %+v", list, a, w)
	}
	if _, err := s.SaveCannedReply(ctx, bot.CannedReply{ID: w.ID + a.ID + 100, Title: "x", Text: "y"}); !errors.Is(err, bot.ErrNoCannedReply) {
		t.Fatalf("replacing a missing reply: %v, want ErrNoCannedReply", err)
	}
	if err := s.DeleteCannedReply(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.CannedReplies(ctx); len(list) != 1 || list[0].ID != w.ID {
		t.Fatalf("after delete: %+v", list)
	}
}

func testAPIKeys(t *testing.T, o Opener) {
	s := handoffStore(t, o.Open(t))
	ctx := ctxT(t)
	tok1, k1, err := s.CreateAPIKey(ctx, "Leeds careers app")
	if err != nil {
		t.Fatal(err)
	}
	tok2, k2, err := s.CreateAPIKey(ctx, "Hub app")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok, err := bot.CheckAPIToken(ctx, s, tok1); err != nil || !ok || got.ID != k1.ID || got.Name != "Leeds careers app" || !got.Created.Equal(k1.Created) {
		t.Fatalf("CheckAPIToken(key 1) = %+v %v %v", got, ok, err)
	}
	// The last character changed to another one (replacing it with a fixed letter
	// would leave the token as it was whenever it already ended in that letter).
	last := "A"
	if strings.HasSuffix(tok1, "A") {
		last = "B"
	}
	for _, bad := range []string{tok1[:len(tok1)-1] + last, "cbk_" + k2.ID + "_" + strings.Split(tok1, "_")[2], "cbk_00000000_secret", ""} {
		if _, ok, err := bot.CheckAPIToken(ctx, s, bad); ok || err != nil {
			t.Fatalf("token %q accepted (%v)", bad, err)
		}
	}
	_, hash, ok, err := s.APIKeyByID(ctx, k1.ID)
	if err != nil || !ok || len(hash) != 32 || strings.Contains(tok1, string(hash)) {
		t.Fatalf("APIKeyByID: hash %x ok=%v err=%v (want a 32-byte digest, not the secret)", hash, ok, err)
	}
	if err := s.RevokeAPIKey(ctx, k2.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := bot.CheckAPIToken(ctx, s, tok2); ok {
		t.Fatal("a revoked key still works")
	}
	keys, err := s.APIKeys(ctx)
	if err != nil || len(keys) != 2 || keys[0].ID != k1.ID || keys[1].ID != k2.ID || !keys[0].Active() || keys[1].Active() {
		t.Fatalf("APIKeys = %+v %v", keys, err)
	}
	revoked := keys[1].Revoked
	if err := s.RevokeAPIKey(ctx, k2.ID); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	if keys, _ := s.APIKeys(ctx); !keys[1].Revoked.Equal(revoked) {
		t.Fatalf("a second revoke moved the revocation time %v -> %v", revoked, keys[1].Revoked)
	}
	if err := s.RevokeAPIKey(ctx, "ffffffff"); !errors.Is(err, bot.ErrNoAPIKey) {
		t.Fatalf("revoking an unknown key: %v, want ErrNoAPIKey", err)
	}
}

func testEscalations(t *testing.T, o Opener) {
	st := o.Open(t)
	s := handoffStore(t, st)
	ctx := ctxT(t)
	for _, e := range [][3]string{{"slack:C1", "test:a", "1.1"}, {"slack:C1", "test:b", "1.2"}, {"slack:C2", "test:a", "2.1"}, {"slack:C1", "test:a", "1.3"}} {
		if err := s.SaveEscalation(ctx, e[0], e[1], e[2]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Escalations(ctx, "slack:C1")
	if err != nil || len(got) != 2 || got["test:a"] != "1.3" || got["test:b"] != "1.2" {
		t.Fatalf("Escalations(C1) = %v %v, want a=1.3 (replaced) b=1.2", got, err)
	}
	if err := s.DeleteEscalation(ctx, "slack:C1", "test:b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Escalations(ctx, "slack:C1"); len(got) != 1 {
		t.Fatalf("after delete: %v", got)
	}
	if got, _ := s.Escalations(ctx, "nowhere"); got == nil || len(got) != 0 {
		t.Fatalf("unknown place: %#v, want an empty map", got)
	}
	// Erasing a conversation forgets where it was posted, in every place.
	say(t, st, "test:a", "", "hello", 0, false)
	if err := st.EraseConversation(ctx, "test:a"); err != nil {
		t.Fatal(err)
	}
	for _, place := range []string{"slack:C1", "slack:C2"} {
		if got, _ := s.Escalations(ctx, place); len(got) != 0 {
			t.Fatalf("erased conversation still escalated in %s: %v", place, got)
		}
	}
}

// testEscalationClaims: of several instances claiming one escalation event (every
// instance sees every event over the bus), exactly one wins; an older or the same
// event is never won again; a claimed escalation with no ref yet is not listed, and
// one ended (ref emptied) keeps its claims.
func testEscalationClaims(t *testing.T, o Opener) {
	st := o.Open(t)
	s := handoffStore(t, st)
	ctx := ctxT(t)
	for seq := int64(3); seq <= 12; seq++ {
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				won, err := s.ClaimEscalationEvent(ctx, "slack:C1", "test:x", seq)
				if err != nil {
					t.Error(err)
				}
				if won {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("event %d: %d instances won its claim, want exactly 1", seq, n)
		}
	}
	if won, _ := s.ClaimEscalationEvent(ctx, "slack:C1", "test:x", 7); won {
		t.Fatal("an older event was claimed again")
	}
	if won, _ := s.ClaimEscalationEvent(ctx, "slack:C2", "test:x", 7); !won {
		t.Fatal("a claim in another place lost")
	}
	if got, _ := s.Escalations(ctx, "slack:C1"); len(got) != 0 {
		t.Fatalf("claimed but not yet posted: listed %v", got)
	}
	if err := s.SaveEscalation(ctx, "slack:C1", "test:x", "9.9"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Escalations(ctx, "slack:C1"); got["test:x"] != "9.9" {
		t.Fatalf("posted: %v", got)
	}
	if err := s.SaveEscalation(ctx, "slack:C1", "test:x", ""); err != nil { // ended
		t.Fatal(err)
	}
	if got, _ := s.Escalations(ctx, "slack:C1"); len(got) != 0 {
		t.Fatalf("ended escalation still listed: %v", got)
	}
	if won, _ := s.ClaimEscalationEvent(ctx, "slack:C1", "test:x", 12); won {
		t.Fatal("an ended escalation's last event was claimed again")
	}
	if won, _ := s.ClaimEscalationEvent(ctx, "slack:C1", "test:x", 13); !won {
		t.Fatal("the next escalation's first event lost")
	}
}

// put commits a conversation in the given handoff state (as a service would after a
// transition), returning it as stored.
func put(t *testing.T, s bot.Storage, key string, edit func(c *bot.Conversation)) {
	t.Helper()
	c := load(t, s, key)
	tr := turn(key, c, "", "state change", 0, false)
	edit(tr.Conversation)
	if err := s.Commit(ctxT(t), tr); err != nil {
		t.Fatal(err)
	}
}

// echo is a responder that never hands off (the handoff tests drive the service's
// advisers' side only).
type echo struct{}

func (echo) Respond(_ context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error) {
	return dialog.Reply{Text: "you said " + in.Text}, st, nil
}

func newService(t *testing.T, s bot.Storage, opts bot.Options) *bot.Service {
	t.Helper()
	svc := bot.New(s, echo{}, opts)
	svc.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	return svc
}

// testQueueOrder: the desk a service rebuilds from the store lists exactly the queued,
// held and left-message conversations, safeguarding first and then first come first
// served, and follows them as they leave.
func testQueueOrder(t *testing.T, o Opener) {
	st := o.Open(t)
	s := handoffStore(t, st)
	ctx := ctxT(t)
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	queued := func(at time.Duration, flagged bool) func(c *bot.Conversation) {
		return func(c *bot.Conversation) {
			c.State, c.QueuedAt, c.Flagged = bot.StateQueued, t0.Add(at), flagged
			c.Handoff.Trigger = "asked"
		}
	}
	put(t, st, "test:plain", func(c *bot.Conversation) {})
	put(t, st, "test:early", queued(1*time.Minute, false))
	put(t, st, "test:late", queued(5*time.Minute, false))
	put(t, st, "test:risk-late", queued(9*time.Minute, true))
	put(t, st, "test:risk-early", queued(2*time.Minute, true))
	put(t, st, "test:middle", queued(3*time.Minute, false))
	put(t, st, "test:held", func(c *bot.Conversation) { c.State, c.Adviser = bot.StateWithAdviser, "ann" })
	put(t, st, "test:left", func(c *bot.Conversation) { c.Handoff.Messages = 2 })
	put(t, st, "test:answered", func(c *bot.Conversation) { c.Handoff.Messages = 1 })
	put(t, st, "test:answered", func(c *bot.Conversation) { c.Handoff.Messages = 0 })
	put(t, st, "test:was-queued", queued(0, false))
	put(t, st, "test:was-queued", func(c *bot.Conversation) {
		*c = bot.Conversation{Key: c.Key, Channel: c.Channel, State: bot.StateBot, Version: c.Version}
	})

	convs, err := s.HandoffConversations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range convs {
		keys = append(keys, c.Key)
		if c.Key == "test:risk-early" && (!c.Flagged || !c.QueuedAt.Equal(t0.Add(2*time.Minute)) || c.Handoff.Trigger != "asked") {
			t.Fatalf("listing lost the state: %+v", c)
		}
	}
	slices.Sort(keys)
	want := []string{"test:early", "test:held", "test:late", "test:left", "test:middle", "test:risk-early", "test:risk-late"}
	if !slices.Equal(keys, want) {
		t.Fatalf("desk listing = %v, want %v", keys, want)
	}
	svc := newService(t, st, bot.Options{Now: func() time.Time { return t0.Add(10 * time.Minute) }, Handoff: bot.HandoffOptions{SweepEvery: time.Hour}})
	var order []string
	for _, e := range svc.Queue() {
		order = append(order, fmt.Sprintf("%s:%s:%d", e.Key, e.State, e.Position))
	}
	wantOrder := []string{"test:risk-early:queued:1", "test:risk-late:queued:2", "test:early:queued:3", "test:middle:queued:4",
		"test:late:queued:5", "test:held:with_adviser:0", "test:left:bot:0"}
	if !slices.Equal(order, wantOrder) {
		t.Fatalf("queue = %v\nwant    %v", order, wantOrder)
	}
	// Leaving the desk: the listing follows.
	put(t, st, "test:held", func(c *bot.Conversation) { c.State, c.Adviser = bot.StateBot, "" })
	if convs, _ := s.HandoffConversations(ctx); len(convs) != len(want)-1 {
		t.Fatalf("after the hold ended the desk has %d, want %d", len(convs), len(want)-1)
	}
}

// queueOne puts a conversation in the queue and returns its key.
func queueOne(t *testing.T, s bot.Storage, key string) {
	t.Helper()
	put(t, s, key, func(c *bot.Conversation) { c.State, c.QueuedAt = bot.StateQueued, time.Now() })
}

// claimRace has advisers claim one queued conversation at once, each through one of
// svcs, trials times: exactly one wins each time, the others are told who, and the
// transcript has one claim.
func claimRace(t *testing.T, st bot.Storage, svcs []*bot.Service, trials, advisers int) {
	ctx := ctxT(t)
	losses := 0
	for i := range trials {
		key := fmt.Sprintf("test:race%d", i)
		queueOne(t, st, key)
		var wg sync.WaitGroup
		errs := make([]error, advisers)
		start := make(chan struct{})
		for a := range advisers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[a] = svcs[a%len(svcs)].Claim(ctx, key, fmt.Sprint("adv", a), "")
			}()
		}
		close(start)
		wg.Wait()
		c := load(t, st, key)
		if c.State != bot.StateWithAdviser {
			t.Fatalf("trial %d: state %s after the claims", i, c.State)
		}
		winners := 0
		for a, err := range errs {
			var ce *bot.ClaimedError
			switch {
			case err == nil:
				winners++
				if c.Adviser != fmt.Sprint("adv", a) {
					t.Fatalf("trial %d: adv%d won but %s holds it", i, a, c.Adviser)
				}
			case errors.As(err, &ce):
				losses++
				if ce.By != c.Adviser {
					t.Fatalf("trial %d: loser told %s, holder %s", i, ce.By, c.Adviser)
				}
			default:
				t.Fatalf("trial %d: claim: %v", i, err)
			}
		}
		if winners != 1 {
			t.Fatalf("trial %d: %d winners", i, winners)
		}
		evs, err := st.EventsAfter(ctx, key, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		claims := 0
		for _, e := range evs {
			if a, ok := bot.ActionOf(e); ok && a.Action == bot.ActionClaimed {
				claims++
			}
			if e.Kind == transcripts.KindBot {
				t.Fatalf("trial %d: the bot answered during the claim", i)
			}
		}
		if claims != 1 {
			t.Fatalf("trial %d: %d claim events", i, claims)
		}
	}
	t.Logf("%d trials x %d advisers over %d service(s): %d winners, %d losers told who won", trials, advisers, len(svcs), trials, losses)
}

func raceTrials() int {
	if testing.Short() {
		return 30
	}
	return 200
}

func testClaimRace(t *testing.T, o Opener) {
	st := o.Open(t)
	handoffStore(t, st)
	claimRace(t, st, []*bot.Service{newService(t, st, bot.Options{})}, raceTrials(), 4)
}

// testClaimRaceAcrossInstances: the advisers claim through three services, each on its
// own handle on the database (three instances).
func testClaimRaceAcrossInstances(t *testing.T, o Opener) {
	first := o.Open(t)
	handoffStore(t, first)
	svcs := []*bot.Service{newService(t, first, bot.Options{})}
	for range 2 {
		svcs = append(svcs, newService(t, o.Shared(t), bot.Options{}))
	}
	claimRace(t, first, svcs, raceTrials(), 4)
}
