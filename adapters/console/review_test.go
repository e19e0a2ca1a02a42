package console_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/lmi"
)

// TestReviewFlagFromWebchat: a young person on the web chat writes something the real
// engine checks in on (tier 2); the console's stream tells advisers, the "To review"
// list shows the conversation with its category and the redacted message, an adviser
// (who could not read a conversation with the bot otherwise) opens it and marks it
// reviewed with a note, and the KPIs count the flag and the review.
func TestReviewFlagFromWebchat(t *testing.T) {
	st, err := lmi.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := dialog.New(st, dialog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := newRigWith(t, false, eng)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	since := time.Now().Add(-time.Minute)
	ann := r.client()
	ann.login("ann", annPass)
	live := ann.stream(t)
	live.until(t, "the first queue", func(k, d string) bool { return k == "queue" })

	yp := &webchattest.Session{URL: webchattest.WSURL(r.srv.URL), Conversation: "young-person-2", Age: 14}
	if err := yp.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer yp.Close()
	yp.Say(ctx, "m1", "someone keeps asking me for more pics, my number is 07700 900123", "")
	if err := yp.Read(ctx, func(f webchattest.Frame) bool { return strings.Contains(f.Text, "Childline") }); err != nil {
		t.Fatalf("waiting for the check-in: %v (shown %v)", err, yp.Shown())
	}
	key := "webchat:young-person-2"
	live.until(t, "the review flag", func(k, d string) bool {
		return k == "event" && strings.Contains(d, `"review_flagged"`) && strings.Contains(d, key)
	})

	var list console.ReviewsResponse
	got := ann.do("GET", "/v1/adviser/reviews", "")
	json.Unmarshal([]byte(got.body), &list)
	if got.status != 200 || len(list.Reviews) != 1 {
		t.Fatalf("reviews: %d %s", got.status, got.body)
	}
	rv := list.Reviews[0]
	if rv.Key != key || rv.Category != dialog.SafeguardSexting || rv.State != "bot" ||
		!strings.Contains(rv.Message, "asking me for more pics") || strings.Contains(rv.Message, "900123") {
		t.Errorf("review entry %+v: want %s, sexting, the redacted message", rv, key)
	}
	if got := ann.do("GET", "/v1/adviser/conversations/"+key, ""); got.status != 200 || !strings.Contains(got.body, "more pics") {
		t.Fatalf("adviser opens the flagged conversation: %d %s", got.status, got.body)
	}
	if got := ann.do("POST", "/v1/adviser/conversations/"+key+"/review", `{"text":"looked at it; offered a call back on 07700 900123"}`); got.status != 200 ||
		!strings.Contains(got.body, `"reviewed"`) || strings.Contains(got.body, "900123") {
		t.Fatalf("mark reviewed: %d %s", got.status, got.body)
	}
	got = ann.do("GET", "/v1/adviser/reviews", "")
	if strings.Contains(got.body, key) {
		t.Errorf("still to review after the review: %s", got.body)
	}
	stats, err := r.store.Stats(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Handoffs.ReviewFlags != 1 || stats.Handoffs.Reviewed != 1 {
		t.Errorf("stats: %d flags, %d reviewed; want 1 and 1", stats.Handoffs.ReviewFlags, stats.Handoffs.Reviewed)
	}
	// the young person saw none of it
	for _, f := range yp.Shown() {
		if strings.Contains(f.Text, "reviewed") || strings.Contains(f.Text, "offered a call back") {
			t.Errorf("the young person was shown %q", f.Text)
		}
	}
}
