package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestOccupationsSearchContract checks the JSON the scorer parses.
func TestOccupationsSearchContract(t *testing.T) {
	for _, args := range [][]string{
		{"occupations", "search", "--json", "--limit", "1", "electrician"},
		{"occupations", "search", "electrician", "--json", "--limit=1"},
		{"occupations", "search", "--limit", "1", "--json", "Electrician"},
	} {
		code, out, errs := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if len(rows) != 1 || rows[0]["soc2020"] != "5241" || rows[0]["soc2010"] != "5241" || rows[0]["title"] == "" {
			t.Fatalf("%v: %v", args, rows)
		}
		if _, ok := rows[0]["score"].(float64); !ok {
			t.Fatalf("score is not a number: %v", rows[0])
		}
	}
	code, out, _ := runCmd(t, "occupations", "search", "--json", "qwertyuiop")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("no match: exit %d, %q", code, out)
	}
	code, out, _ = runCmd(t, "occupations", "search", "nurse")
	if code != 0 || !strings.Contains(out, "2237") || !strings.Contains(out, "SOC2020") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

func TestOccupationsCommandErrors(t *testing.T) {
	for _, args := range [][]string{
		{"occupations"},
		{"occupations", "search"},
		{"occupations", "search", "--limit", "x", "nurse"},
		{"occupations", "search", "--limit"},
		{"occupations", "search", "--bogus", "nurse"},
		{"occupations", "show"},
		{"places", "resolve"},
		{"data"},
		{"data", "build", "extra"},
	} {
		if code, _, errs := runCmd(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errs)
		}
	}
	if code, _, errs := runCmd(t, "occupations", "show", "9999"); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("unknown code: exit %d %q", code, errs)
	}
	if code, _, errs := runCmd(t, "data", "build", "--from", t.TempDir(), "--out", t.TempDir()); code != 1 || errs == "" {
		t.Errorf("empty source folder: exit %d %q", code, errs)
	}
}

func TestOccupationsShowAndPlaces(t *testing.T) {
	code, out, errs := runCmd(t, "occupations", "show", "--json", "--soc-volume1", "none", "5241")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var o struct {
		SOC2020 string `json:"soc2020"`
		Pay     struct {
			AnnualFullTime struct {
				Median struct {
					Value  float64 `json:"value"`
					Source string  `json:"source"`
				} `json:"median"`
			} `json:"annual_full_time"`
		} `json:"pay"`
		Texts   any `json:"texts"`
		Sources []struct {
			Attribution string `json:"attribution"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	if o.SOC2020 != "5241" || o.Pay.AnnualFullTime.Median.Value != 39647 || o.Pay.AnnualFullTime.Median.Source != "ashe2025p" || len(o.Sources) == 0 || o.Texts != nil {
		t.Errorf("show: %+v", o)
	}
	code, out, errs = runCmd(t, "places", "resolve", "--json", "M1", "1AE")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p struct {
		Text     string `json:"text"`
		District string `json:"district"`
		Region   struct {
			Name string `json:"name"`
		} `json:"region"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Region.Name != "North West" || p.District != "M1" || strings.Contains(out, "1AE") {
		t.Errorf("resolve: %s", out)
	}
	if code, out, _ := runCmd(t, "places", "resolve", "up", "north"); code != 0 || !strings.Contains(out, "could be") {
		t.Errorf("ambiguous: %d %s", code, out)
	}
}

// TestOccupationsShowMarksReviewed: `occupations show` says whose entry facts they
// are: the reviewed table (with its sources and standards) or the rules, unreviewed.
func TestOccupationsShowMarksReviewed(t *testing.T) {
	cases := []struct {
		code string
		want []string
		not  []string
	}{
		{"2237", []string{"entry (reviewed; checked against NMC", "Registered nurse degree (NMC 2018) (level 6)"}, []string{"unreviewed"}},
		{"5315", []string{"entry (reviewed", "Gas Safe: only for work on gas appliances"}, []string{"unreviewed"}},
		{"1111", []string{"entry (unreviewed: extracted by rules"}, []string{"entry (reviewed"}},
		{"2226", []string{"median a year: £35,311 (ashe2023p 2023)", "note: these figures come from different years (2023 and 2025)", "(ashe2025p_region 2023 and 2025, estimate)"}, nil},
		{"2211", []string{"covers: This figure includes doctors in their first years"}, []string{"different years"}},
	}
	for _, c := range cases {
		code, out, errs := runCmd(t, "occupations", "show", c.code)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.code, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.code, w, out)
			}
		}
		for _, w := range c.not {
			if strings.Contains(out, w) {
				t.Errorf("%s: output has %q", c.code, w)
			}
		}
	}
}
