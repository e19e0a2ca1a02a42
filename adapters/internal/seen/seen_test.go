package seen

import (
	"fmt"
	"testing"
)

func TestSetForgetsOldestFirst(t *testing.T) {
	s := New(3)
	for _, id := range []string{"a", "b", "c", "a", "", "d"} {
		s.Add(id)
	}
	tests := []struct {
		id   string
		want bool
	}{
		{"a", false}, // oldest, pushed out by d ("a" again did not refresh it)
		{"b", true},
		{"c", true},
		{"d", true},
		{"", false},
		{"e", false},
	}
	for _, tt := range tests {
		if got := s.Has(tt.id); got != tt.want {
			t.Errorf("Has(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestSetStaysBounded(t *testing.T) {
	s := New(100)
	for i := range 10000 {
		s.Add(fmt.Sprint(i))
	}
	if len(s.set) != 100 {
		t.Fatalf("set holds %d ids, want 100", len(s.set))
	}
	if !s.Has("9999") || s.Has("9899") || !s.Has("9900") {
		t.Fatal("the set does not hold exactly the newest 100 ids")
	}
}

func TestNewAtLeastOne(t *testing.T) {
	s := New(0)
	s.Add("x")
	s.Add("y")
	if s.Has("x") || !s.Has("y") {
		t.Fatal("a zero-size set should remember the last id")
	}
}
