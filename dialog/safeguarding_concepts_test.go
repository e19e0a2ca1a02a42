package dialog

import (
	"strings"
	"testing"

	"github.com/careersbot/careersbot/dialog/nlu"
)

// TestConceptRules: the concept rules of the embedded data match by meaning, within
// their window, and a careers word around a careers_moot rule's match, an idiom over
// it, or words too far apart cancel them. Wordings here are in no pattern.
func TestConceptRules(t *testing.T) {
	m := DefaultNLU()
	c := m.sgLearned.concepts
	if c == nil {
		t.Fatal("no concepts in the embedded data")
	}
	tests := []struct {
		text string
		rule string // "": no rule (or cancelled)
	}{
		{"i only have yoghurt for lunch most days", "EAT+RESTRICT+SELF"},
		{"i chew gum so i can skip dinner", "EAT+RESTRICT+SELF"},
		{"after tea i always get rid of it in the bathroom", ""}, // no EAT word, no SELF near
		{"i keep making myself sick", "PURGE+REFLEXIVE"},
		{"honestly i would not care if i stopped existing", "SELF+DEATH+INDIFFERENT"},
		{"a crash on the motorway would be fine by me", "SELF+ACCIDENT+INDIFFERENT"},
		{"i would rather die than work in an office", ""}, // careers words around it
		{"i will not be around next year", "NOT+SURVIVE+WHEN"},
		{"i have been kipping in a doorway", "STAY+ROUGH"},
		{"jobs working with people sleeping rough", ""}, // careers question, no i/me/my near
		{"the boss keeps our passports in a safe", "HOLD+DOCUMENTS"},
		{"my nudes got passed around", "SELF+IMAGE+SPREAD"},
		{"i want to be a chef who cooks lunch for schools", ""},
		{"i only eat", "EAT+RESTRICT+SELF"},
		{"i only work weekends but i want to get a lunch job", ""}, // only .. lunch too far apart
	}
	for _, tc := range tests {
		toks := ucNormaliseMax(tc.text, sgMaxText)
		r, start, end := c.match(toks, nil)
		got := ""
		if r != nil && !m.sg.idiomCovers(toks, start, end) {
			got = r.name
		}
		if got != tc.rule {
			t.Errorf("%q: rule %q, want %q", tc.text, got, tc.rule)
		}
	}
	// an idiom cancels a concept rule's match
	toks := ucNormaliseMax("i hurt myself playing football", sgMaxText)
	if r, start, end := c.match(toks, nil); r == nil || !m.sg.idiomCovers(toks, start, end) {
		t.Errorf("\"i hurt myself playing football\": want a concept match that an idiom covers")
	}
}

// TestConceptFeatures: the classifier reads concepts and close pairs of them, named for
// --explain, and the masks a caller passes give the same features as the lookup.
func TestConceptFeatures(t *testing.T) {
	l := DefaultNLU().sgLearned
	toks := ucNormalise("i only eat an apple")
	names := map[uint64]string{}
	feats := l.concepts.features(toks, nil, nil, names)
	var got []string
	for _, f := range feats {
		got = append(got, names[f])
	}
	all := strings.Join(got, " ")
	for _, want := range []string{"concept:SELF", "concept:RESTRICT", "concept:EAT", "concepts:RESTRICT+EAT", "concepts:SELF+EAT"} {
		if !strings.Contains(all, want) {
			t.Errorf("features %q lack %s", all, want)
		}
	}
	if strings.Contains(all, "concepts:SELF+SELF") {
		t.Errorf("features %q pair a concept with itself", all)
	}
	ms := l.concepts.masks(toks, nil)
	if a, b := l.concepts.features(toks, ms, nil, nil), l.concepts.features(toks, nil, nil, nil); len(a) != len(b) {
		t.Errorf("features with masks %d, without %d", len(a), len(b))
	}
	for _, w := range []string{"eat", "calories", "myself", "how", "nurse", "", "£5"} {
		if got, want := l.concepts.of(w), l.concepts.word[w]; got != want {
			t.Errorf("of(%q) = %b, want %b", w, got, want)
		}
	}
}

// TestConceptRuleTrust: a concept rule that a safe or careers example satisfies needs the
// classifier's agreement (not trusted); one that none does is trusted; a careers word
// around a careers_moot rule's match in a safe example does not count against it.
func TestConceptRuleTrust(t *testing.T) {
	d := &nlu.Data{
		Concepts: []nlu.Concept{
			{Name: "SELF", Words: []string{"i", "me", "my"}},
			{Name: "GARMENT", Words: []string{"sleeves", "hoodie"}},
			{Name: "CONCEAL", Words: []string{"hide", "sees"}},
			{Name: "EAT", Words: []string{"lunch", "eat"}},
			{Name: "RESTRICT", Words: []string{"skip", "only"}},
		},
		Safeguarding: []nlu.Category{{Name: SafeguardSelfHarm, Tier: 1, ConceptRules: []nlu.ConceptRule{
			{Concepts: []string{"GARMENT", "CONCEAL"}, Window: 6},
			{Concepts: []string{"EAT", "RESTRICT", "SELF"}, Window: 6},
			{Concepts: []string{"SELF", "CONCEAL"}, Window: 4, Flags: []string{"careers_moot"}},
		}}},
		SafeExamples: []nlu.Example{
			{Text: "i only eat lunch at work"},                       // EAT+RESTRICT+SELF: not trusted
			{Text: "what jobs let me hide away from people all day"}, // SELF+CONCEAL, a careers word: cancelled
		},
	}
	c := newSgConcepts(d)
	want := map[string]bool{"GARMENT+CONCEAL": true, "EAT+RESTRICT+SELF": false, "SELF+CONCEAL": true}
	if len(c.rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(c.rules), len(want))
	}
	for _, r := range c.rules {
		if r.trusted != want[r.name] {
			t.Errorf("rule %s: trusted %v, want %v", r.name, r.trusted, want[r.name])
		}
	}
	// a rule is a classifier feature when its concepts stand within its window
	names := map[uint64]string{}
	feats := c.features(ucNormalise("long sleeves so no one sees"), nil, nil, names)
	found := false
	for _, f := range feats {
		found = found || names[f] == "rule:self_harm:GARMENT+CONCEAL"
	}
	if !found {
		t.Errorf("no rule feature for GARMENT+CONCEAL four words apart")
	}
}
