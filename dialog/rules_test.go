package dialog

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
)

func TestLoadRulesErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want []string // substrings of the error, including file:line:col
	}{
		{"unknown_field", []string{"unknown_field/rules.yaml:4:28:", "unknown name salary"}},
		{"not_bool", []string{"not_bool/rules.yaml:8:9:", "expected bool"}},
		{"unknown_template", []string{"unknown_template/rules.yaml:1:3:", `unknown template "greeting_that_does_not_exist"`}},
		{"unknown_action", []string{"unknown_action/rules.yaml:5:3:", `unknown action or key "send_email"`}},
		{"bad_yaml", []string{"bad_yaml/rules.yaml:4:"}},
		{"block_scalar", []string{"block_scalar/rules.yaml:5:24:", "unknown name regoin"}},
		{"quoted", []string{"quoted/rules.yaml:3:29:", "unknown name ocupations"}},
		{"unknown_slot", []string{"unknown_slot/rules.yaml:4:8:", `unknown slot "favourite_colour"`}},
		{"bad_template", []string{"bad_template/greet.tmpl:2:", "bad character"}},
		{"bad_field", []string{"bad_field/greet.tmpl:2:", "Nickname"}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			_, err := LoadRules(filepath.Join("testdata", "rules", tc.dir))
			if err == nil {
				t.Fatal("loaded a broken rules directory without error")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error is %T, want *LoadError: %v", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(filepath.ToSlash(err.Error()), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadRulesShadowWarnings(t *testing.T) {
	rs, err := LoadRules(filepath.Join("testdata", "rules", "shadowed"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range rs.Warnings {
		got = append(got, filepath.ToSlash(w.String()))
	}
	want := []string{
		`shadowed/rules.yaml:6:3: rule "greet" can never fire`,
		`shadowed/rules.yaml:11:3: rule "pay" can never fire`,
		`shadowed/more.yaml:1:3: rule "pay-again" can never fire`,
	}
	if len(got) != len(want) {
		t.Fatalf("warnings = %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) && !strings.Contains(strings.Join(got, "\n"), want[i]) {
			t.Errorf("missing warning %q in %q", want[i], got)
		}
	}
}

func TestLoadRulesGoodAndDefaults(t *testing.T) {
	rs, err := LoadRules(filepath.Join("testdata", "rules", "good"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Rules) != 2 || rs.Rules[0].Name != "greet" {
		t.Fatalf("rules = %+v", rs.Rules)
	}
	if len(rs.Rules[0].Buttons) != 2 || rs.Rules[0].Buttons[1].Value != "handoff" {
		t.Errorf("buttons = %+v", rs.Rules[0].Buttons)
	}
	text, err := rs.render("greet", DepthTeen, &View{})
	if err != nil || !strings.Contains(text, "Anytown") {
		t.Errorf("override template: %q, %v", text, err)
	}
	// The embedded defaults load with no errors and no warnings.
	e := &Engine{}
	def, _, err := e.load()
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Warnings) > 0 {
		t.Errorf("default rules have warnings: %v", def.Warnings)
	}
}

func TestTidyText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  a  b  ", "a b"},
		{"\n\na\n\n\n\nb\n", "a\nb"},
		{"a \n b", "a\nb"},
		{"x\t\ty\r\nz", "x y\nz"},
		{"£35,000 a year (ONS, 2025).  \n  \n", "£35,000 a year (ONS, 2025)."},
		{"about £22,000 a year . Next ,", "about £22,000 a year. Next,"}, // an empty source label
	} {
		if got := tidyText(tc.in); got != tc.want {
			t.Errorf("tidyText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestShortName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Electricians and electrical fitters", "electrician"},
		{"Police officers (sergeant and below)", "police officer"},
		{"Veterinarians", "veterinarian"},
		{"Other registered nursing professionals", "registered nursing professional"},
		{"Sales and retail assistants", "sales and retail assistants"},
		{"Managers and proprietors in agriculture and horticulture", "managers and proprietors in agriculture and horticulture"},
		{"Chefs", "chef"},
		{"Programmers and software development professionals", "programmer"},
		{"Secretaries", "secretary"},
		{"Officers in armed forces", "officer in armed forces"},
		{"Public relations and communications directors", "public relations"},
		{"Speech and language therapists", "speech therapist"},
		{"Train and tram drivers", "train driver"},
		{"Taxi and cab drivers and chauffeurs", "taxi driver"},
		{"Heavy and large goods vehicle drivers", "heavy and large goods vehicle drivers"},
		{"Child and early years officers", "child and early years officers"},
		{"Bed and breakfast and guest house owners and proprietors", "bed and breakfast and guest house owners and proprietors"},
		{"Construction and building trades n.e.c.", "construction and building trades"},
	} {
		if got := shortName(tc.in); got != tc.want {
			t.Errorf("shortName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRequiredIntentSkipsOnlySafeRules(t *testing.T) {
	e := &Engine{}
	rs, _, err := e.load()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rs.Rules {
		got[r.Name] = r.needIntent
	}
	want := map[string]string{"pay": "pay", "compare-needs-two": "compare", "adviser-requested": "handoff",
		"which-job": "", "offer-adviser-after-two-misses": "", "near-me-needs-place": ""}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("rule %s: needIntent %q, want %q", name, got[name], w)
		}
	}
	// Skipping must not change which rule fires.
	for _, intent := range []string{IntentPay, IntentCompare, IntentUnknown, IntentGreet, IntentHandoff} {
		for _, occs := range []int{0, 1, 2} {
			env := RuleEnv{Intent: intent, Occupations: occs, NeedsOccupation: needsOccupation[intent]}
			fast, _ := rs.match(&env)
			var slow *Rule
			for _, r := range rs.Rules {
				out, _ := expr.Run(r.program, &env)
				if b, _ := out.(bool); b {
					slow = r
					break
				}
			}
			if fast != slow {
				t.Errorf("intent %s occs %d: indexed match %v, full match %v", intent, occs, fast, slow)
			}
		}
	}
}

// tidyRef is tidyBytes as it was written before it compacted in place (a builder).
func tidyRef(s []byte) string {
	var b strings.Builder
	space, newlines, started := false, 0, false
	for i := 0; i < len(s); {
		switch s[i] {
		case ' ', '\t', '\r':
			space = true
			i++
		case '\n':
			newlines++
			space = false
			i++
		default:
			if started {
				if newlines > 0 {
					b.WriteByte('\n')
				} else if space && !closing(s[i]) {
					b.WriteByte(' ')
				}
			}
			j := i + 1
			for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' && s[j] != '\n' {
				j++
			}
			b.Write(s[i:j])
			i = j
			started, space, newlines = true, false, 0
		}
	}
	return b.String()
}

// TestTidyBytesInPlace checks the in-place tidy against the builder one on random
// runs of words, spaces, tabs, line breaks and punctuation.
func TestTidyBytesInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	parts := []string{"a", "word", "£1,200", " ", "  ", "\t", "\r\n", "\n", "\n\n", ".", ",", "?", ")", "é"}
	for range 5000 {
		var b []byte
		for range rng.IntN(20) {
			b = append(b, parts[rng.IntN(len(parts))]...)
		}
		want := tidyRef(b)
		if got := tidyBytes(slices.Clone(b)); got != want {
			t.Fatalf("tidyBytes(%q) = %q, want %q", b, got, want)
		}
	}
}

// TestEmbeddedRulesDryRun is the embedded rules' template dry run (every template at
// every depth against the sample views), which Engine.New skips at start because the
// embedded set is part of the binary. A template naming a field the view lacks fails
// here (the bad_field case above shows the dry run finds one).
func TestEmbeddedRulesDryRun(t *testing.T) {
	sub, err := fs.Sub(defaultFS, "rules")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := loadRuleSet(sub, "rules", defaultFS, true)
	if err != nil {
		t.Fatalf("embedded rules fail their dry run: %v", err)
	}
	if n := len(rs.templates.Templates()); n < 20 {
		t.Errorf("dry run over %d templates, want the whole embedded set", n)
	}
}
