package lmi

import (
	"slices"
	"strings"
	"testing"
)

// TestTokenizeCase: the case flags and lower-cased words tokenize builds without
// copying agree with the strings package's reading of the same words.
func TestTokenizeCase(t *testing.T) {
	for _, text := range []string{
		"NHS nurse", "Leeds", "ÉCOLE café", "don't", "DON'T", "Doctor's", "chefs’ pay", "M1 1AE",
		"x\xffY", "ǅemal", "123", "İstanbul", "straße STRASSE",
	} {
		for _, tok := range tokenize(text) {
			orig := text[tok.start:tok.end]
			want := strings.ToUpper(orig) == orig && strings.ToLower(orig) != orig
			if tok.upper != want {
				t.Errorf("%q: word %q upper %v, want %v", text, orig, tok.upper, want)
			}
			if tok.raw != strings.ToLower(tok.raw) {
				t.Errorf("%q: raw %q not lower case", text, tok.raw)
			}
		}
	}
}

// TestMorphVariants: the job-title forms of field and activity words.
func TestMorphVariants(t *testing.T) {
	tests := []struct {
		w    string
		want []string
	}{
		{"nursing", []string{"nurser", "nurse", "nurs", "nursant", "nursor", "nursist", "nursinger", "nursingist", "nursingr"}},
		{"programming", []string{"programmer", "programme", "programm", "programmant", "programmor", "programmist", "programmer", "programer", "programminger", "programmingist", "programmingr"}},
		{"economics", []string{"economist", "economicist", "economician", "economician", "economicser", "economicsist", "economicsr"}},
		{"architecture", []string{"architect", "architecter", "architectureer", "architectureist", "architecturer"}},
		{"electrical", []string{"electrician", "electric", "electricaler", "electricalist", "electricalr"}},
		{"teacher", nil},
		{"art", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, f := range morphVariants(tc.w, nil) {
			got = append(got, tc.w[:len(tc.w)-f.cut]+f.suf)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("morphVariants(%q) = %q, want %q", tc.w, got, tc.want)
		}
	}
}
