package layered_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/lmi/lmiforall/lmiforalltest"
)

var money = regexp.MustCompile(`£[0-9][0-9,]*`)

// TestServiceOffMidConversation runs a conversation through the dialogue engine over
// the layered store, LMI for All first, and switches the fake off part way: every
// reply still comes, its figures from the snapshot and labelled with their source.
func TestServiceOffMidConversation(t *testing.T) {
	f := setup(t)
	s := f.store(t, true)
	eng, err := dialog.New(s, dialog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	turns := []struct {
		text string
		off  bool // switch LMI for All to this mode before the turn
		mode lmiforalltest.Mode
	}{
		{text: "how much do electricians earn"},
		{text: "how much do dentists earn"},
		{text: "how much do nurses earn", off: true, mode: lmiforalltest.Off},
		{text: "how much do software developers earn"},
		{text: "what does a plumber do"},
		{text: "how much do care workers earn in leeds", off: true, mode: lmiforalltest.Slow},
		{text: "compare paramedic and police officer"},
		{text: "what are the best paid jobs"},
		{text: "how much do cleaners earn", off: true, mode: lmiforalltest.Truncated},
		{text: "what do I need to become a teacher"},
	}
	var st dialog.State
	live := false
	for i, tc := range turns {
		if tc.off {
			f.fake.SetDelay(2e9)
			f.fake.SetMode(tc.mode)
		}
		reply, next, err := eng.Respond(ctx, st, dialog.Input{Text: tc.text, Age: 20})
		if err != nil {
			t.Fatalf("turn %d %q: %v", i, tc.text, err)
		}
		st = next
		t.Logf("turn %d %q -> [%s] %s | sources %v", i, tc.text, reply.Intent, reply.Text, reply.Sources)
		if strings.TrimSpace(reply.Text) == "" || reply.Intent == "fallback" || reply.Intent == "error" {
			t.Errorf("turn %d %q: no answer: %+v", i, tc.text, reply)
		}
		if money.MatchString(reply.Text) && len(reply.Sources) == 0 {
			t.Errorf("turn %d %q: figures without a source: %s", i, tc.text, reply.Text)
		}
		usedLive := slices.ContainsFunc(reply.Sources, func(id string) bool { return strings.HasPrefix(id, "lmiforall_") })
		if i < 2 {
			live = live || usedLive
			continue
		}
		if usedLive {
			t.Errorf("turn %d %q: LMI for All is off but the reply cites it: %v", i, tc.text, reply.Sources)
		}
		if money.MatchString(reply.Text) && !slices.Contains(reply.Sources, "ashe2025p") && !slices.Contains(reply.Sources, "ashe2025p_region") && !slices.Contains(reply.Sources, "ashe2023p") {
			t.Errorf("turn %d %q: pay without the snapshot's ASHE label: %v", i, tc.text, reply.Sources)
		}
	}
	if !live {
		t.Error("no reply used LMI for All while it was on")
	}
	if f.fake.Requests() == 0 {
		t.Error("the fake was never called")
	}
}
