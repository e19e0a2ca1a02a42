package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// TestMessageResponseJSON holds the hand-written encoder to encoding/json's output for
// the same response, byte for byte.
func TestMessageResponseJSON(t *testing.T) {
	tt := loadTestTurn(t)
	mustPayload := func(p Payload) []byte {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ev := func(seq int64, kind, text string, payload []byte) transcripts.Event {
		return transcripts.Event{Seq: seq, Kind: kind, Text: text, Payload: payload}
	}
	tests := []struct {
		name  string
		state string
		dup   bool
		evs   []transcripts.Event
	}{
		{"no replies", StateBot, false, nil},
		{"user only", StateQueued, false, []transcripts.Event{ev(1, transcripts.KindUser, "hi", nil)}},
		{"real turn", StateBot, false, []transcripts.Event{ev(3, transcripts.KindUser, tt.User, nil), ev(4, transcripts.KindBot, tt.Bot, tt.Payload)}},
		{"duplicate", StateBot, true, []transcripts.Event{ev(4, transcripts.KindBot, tt.Bot, tt.Payload)}},
		{"escapes", StateWithAdviser, false, []transcripts.Event{
			ev(7, transcripts.KindAdviser, "<b>&amp;</b> \"quoted\" back\\slash\ttab\nnew\rret\x01\x1f\u2028\u2029 £40,000 ü 😀 \xff bad", nil),
			ev(8, transcripts.KindSystem, "", mustPayload(Payload{Buttons: []dialog.Button{{Label: "<script>", Value: "a&b"}}})),
		}},
		{"empty payload object", StateBot, false, []transcripts.Event{ev(2, transcripts.KindBot, "x", []byte(`{}`))}},
		{"cards only", StateBot, false, []transcripts.Event{ev(2, transcripts.KindBot, "x", mustPayload(Payload{Cards: []dialog.Card{{Title: "T", Subtitle: "S"}}}))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := MessageResponse{Replies: []ReplyView{}, State: tc.state, Duplicate: tc.dup}
			for _, e := range (Result{Events: tc.evs}).Replies() {
				out.Replies = append(out.Replies, ReplyOf(e))
			}
			var want bytes.Buffer
			json.NewEncoder(&want).Encode(out)
			got, ok := appendMessageResponse(nil, tc.state, tc.dup, tc.evs)
			if !ok || !bytes.Equal(got, want.Bytes()) {
				t.Errorf("ok %v\n got %s\nwant %s", ok, got, want.Bytes())
			}
		})
	}
}

func TestSplitPayload(t *testing.T) {
	tests := []struct {
		in                     string
		buttons, cards, charts string
		ok                     bool
	}{
		{`{"buttons":[{"label":"a]}\"","value":"b"}],"cards":[{"fields":[{"label":"x"}]}]}`, `[{"label":"a]}\"","value":"b"}]`, `[{"fields":[{"label":"x"}]}]`, ``, true},
		{` { "charts" : [1, 2] , "other": {"a": [true, null]}, "n": 12 } `, ``, ``, `[1, 2]`, true},
		{`{"n":12}`, ``, ``, ``, true},
		{`{}`, ``, ``, ``, true},
		{`[]`, ``, ``, ``, false},
		{`{"buttons":[1,2}`, ``, ``, ``, false},
		{`{"buttons":"unterminated}`, ``, ``, ``, false},
		{`{"buttons":[]} trailing`, ``, ``, ``, false},
		{`{"buttons" [1]}`, ``, ``, ``, false},
	}
	for _, tc := range tests {
		b, c, ch, ok := splitPayload([]byte(tc.in))
		if ok != tc.ok || (ok && (string(b) != tc.buttons || string(c) != tc.cards || string(ch) != tc.charts)) {
			t.Errorf("%s: %q %q %q %v", tc.in, b, c, ch, ok)
		}
	}
}

func TestValidConversationID(t *testing.T) {
	long := fmt.Sprintf("%0128d", 0)
	for id, want := range map[string]bool{"a": true, "A.b_c~d-9": true, long: true, long + "0": false, "": false, "a b": false, "a/b": false, "é": false, "a:b": false} {
		if got := validConversationID(id); got != want {
			t.Errorf("%q: %v", id, got)
		}
	}
}

// TestParseMessageRequest holds the reflection-free request reader to encoding/json: what
// it accepts, encoding/json (strict, as postMessage runs it) decodes to the same request;
// what it leaves to encoding/json is marked ok=false.
func TestParseMessageRequest(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"text":"what does an electrician do?"}`, true},
		{` { "text" : "hi", "age" : 15, "location" : "Leeds" } `, true},
		{`{"button":"entry:5241","command":"start","age":0}`, true},
		{`{"age":-3}`, true},
		{`{}`, true},
		{`{"text":"caf\u00e9"}`, false},      // escapes: encoding/json
		{`{"text":"a\"b"}`, false},           // escapes
		{`{"Text":"case"}`, false},           // encoding/json matches keys without case
		{`{"text":"a","text":"b"}`, false},   // repeated: the last wins there
		{`{"text":null}`, false},             // null
		{`{"age":15.0}`, false},              // not a whole number literal
		{`{"age":1e2}`, false},               // exponent
		{`{"age":0123}`, false},              // invalid
		{`{"age":12345678901}`, false},       // long
		{`{"texts":"x"}`, false},             // unknown: encoding/json's error
		{`{"text":"x"} {"text":"y"}`, false}, // two values
		{`{"text":"x",}`, false},             // trailing comma
		{`{"text":"x"`, false},               // cut short
		{"{\"text\":\"tab\there\"}", false},  // a raw control character
		{`["text"]`, false},                  // not an object
		{`{"text":"hi","age":"15"}`, false},  // age as a string
	}
	for _, tc := range tests {
		got, ok := parseMessageRequest([]byte(tc.body))
		if ok != tc.ok {
			t.Errorf("%s: ok %v, want %v", tc.body, ok, tc.ok)
			continue
		}
		if ok {
			checkAgainstJSON(t, tc.body, got)
		}
	}
}

func checkAgainstJSON(t *testing.T, body string, got MessageRequest) {
	t.Helper()
	var want MessageRequest
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&want); err != nil || dec.More() {
		t.Fatalf("%s: accepted, but encoding/json says %v (more: %v)", body, err, dec.More())
	}
	if got != want {
		t.Fatalf("%s: got %+v, encoding/json %+v", body, got, want)
	}
}

func FuzzParseMessageRequest(f *testing.F) {
	for _, s := range []string{`{"text":"hi","age":15}`, `{}`, `{"text":"a","button":"b","command":"c","location":"d"}`, `{"age":-0}`, `{"text":"x"}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			return // postMessage refuses the body first
		}
		if got, ok := parseMessageRequest([]byte(body)); ok {
			checkAgainstJSON(t, body, got)
		}
	})
}

