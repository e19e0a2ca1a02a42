package browsertest

import (
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// failing is a testing.TB whose Fatalf records the message and ends the goroutine, as
// the real one does, so a failed step can be looked at.
type failing struct {
	testing.TB
	msg string
}

func (f *failing) Helper() {}
func (f *failing) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls step with a Page on the failing TB and returns what it failed with ("" when
// it did not).
func run(p Page, step func(Page)) string {
	f := &failing{TB: p.T}
	p.T = f
	done := make(chan struct{})
	go func() { defer close(done); step(p) }()
	<-done
	return f.msg
}

func TestPage(t *testing.T) {
	page := New(t, Browser(t))
	page.Limit = time.Second
	html := `<p id="status">Connecting.</p><button id="b" onclick="document.getElementById('status').textContent='Live.'">go</button>`
	page.Do("open page", chromedp.Navigate("data:text/html,"+url.PathEscape(html)))

	tests := []struct {
		name     string
		state    string
		step     func(Page)
		wantFail []string // substrings of the failure; none: it must pass
	}{
		{"wait met", "", func(p Page) { p.Wait("status", `document.getElementById('status') !== null`) }, nil},
		{"wait never met, with state", `document.getElementById('status').textContent`,
			func(p Page) { p.Wait("live", `document.getElementById('status').textContent === 'Live.'`) },
			[]string{"waiting for live", `"Connecting."`}},
		{"eval", "", func(p Page) {
			if n := Eval[int](p, `document.querySelectorAll('p, button').length`); n != 2 {
				p.T.Fatalf("counted %d", n)
			}
		}, nil},
		{"eval throws", "", func(p Page) { Eval[int](p, `nosuchthing.length`) }, []string{"evaluate nosuchthing.length"}},
		{"do fails", "", func(p Page) { p.Do("click a missing button", chromedp.Click(chromedp.ID("missing"))) }, []string{"click a missing button"}},
		{"do then wait", "", func(p Page) {
			p.Do("click", chromedp.Click(chromedp.ID("b")))
			p.Wait("live", `document.getElementById('status').textContent === 'Live.'`)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := page
			p.T, p.State = t, tt.state
			msg := run(p, tt.step)
			if len(tt.wantFail) == 0 {
				if msg != "" {
					t.Fatalf("failed: %s", msg)
				}
				return
			}
			for _, w := range tt.wantFail {
				if !strings.Contains(msg, w) {
					t.Errorf("failure %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestTab: Tab opens another page of the same browser, not the first one again.
func TestTab(t *testing.T) {
	a := New(t, Browser(t))
	b := a.Tab(chromedp.WithNewBrowserContext())
	for _, p := range []Page{a, b} {
		p.Do("open", chromedp.Navigate("about:blank"))
	}
	if a.Ctx == b.Ctx {
		t.Fatal("Tab returned the same context")
	}
	a.Do("set a title", chromedp.Evaluate[chromedp.Void](`document.title = 'A'`))
	if got := Eval[string](b, `document.title`); got == "A" {
		t.Errorf("the second tab sees the first's page")
	}
}
