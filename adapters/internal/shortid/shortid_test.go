package shortid

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	var tb Table
	long := "pay:" + strings.Repeat("x", 80)
	tests := []struct {
		value  string
		max    int
		hashed bool
	}{
		{"pay:5241", 64, false},
		{long, 64, true},
		{long, 100, false},
		{strings.Repeat("y", 65), 64, true},
	}
	for _, tt := range tests {
		id := tb.ID(tt.value, tt.max)
		if hashed := id != tt.value; hashed != tt.hashed {
			t.Errorf("ID(%d bytes, max %d) = %q, hashed %v, want %v", len(tt.value), tt.max, id, hashed, tt.hashed)
		}
		if len(id) > tt.max {
			t.Errorf("ID(%d bytes, max %d) is %d bytes", len(tt.value), tt.max, len(id))
		}
		if got := tb.Value(id); got != tt.value {
			t.Errorf("Value(ID(v)) = %q, want %q", got, tt.value)
		}
	}
	if got := tb.Value("h:unknown"); got != "h:unknown" {
		t.Errorf("unknown hashed id maps to %q, want itself", got)
	}
}

func TestTableStaysBounded(t *testing.T) {
	var tb Table
	for i := range 3 * maxRemembered {
		tb.ID(strings.Repeat("z", 70)+string(rune('a'+i%26))+strings.Repeat("q", i%1000), 64)
	}
	if n := len(tb.ids); n > maxRemembered+1 {
		t.Fatalf("table holds %d ids, more than %d", n, maxRemembered+1)
	}
}
