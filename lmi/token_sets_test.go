package lmi

import (
	"strings"
	"testing"
)

// TestTokenSetsMatchTheSets checks every token's set bits against the sets
// themselves, for the raw and the stemmed word, on messages built from the sets'
// own words (as written, in capitals, plural, possessive) and ordinary text.
func TestTokenSetsMatchTheSets(t *testing.T) {
	var words []string
	for _, s := range tokenSetTable() {
		for w := range s.set {
			words = append(words, w, strings.ToUpper(w), w+"s", w+"'s", w+"ing")
		}
	}
	texts := []string{
		strings.Join(words, " "),
		"I want to be a nurse in Leeds, near the LS6 area; what do plumbers earn?",
		"can i speak to a careers adviser about jobs in sales or the army",
	}
	checked := 0
	for _, text := range texts {
		for _, tok := range tokenize(text) {
			for _, s := range tokenSetTable() {
				if got, want := tok.rawIn(s.which), s.set[tok.raw]; got != want {
					t.Fatalf("%q raw %q: rawIn = %v, set has it %v", text[:min(len(text), 40)], tok.raw, got, want)
				}
				if got, want := tok.normIn(s.which), s.set[tok.norm]; got != want {
					t.Fatalf("norm %q (raw %q): normIn = %v, set has it %v", tok.norm, tok.raw, got, want)
				}
				if got, want := tok.eitherIn(s.which), s.set[tok.raw] || s.set[tok.norm]; got != want {
					t.Fatalf("%q: eitherIn = %v, want %v", tok.raw, got, want)
				}
				if s.set[tok.raw] {
					checked++
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d tokens in a set: the test checks little", checked)
	}
}
