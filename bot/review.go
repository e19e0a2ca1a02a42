package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/careersbot/careersbot/transcripts"
)

// Review flags (issue 9): a tier-2 safeguarding check-in ("is someone pressuring you?")
// flags the conversation for an adviser's review. The flag and its review are action
// events in the transcript, so every storage keeps them with no table of their own, the
// KPIs count them, and erasure and retention remove them with the conversation.
const (
	// ActionReviewFlagged: the bot checked in on a possible risk (Action.Category).
	ActionReviewFlagged = "review_flagged"
	// ActionReviewed: an adviser reviewed every flag raised before it.
	ActionReviewed = "reviewed"
)

// ErrNotFlagged is returned when a conversation has no flag waiting for review.
var ErrNotFlagged = errors.New("bot: the conversation has no flag waiting for review")

// ErrNoReviews is returned when the storage cannot list action events.
var ErrNoReviews = errors.New("bot: this storage cannot list review flags")

// ActionLister is a storage that lists action events by action name across
// conversations (SQLiteStorage and pgstore.Store): the advisers' "To review" list.
type ActionLister interface {
	// ActionEvents returns the action events whose action (Event.Intent) is one of
	// actions, ordered by conversation and Seq.
	ActionEvents(ctx context.Context, actions ...string) ([]transcripts.Event, error)
}

// Review is a conversation with flags waiting for an adviser's review: the latest flag's
// category and the young person's message that raised it (redacted, as stored).
type Review struct {
	Key       string    `json:"key"`
	Channel   string    `json:"channel"`
	Category  string    `json:"category"`
	Message   string    `json:"message"`
	FlaggedAt time.Time `json:"flagged_at"`
	// Seq is the latest flag's event; Flags counts the flags waiting.
	Seq   int64 `json:"seq"`
	Flags int   `json:"flags"`
	// State is the conversation's state now (bot, queued, with_adviser).
	State string `json:"state,omitempty"`
}

// reviewFlag is the action event that flags a turn's reply for review.
func (s *Service) reviewFlag(key, channel, category string) TurnEvent {
	return s.action(key, channel, Action{Action: ActionReviewFlagged, Category: category},
		"flagged for an adviser's review: "+category)
}

// openFlags reduces one conversation's review events (in Seq order) to the flags not
// yet reviewed.
func openFlags(evs []transcripts.Event) []transcripts.Event {
	var open []transcripts.Event
	for _, e := range evs {
		switch e.Intent {
		case ActionReviewFlagged:
			open = append(open, e)
		case ActionReviewed:
			open = open[:0]
		}
	}
	return open
}

// Reviews lists the conversations with flags waiting for review, the oldest flag first.
func (s *Service) Reviews(ctx context.Context) ([]Review, error) {
	al, ok := s.store.(ActionLister)
	if !ok {
		return nil, ErrNoReviews
	}
	evs, err := al.ActionEvents(ctx, ActionReviewFlagged, ActionReviewed)
	if err != nil {
		return nil, fmt.Errorf("bot: review flags: %w", err)
	}
	type entry struct {
		r     Review
		first time.Time // the oldest waiting flag: the list's order
	}
	var list []entry
	for i := 0; i < len(evs); {
		j := i
		for j < len(evs) && evs[j].Conversation == evs[i].Conversation {
			j++
		}
		open := openFlags(evs[i:j])
		i = j
		if len(open) == 0 {
			continue
		}
		last := open[len(open)-1]
		r := Review{Key: last.Conversation, Channel: last.Channel, FlaggedAt: last.Time, Seq: last.Seq, Flags: len(open)}
		if a, ok := ActionOf(last); ok {
			r.Category = a.Category
		}
		r.Message = s.flaggedMessage(ctx, last)
		if c, ok, err := s.store.Conversation(ctx, r.Key); err == nil && ok {
			r.State = c.State
		}
		list = append(list, entry{r, open[0].Time})
	}
	slices.SortStableFunc(list, func(a, b entry) int { return a.first.Compare(b.first) })
	out := make([]Review, len(list))
	for i, e := range list {
		out[i] = e.r
	}
	return out, nil
}

// flaggedMessage is the young person's message that raised a flag: the last user event
// before it in the same turn (as stored, so redacted).
func (s *Service) flaggedMessage(ctx context.Context, flag transcripts.Event) string {
	from := max(flag.Seq-8, 0)
	evs, err := s.store.EventsAfter(ctx, flag.Conversation, from, int(flag.Seq-from))
	if err != nil {
		return ""
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == transcripts.KindUser && evs[i].Seq < flag.Seq {
			return evs[i].Text
		}
	}
	return ""
}

// UnderReview says whether a conversation has a flag waiting for review (an adviser
// may then read it, as one on the desk).
func (s *Service) UnderReview(ctx context.Context, key string) (bool, error) {
	evs, err := s.store.EventsAfter(ctx, key, 0, 0)
	if err != nil {
		return false, err
	}
	var acts []transcripts.Event
	for _, e := range evs {
		if e.Kind == transcripts.KindAction && (e.Intent == ActionReviewFlagged || e.Intent == ActionReviewed) {
			acts = append(acts, e)
		}
	}
	return len(openFlags(acts)) > 0, nil
}

// MarkReviewed records that adviser reviewed the conversation's waiting flags, with an
// optional note of what they found or did (stored redacted, as a private note).
func (s *Service) MarkReviewed(ctx context.Context, key, adviser, note string) (Result, error) {
	if len(note) > s.opts.MaxMessageBytes {
		return Result{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(note), s.opts.MaxMessageBytes)
	}
	channel := channelOf(key)
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		under, err := s.UnderReview(ctx, key)
		if err != nil {
			return nil, err
		}
		if !under {
			return nil, ErrNotFlagged
		}
		t := &Turn{Key: key, Channel: channel}
		t.Events = append(t.Events, s.action(key, channel, Action{Action: ActionReviewed, From: c.State, To: c.State, Adviser: adviser},
			"flags reviewed by "+adviser))
		if note = strings.TrimSpace(note); note != "" {
			t.Events = append(t.Events, TurnEvent{Event: transcripts.Event{Conversation: key, Channel: channel,
				Kind: transcripts.KindNote, Text: note, Rule: adviser, Time: s.opts.Now()}})
		}
		return t, nil
	})
}
