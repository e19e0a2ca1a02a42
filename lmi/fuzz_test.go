package lmi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func fuzzSeeds(f *testing.F) {
	f.Add("")
	f.Add(strings.Repeat("electrician nurse ", 6000)) // about 100 kB
	f.Add("\xff\xfe\xfd nurse \xc3")
	f.Add("😀🎉👩‍🔧")
	f.Add("\x00\x01\x1b[31mchef\r\n\t")
	f.Add("M1 1AE")
	f.Add("what a levels for physiotherapy in the north east")
	f.Add("'s ' '' -- ,,, ...")
}

func FuzzSearch(f *testing.F) {
	fuzzSeeds(f)
	st, err := LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		ms, err := st.SearchOccupations(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) > 5 {
			t.Fatalf("%d matches for limit 5", len(ms))
		}
		for _, m := range ms {
			if m.Score <= 0 || m.Score > 1 || len(m.SOC2020) != 4 {
				t.Fatalf("bad match %+v", m)
			}
		}
	})
}

func FuzzFindOccupations(f *testing.F) {
	fuzzSeeds(f)
	st, err := LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ms, err := st.FindOccupations(context.Background(), text)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) > 3 {
			t.Fatalf("%d mentions", len(ms))
		}
		for _, m := range ms {
			if m.Start < 0 || m.End > len(text) || m.Start >= m.End || text[m.Start:m.End] != m.Text || len(m.Candidates) == 0 {
				t.Fatalf("bad mention %+v", m)
			}
		}
	})
}

func FuzzResolvePlace(f *testing.F) {
	fuzzSeeds(f)
	st, err := LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, err := st.ResolvePlace(context.Background(), text)
		if err != nil {
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("error %v is not ErrNotFound", err)
			}
			if !utf8.ValidString(err.Error()) && utf8.ValidString(text) {
				t.Fatalf("error message is not UTF-8")
			}
			return
		}
		if !m.Ambiguous && m.Region.Name == "" {
			t.Fatalf("resolved without a region: %+v", m)
		}
		if m.Kind == "postcode_district" && len(m.Text) > 4 {
			t.Fatalf("kept more than the district: %q", m.Text)
		}
		if fm, ok := st.FindPlace(context.Background(), text); ok && (fm.Start < 0 || fm.End > len(text) || fm.Start >= fm.End) {
			t.Fatalf("bad span %+v", fm)
		}
	})
}
