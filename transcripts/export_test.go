package transcripts

import (
	"strings"
	"testing"
)

func TestExportKeepsActionDetails(t *testing.T) {
	a := Anonymised(Event{Conversation: "webchat:x", Kind: KindAction, Intent: "resolved", Text: "resolved by ann: advice_given",
		Payload: []byte(`{"action":"resolved","adviser":"ann","outcome":"advice_given"}`)}, "salt")
	if string(a.Action) != `{"action":"resolved","adviser":"ann","outcome":"advice_given"}` || a.Conversation == "webchat:x" {
		t.Errorf("exported action %+v", a)
	}
	if b := Anonymised(Event{Conversation: "webchat:x", Kind: KindBot, Payload: []byte(`{"buttons":[]}`)}, "salt"); b.Action != nil {
		t.Errorf("a bot event exported an action: %s", b.Action)
	}
	// Private notes are redacted like the young person's text.
	s, err := OpenSQLite(t.Context(), t.TempDir()+"/t.db", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, err := s.Append(t.Context(), Event{Conversation: "webchat:x", Kind: KindNote, Text: "call her on 07700 900123"})
	if err != nil || strings.Contains(e.Text, "900123") {
		t.Errorf("note stored as %q (%v)", e.Text, err)
	}
}
