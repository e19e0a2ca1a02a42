package lmi

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFindOccupations(t *testing.T) {
	st := testStore(t)
	tests := []struct {
		text string
		want []string // first candidate of each mention, in order
	}{
		{"how do i get into coding as a job", []string{"2134"}},
		{"is retail a dying industry", []string{"7111"}},
		{"are there any care jobs available", []string{"6135"}},
		{"which pays more solicitor or accountant", []string{"2412", "2421"}},
		{"what a levels for physiotherapy", []string{"2221"}},
		{"how much do nurses earn a year", []string{"2237"}},
		{"compare nurse and doctor", []string{"2237", "2211"}},
		{"how do you join the police force", []string{"3312"}},
		{"will lorry drivers be replaced by self driving trucks", []string{"8211"}},
		{"is care work hard", []string{"6135"}},
		{"how do i get into IT", []string{"2139"}},
		{"plumbing apprenticeship", []string{"5315"}},
		{"electrican or plumber", []string{"5241", "5315"}},
		{"nurse, doctor, vet and chef", []string{"2237", "2211", "2240"}}, // at most 3
		// plurals, typos, titles that start with a filler word, joined jobs
		{"what do paramedics do", []string{"2255"}},
		{"how much do posties get paid", []string{"9211"}},
		{"train driver salary", []string{"8231"}},
		{"how do i become a train driver", []string{"8231"}},
		{"how much do plummers earn", []string{"5315"}},
		{"hairdressor salary", []string{"6221"}},
		{"how do i join the army", []string{"3311"}},
		{"how do i get into the fire service", []string{"3313"}},
		{"bar jobs in leeds", []string{"9265"}},
		{"police or army", []string{"3312", "3311"}},
		{"army or police", []string{"3311", "3312"}},
		{"how do i become a plumer", []string{"5315"}},
		{"what subjects should i pick for engineering aerospace", []string{"2126"}},
		{"teaching primary", []string{"2314"}},
		{"how much does a make-up artist earn", []string{"6222"}},
		{"it tech salary", []string{"3131"}},
		{"lollipop ladies pay", []string{"9232"}},
		{"i want to be a model", []string{"3413"}},
		{"is being a gamer a real job", []string{"3413"}},
		{"how much do boxers earn", []string{"3431"}},
		{"i want to become a clown", []string{"3413"}},
		// a filler word that begins a title ("careers"), everyday names and slang
		{"what does a careers adviser earn", []string{"3572"}},
		{"how do i become a careers advisor", []string{"3572"}},
		{"how much does a pub landlord earn", []string{"1223"}},
		{"is being a handyman good money", []string{"8159"}},
		{"i want to study paramedic science", []string{"2255"}},
		{"do docs work mad hours", []string{"2211"}},
		{"how do i get into personal training", []string{"3433"}},
		{"i want to be a lollipop lady", []string{"9232"}},
		// fields named by an adjective or a field noun (find_fields.go, morphVariants)
		{"how do i get a legal apprenticeship", []string{"3520"}},
		{"how to get into the legal field", []string{"3520"}},
		{"dental apprenticeship", []string{"2253"}},
		{"how do i get into medicine", []string{"2211"}},
		{"a levels for medicine", []string{"2211"}},
		{"biological jobs", []string{"2112"}},
		{"how do you get into forensic science", []string{"2112"}}, // science -> scientist
		{"a career in computer science", []string{"2133"}},         // the index's "Computer scientist"
		{"careers in the environmental sector", []string{"2152"}},
		{"i want a veterinary career", []string{"2240"}},
		{"a physical job", nil},
		{"any local jobs", nil},
		{"a special job", nil},
		{"my first job", nil},
		{"is a clinical job hard", nil},
		// filler words and everyday words must not become jobs
		{"can you share the google docs", nil},
		{"careers advice please", nil},
		{"can i talk to a careers advisor", nil},
		{"i want to be a careers adviser", []string{"3572"}},
		{"i want to join", nil},
		{"loads of money", nil},
		{"i want to grow", nil},
		{"i ate a chocolate bar", nil},
		{"i went on a train", nil},
		{"the army of fans", nil},
		{"i want to become a better person", nil},
		{"i need a plan", nil},
		{"make up your mind", nil},
		{"is it hard", nil},
		{"he is my role model", nil},
		{"my dog is a boxer", nil},
		{"what do plants need", nil},
		{"i had lunch at a restaurant", nil},
		{"what do cats do", nil},
		{"what does a bank do", nil},
		{"what does a plumbr do", []string{"5315"}},
		{"what do nurces need", []string{"2237"}},
		{"what jobs pay the most", nil},
		{"i want to talk to a human", nil},
		{"can i speak to an adviser", nil},
		{"help", nil},
		{"what do you do", nil},
		{"i like people and i like to help", nil},
		{"i don't care", nil},
		{"it is what it is", nil},
		{"i keep self harming", nil},
		{"what's the capital of france", nil},
		{"do you like pizza", nil},
		{"what a level do i need in year 10", nil},
		{"what can i do if i like computers", nil},
		{"i had a bath and went to bed", nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			ms, err := st.FindOccupations(context.Background(), tc.text)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.Candidates[0].SOC2020)
				if tc.text[m.Start:m.End] != m.Text {
					t.Errorf("span %d-%d is %q, Text %q", m.Start, m.End, tc.text[m.Start:m.End], m.Text)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("%q: got %v (%+v), want %v", tc.text, got, ms, tc.want)
			}
			for i := 1; i < len(ms); i++ {
				if ms[i].Start < ms[i-1].End {
					t.Errorf("mentions overlap or are out of order: %+v", ms)
				}
			}
		})
	}
}

