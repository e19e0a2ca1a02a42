package dialog

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The golden replies pin the engine's answers byte for byte, so a change made for
// speed (issue 13) can show it changed nothing a person sees. Each case is two turns:
// the message on a fresh conversation, then a follow-up on the state it left; the
// fingerprint covers both replies and both states as JSON.
//
// After a change meant to alter answers (rules, templates, NLU data), regenerate:
//
//	go test ./dialog -run TestGoldenReplies -update-golden
//
// and -golden-dump DIR writes every reply in full to DIR for a diff before and after.
var (
	updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden_replies.tsv")
	goldenDump   = flag.String("golden-dump", "", "write every golden case's replies in full to this directory")
)

const goldenFile = "testdata/golden_replies.tsv"

// goldenCase is one message of the golden set.
type goldenCase struct {
	id       string
	in       Input
	followUp string
}

// goldenDepths cycle the age (and adviser view) of cases whose set gives no age.
var goldenDepths = []Input{{}, {Age: 12}, {Age: 15}, {Age: 18}, {Age: 22}, {Adviser: true}}

// goldenFollowUps cycle the second turn: follow-ups, answers to questions, buttons.
var goldenFollowUps = []string{
	"how much do they earn", "and how do i get into it", "yes", "2", "in leeds",
	"no thanks", "what about a vet", "im 14", "what's it like", "near me",
}

// goldenCases are the benchmark turns, the blind intent and safeguarding sets
// (testdata/blind) and, when ../shared is there, the development set.
func goldenCases(t testing.TB) (cases []goldenCase, withDev bool) {
	t.Helper()
	add := func(id, text string, age int) {
		n := len(cases)
		in := goldenDepths[n%len(goldenDepths)]
		in.Text = text
		if age > 0 {
			in.Age, in.Adviser = age, false
		}
		cases = append(cases, goldenCase{id: id, in: in, followUp: goldenFollowUps[n%len(goldenFollowUps)]})
	}
	for i, in := range benchTurns {
		n := len(cases)
		cases = append(cases, goldenCase{id: "bench-" + strconv.Itoa(i+1), in: in,
			followUp: goldenFollowUps[n%len(goldenFollowUps)]})
	}
	for _, c := range ucReadCases(t, filepath.Join("testdata", "blind", "intents.jsonl")) {
		add(c.ID, c.Text, c.Age)
	}
	for i, c := range readBlindSafeguarding(t) {
		add("sg-"+strconv.Itoa(i+1), c.text, c.age)
	}
	dev := filepath.Join(ucSharedDir(t), "eval", "dev.jsonl")
	if _, err := os.Stat(dev); err == nil {
		withDev = true
		for _, c := range ucReadCases(t, dev) {
			add(c.ID, c.Text, c.Age)
		}
	}
	return cases, withDev
}

type blindSG struct {
	text string
	age  int
}

func readBlindSafeguarding(t testing.TB) []blindSG {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "blind", "safeguarding.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []blindSG
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if line == 1 || sc.Text() == "" {
			continue // header
		}
		cols := strings.SplitN(sc.Text(), "\t", 3)
		if len(cols) != 3 {
			t.Fatalf("safeguarding.tsv:%d: want 3 tab-separated columns", line)
		}
		age, _ := strconv.Atoi(cols[1])
		out = append(out, blindSG{text: cols[2], age: age})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// goldenRun answers one case's two turns and returns the fingerprint, a one-line
// summary and the full JSON.
func goldenRun(t testing.TB, e *Engine, c goldenCase) (sum, summary string, full []byte) {
	t.Helper()
	ctx := context.Background()
	r1, st1, err1 := e.Respond(ctx, State{}, c.in)
	in2 := Input{Text: c.followUp, Age: c.in.Age, Adviser: c.in.Adviser}
	r2, st2, err2 := e.Respond(ctx, st1, in2)
	rec := struct {
		In     Input  `json:"in"`
		Reply1 Reply  `json:"reply1"`
		State1 State  `json:"state1"`
		Err1   string `json:"err1,omitempty"`
		In2    Input  `json:"in2"`
		Reply2 Reply  `json:"reply2"`
		State2 State  `json:"state2"`
		Err2   string `json:"err2,omitempty"`
	}{In: c.in, Reply1: r1, State1: st1, In2: in2, Reply2: r2, State2: st2}
	if err1 != nil {
		rec.Err1 = err1.Error()
	}
	if err2 != nil {
		rec.Err2 = err2.Error()
	}
	full, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(full)
	return hex.EncodeToString(h[:12]), r1.Intent + "/" + r1.Rule + " " + r2.Intent + "/" + r2.Rule, full
}

func TestGoldenReplies(t *testing.T) {
	e := testEngine(t, Options{})
	cases, withDev := goldenCases(t)
	want := map[string]string{}
	if !*updateGolden {
		data, err := os.ReadFile(goldenFile)
		if err != nil {
			t.Fatalf("%v (make it with -update-golden)", err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			cols := strings.SplitN(line, "\t", 3)
			if len(cols) != 3 {
				t.Fatalf("%s:%d: want id, fingerprint, summary", goldenFile, i+1)
			}
			want[cols[0]] = cols[1]
		}
	}
	if *goldenDump != "" {
		if err := os.MkdirAll(*goldenDump, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var lines []string
	changed := 0
	for _, c := range cases {
		sum, summary, full := goldenRun(t, e, c)
		lines = append(lines, c.id+"\t"+sum+"\t"+summary)
		if *goldenDump != "" {
			if err := os.WriteFile(filepath.Join(*goldenDump, c.id+".json"), full, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if *updateGolden {
			continue
		}
		w, ok := want[c.id]
		switch {
		case !ok:
			t.Errorf("%s: not in %s (regenerate with -update-golden)", c.id, goldenFile)
		case w != sum:
			changed++
			if changed <= 5 {
				t.Errorf("%s %q: replies changed (%s):\n%s", c.id, c.in.Text, summary, full)
			}
		}
	}
	if changed > 5 {
		t.Errorf("%d of %d golden cases changed (first 5 shown; -golden-dump DIR writes all)", changed, len(cases))
	}
	if !withDev {
		t.Logf("dev set not found: its %s cases were not checked (set CAREERSBOT_SHARED)", "dev-*")
	}
	if *updateGolden {
		if !withDev {
			t.Fatal("-update-golden needs the dev set too (set CAREERSBOT_SHARED)")
		}
		if err := os.WriteFile(goldenFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d cases to %s", len(lines), goldenFile)
	}
}

// TestGoldenRepliesDeterministic: the same case answered twice gives the same bytes,
// so the golden fingerprints test the engine and not chance (map order, time).
func TestGoldenRepliesDeterministic(t *testing.T) {
	e := testEngine(t, Options{})
	cases, _ := goldenCases(t)
	for i := 0; i < len(cases); i += 7 {
		a, _, fa := goldenRun(t, e, cases[i])
		b, _, fb := goldenRun(t, e, cases[i])
		if a != b {
			t.Errorf("%s: two runs differ:\n%s\n---\n%s", cases[i].id, fa, fb)
		}
	}
}
