package bot

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestReviewFlags: a tier-2 check-in from the real engine flags the conversation for
// review (an action event); the list shows it with its category and the redacted
// message; an adviser marks it reviewed; a later check-in flags it again; a tier-1
// disclosure is escalated, not flagged; the KPIs count flags and reviews.
func TestReviewFlags(t *testing.T) {
	h := newRealHarness(t, Options{})
	since := time.Now().Add(-time.Minute)
	r := h.send("a", Message{Text: "someone keeps asking me for more pics, text me on 07700 900123", Age: 15})
	if r.State != StateBot {
		t.Fatalf("a tier-2 check-in handed off: %s", r.State)
	}
	if got := h.actions("test:a"); len(got) != 1 || got[0] != ActionReviewFlagged {
		t.Fatalf("actions %q, want one %s", got, ActionReviewFlagged)
	}
	h.send("b", Message{Text: "how much do nurses earn", Age: 15})
	h.send("c", Message{Text: "I want to kill myself", Age: 15})
	if got := h.actions("test:c"); len(got) == 0 || got[0] != ActionQueued+"/"+TriggerSafeguarding || strings.Contains(strings.Join(got, " "), ActionReviewFlagged) {
		t.Errorf("tier 1: actions %q, want a safeguarding handoff and no review flag", got)
	}
	list, err := h.svc.Reviews(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Key != "test:a" || list[0].Category != "sexting" || list[0].Flags != 1 {
		t.Fatalf("reviews %+v, want test:a (sexting, one flag)", list)
	}
	if m := list[0].Message; !strings.Contains(m, "asking me for more pics") || strings.Contains(m, "900123") {
		t.Errorf("review message %q: want the young person's words, redacted", m)
	}
	if ok, _ := h.svc.UnderReview(h.ctx(), "test:b"); ok {
		t.Errorf("an ordinary conversation is under review")
	}
	if _, err := h.svc.MarkReviewed(h.ctx(), "test:b", "ana", ""); !errors.Is(err, ErrNotFlagged) {
		t.Errorf("reviewing an unflagged conversation: %v, want ErrNotFlagged", err)
	}
	if _, err := h.svc.MarkReviewed(h.ctx(), "test:a", "ana", "spoke to her; she is safe, call 07700 900123"); err != nil {
		t.Fatal(err)
	}
	if list, _ := h.svc.Reviews(h.ctx()); len(list) != 0 {
		t.Errorf("after review the list is %+v, want empty", list)
	}
	if _, err := h.svc.MarkReviewed(h.ctx(), "test:a", "ana", ""); !errors.Is(err, ErrNotFlagged) {
		t.Errorf("reviewing twice: %v, want ErrNotFlagged", err)
	}
	evs := h.events("test:a")
	if n := evs[len(evs)-1]; n.Kind != "note" || strings.Contains(n.Text, "900123") || n.Rule != "ana" {
		t.Errorf("review note %+v: want a redacted note by ana", n)
	}
	// the young person answers no, then later shows another sign: a new flag
	h.send("a", Message{Text: "no im fine just asking", Age: 15})
	h.send("a", Message{Text: "my boss shouts at me all the time and i'm scared of my boss", Age: 15})
	list, _ = h.svc.Reviews(h.ctx())
	if len(list) != 1 || list[0].Key != "test:a" || list[0].Category != "work_exploitation" || list[0].Flags != 1 {
		t.Errorf("after a new sign: reviews %+v, want test:a again (work_exploitation)", list)
	}
	st, err := h.store.Stats(h.ctx(), since)
	if err != nil {
		t.Fatal(err)
	}
	if st.Handoffs.ReviewFlags != 2 || st.Handoffs.Reviewed != 1 {
		t.Errorf("stats: %d flags, %d reviewed; want 2 and 1", st.Handoffs.ReviewFlags, st.Handoffs.Reviewed)
	}
}

// TestCheckInConfirmedIsPriorityHandoff: through the service, a confirming answer to a
// tier-2 check-in hands off with safeguarding priority (first in the queue, the
// helplines said); a denial stays with the bot.
func TestCheckInConfirmedIsPriorityHandoff(t *testing.T) {
	h := newRealHarness(t, Options{})
	h.send("other", Message{Text: "can I talk to a real person"}) // someone already waiting
	for _, tc := range []struct {
		conv, answer string
		queued       bool
	}{
		{"yes1", "yeah he is", true},
		{"yes2", "I'm scared of him", true},
		{"no1", "no I'm fine, just asking", false},
	} {
		h.send(tc.conv, Message{Text: "my boyfriend gets really jealous", Age: 16})
		r := h.send(tc.conv, Message{Text: tc.answer, Age: 16})
		if (r.State == StateQueued) != tc.queued {
			t.Errorf("%q: state %s, want queued=%v (replies %q)", tc.answer, r.State, tc.queued, texts(r.Replies()))
			continue
		}
		if !tc.queued {
			continue
		}
		said := strings.Join(texts(r.Replies()), "\n")
		if !strings.Contains(said, "0800 1111") {
			t.Errorf("%q: no helplines in %q", tc.answer, said)
		}
		// safeguarding first: ahead of the conversation that was waiting before it
		if q := h.svc.Queue(); len(q) < 2 || q[0].Key == "test:other" || !q[0].Priority {
			t.Errorf("%q: the queue is %+v, want safeguarding conversations first with priority", tc.answer, q)
		}
	}
}
