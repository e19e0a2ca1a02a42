package dialog

import (
	"context"
	"strings"
	"testing"
)

// TestPayNotes: a doctor's median says who it covers at every depth, and the ASHE
// 2025 "use with caution" note is given once, from 17 on, only with 2025 figures.
func TestPayNotes(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	cases := []struct {
		button  string
		age     int
		adviser bool
		want    []string
		notWant []string
	}{
		{"pay:2211", 12, false, []string{"doctors in their first years of training"}, []string{"use with caution", "used with caution"}},
		{"pay:2211", 22, false, []string{"doctors in their first years of training", "consultants", "used with caution"}, nil},
		{"pay:2212", 15, false, []string{"registrars"}, nil},
		{"pay:2212", 30, true, []string{"registrars", "\"use with caution\""}, nil},
		{"pay:5241", 22, false, []string{"used with caution"}, []string{"training as well as"}},
		{"entry:5241", 22, false, nil, []string{"used with caution"}},
	}
	for _, c := range cases {
		r, _, err := e.Respond(ctx, State{}, Input{Button: c.button, Age: c.age, Adviser: c.adviser})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%s at %d: lacks %q:\n%s", c.button, c.age, w, r.Text)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(r.Text, w) {
				t.Errorf("%s at %d: says %q:\n%s", c.button, c.age, w, r.Text)
			}
		}
		if n := strings.Count(r.Text, "with caution"); n > 1 {
			t.Errorf("%s at %d: the caution note %d times", c.button, c.age, n)
		}
	}
}
