package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/transcripts"
)

// AdviserService is what the adviser channel needs of bot.Service.
type AdviserService interface {
	Claim(ctx context.Context, key, adviser, display string) (bot.Result, error)
	Reply(ctx context.Context, key, adviser, text string) (bot.Result, error)
	ReleaseBy(ctx context.Context, key, adviser string) (bot.Result, error)
	Resolve(ctx context.Context, key, adviser, outcome string) (bot.Result, error)
	Outcomes() []string
	Bus() bot.Bus
	Store() bot.Storage
}

// escalationStore is a store that keeps where escalations were posted, so threads
// still work after a restart (bot.SQLiteStorage is one).
type escalationStore interface {
	SaveEscalation(ctx context.Context, place, conversation, ref string) error
	Escalations(ctx context.Context, place string) (map[string]string, error)
	DeleteEscalation(ctx context.Context, place, conversation string) error
}

// escalationClaimer is a store shared by several instances (each sees every event over
// the bus): the instance that claims an escalation's event is the one that posts it.
type escalationClaimer interface {
	ClaimEscalationEvent(ctx context.Context, place, conversation string, seq int64) (bool, error)
}

// Button values of the adviser channel's messages.
const deskPrefix = "cbdesk:"

// desk is the Slack adviser channel: each escalation is posted there with a profile
// summary and a Claim button; replies in its thread go to the young person on their
// own channel, and their answers come back into the thread.
type desk struct {
	a       *Adapter
	channel string
	svc     AdviserService
	log     *slog.Logger

	mu      sync.Mutex
	threads map[string]string // conversation key -> escalation ts
	keys    map[string]string // escalation ts -> conversation key
	holder  map[string]string // conversation key -> Slack user holding it
	// onDesk are conversations queued or held, seen from any instance: where one has
	// no thread here, another instance may have posted it (read from the store).
	onDesk   map[string]bool
	maxTrack int // beyond this many the memory is cleared (the store still has them)
}

func newDesk(a *Adapter, channel string, svc AdviserService) *desk {
	return &desk{a: a, channel: channel, svc: svc, log: a.log.With("part", "adviser channel"),
		threads: map[string]string{}, keys: map[string]string{}, holder: map[string]string{}, onDesk: map[string]bool{}, maxTrack: 10000}
}

func adviserID(user string) string { return "slack:" + user }

// open subscribes to the service's events and loads where escalations were posted,
// before the adapter takes any platform event: a reply in a thread that arrives at
// once after a restart finds its conversation. The caller runs follow, then cancel.
func (d *desk) open(ctx context.Context) (events <-chan transcripts.Event, cancel func()) {
	events, cancel = d.svc.Bus().Subscribe("", 1024)
	d.load(ctx)
	return events, cancel
}

// load reads where escalations were posted (by this instance or another).
func (d *desk) load(ctx context.Context) {
	es, ok := d.svc.Store().(escalationStore)
	if !ok {
		return
	}
	m, err := es.Escalations(ctx, d.place())
	if err != nil {
		d.log.Warn("loading escalations", "err", err)
	}
	d.mu.Lock()
	for k, ts := range m {
		d.threads[k], d.keys[ts] = ts, k
	}
	d.mu.Unlock()
}

// threadOf is the escalation ts of a conversation on the desk, read from the store
// when another instance posted it.
func (d *desk) threadOf(ctx context.Context, key string) string {
	d.mu.Lock()
	ts, on := d.threads[key], d.onDesk[key]
	d.mu.Unlock()
	if ts == "" && on {
		d.load(ctx)
		ts = d.thread(key)
	}
	return ts
}

// claim says whether this instance acts on event seq of the conversation's escalation:
// always with one instance; with a shared store, only the one that claims it.
func (d *desk) claim(ctx context.Context, key string, seq int64) bool {
	c, ok := d.svc.Store().(escalationClaimer)
	if !ok || seq <= 0 {
		return true
	}
	won, err := c.ClaimEscalationEvent(ctx, d.place(), key, seq)
	if err != nil {
		d.log.Warn("claiming an escalation event; acting on it here", "conversation", key, "err", err)
		return true // a message posted twice is better than one lost
	}
	return won
}