// TestFindOccupationsDev runs the shared dev sentences (skipped without ../shared):
// every expected occupation must be among the mentions' first candidates and no
// mention may appear where none is expected.
func TestFindOccupationsDev(t *testing.T) {
	dir := filepath.Dir(sharedData(t))
	data, err := os.ReadFile(filepath.Join(dir, "eval", "dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	st := testStore(t)
	var n, ok, spurious int
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c struct {
			Text string `json:"text"`
			Occ  []struct {
				SOC2020 []string `json:"soc2020"`
			} `json:"occupations"`
		}
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		ms, _ := st.FindOccupations(context.Background(), c.Text)
		if len(c.Occ) == 0 && len(ms) > 0 {
			spurious++
			t.Errorf("%q: unexpected mentions %+v", c.Text, ms)
		}
		for _, want := range c.Occ {
			n++
			found := false
			for _, m := range ms {
				for _, w := range want.SOC2020 {
					if m.Candidates[0].SOC2020 == w {
						found = true
					}
				}
			}
			if found {
				ok++
			} else {
				t.Errorf("%q: want one of %v, got %+v", c.Text, want.SOC2020, ms)
			}
		}
	}
	t.Logf("dev mentions %d/%d, spurious %d", ok, n, spurious)
}

// TestFindOccupationsPlaces: a place named in the message is never read as a job
// (not even by a spelling fix: "stoke" is no "stoker"), and a town whose name is a
// job word still finds both.
func TestFindOccupationsPlaces(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	for _, row := range readTSV(t, filepath.Join("testdata", "find_place_cases.tsv"), 3) {
		f := row.Cols
		text, wantJobs, wantPlace := f[0], f[1], f[2]
		ms, err := st.FindOccupations(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.Candidates[0].SOC2020)
		}
		gotJobs := strings.Join(got, ",")
		if gotJobs == "" {
			gotJobs = "-"
		}
		if gotJobs != wantJobs {
			t.Errorf("line %d: FindOccupations(%q) = %s, want %s", row.Line, text, gotJobs, wantJobs)
		}
		p, ok := st.FindPlace(ctx, text)
		gotPlace := "-"
		if ok {
			gotPlace = strings.ToLower(p.Text)
		}
		if gotPlace != wantPlace {
			t.Errorf("line %d: FindPlace(%q) = %s, want %s", row.Line, text, gotPlace, wantPlace)
		}
	}
}

// TestScanTextAgrees: ScanText, one tokenization for both, finds what
// FindOccupations and FindPlace find on their own.
func TestScanTextAgrees(t *testing.T) {
	e, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, text := range []string{
		"how much do nurses earn in leeds", "chef jobs in stoke-on-trent", "jobs in birmingam",
		"plumber apprenticeships near LS6 1AB", "i want to be a vet", "retail jobs in sale", "hello",
		"", "nursing in Manchester or electrician in bristol", "Jobs in Reading for a software developer",
	} {
		ms, err := e.FindOccupations(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		pm, ok := e.FindPlace(ctx, text)
		gms, gpm, gok := e.ScanText(ctx, text)
		if !reflect.DeepEqual(ms, gms) || ok != gok || !reflect.DeepEqual(pm, gpm) {
			t.Errorf("%q: ScanText = %v %v %v, want %v %v %v", text, gms, gpm, gok, ms, pm, ok)
		}
	}
}
