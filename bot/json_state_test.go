package bot

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/careersbot/careersbot/dialog"
)

func TestFastJSONTypes(t *testing.T) {
	if m := fastJSONMismatch(); m != "" {
		t.Fatalf("the hand-written encoders of json_state.go are out of date (encoding/json is used meanwhile): %s", m)
	}
	if !fastJSONTypes() {
		t.Fatal("fastJSONTypes is false with no mismatch")
	}
}

// sameJSON fails unless got is what encoding/json writes for v.
func sameJSON(t *testing.T, name string, v any, got []byte) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: encoding/json: %v", name, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

// awkward are strings encoding/json escapes in every way it has.
var awkward = []string{"", "plain", "£40,000 a year", `quote " and \ backslash`, "<b>&amp;</b>", "line\nbreak\ttab\r\b\f",
	"\x00\x01\x1f control", "bad \xff\xfe utf-8", "line\u2028sep\u2029", "emoji 🙂", "é"}

func TestStateJSON(t *testing.T) {
	when := time.Date(2026, 12, 3, 14, 5, 6, 789000000, time.UTC)
	full := Conversation{Key: "rest:a<b>", Channel: "rest", State: StateWithAdviser, Adviser: "sam & co", Updated: when, Flagged: true, Version: 9,
		Dialog: dialog.State{
			Profile: dialog.Profile{Age: 15, AgeGroup: "teen", Region: "Yorkshire and The Humber", District: "LS1", Place: "Leeds",
				Interests: []string{"animals", "art"}, Subjects: []string{"maths"}, Skills: []string{"coding"}, QualLevel: "gcse"},
			Slots:           map[string]string{"place": "Leeds", "occupation": "5241", "z": "\"", "a": ""},
			LastOccupations: []string{"5241", "2231"}, LastIntent: "pay",
			Pending:   &dialog.Pending{Slot: "place", Intent: "pay", Options: []string{"Leeds", "Leeds Bradford"}},
			Fallbacks: 2, Turns: 41, ExplainedTerms: []string{"median"}, LastOccupationNames: []string{"sparky", "nurse"},
			Answers: 7, FeedbackAsked: true, Offered: []dialog.Button{{Label: "Yes", Value: "yes"}, {Label: "<No>", Value: "no"}},
		}}
	cases := map[string]Conversation{
		"zero":                    {},
		"fresh":                   {Key: "rest:x", Channel: "rest", State: StateBot, Updated: when},
		"full":                    full,
		"empty slices and map":    {Key: "k", Dialog: dialog.State{Slots: map[string]string{}, LastOccupations: []string{}, Offered: []dialog.Button{}, Profile: dialog.Profile{Interests: []string{}}}},
		"pending without options": {Key: "k", Dialog: dialog.State{Pending: &dialog.Pending{}}},
		"local zone":              {Key: "k", Updated: time.Date(2026, 6, 1, 9, 0, 0, 1, time.FixedZone("BST", 3600))},
		"only profile age":        {Dialog: dialog.State{Profile: dialog.Profile{Age: -3}}},
		"only qual level":         {Dialog: dialog.State{Profile: dialog.Profile{QualLevel: "degree"}}},
	}
	for i, s := range awkward {
		c := full
		c.Key, c.Adviser = s, s
		c.Dialog.Slots = map[string]string{s: s, "k" + s: "v"}
		c.Dialog.LastOccupations = []string{s}
		c.Dialog.Offered = []dialog.Button{{Label: s, Value: s}}
		cases["awkward "+string(rune('a'+i))] = c
	}
	if b, err := os.ReadFile("testdata/turn.json"); err == nil {
		var tt struct {
			Dialog dialog.State `json:"dialog"`
		}
		if err := json.Unmarshal(b, &tt); err != nil {
			t.Fatal(err)
		}
		cases["a real turn's state"] = Conversation{Key: "rest:real", Channel: "rest", State: StateBot, Dialog: tt.Dialog, Updated: time.Now()}
	}
	for name, c := range cases {
		got, ok := appendConversationJSON(nil, &c)
		if !ok {
			t.Errorf("%s: left to encoding/json", name)
			continue
		}
		sameJSON(t, name, &c, got)
	}
	// Left to encoding/json, with the same result.
	for name, c := range map[string]Conversation{
		"queued":      {Key: "k", State: StateQueued, QueuedAt: when, Updated: when},
		"handoff":     {Key: "k", Handoff: HandoffInfo{Trigger: "user", ToldPosition: 2}, Updated: when},
		"year 10000":  {Key: "k", Updated: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"odd offset":  {Key: "k", Updated: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", -75))},
		"fresh again": {Key: "k", Updated: when},
	} {
		_, ok := appendConversationJSON(nil, &c)
		if wantFast := name == "fresh again"; ok != wantFast {
			t.Errorf("%s: fast path %v, want %v", name, ok, wantFast)
		}
		want, wantErr := json.Marshal(&c)
		got, err := marshalConversation(&c)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Errorf("%s: marshalConversation %s, %v; encoding/json %s, %v", name, got, err, want, wantErr)
		}
	}
}

func TestStateJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	str := func() string { return awkward[r.IntN(len(awkward))] }
	strs := func() []string {
		switch r.IntN(4) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		out := make([]string, 1+r.IntN(3))
		for i := range out {
			out[i] = str()
		}
		return out
	}
	for i := range 2000 {
		c := Conversation{Key: str(), Channel: str(), State: str(), Adviser: str(), Flagged: r.IntN(2) == 0,
			Updated: time.Unix(r.Int64N(1<<33), r.Int64N(1e9)).In(time.FixedZone("", 60*(r.IntN(1400)-700)))}
		d := &c.Dialog
		d.Profile = dialog.Profile{Age: r.IntN(3) * r.IntN(30), AgeGroup: str(), Region: str(), District: str(), Place: str(),
			Interests: strs(), Subjects: strs(), Skills: strs(), QualLevel: str()}
		if r.IntN(2) == 0 {
			d.Slots = map[string]string{}
			for range r.IntN(5) {
				d.Slots[str()+str()] = str()
			}
		}
		d.LastOccupations, d.LastIntent, d.ExplainedTerms, d.LastOccupationNames = strs(), str(), strs(), strs()
		if r.IntN(2) == 0 {
			d.Pending = &dialog.Pending{Slot: str(), Intent: str(), Options: strs()}
		}
		d.Fallbacks, d.Turns, d.Answers, d.FeedbackAsked = r.IntN(3)-1, r.IntN(1000), r.IntN(3), r.IntN(2) == 0
		for range r.IntN(3) {
			d.Offered = append(d.Offered, dialog.Button{Label: str(), Value: str()})
		}
		got, ok := appendConversationJSON(nil, &c)
		if !ok {
			t.Fatalf("case %d: left to encoding/json", i)
		}
		sameJSON(t, "random", &c, got)
		if t.Failed() {
			t.Fatalf("case %d: %+v", i, c)
		}
	}
}