func (d *desk) setOnDesk(key string, on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if on {
		d.onDesk[key] = true
	} else {
		delete(d.onDesk, key)
	}
}

// follow handles the service's events until ctx ends.
func (d *desk) follow(ctx context.Context, events <-chan transcripts.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if err := d.event(ctx, e); err != nil {
				d.log.Warn("adviser channel", "conversation", e.Conversation, "err", err)
			}
		}
	}
}

func (d *desk) place() string { return Name + ":" + d.channel }

func (d *desk) thread(key string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.threads[key]
}

func (d *desk) event(ctx context.Context, e transcripts.Event) error {
	if e.Channel == Name && strings.HasPrefix(e.Conversation, Name+":"+d.channel) {
		return nil // the adviser channel itself is never a young person's conversation
	}
	if a, ok := bot.ActionOf(e); ok {
		return d.action(ctx, e, a)
	}
	if e.Kind != transcripts.KindUser && e.Kind != transcripts.KindAdviser {
		return nil
	}
	ts := d.threadOf(ctx, e.Conversation)
	if ts == "" || !d.claim(ctx, e.Conversation, e.Seq) {
		return nil
	}
	switch e.Kind {
	case transcripts.KindUser:
		return d.post(ctx, ts, "*Young person:* "+escape(e.Text))
	case transcripts.KindAdviser:
		if !strings.HasPrefix(e.Rule, "slack:") {
			return d.post(ctx, ts, fmt.Sprintf("*%s (console):* %s", escape(e.Rule), escape(e.Text)))
		}
	}
	return nil
}

func (d *desk) post(ctx context.Context, ts, text string) error {
	_, _, err := d.a.api.PostMessageContext(ctx, d.channel, slack.MsgOptionText(text, false), slack.MsgOptionTS(ts))
	return err
}

func (d *desk) action(ctx context.Context, e transcripts.Event, a bot.Action) error {
	key := e.Conversation
	switch a.Action {
	case bot.ActionQueued, bot.ActionTransferred, bot.ActionRequeued:
		d.setOnDesk(key, true)
		if !d.claim(ctx, key, e.Seq) {
			return nil // another instance posts it
		}
		if ts := d.threadOf(ctx, key); ts != "" {
			if err := d.update(ctx, key, ts, "Waiting again: "+escape(e.Text), claimButtons(key)); err != nil {
				return err
			}
			return d.post(ctx, ts, "_"+escape(e.Text)+"_")
		}
		return d.escalate(ctx, key, a)
	case bot.ActionClaimed, bot.ActionReleased, bot.ActionResolved, bot.ActionCancelled, bot.ActionExpired:
		ts := d.threadOf(ctx, key)
		if a.Action != bot.ActionClaimed {
			defer d.setOnDesk(key, false)
		}
		if ts == "" {
			return nil
		}
		if !d.claim(ctx, key, e.Seq) {
			if a.Action != bot.ActionClaimed {
				d.forget(key) // another instance updates the thread and ends it
			}
			return nil
		}
		if a.Action != bot.ActionClaimed || !strings.HasPrefix(a.Adviser, "slack:") {
			// Claimed on the console, or over: no more buttons here.
			status := escape(e.Text)
			if err := d.update(ctx, key, ts, status, nil); err != nil {
				return err
			}
		}
		if err := d.post(ctx, ts, "_"+escape(e.Text)+"_"); err != nil {
			return err
		}
		if a.Action != bot.ActionClaimed {
			d.forget(key)
			if es, ok := d.svc.Store().(escalationStore); ok {
				if _, shared := es.(escalationClaimer); shared {
					// keep the row and its claims: an instance still acting on this
					// event must not find it unclaimed
					return es.SaveEscalation(ctx, d.place(), key, "")
				}
				return es.DeleteEscalation(ctx, d.place(), key)
			}
		}
	}
	return nil
}

