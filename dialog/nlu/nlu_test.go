package nlu

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want string // file:line:col: message fragment
	}{
		{"bad_yaml", "a.yaml:2:1: "},
		{"unknown_key", `a.yaml:5:5: unknown key "exmples"`},
		{"bad_weight", `a.yaml:4:37: weight must be a number`},
		{"bad_flag", `a.yaml:4:48: unknown flag "need_job"`},
		{"bad_tier", `a.yaml:3:11: tier must be 1 (escalate) or 2 (check in)`},
		{"no_weight", `a.yaml:4:9: a cue needs a weight`},
		{"bad_term", `a.yaml:2:5: a term's from: cannot have gaps`},
		{"unknown_concept", `a.yaml:6:9: concept rule names "RESTRICT", which no concepts: entry defines`},
		{"bad_concept", `a.yaml:3:32: concept word "Only": want one lowercase word`},
		{"two_labels", `a.yaml:7:9: example "How much do plumbers earn" is also an example of pay`},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", tt.dir)
			_, err := Load(os.DirFS(dir), dir)
			var ne *Error
			if !errors.As(err, &ne) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadGood(t *testing.T) {
	dir := filepath.Join("testdata", "good")
	d, err := Load(os.DirFS(dir), dir)
	if err != nil {
		t.Fatal(err)
	}
	pay := d.Intent("pay")
	if pay == nil || len(pay.Cues) != 2 || len(pay.Examples) != 1 {
		t.Fatalf("pay = %+v: want the cues of one file joined to the examples of the other", pay)
	}
	if c := pay.Cues[1]; c.Weight != 2 || len(c.Flags) != 1 || c.Flags[0] != "need_occ" || c.Pos.Line != 6 {
		t.Errorf("second pay cue = %+v", c)
	}
	if len(d.Safeguarding) != 1 || d.Safeguarding[0].Patterns[1].Tier != 2 || d.Safeguarding[0].Tier != 1 {
		t.Errorf("safeguarding = %+v", d.Safeguarding)
	}
	if len(d.Terms) != 1 || d.Terms[0].To != "solicitor" {
		t.Errorf("terms %v", d.Terms)
	}
	if len(d.Idioms) != 1 || len(d.SafeExamples) != 1 {
		t.Errorf("idioms %v, safe examples %v", d.Idioms, d.SafeExamples)
	}
}

func TestLoadDefault(t *testing.T) {
	d, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range d.Intents {
		n += len(in.Examples)
	}
	if n < 1500 {
		t.Errorf("%d embedded examples, want the 1,500+ labelled own utterances", n)
	}
	if d.Models["intents.model"] == nil {
		t.Error("no intents.model embedded")
	}
}
