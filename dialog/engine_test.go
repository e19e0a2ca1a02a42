package dialog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/lmi"
)

// testEngine is an engine over the real embedded LMI store.
func testEngine(tb testing.TB, opts Options) *Engine {
	tb.Helper()
	store, err := lmi.LoadEmbedded()
	if err != nil {
		tb.Fatalf("embedded LMI store: %v", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e, err := New(store, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// youngMessages exercise every young template with real data.
var youngMessages = []string{
	"how much do %s earn",
	"how many hours do %s work",
	"how do i become a %s",
	"what does a %s do",
	"will there be more %s jobs",
	"%s jobs",
	"compare %s and teacher",
}

var youngJobs = []string{"nurse", "electrician", "vet", "chef", "plumber", "hairdresser", "doctor",
	"police officer", "software developer", "teacher", "mechanic", "farmer", "lawyer", "carpenter",
	"paramedic", "accountant", "footballer", "dentist", "architect", "care worker"}

var youngOther = []string{
	"hello", "help", "thanks", "bye", "qwerty", "i want to talk to a person",
	"i like animals what jobs could i do", "i like drawing", "i like sport and music",
	"i like computers and maths", "i like helping people", "best paid jobs", "what jobs are near me",
	"i want to die", "i am being bullied", "delete my data",
}

func TestYoungRepliesReadAtGradeSix(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	var texts []string
	for _, m := range youngMessages {
		for _, j := range youngJobs {
			texts = append(texts, strings.ReplaceAll(m, "%s", j))
		}
	}
	texts = append(texts, youngOther...)
	sum, n := 0.0, 0
	for _, text := range texts {
		r, _, err := e.Respond(ctx, State{}, Input{Text: text, Age: 12})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if r.Depth != DepthYoung {
			t.Errorf("%q: depth %s, want %s", text, r.Depth, DepthYoung)
		}
		g := FKGrade(r.Text)
		sum += g
		n++
		if g > 6 {
			t.Errorf("%q (%s): grade %.1f > 6: %s", text, r.Rule, g, r.Text)
		}
	}
	t.Logf("%d young replies, mean grade %.2f", n, sum/float64(n))
}

func TestFKGradeMatchesScorer(t *testing.T) {
	// Values computed with eval/score.py fk_grade.
	tests := []struct {
		text string
		want float64
	}{
		{"", 0},
		{"The cat sat on the mat.", -1.45},
		{"A full-time nurse job pays about £42,000 a year (ONS, 2025). That is the middle pay!", 1.47},
		{"Programmers and software development professionals earn well", 14.11},
	}
	for _, tc := range tests {
		if got := FKGrade(tc.text); got < tc.want-0.01 || got > tc.want+0.01 {
			t.Errorf("FKGrade(%q) = %.2f, want %.2f", tc.text, got, tc.want)
		}
	}
}

func TestRespondDoesNotMutateState(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	st := State{
		Profile:         Profile{Interests: []string{"animals"}, Age: 15},
		Slots:           map[string]string{"x": "y"},
		LastOccupations: []string{"2231"},
		ExplainedTerms:  []string{"estimate"},
		Pending:         &Pending{Slot: "place", Intent: IntentVacancies, Options: []string{"a"}},
	}
	before := copyState(st)
	for _, text := range []string{"leeds", "how much do they earn", "i like sport", "compare nurse and doctor"} {
		_, _, err := e.Respond(ctx, st, Input{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(st, before) {
			t.Fatalf("Respond(%q) changed the state passed in:\n%+v\n%+v", text, st, before)
		}
	}
}

func TestUserTextIsNeverEvaluated(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	for _, text := range []string{
		`{{.}}`, `{{template "greet" .}}`, `1+1 == 2`, `state.Profile`, `intent == "pay"`,
		`{{.Occ.Pay}}`, `true`, `u.Intent`, `{{range .Occs}}x{{end}}`, `nurse {{.Depth}} pay`,
	} {
		r, _, err := e.Respond(ctx, State{}, Input{Text: text})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		for _, bad := range []string{"map[", "&{", "<no value>", "14_16", "{Profile", "Hi, I'm careersbot"} {
			if strings.Contains(r.Text, bad) {
				t.Errorf("%q: reply contains %q (evaluated?): %s", text, bad, r.Text)
			}
		}
	}
	// The echo of a job title goes through as data, never as a template.
	r, _, _ := e.Respond(ctx, State{}, Input{Text: `how much do {{.Depth}} nurses earn`})
	if strings.Contains(r.Text, DepthTeen+" ") {
		t.Errorf("template syntax in user text was evaluated: %s", r.Text)
	}
}

func TestSafeguardingRunsFirst(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	pending := State{Pending: &Pending{Slot: "place", Intent: IntentVacancies}, LastOccupations: []string{"5434"}, Fallbacks: 1}
	tests := []struct {
		name string
		st   State
		in   Input
	}{
		{"plain", State{}, Input{Text: "i want to die", Age: 15}},
		{"with a careers question", State{}, Input{Text: "how much do nurses earn, my dad hits me"}},
		{"while a question is pending", pending, Input{Text: "leeds but i keep self harming"}},
		{"young", State{}, Input{Text: "i am getting bullied", Age: 11}},
		{"adult", State{}, Input{Text: "i want to kill myself", Age: 22}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, st, err := e.Respond(ctx, tc.st, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Intent != IntentSafeguarding || !r.Handoff || !r.Safeguarding {
				t.Fatalf("got intent %s handoff %v safeguarding %v", r.Intent, r.Handoff, r.Safeguarding)
			}
			for _, line := range []string{"0800 1111", "116 123", "85258", "999", "adviser"} {
				if !strings.Contains(r.Text, line) {
					t.Errorf("safeguarding reply lacks %q: %s", line, r.Text)
				}
			}
			if st.Pending != nil {
				t.Errorf("pending question kept after safeguarding: %+v", st.Pending)
			}
		})
	}
}

func TestReloadKeepsRulesOnBrokenEdit(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile(filepath.Join("testdata", "rules", "good", "rules.yaml"))
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(string(good))
	e := testEngine(t, Options{RulesDir: dir})
	ctx := context.Background()
	r, st, _ := e.Respond(ctx, State{}, Input{Text: "hello"})
	if r.Rule != "greet" {
		t.Fatalf("rule %q, want greet", r.Rule)
	}
	if st.Slots["greeted"] != "yes" || len(r.Buttons) != 2 || r.Buttons[1].Value != "handoff" {
		t.Fatalf("set/buttons/template override not applied: slots %v buttons %v text %q", st.Slots, r.Buttons, r.Text)
	}
	// A broken edit: the previous rules stay, the error is kept.
	write(string(good) + "\n- name: broken\n  priority: 5\n  when: intent ==\n  reply: greet\n")
	if changed, err := e.Reload(); changed || err == nil {
		t.Fatalf("broken edit: changed=%v err=%v", changed, err)
	}
	if err := e.LastReloadError(); err == nil || !strings.Contains(err.Error(), "rules.yaml:") {
		t.Fatalf("LastReloadError = %v", err)
	}
	if r, _, _ := e.Respond(ctx, State{}, Input{Text: "hello"}); r.Rule != "greet" {
		t.Fatalf("after a broken edit rule %q, want greet", r.Rule)
	}
	// A good edit is swapped in by Watch.
	write(strings.Replace(string(good), "name: greet", "name: greet-v2", 1))
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- e.Watch(wctx, 5*time.Millisecond) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if r, _, _ := e.Respond(ctx, State{}, Input{Text: "hello"}); r.Rule == "greet-v2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("watch did not reload the edited rules")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if err := e.LastReloadError(); err != nil {
		t.Errorf("LastReloadError after a good reload = %v", err)
	}
}

func TestConversations(t *testing.T) {
	e := testEngine(t, Options{})
	var out strings.Builder
	res, err := RunConversationDir(context.Background(), e, filepath.Join("testdata", "conversations"), &out, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failures {
		t.Error(f)
	}
	if res.Passed < 10 {
		t.Errorf("only %d conversations passed", res.Passed)
	}
	t.Logf("%d passed, %d failed", res.Passed, res.Failed)
}

func TestConcurrentConversations(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	script := []Input{
		{Text: "hello", Age: 14}, {Text: "how much do chefs earn"}, {Text: "and the hours?"},
		{Text: "jobs near me"}, {Text: "leeds"}, {Text: "i like animals"}, {Text: "1"},
		{Text: "compare nurse and doctor"}, {Text: "yes"}, {Text: "i want to die"},
	}
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			var st State
			for i := 0; i < 20; i++ {
				for _, in := range script {
					r, next, err := e.Respond(ctx, st, in)
					if err != nil {
						done <- err
						return
					}
					if r.Text == "" {
						done <- fmt.Errorf("empty reply to %q", in.Text)
						return
					}
					st = next
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestDocumentedRuleExamples(t *testing.T) {
	e := testEngine(t, Options{RulesDir: filepath.Join("testdata", "rules", "examples")})
	ctx := context.Background()
	r, _, err := e.Respond(ctx, State{}, Input{Text: "can i do an apprenticeship to become an electrician", Age: 16})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rule != "apprenticeship-team" || !r.Handoff {
		t.Errorf("apprenticeship: rule %s handoff %v", r.Rule, r.Handoff)
	}
	r, _, _ = e.Respond(ctx, State{}, Input{Text: "what are the best paid jobs", Age: 12})
	if r.Rule != "young-best-paid" || len(r.Buttons) != 2 {
		t.Errorf("young best paid: rule %s buttons %v", r.Rule, r.Buttons)
	}
	r, _, _ = e.Respond(ctx, State{}, Input{Text: "what are the best paid jobs", Age: 17})
	if r.Rule != "best-paid" {
		t.Errorf("older best paid: rule %s", r.Rule)
	}
}