func claimButtons(key string) []slack.BlockElement {
	b := slack.NewButtonBlockElement("cbdesk_claim", deskPrefix+"claim:"+key, slack.NewTextBlockObject(slack.PlainTextType, "Claim", false, false))
	b.Style = slack.StylePrimary
	return []slack.BlockElement{b}
}

func heldButtons(key string) []slack.BlockElement {
	return []slack.BlockElement{
		slack.NewButtonBlockElement("cbdesk_resolve", deskPrefix+"resolve:"+key, slack.NewTextBlockObject(slack.PlainTextType, "Resolve", false, false)),
		slack.NewButtonBlockElement("cbdesk_release", deskPrefix+"release:"+key, slack.NewTextBlockObject(slack.PlainTextType, "Release to the bot", false, false)),
	}
}

// summary is the profile summary of an escalation.
func (d *desk) summary(ctx context.Context, key string, a bot.Action) string {
	var b strings.Builder
	if a.Priority {
		b.WriteString(":rotating_light: *Safeguarding: first in the queue.*\n")
	}
	fmt.Fprintf(&b, "*A young person is waiting for an adviser* (%s, on %s)", escape(a.Trigger), escape(strings.SplitN(key, ":", 2)[0]))
	c, ok, err := d.svc.Store().Conversation(ctx, key)
	if err == nil && ok {
		p := c.Dialog.Profile
		var facts []string
		if p.AgeGroup != "" {
			facts = append(facts, "age group "+p.AgeGroup)
		}
		if p.Region != "" {
			facts = append(facts, p.Region)
		}
		if len(p.Interests) > 0 {
			facts = append(facts, "interests: "+strings.Join(p.Interests, ", "))
		}
		if len(c.Dialog.LastOccupationNames) > 0 {
			facts = append(facts, "asked about: "+strings.Join(c.Dialog.LastOccupationNames, ", "))
		}
		if len(facts) > 0 {
			b.WriteString("\n" + escape(strings.Join(facts, "; ")))
		}
	}
	if evs, err := d.svc.Store().EventsAfter(ctx, key, 0, 0); err == nil {
		var said []string
		for _, e := range evs {
			if e.Kind == transcripts.KindBot && len(e.Sources) > 0 {
				said = append(said, "• "+clip(e.Text, 200)+" ("+strings.Join(e.Sources, ", ")+")")
			}
		}
		if n := len(said); n > 0 {
			b.WriteString("\n*careersbot said:*\n" + escape(strings.Join(said[max(0, n-3):], "\n")))
		}
	}
	b.WriteString("\nReply in this thread once you have claimed it; the young person gets your replies on their own channel.")
	return clip(b.String(), maxSectionText)
}

func (d *desk) escalate(ctx context.Context, key string, a bot.Action) error {
	// an escalation under way finishes even if the adapter is stopping: a post
	// made whose ts was never read or stored would leave its thread unanswerable
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	text := d.summary(ctx, key, a)
	_, ts, err := d.a.api.PostMessageContext(ctx, d.channel, slack.MsgOptionText(text, false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
			slack.NewActionBlock("cbdesk", claimButtons(key)...)))
	if err != nil {
		return err
	}
	d.mu.Lock()
	if len(d.threads) >= d.maxTrack {
		clear(d.threads)
		clear(d.keys)
		clear(d.holder)
	}
	d.threads[key], d.keys[ts] = ts, key
	d.mu.Unlock()
	if es, ok := d.svc.Store().(escalationStore); ok {
		return es.SaveEscalation(ctx, d.place(), key, ts)
	}
	return nil
}

func (d *desk) update(ctx context.Context, key, ts, text string, buttons []slack.BlockElement) error {
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clip(text, maxSectionText), false, false), nil, nil)}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("cbdesk", buttons...))
	}
	_, _, _, err := d.a.api.UpdateMessageContext(ctx, d.channel, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	return err
}

