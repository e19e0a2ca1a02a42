package dialog

import (
	"bufio"
	"context"
	"github.com/careersbot/careersbot/dialog/nlu"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type sgCase struct {
	expect bool
	age    string
	text   string
	line   int
}

func sgReadCases(t testing.TB) []sgCase {
	t.Helper()
	path := filepath.Join("testdata", "safeguarding", "cases.tsv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []sgCase
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			if sc.Text() != "expect\tage\ttext" {
				t.Fatalf("%s:1: header %q, want expect<TAB>age<TAB>text", path, sc.Text())
			}
			continue
		}
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) != 3 || (parts[0] != "yes" && parts[0] != "no") {
			t.Fatalf("%s:%d: want expect(yes|no)<TAB>age<TAB>text", path, line)
		}
		out = append(out, sgCase{expect: parts[0] == "yes", age: parts[1], text: parts[2], line: line})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCheckSafeguardingCases(t *testing.T) {
	cases := sgReadCases(t)
	var pos, neg, tp, fp int
	for _, c := range cases {
		f := CheckSafeguarding(c.text)
		if c.expect {
			pos++
			if f != nil {
				tp++
			} else {
				t.Errorf("line %d: missed %q", c.line, c.text)
			}
		} else {
			neg++
			if f != nil {
				fp++
				t.Logf("line %d: false alarm %q (%s: %q)", c.line, c.text, f.Category, f.Matched)
			}
		}
	}
	if pos < 80 || neg < 60 {
		t.Fatalf("%d positives and %d negatives, want 80+ and 60+", pos, neg)
	}
	t.Logf("safeguarding recall %d/%d false alarms %d/%d", tp, pos, fp, neg)
	if rate := float64(fp) / float64(neg); rate > 0.05 {
		t.Errorf("false alarm rate %.3f > 0.05", rate)
	}
}

func TestCheckSafeguardingCategories(t *testing.T) {
	tests := []struct {
		text, category, matched string
	}{
		{"I want to kill myself", SafeguardSuicide, "kill myself"},
		{"i KEEP self-harming", SafeguardSelfHarm, "self-harming"},
		{"my dad hits me", SafeguardAbuse, "hits me"},
		{"an older man online wants pics", SafeguardGrooming, "older man"},
		{"I'm made to carry drugs", SafeguardCountyLines, "carry drugs"},
		{"i'm getting bullied", SafeguardBullying, "bullied"},
		{"i'm scared to go home", SafeguardRunningAway, "scared to go home"},
		{"someone is following me", SafeguardDanger, "someone is following me"},
		{"i want to k1ll mys3lf", SafeguardSuicide, "k1ll mys3lf"},
		{"i s3lf h@rm", SafeguardSelfHarm, "s3lf h@rm"},
		// the most serious category wins
		{"i'm bullied and i want to die", SafeguardSuicide, "want to die"},
		// a threat to keep quiet is not the idiom "she'll kill me if"
		{"she'll kill me if i tell", SafeguardDanger, "kill me if i tell"},
		{"my mum will kill me if i fail maths lol", "", ""},
		// moving out for work is not running away; leaving home with no careers words is
		{"i want to leave home and find a job that pays rent", "", ""},
		{"i need to leave home tonight", SafeguardRunningAway, "leave home"},
		{"they want me to marry my cousin", SafeguardAbuse, "want me to marry"},
		{"he has my passport and i work for free", SafeguardWorkExploitation, "has my passport"},
		{"he says he'll share my nudes unless i send more", SafeguardSexting, "nudes"},
		{"my boyfriend hits me", SafeguardPartnerAbuse, "boyfriend hits me"},
		{"my mum kicked me out last night", SafeguardHomelessness, "kicked me out"},
		{"my landlord wants sex for rent", SafeguardExploitation, "sex for rent"},
		{"", "", ""},
		{"how much do nurses earn", "", ""},
	}
	for _, tt := range tests {
		f := CheckSafeguarding(tt.text)
		if tt.category == "" {
			if f != nil {
				t.Errorf("%q: flagged %+v, want nil", tt.text, *f)
			}
			continue
		}
		if f == nil {
			t.Errorf("%q: not flagged, want %s", tt.text, tt.category)
			continue
		}
		if f.Category != tt.category || f.Matched != tt.matched {
			t.Errorf("%q: got %s %q, want %s %q", tt.text, f.Category, f.Matched, tt.category, tt.matched)
		}
	}
}

func TestCheckSafeguardingLongMessage(t *testing.T) {
	long := strings.Repeat("how much do nurses earn in london ", 500) + "and i want to kill myself"
	if f := CheckSafeguarding(long); f == nil || f.Category != SafeguardSuicide {
		t.Errorf("disclosure at the end of a %d-byte message: got %+v", len(long), f)
	}
	u := NewUnderstander(nil).Understand(context.Background(), long)
	if u.Intent != IntentSafeguarding {
		t.Errorf("Understand on a long message: intent %s, want safeguarding", u.Intent)
	}
}

func BenchmarkCheckSafeguardingLong(b *testing.B) {
	long := strings.Repeat("killer salary i would kill for it ", 7000)
	b.SetBytes(int64(len(long)))
	for b.Loop() {
		_ = CheckSafeguarding(long)
	}
}

func TestSafeguardingPatternsCompile(t *testing.T) {
	if _, err := LoadNLUFS(nlu.Default(), "nlu"); err != nil {
		t.Fatal(err)
	}
	if _, err := ucCompile([]ucPatternSpec{{pattern: "* bad"}}); err == nil {
		t.Error("pattern starting with * compiled")
	}
}

func BenchmarkCheckSafeguarding(b *testing.B) {
	msgs := []string{"how much do nurses earn a year", "i'm getting bullied at school", "I'd kill for a job like that", "hello", "what are the highest paid jobs in london"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = CheckSafeguarding(msgs[i%len(msgs)])
	}
}

// TestCheckSafeguardingOrdinaryMessages checks the gate stays quiet on ordinary careers
// messages: every labelled utterance that is not a safeguarding one.
func TestCheckSafeguardingOrdinaryMessages(t *testing.T) {
	cases := ucOwnCases(t)
	n, fp := 0, 0
	for _, c := range cases {
		f := CheckSafeguarding(c.Text)
		if c.Intent == IntentSafeguarding {
			if f == nil {
				t.Errorf("missed %q", c.Text)
			}
			continue
		}
		n++
		if f != nil {
			fp++
			t.Errorf("false alarm %q (%s: %q)", c.Text, f.Category, f.Matched)
		}
	}
	t.Logf("false alarms on ordinary messages: %d/%d", fp, n)
}
