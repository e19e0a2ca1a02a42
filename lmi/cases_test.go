package lmi

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// tsvRow is one case of a tab-separated test table: its line number in the file and its
// columns.
type tsvRow struct {
	Line int
	Cols []string
}

// readTSV reads the test table at path: blank lines and lines starting with # are passed
// over, as is a header line starting with "query\t"; every other line must have exactly
// cols tab-separated columns.
func readTSV(t testing.TB, path string, cols int) []tsvRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []tsvRow
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "query\t") {
			continue
		}
		c := strings.Split(l, "\t")
		if len(c) != cols {
			t.Fatalf("%s:%d: want %d tab-separated columns, got %d", path, line, cols, len(c))
		}
		out = append(out, tsvRow{line, c})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

func TestReadTSV(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, body string
		cols       int
		want       []tsvRow
	}{
		{"comments, blanks and header passed over", "# a comment\n\nquery\twant\nnurse\t2237\n\nvet\t2240\n", 2,
			[]tsvRow{{4, []string{"nurse", "2237"}}, {6, []string{"vet", "2240"}}}},
		{"empty columns kept", "a\t\tc\n", 3, []tsvRow{{1, []string{"a", "", "c"}}}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := dir + "/" + string(rune('a'+i)) + ".tsv"
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			got := readTSV(t, path, tt.cols)
			if len(got) != len(tt.want) {
				t.Fatalf("%d rows %+v, want %+v", len(got), got, tt.want)
			}
			for j := range got {
				if got[j].Line != tt.want[j].Line || strings.Join(got[j].Cols, "|") != strings.Join(tt.want[j].Cols, "|") {
					t.Errorf("row %d: %+v, want %+v", j, got[j], tt.want[j])
				}
			}
		})
	}
}