func (d *desk) forget(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.keys, d.threads[key])
	delete(d.threads, key)
	delete(d.holder, key)
}

// message handles a message in the adviser channel: a reply in an escalation's
// thread goes to the young person. It says whether the message was the desk's.
func (d *desk) message(ctx context.Context, ev *slackevents.MessageEvent) bool {
	if ev.Channel != d.channel {
		return false
	}
	if ev.BotID != "" || ev.SubType != "" || ev.User == "" || ev.User == d.a.botID || ev.ThreadTimeStamp == "" {
		return true
	}
	d.mu.Lock()
	key := d.keys[ev.ThreadTimeStamp]
	d.mu.Unlock()
	if key == "" {
		d.load(ctx) // posted by another instance since this one loaded
		d.mu.Lock()
		key = d.keys[ev.ThreadTimeStamp]
		d.mu.Unlock()
	}
	if key == "" {
		return true
	}
	text := strings.TrimSpace(d.a.clean(ev.Text))
	if text == "" {
		return true
	}
	if _, err := d.svc.Reply(ctx, key, adviserID(ev.User), text); err != nil {
		msg := "Claim this conversation before replying: your message was not sent."
		if !errors.Is(err, bot.ErrNotHolder) {
			msg = "Your message was not sent: " + err.Error()
			d.log.Warn("relay to the young person", "conversation", key, "err", err)
		}
		d.ephemeral(ctx, ev.User, ev.ThreadTimeStamp, msg)
	}
	return true
}

func (d *desk) ephemeral(ctx context.Context, user, ts, text string) {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if ts != "" {
		opts = append(opts, slack.MsgOptionTS(ts))
	}
	if _, err := d.a.api.PostEphemeralContext(ctx, d.channel, user, opts...); err != nil {
		d.log.Warn("ephemeral", "err", err)
	}
}

// interaction handles the Claim, Resolve and Release buttons. It says whether the
// press was the desk's.
func (d *desk) interaction(ctx context.Context, cb slack.InteractionCallback, act *slack.BlockAction) bool {
	rest, ok := strings.CutPrefix(act.Value, deskPrefix)
	if !ok {
		return cb.Channel.ID == d.channel
	}
	verb, key, _ := strings.Cut(rest, ":")
	user := cb.User.ID
	ts := cb.Message.Timestamp
	if ts == "" {
		ts = cb.Container.MessageTs
	}
	var err error
	switch verb {
	case "claim":
		_, err = d.svc.Claim(ctx, key, adviserID(user), "")
		if err == nil {
			d.mu.Lock()
			d.holder[key] = user
			d.mu.Unlock()
			err = d.update(ctx, key, ts, fmt.Sprintf("Claimed by <@%s>. Reply in the thread; the young person sees your replies.", user), heldButtons(key))
		}
	case "resolve":
		outcome := "advice_given"
		if o := d.svc.Outcomes(); len(o) > 0 {
			outcome = o[0]
		}
		_, err = d.svc.Resolve(ctx, key, adviserID(user), outcome)
	case "release":
		_, err = d.svc.ReleaseBy(ctx, key, adviserID(user))
	default:
		return true
	}
	var ce *bot.ClaimedError
	switch {
	case errors.As(err, &ce):
		who := ce.By
		if u, ok := strings.CutPrefix(who, "slack:"); ok {
			who = "<@" + u + ">"
		}
		d.ephemeral(ctx, user, ts, "Already claimed by "+who+".")
	case errors.Is(err, bot.ErrNotHolder):
		d.ephemeral(ctx, user, ts, "Only the adviser holding this conversation can do that.")
	case errors.Is(err, bot.ErrNotQueued):
		d.ephemeral(ctx, user, ts, "This conversation is no longer waiting for an adviser.")
	case err != nil:
		d.log.Warn("adviser button", "verb", verb, "conversation", key, "err", err)
		d.ephemeral(ctx, user, ts, "That did not work: "+err.Error())
	}
	return true
}