func TestPayloadJSON(t *testing.T) {
	card := dialog.Card{Title: "Electricians", Subtitle: "SOC 2020 5241", Fields: []dialog.Field{{Label: "Pay", Value: "£40,000"}, {Label: "<x>", Value: "a & b"}}, Footer: "(ONS, 2025)"}
	chart := dialog.Chart{Kind: "bar", Title: "Pay", Labels: []string{"Leeds", "York"}, Unit: "£ a year", AltText: "alt", Source: "ONS",
		Series: []dialog.Series{{Name: "median", Values: []float64{40000, 0.5, -1e-7, 1e21, 123456789012345678, 1e-6, 0, math.Copysign(0, -1), 3.14159, 2e-300}}, {Name: "none"}}}
	cases := map[string]Payload{
		"zero":          {},
		"buttons":       {Buttons: []dialog.Button{{Label: "Yes", Value: "yes"}, {Label: "Talk to an adviser", Value: "handoff"}}},
		"card":          {Cards: []dialog.Card{card, {Title: "bare"}}},
		"chart":         {Charts: []dialog.Chart{chart, {Kind: "line"}}},
		"everything":    {Buttons: []dialog.Button{{Label: "\u2028", Value: "\xff"}}, Cards: []dialog.Card{card}, Charts: []dialog.Chart{chart}},
		"empty slices":  {Buttons: []dialog.Button{}, Cards: []dialog.Card{}, Charts: []dialog.Chart{}},
		"empty inside":  {Cards: []dialog.Card{{Fields: []dialog.Field{}}}, Charts: []dialog.Chart{{Labels: []string{}, Series: []dialog.Series{{Values: []float64{}}}}}},
		"only a chart":  {Charts: []dialog.Chart{{Title: "<t>"}}},
		"only the card": {Cards: []dialog.Card{{Title: "t", Footer: "f"}}},
	}
	if b, err := os.ReadFile("testdata/turn.json"); err == nil {
		var tt struct {
			Payload Payload `json:"payload"`
		}
		if err := json.Unmarshal(b, &tt); err != nil {
			t.Fatal(err)
		}
		cases["a real turn's payload"] = tt.Payload
	}
	for name, p := range cases {
		got, ok := appendPayloadJSON(nil, &p)
		if !ok {
			t.Errorf("%s: left to encoding/json", name)
			continue
		}
		sameJSON(t, name, &p, got)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		vs := make([]float64, 1+r.IntN(4))
		for i := range vs {
			vs[i] = math.Float64frombits(r.Uint64())
			if math.IsNaN(vs[i]) || math.IsInf(vs[i], 0) {
				vs[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
			}
		}
		p := Payload{Charts: []dialog.Chart{{Series: []dialog.Series{{Values: vs}}}}}
		got, ok := appendPayloadJSON(nil, &p)
		if !ok {
			t.Fatalf("%v: left to encoding/json", vs)
		}
		if sameJSON(t, "random floats", &p, got); t.Failed() {
			t.Fatalf("%v", vs)
		}
	}
	// NaN: encoding/json's error stands.
	nan := Payload{Charts: []dialog.Chart{{Series: []dialog.Series{{Values: []float64{1, math.NaN()}}}}}}
	if _, ok := appendPayloadJSON(nil, &nan); ok {
		t.Error("NaN encoded")
	}
	if _, err := marshalPayload(&nan); err == nil {
		t.Error("marshalPayload of NaN: no error")
	}
}

func BenchmarkStateJSON(b *testing.B) {
	raw, err := os.ReadFile("testdata/turn.json")
	if err != nil {
		b.Fatal(err)
	}
	var tt struct {
		Payload Payload      `json:"payload"`
		Dialog  dialog.State `json:"dialog"`
	}
	if err := json.Unmarshal(raw, &tt); err != nil {
		b.Fatal(err)
	}
	c := Conversation{Key: "rest:bench", Channel: "rest", State: StateBot, Dialog: tt.Dialog, Updated: time.Now()}
	for _, bc := range []struct {
		name string
		fn   func() ([]byte, error)
	}{
		{"state/encoding-json", func() ([]byte, error) { return json.Marshal(&c) }},
		{"state/hand", func() ([]byte, error) { return marshalConversation(&c) }},
		{"payload/encoding-json", func() ([]byte, error) { return json.Marshal(&tt.Payload) }},
		{"payload/hand", func() ([]byte, error) { return marshalPayload(&tt.Payload) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