// TestAppendJSONStringPositions puts every kind of byte encoding/json escapes (and
// multi-byte characters) at every position of strings longer than the eight-byte word
// the fast scan reads, and holds appendJSONString and appendHTMLSafe to encoding/json.
func TestAppendJSONStringPositions(t *testing.T) {
	specials := []string{`"`, `\`, "<", ">", "&", "\x00", "\x1f", "\n", " ", "\x7f", "£", "\u2028", "\u2029", "\xe2", "\xff", "😀", "~"}
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31} {
		for pos := 0; pos <= n; pos++ {
			for _, sp := range specials {
				s := strings.Repeat("a", pos) + sp + strings.Repeat("b", n-pos)
				want, _ := json.Marshal(s)
				if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
					t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
				}
				// appendHTMLSafe over JSON that encoding/json wrote without HTML escapes
				var raw bytes.Buffer
				enc := json.NewEncoder(&raw)
				enc.SetEscapeHTML(false)
				enc.Encode(s)
				if got := appendHTMLSafe(nil, bytes.TrimSuffix(raw.Bytes(), []byte("\n"))); !bytes.Equal(got, want) {
					t.Errorf("appendHTMLSafe(%s) = %s, want %s", raw.Bytes(), got, want)
				}
			}
		}
	}
}
