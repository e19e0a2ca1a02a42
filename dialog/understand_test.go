package dialog

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ucSharedDir finds /work/shared: $CAREERSBOT_SHARED, else ../shared from the module root.
func ucSharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("CAREERSBOT_SHARED"); d != "" {
		return d
	}
	d, err := filepath.Abs(filepath.Join("..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type ucCase struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Intent string `json:"intent"`
	Age    int    `json:"age"`
}

// ucOwnCases are the labelled examples of the embedded NLU data (nlu/data/examples.yaml).
func ucOwnCases(t testing.TB) []ucCase {
	t.Helper()
	var out []ucCase
	for _, in := range DefaultNLU().Data.Intents {
		for _, e := range in.Examples {
			out = append(out, ucCase{ID: e.Pos.String(), Text: e.Text, Intent: in.Name})
		}
	}
	return out
}

func ucReadCases(t testing.TB, path string) []ucCase {
	t.Helper()
	return readJSONLines[ucCase](t, path)
}

// readJSONLines reads a JSON Lines file of T, one value a line (blank lines skipped),
// failing the test with the file and line of a line that does not decode.
func readJSONLines[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var c T
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ucAccuracy runs cases through u and returns the share whose intent is right, logging misses.
func ucAccuracy(t *testing.T, u *Understander, cases []ucCase) float64 {
	t.Helper()
	ok := 0
	for _, c := range cases {
		got := u.Understand(context.Background(), c.Text)
		if got.Intent == c.Intent {
			ok++
		} else {
			t.Logf("miss %q: got %s (want %s) cues=%v occ=%d", c.Text, got.Intent, c.Intent, got.Cues, len(got.Occupations))
		}
	}
	return float64(ok) / float64(len(cases))
}

func TestUnderstandOwnCases(t *testing.T) {
	cases := ucOwnCases(t)
	if len(cases) < 150 {
		t.Fatalf("only %d cases, want 150+", len(cases))
	}
	acc := ucAccuracy(t, NewUnderstander(newUCFakeStore()), cases)
	t.Logf("own cases (fake store): intent accuracy %.3f over %d", acc, len(cases))
	if acc < 0.93 {
		t.Errorf("intent accuracy %.3f < 0.93", acc)
	}
}

func TestUnderstandDevSetFakeStore(t *testing.T) {
	path := filepath.Join(ucSharedDir(t), "eval", "dev.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("dev set not found (%v): set CAREERSBOT_SHARED to the shared folder", err)
	}
	acc := ucAccuracy(t, NewUnderstander(newUCFakeStore()), ucReadCases(t, path))
	t.Logf("dev.jsonl (fake store): intent accuracy %.3f", acc)
	if acc < 0.95 {
		t.Errorf("intent accuracy %.3f < 0.95", acc)
	}
}

func TestUnderstandEntities(t *testing.T) {
	u := NewUnderstander(newUCFakeStore())
	tests := []struct {
		text  string
		check func(Understanding) bool
		want  string
	}{
		{"I'm 15 and I like animals", func(r Understanding) bool { return r.Age == 15 && ucHas(r.Interests, "animals") }, "age 15, animals"},
		{"im 16 years old", func(r Understanding) bool { return r.Age == 16 }, "age 16"},
		{"i am fifteen", func(r Understanding) bool { return r.Age == 15 }, "age 15"},
		{"i'm twenty one", func(r Understanding) bool { return r.Age == 21 }, "age 21"},
		{"I'm in year 10", func(r Understanding) bool { return r.Age == 14 && r.QualLevel == "gcse" }, "age 14, gcse"},
		{"in y11 rn", func(r Understanding) bool { return r.Age == 15 }, "age 15"},
		{"i'm in sixth form doing my a levels", func(r Understanding) bool { return r.Age == 16 && r.QualLevel == "a_level" }, "age 16, a_level"},
		{"im at uni", func(r Understanding) bool { return r.Age == 18 && r.QualLevel == "degree" }, "age 18, degree"},
		{"doing a btec at college", func(r Understanding) bool { return r.QualLevel == "btec" }, "btec"},
		{"i left school with no qualifications", func(r Understanding) bool { return r.QualLevel == "none" && r.NoDegree }, "no qualifications"},
		{"i am 5 foot tall", func(r Understanding) bool { return r.Age == 0 }, "no age"},
		{"what pays well without a degree", func(r Understanding) bool { return r.NoDegree }, "no degree"},
		{"i don't want to go to uni", func(r Understanding) bool { return r.NoDegree }, "no degree"},
		{"chef jobs near me", func(r Understanding) bool { return r.NearMe && len(r.Occupations) == 1 }, "near me, 1 occupation"},
		{"electrician or plumber or carpenter or chef", func(r Understanding) bool {
			return len(r.Occupations) == 3 && r.Occupations[0].Candidates[0].SOC2020 == "5241" && r.Occupations[2].Candidates[0].SOC2020 == "5316"
		}, "3 occupations in text order"},
		{"chef wages in scotland", func(r Understanding) bool { return r.Place != nil && r.Place.Region.Name == "Scotland" }, "place Scotland"},
		{"i like maths and science", func(r Understanding) bool { return ucHas(r.Subjects, "maths") && ucHas(r.Subjects, "science") }, "subjects"},
		{"i'm good at drawing and talking to people", func(r Understanding) bool {
			return ucHas(r.Skills, "creativity") && ucHas(r.Skills, "communication")
		}, "skills"},
		{"yeah", func(r Understanding) bool { return r.Yes && !r.No }, "yes"},
		{"yep it was", func(r Understanding) bool { return r.Yes && !r.No }, "yes"},
		{"nope", func(r Understanding) bool { return r.No && !r.Yes }, "no"},
		{"not really", func(r Understanding) bool { return r.No }, "no"},
		{"no idea what career to choose", func(r Understanding) bool { return !r.No && r.Intent == IntentSuggest }, "not an answer no"},
		{"the second one", func(r Understanding) bool { return r.Choice == 2 }, "choice 2"},
		{"2", func(r Understanding) bool { return r.Choice == 2 }, "choice 2"},
		{"option 3", func(r Understanding) bool { return r.Choice == 3 }, "choice 3"},
		{"first", func(r Understanding) bool { return r.Choice == 1 }, "choice 1"},
		{"i want to die", func(r Understanding) bool {
			return r.Intent == IntentSafeguarding && r.Safeguarding != nil && r.Confidence == 1
		}, "safeguarding"},
		{"how much do nurses earn", func(r Understanding) bool { return len(r.Cues) > 0 && r.Confidence > 0.5 }, "cues and confidence"},
		{"what about plumbers?", func(r Understanding) bool { return r.Intent == IntentDescribe && r.Confidence < 0.5 }, "bare job title: describe, confidence < 0.5"},
		{"a chef", func(r Understanding) bool { return r.Intent == IntentDescribe && r.Confidence < 0.5 }, "bare job title: describe, confidence < 0.5"},
		{"what does a chef do", func(r Understanding) bool { return r.Intent == IntentDescribe && r.Confidence >= 0.5 }, "describe, confidence >= 0.5"},
	}
	for _, tt := range tests {
		r := u.Understand(context.Background(), tt.text)
		if !tt.check(r) {
			t.Errorf("%q: want %s; got age=%d qual=%q nodeg=%v near=%v occ=%d place=%v interests=%v subjects=%v skills=%v yes=%v no=%v choice=%d intent=%s",
				tt.text, tt.want, r.Age, r.QualLevel, r.NoDegree, r.NearMe, len(r.Occupations), r.Place, r.Interests, r.Subjects, r.Skills, r.Yes, r.No, r.Choice, r.Intent)
		}
	}
}

func ucHas(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

func TestUnderstandNilStore(t *testing.T) {
	r := NewUnderstander(nil).Understand(context.Background(), "hello there")
	if r.Intent != IntentGreet {
		t.Errorf("got %s, want greet", r.Intent)
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"can i talk 2 sum1 real", "can i talk to someone real"},
		{"how do i get in2 nursing", "how do i get into nursing"},
		{"i h8 myself", "i hate myself"},
		{"roofer pay LS6", "roofer pay ls 6"},
		{"What's U R wage?", "what is you are wage"},
		{"I’m 15yo", "i am 15 yo"},
		{"self-harm", "self harm"},
		{"6th form", "6th form"},
		{"Café  NAÏVE!!", "cafe naive"},
		{"don't", "do not"},
		{"how 2 b a vet", "how to be a vet"},
		{"2", "2"},
		{"jobs 4 me", "jobs for me"},
		{"helloooo heyyy byeee", "hello hey bye"},
		{"hello coffee all", "hello coffee all"},
		{"k1ll mys3lf", "kill myself"},
		{"self h@rm", "self harm"},
		{"y10 15yo", "y 10 15 yo"},
		{"\xff\xfehello\x00world", "hello world"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ucJoin(ucNormalise(tt.in)); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{"", "how much do nurses earn", strings.Repeat("électricien ", 1000), "\x00\x01\x02", "你好 工作",
		"😀🔥 kms", "\xff\xfe\xfd", "i'm 15'''", "year", "i am", "twenty", "what does * do", "OCC or OCC",
		"roofer pay LS6", "SW1A1AA", "B2", "pompey", "the black country", "train driver or army", "not a vet or a"} {
		f.Add(s)
	}
	u := NewUnderstander(newUCFakeStore())
	f.Fuzz(func(t *testing.T, s string) {
		r := u.Understand(context.Background(), s)
		if r.Intent == "" {
			t.Fatal("empty intent")
		}
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("confidence %v", r.Confidence)
		}
		_ = CheckSafeguarding(s)
	})
}

func BenchmarkUnderstand(b *testing.B) {
	u := NewUnderstander(newUCFakeStore())
	msgs := []string{"how much do nurses earn a year", "i'm 15 and i like animals what jobs could i do", "hello", "electrician or carpenter", "what are the highest paid jobs in london"}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = u.Understand(ctx, msgs[i%len(msgs)])
	}
}

// BenchmarkUnderstandNoStore measures the understander's own work, without the store's
// occupation and place search.
func BenchmarkUnderstandNoStore(b *testing.B) {
	u := NewUnderstander(nil)
	msgs := []string{"how much do nurses earn a year", "i'm 15 and i like animals what jobs could i do", "hello", "electrician or carpenter", "what are the highest paid jobs in london"}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = u.Understand(ctx, msgs[i%len(msgs)])
	}
}

func TestUnderstandConcurrent(t *testing.T) {
	u := NewUnderstander(newUCFakeStore())
	msgs := []string{"how much do nurses earn", "i want to die", "chef or baker", "hello", "i'm 15 and like animals"}
	want := make([]string, len(msgs))
	for i, m := range msgs {
		want[i] = u.Understand(context.Background(), m).Intent
	}
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				k := i % len(msgs)
				if got := u.Understand(context.Background(), msgs[k]).Intent; got != want[k] {
					t.Errorf("%q: got %s, want %s", msgs[k], got, want[k])
				}
			}
			done <- true
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func TestUnderstandTypos(t *testing.T) {
	u := NewUnderstander(newUCFakeStore())
	tests := []struct{ text, intent string }{
		{"what qualifcations do i need to be a vet", IntentEntry},
		{"aprenticeships for plumbers", IntentEntry},
		{"any vacansies for chefs in london", IntentVacancies},
		{"nurse sallary", IntentPay},
		{"what are the higest paid jobs", IntentBestPaid},
		// everyday words near a cue word stay themselves
		{"i like playing football and learning", IntentSuggest},
		{"is it raining", IntentUnknown},
	}
	for _, tt := range tests {
		if got := u.Understand(context.Background(), tt.text); got.Intent != tt.intent {
			t.Errorf("%q: got %s (cues %v), want %s", tt.text, got.Intent, got.Cues, tt.intent)
		}
	}
}
