package dialog

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// benchTurns is a realistic mix of whole turns (understanding, rules, store, rendering).
var benchTurns = []Input{
	{Text: "how much do electricians earn", Age: 15},
	{Text: "how do i become a nurse", Age: 17},
	{Text: "what does a paramedic do", Age: 12},
	{Text: "compare nurse and doctor", Age: 22},
	{Text: "best paid jobs in leeds", Age: 18},
	{Text: "i like animals what jobs could i do", Age: 13},
	{Text: "will electricians be in demand"},
	{Text: "chef jobs in london"},
	{Text: "hello"},
	{Text: "qwerty"},
	{Text: "i want to die", Age: 15},
	{Text: "how many hours do chefs work a week", Adviser: true},
}

// benchMix is the realistic mix BenchmarkRespond answers, each on a fresh
// conversation with the age its set gives: benchTurns, the blind intent set
// (testdata/blind/intents.jsonl, real wording: run-ons, slang, typos, US terms) and,
// when ../shared is there, the development set (eval/dev.jsonl). The blind
// safeguarding set is left out: a disclosure ends the turn early and is rare in real
// traffic (TestGoldenReplies still pins those replies).
func benchMix(tb testing.TB) []Input {
	cases, _ := goldenCases(tb)
	var out []Input
	for _, c := range cases {
		if !strings.HasPrefix(c.id, "sg-") {
			out = append(out, c.in)
		}
	}
	return out
}

// BenchmarkRespond measures whole turns over benchMix and reports p50/p99 per turn.
func BenchmarkRespond(b *testing.B) {
	benchRespond(b, benchMix(b))
}

// BenchmarkRespondShortMix is BenchmarkRespond over benchTurns alone (the mix of the
// figures before issue 13).
func BenchmarkRespondShortMix(b *testing.B) {
	benchRespond(b, benchTurns)
}

func benchRespond(b *testing.B, mix []Input) {
	benchRespondOn(b, testEngine(b, Options{}), mix)
}

func benchRespondOn(b *testing.B, e *Engine, mix []Input) {
	ctx := context.Background()
	for _, in := range mix { // warm lazily built indexes
		e.Respond(ctx, State{}, in)
	}
	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := mix[i%len(mix)]
		start := time.Now()
		if _, _, err := e.Respond(ctx, State{}, in); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}

// BenchmarkRespondFollowUp measures a turn that depends on conversation state.
func BenchmarkRespondFollowUp(b *testing.B) {
	e := testEngine(b, Options{})
	ctx := context.Background()
	_, st, _ := e.Respond(ctx, State{}, Input{Text: "how much do plumbers earn", Age: 16})
	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, _, err := e.Respond(ctx, st, Input{Text: "and how do i get into it"}); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}

// cannedUnderstander replays understandings computed once, to measure the engine
// (context, rules, store, rendering) without the understanding step.
type cannedUnderstander map[string]Understanding

func (c cannedUnderstander) Understand(ctx context.Context, text string) Understanding {
	return c[text]
}

// BenchmarkRespondEngineOnly is BenchmarkRespond without understanding.
func BenchmarkRespondEngineOnly(b *testing.B) {
	real := testEngine(b, Options{})
	ctx := context.Background()
	canned := cannedUnderstander{}
	for _, in := range benchTurns {
		canned[in.Text] = real.Understand(ctx, in.Text)
	}
	e := testEngine(b, Options{Understander: canned})
	for _, in := range benchTurns {
		e.Respond(ctx, State{}, in)
	}
	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := benchTurns[i%len(benchTurns)]
		start := time.Now()
		if _, _, err := e.Respond(ctx, State{}, in); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}

// BenchmarkRules measures rule matching alone.
func BenchmarkRules(b *testing.B) {
	e := testEngine(b, Options{})
	rs := e.Rules()
	env := RuleEnv{Intent: IntentSuggest, Depth: DepthTeen}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := rs.match(&env); err != nil || r == nil {
			b.Fatal(r, err)
		}
	}
}

func reportPercentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	p := func(q float64) float64 {
		return float64(durs[int(q*float64(len(durs)-1))].Nanoseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-µs")
	b.ReportMetric(p(0.99), "p99-µs")
}

// FuzzRespond: any text gives a sensible reply and never a panic.
func FuzzRespond(f *testing.F) {
	for _, s := range []string{
		"", " ", "how much do nurses earn", "i want to die", strings.Repeat("a", 10000),
		strings.Repeat("nurse ", 2000), "\x00\x01\x02\x1b[31m", "¿Cuánto gana un médico?",
		"医生赚多少钱", "👩‍⚕️💰❓", "\xff\xfe\xfd", "{{.}}", "1+1 == 2", "occ:9999", "region:Mars",
		"pay:", "yes", "2", "near me", "compare", "vs vs vs",
	} {
		f.Add(s, 15, "")
	}
	f.Add("jobs near me", 0, "LS6")
	f.Add("best paid", 200, "\x00")
	e := testEngine(f, Options{})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string, age int, loc string) {
		// A two-turn conversation: the second turn sees the first's state.
		r, st, err := e.Respond(ctx, State{}, Input{Text: text, Age: age, Location: loc})
		checkReply(t, text, r, err)
		r, _, err = e.Respond(ctx, st, Input{Text: text, Button: text})
		checkReply(t, text, r, err)
	})
}

func checkReply(t *testing.T, text string, r Reply, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Respond(%q): %v", text, err)
	}
	if strings.TrimSpace(r.Text) == "" {
		t.Fatalf("Respond(%q): empty reply", text)
	}
	if !utf8.ValidString(r.Text) {
		t.Fatalf("Respond(%q): reply is not UTF-8", text)
	}
	if r.Intent == "" || r.Depth == "" {
		t.Fatalf("Respond(%q): intent %q depth %q", text, r.Intent, r.Depth)
	}
	if strings.Contains(r.Text, "<no value>") {
		t.Fatalf("Respond(%q): template hole: %s", text, r.Text)
	}
}
