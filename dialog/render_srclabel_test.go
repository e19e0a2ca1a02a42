package dialog

import (
	"strconv"
	"sync"
	"testing"
)

// TestSrcLabelsMemo: a label is built once per key, later reads return it without
// building, and concurrent misses agree.
func TestSrcLabelsMemo(t *testing.T) {
	var c srcLabels
	builds := 0
	k := srcLabelKey{"ashe", "2025", 0}
	for i := 0; i < 3; i++ {
		if got := c.get(k, func() string { builds++; return "(ONS, 2025)" }); got != "(ONS, 2025)" {
			t.Fatalf("get = %q", got)
		}
	}
	if builds != 1 {
		t.Errorf("built %d times, want 1", builds)
	}
	if got := c.get(srcLabelKey{"ashe", "2025", 2}, func() string { return "(Source: ONS ASHE, 2025)" }); got != "(Source: ONS ASHE, 2025)" {
		t.Errorf("another style: %q", got)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				id := strconv.Itoa(i % 50)
				if got := c.get(srcLabelKey{id, "", 1}, func() string { return "(" + id + ")" }); got != "("+id+")" {
					t.Errorf("%s: %q", id, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(*c.m.Load()); n != 52 {
		t.Errorf("%d labels kept, want 52", n)
	}
}

// TestSrcLabelSameAsBuilt: the memoised label of every source at every depth is
// the one built afresh.
func TestSrcLabelSameAsBuilt(t *testing.T) {
	e := testEngine(t, Options{})
	for id := range e.sources {
		for _, depth := range []string{DepthYoung, DepthTeen, DepthOlder, DepthAdult, DepthAdviser} {
			for _, year := range []string{"", "2025", "2025-11", "2023 and 2025"} {
				v := &View{e: e}
				v.setDepth(depth)
				first := v.srcLabel(id, year)
				if want := v.makeSrcLabel(id, year); first != want || v.srcLabel(id, year) != want {
					t.Errorf("%s %s %q: memo %q, built %q", id, depth, year, first, want)
				}
			}
		}
	}
}

func TestCommasAndJoinList(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{0, "0"}, {7, "7"}, {999.4, "999"}, {999.5, "1,000"}, {12345, "12,345"}, {-1234567, "-1,234,567"}, {123456789012, "123,456,789,012"}} {
		if got := Commas(c.x); got != c.want {
			t.Errorf("Commas(%v) = %q, want %q", c.x, got, c.want)
		}
	}
	for _, c := range []struct {
		items []string
		want  string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a and b"}, {[]string{"nurses", "carers", "cooks"}, "nurses, carers and cooks"}, {[]string{"", "x", ""}, ", x and "}} {
		if got := joinList(c.items); got != c.want {
			t.Errorf("joinList(%q) = %q, want %q", c.items, got, c.want)
		}
	}
}
