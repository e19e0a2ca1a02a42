package lmi

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSOCRelationship(t *testing.T) {
	e, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		soc2010, want2020 string
		split             bool // the SOC 2010 group splits (a caveat is due)
	}{
		{"4135", "4135", false},
		{"5314", "5315", false},
		{"2451", "2471", false},
		{"2136", "2134", true},
		{"1259", "1259", true},
	} {
		ls, err := e.SOC2020For(ctx, tc.soc2010)
		if err != nil || len(ls) == 0 {
			t.Errorf("%s: %v %v", tc.soc2010, ls, err)
			continue
		}
		if ls[0].SOC2020 != tc.want2020 {
			t.Errorf("%s: top SOC 2020 %s, want %s", tc.soc2010, ls[0].SOC2020, tc.want2020)
		}
		if got := ls[0].SplitCaveat() != ""; got != tc.split {
			t.Errorf("%s: split caveat %q", tc.soc2010, ls[0].SplitCaveat())
		}
		sum := 0.0
		for i, l := range ls {
			sum += l.Share
			if i > 0 && l.Share > ls[i-1].Share {
				t.Errorf("%s: links not ordered by share", tc.soc2010)
			}
		}
		if sum < 0.98 || sum > 1.02 {
			t.Errorf("%s: shares sum to %.3f", tc.soc2010, sum)
		}
	}
	back, err := e.SOC2010For(ctx, "2134")
	if err != nil || back[0].SOC2010 != "2136" || !strings.Contains(back[0].SplitCaveat(), "Programmers") {
		t.Errorf("2134 back: %+v %v", back, err)
	}
	if _, err := e.SOC2020For(ctx, "0000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	// every unit group's SOC 2010 list agrees with the table
	occs, _ := e.Occupations(ctx)
	for _, o := range occs {
		if len(o.SOC2010) == 0 {
			continue
		}
		if _, err := e.SOC2010For(ctx, o.SOC2020); err != nil {
			t.Errorf("%s has SOC 2010 codes but no links: %v", o.SOC2020, err)
		}
	}
}
