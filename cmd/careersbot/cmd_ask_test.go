package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func askRunCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestEvalOneLinePerInput(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","text":"how much do chefs earn","age":15}`,
		`not json at all`,
		`{"id":"c"}`,
		``,
		`{"id":7,"text":"electrician vacancies in scotland"}`,
		`{"id":"e","text":"i want to die","age":13}`,
		`{"id":"f","text":"` + strings.Repeat("x", 20000) + `"}`,
		`{"id":"g","text":"hello","age":"fifteen"}`,
	}, "\n")
	code, out, errs := askRunCmd(t, in, "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d output lines, want 7 (one per non-empty input line):\n%s", len(lines), out)
	}
	type row struct {
		ID          json.RawMessage `json:"id"`
		Intent      string          `json:"intent"`
		Region      string          `json:"region"`
		Reply       string          `json:"reply"`
		Handoff     bool            `json:"handoff"`
		Error       string          `json:"error"`
		Occupations []struct {
			SOC2020, SOC2010, Title string
		} `json:"occupations"`
		Sources []string `json:"sources"`
	}
	var rows []row
	for _, l := range lines {
		var r row
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("bad output line %q: %v", l, err)
		}
		rows = append(rows, r)
	}
	if string(rows[0].ID) != `"a"` || rows[0].Intent != "pay" || len(rows[0].Occupations) == 0 ||
		rows[0].Occupations[0].SOC2020 != "5434" || rows[0].Occupations[0].SOC2010 != "5434" || len(rows[0].Sources) == 0 {
		t.Errorf("line 1: %+v", rows[0])
	}
	if string(rows[1].ID) != "2" || rows[1].Error == "" {
		t.Errorf("bad JSON line: want an error with the line number as id, got %+v", rows[1])
	}
	if string(rows[2].ID) != `"c"` || !strings.Contains(rows[2].Error, "text") {
		t.Errorf("line without text: %+v", rows[2])
	}
	if string(rows[3].ID) != "7" || rows[3].Region != "Scotland" || rows[3].Intent != "vacancies" {
		t.Errorf("numeric id line: %+v", rows[3])
	}
	if rows[4].Intent != "safeguarding" || !rows[4].Handoff {
		t.Errorf("safeguarding line: %+v", rows[4])
	}
	if rows[5].Error != "" || rows[5].Reply == "" {
		t.Errorf("long line: %+v", rows[5])
	}
	if string(rows[6].ID) != `"g"` || !strings.Contains(rows[6].Error, "age") {
		t.Errorf("bad age: want an error naming age with the id, got %+v", rows[6])
	}
}

func TestAskJSON(t *testing.T) {
	code, out, errs := askRunCmd(t, "", "ask", "--age", "12", "--json", "how", "much", "do", "vets", "earn")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Intent        string `json:"intent"`
		Depth         string `json:"depth"`
		Reply         string `json:"reply"`
		Understanding struct {
			Intent string `json:"intent"`
		} `json:"understanding"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Intent != "pay" || r.Depth != "13_and_under" || r.Understanding.Intent != "pay" || !strings.Contains(r.Reply, "£") {
		t.Errorf("ask --json: %+v", r)
	}
	if code, _, _ := askRunCmd(t, "", "ask"); code != 2 {
		t.Errorf("ask without text: exit %d, want 2", code)
	}
}

func TestRulesCheck(t *testing.T) {
	code, out, _ := askRunCmd(t, "", "rules", "check", "../../dialog/testdata/rules/unknown_field")
	if code != 1 || !strings.Contains(out, "unknown_field/rules.yaml:4:28:") {
		t.Errorf("broken rules: exit %d, output %q", code, out)
	}
	code, out, _ = askRunCmd(t, "", "rules", "check", "../../dialog/testdata/rules/shadowed")
	if code != 0 || !strings.Contains(out, "warning:") || !strings.Contains(out, "shadowed/rules.yaml:6:3") {
		t.Errorf("shadowed rules: exit %d, output %q", code, out)
	}
	dir := t.TempDir()
	if code, _, errs := askRunCmd(t, "", "rules", "export", dir); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	code, out, _ = askRunCmd(t, "", "rules", "check", dir)
	if code != 0 || strings.Contains(out, "warning:") {
		t.Errorf("exported defaults: exit %d, %q", code, out)
	}
}

func TestChatPressesNumberedButtons(t *testing.T) {
	code, out, errs := askRunCmd(t, "how much do chefs earn\n1\n/quit\n", "chat", "--age", "15")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "1) How do I get in?") || !strings.Contains(out, "Ways into chef jobs") {
		t.Errorf("chat output:\n%s", out)
	}
}

func TestConversationSuite(t *testing.T) {
	code, out, errs := askRunCmd(t, "", "test", "../../dialog/testdata/conversations")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if code != 0 || !strings.HasSuffix(last, " 0 failed") {
		t.Fatalf("exit %d, last line %q\n%s%s", code, last, out, errs)
	}
}

func TestEvalSafeguardingTier(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"1","text":"i want to die","age":15}`,
		`{"id":"2","text":"a lad from school wants a dirty pic, also what do vets earn","age":14}`,
		`{"id":"3","text":"how much do photographers earn","age":16}`,
	}, "\n")
	code, out, errs := askRunCmd(t, in, "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := []string{"tier1", "tier2", ""}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			Safeguarding *string `json:"safeguarding"`
			Reply        string  `json:"reply"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.Safeguarding == nil || *r.Safeguarding != want[i] {
			t.Errorf("line %d: safeguarding %v, want %q (reply %q)", i+1, r.Safeguarding, want[i], r.Reply)
		}
	}
}

func TestAskExplain(t *testing.T) {
	code, out, errs := askRunCmd(t, "", "ask", "--explain", "whats the bread like for a plumber")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"--- why", "intent      pay", "words       what is the bread like for a OCC", "learned     pay", "feature     "} {
		if !strings.Contains(out, want) {
			t.Errorf("ask --explain output lacks %q:\n%s", want, out)
		}
	}
}
