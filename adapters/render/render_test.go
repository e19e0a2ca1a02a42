package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

func TestSplit(t *testing.T) {
	long := strings.Repeat("word ", 2000) // 10,000 characters
	tests := []struct {
		name string
		in   string
		max  int
		want []string // nil: check invariants only
	}{
		{"short", "hello", 10, []string{"hello"}},
		{"empty", "  ", 10, nil},
		{"no limit", "a b c", 0, []string{"a b c"}},
		{"at word", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"prefers newline", "aaaa\nbbb ccc dd", 12, []string{"aaaa\nbbb ccc", "dd"}},
		{"long word cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"paragraph", "first para here\n\nsecond para", 20, []string{"first para here", "second para"}},
		{"many", long, 4096, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Split(tc.in, tc.max)
			if tc.want != nil && strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("Split(%q,%d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			// Invariants: every piece fits, nothing but whitespace is lost.
			for _, p := range got {
				if tc.max > 0 && Length(p, false) > tc.max {
					t.Errorf("piece of %d > %d", Length(p, false), tc.max)
				}
			}
			if strings.Join(strings.Fields(strings.Join(got, " ")), " ") != strings.Join(strings.Fields(tc.in), " ") && !strings.Contains(tc.name, "cut") {
				t.Errorf("words lost or changed")
			}
		})
	}
}

func TestSplitUTF16(t *testing.T) {
	s := strings.Repeat("😀", 10) // 2 UTF-16 units each
	got := SplitUTF16(s, 5)
	for _, p := range got {
		if Length(p, true) > 5 {
			t.Fatalf("piece %q has %d units", p, Length(p, true))
		}
	}
	if strings.Join(got, "") != s {
		t.Fatalf("lost text: %q", got)
	}
	if got := SplitUTF16("😀😀", 1); len(got) != 2 {
		t.Fatalf("max below one character: %q", got)
	}
}

func TestText(t *testing.T) {
	m := bot.Message{
		Text:    "Here is what nurses earn.",
		Buttons: []dialog.Button{{Label: "Entry routes", Value: "entry"}, {Label: "Talk to an adviser", Value: "adviser"}},
		Cards: []dialog.Card{{Title: "Nurse", Subtitle: "SOC 2231", Fields: []dialog.Field{{Label: "Pay", Value: "£35,000 a year"}},
			Footer: "ONS ASHE 2024"}},
		Charts: []dialog.Chart{{Kind: "bar", Title: "Pay", Labels: []string{"Nurse"}, Series: []dialog.Series{{Name: "median", Values: []float64{35000}}},
			AltText: "Nurses earn about £35,000 a year.", Source: "ONS ASHE 2024"}},
	}
	tests := []struct {
		name    string
		caps    bot.Capabilities
		want    []string
		notWant []string
	}{
		{"plain", bot.Capabilities{}, []string{"Nurse\nSOC 2231\nPay: £35,000 a year\nONS ASHE 2024", "Nurses earn about £35,000 a year.\nSource: ONS ASHE 2024", "1. Entry routes\n2. Talk to an adviser"}, nil},
		{"rich", bot.Capabilities{Buttons: true, Cards: true, Charts: true}, []string{"Here is what nurses earn."}, []string{"SOC 2231", "Source:", "1. Entry"}},
		{"buttons only", bot.Capabilities{Buttons: true}, []string{"SOC 2231", "Source: ONS"}, []string{"1. Entry"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Text(m, tc.caps)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got, w) {
					t.Errorf("unexpected %q in\n%s", w, got)
				}
			}
		})
	}
}

func TestChartWithoutAltText(t *testing.T) {
	c := dialog.Chart{Title: "Jobs", Labels: []string{"2024", "2025"}, Series: []dialog.Series{{Name: "jobs", Values: []float64{10.5, 11}}}, Unit: "thousand jobs", Source: "Working Futures 2024"}
	got := Chart(c)
	for _, w := range []string{"Jobs", "2024: 10.5 thousand jobs", "2025: 11 thousand jobs", "Source: Working Futures 2024"} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in %q", w, got)
		}
	}
}

func TestMatchButton(t *testing.T) {
	bs := []dialog.Button{{Label: "Yes", Value: "fb_yes"}, {Label: "No", Value: "fb_no"}}
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{{"1", "fb_yes", true}, {"2.", "fb_no", true}, {"3", "", false}, {"no", "fb_no", true}, {"FB_YES", "fb_yes", true}, {"maybe", "", false}, {"", "", false}}
	for _, tc := range tests {
		b, ok := MatchButton(tc.in, bs)
		if ok != tc.wantOK || b.Value != tc.want {
			t.Errorf("MatchButton(%q) = %v,%v want %q,%v", tc.in, b, ok, tc.want, tc.wantOK)
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	s := strings.Repeat("The median pay for a nurse is £35,000 a year.\n", 400)
	b.ReportAllocs()
	for b.Loop() {
		Split(s, 4096)
	}
}

// FuzzSplit checks Split's invariants: every piece fits, no piece is empty, and nothing
// but whitespace is lost or reordered.
func FuzzSplit(f *testing.F) {
	f.Add("The median pay for a nurse is £35,000 a year.\n\nSource: ONS", 10, false)
	f.Add("😀😀😀 abc", 3, true)
	f.Add("aaaaaaaaaaaaaaaaaaaa", 1, false)
	f.Add("a\n\n\n\nb", 2, true)
	f.Fuzz(func(t *testing.T, s string, max int, u16 bool) {
		if max < 1 || max > 100 || !utf8.ValidString(s) {
			t.Skip()
		}
		pieces := split(s, max, u16)
		strip := func(x string) string { return strings.Join(strings.Fields(x), "") }
		var all strings.Builder
		for _, p := range pieces {
			if p == "" {
				t.Fatalf("empty piece in %q", pieces)
			}
			if n := Length(p, u16); n > max {
				// Only a single character wider than max may exceed it.
				if utf8.RuneCountInString(p) != 1 {
					t.Fatalf("piece %q is %d > %d", p, n, max)
				}
			}
			all.WriteString(p)
		}
		if strip(all.String()) != strip(s) {
			t.Fatalf("Split(%q, %d) = %q loses text", s, max, pieces)
		}
	})
}

func TestBodyLabelsAdviser(t *testing.T) {
	tests := []struct {
		m    bot.Message
		want string
	}{
		{bot.Message{Text: " Hello ", Sender: "adviser"}, "Careers adviser: Hello"},
		{bot.Message{Text: "Hello", Sender: "bot"}, "Hello"},
		{bot.Message{Text: "", Sender: "adviser"}, ""},
	}
	for _, tc := range tests {
		if got := Body(tc.m); got != tc.want {
			t.Errorf("Body(%+v) = %q, want %q", tc.m, got, tc.want)
		}
		if got := Text(tc.m, bot.Capabilities{}); got != tc.want {
			t.Errorf("Text(%+v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}
