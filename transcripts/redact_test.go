package transcripts

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	f, err := os.Open("testdata/redact.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewRedactor()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if strings.HasPrefix(sc.Text(), "#") || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		in, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("testdata/redact.tsv:%d: no tab", line)
		}
		if got := r.Redact(in); got != want {
			t.Errorf("testdata/redact.tsv:%d: Redact(%q)\n got %q\nwant %q", line, in, got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkRedact(b *testing.B) {
	r := NewRedactor()
	for _, bc := range []struct{ name, text string }{
		{"typical", "how much do electricians earn in Leeds?"},
		{"age", "I'm 15 and I like animals, what jobs could I do?"},
		{"personal", "hi my name is Sam, I'm 15, I live at 12 Acacia Avenue M1 1AE, ring 07700 900123. how much do electricians earn?"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Redact(bc.text)
			}
		})
	}
}

// FuzzRedact checks that redaction never panics, keeps text valid UTF-8, and leaves
// no email address or UK mobile number behind.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"my name is Sam", "ring 07700 900123", "sam@example.org", "M1 1AE", "12 Acacia Avenue",
		"born 3 May 2009", "+44 (0)20 7946 0018", "£35,000", "year 10", "\xff\xfe", "call me", "0044"} {
		f.Add(s)
	}
	r := NewRedactor()
	mobile := regexp.MustCompile(`\b07\d{3} ?\d{6}\b`)
	f.Fuzz(func(t *testing.T, in string) {
		out := r.Redact(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("Redact(%q) = %q: invalid UTF-8", in, out)
		}
		if r.email.MatchString(out) {
			t.Fatalf("Redact(%q) = %q: an email address is left", in, out)
		}
		if mobile.MatchString(out) {
			t.Fatalf("Redact(%q) = %q: a mobile number is left", in, out)
		}
	})
}
