package transcripts

import (
	"bufio"
	"os"
	"strings"
	"testing"
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
