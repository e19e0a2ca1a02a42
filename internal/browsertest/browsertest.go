// Package browsertest runs headless Chromium for the browser tests and drives a page in
// named steps, each with a time limit, failing the test with what it was doing or waiting
// for. The web chat widget's own selectors are in adapters/webchat/webchattest.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser starts headless Chromium for a browser test and returns its chromedp context,
// or skips the test under -short or when Chromium is not installed. The browser is
// /usr/bin/chromium (Debian's package) unless env CAREERSBOT_CHROMIUM names another.
func Browser(t testing.TB) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	path, ok := ChromiumPath()
	if !ok {
		t.Skipf("browser test skipped: Chromium not found at %s or on PATH (Debian: apt-get install chromium)", path)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser and must get the long-lived context: the browser
	// dies with the context of its first run.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return ctx
}

// ChromiumPath is the browser Browser would run, and whether it exists.
func ChromiumPath() (string, bool) {
	path := os.Getenv("CAREERSBOT_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err == nil {
		return path, true
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, true
	}
	return path, false
}

// Screenshot saves a PNG of the viewport into env CAREERSBOT_SCREENSHOTS (a directory)
// when it is set, and does nothing otherwise.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CAREERSBOT_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	name = strings.ReplaceAll(name, "/", "_")
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// DefaultLimit bounds a Page's steps and waits when its Limit is zero.
const DefaultLimit = 15 * time.Second

// Page is one browser tab in a test: its chromedp context and the test to fail.
type Page struct {
	T   testing.TB
	Ctx context.Context
	// Limit bounds each Do and each Wait (DefaultLimit when zero).
	Limit time.Duration
	// State, when set, is a JavaScript expression a failed Wait shows the value of (as
	// JSON): what the page says it is doing, or what it shows so far.
	State string
}

// New is a Page in the browser context ctx (Browser's, or a tab opened from it).
func New(t testing.TB, ctx context.Context) Page { return Page{T: t, Ctx: ctx} }

func (p Page) limit() time.Duration {
	if p.Limit > 0 {
		return p.Limit
	}
	return DefaultLimit
}

// Tab opens another tab of the same browser (with chromedp.WithNewBrowserContext, one
// with its own cookies and storage), closed when the test ends, with p's settings.
func (p Page) Tab(opts ...chromedp.ContextOption) Page {
	p.T.Helper()
	ctx, cancel := chromedp.NewContext(p.Ctx, opts...)
	p.T.Cleanup(cancel)
	// The first run opens the tab and must get the tab's own context, not a timeout.
	if err := chromedp.Do(ctx); err != nil {
		p.T.Fatalf("opening a tab: %v", err)
	}
	p.Ctx = ctx
	return p
}

// Do runs steps, failing the test with what if they fail or outlast the limit.
func (p Page) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, p.limit())
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.T.Fatalf("%s: %v", what, err)
	}
}

// Wait polls the JavaScript expression expr until it is true, failing the test with what
// (and the page's State) if it is not within the limit.
func (p Page) Wait(what, expr string) {
	p.T.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, p.limit()+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(p.limit()), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err == nil {
		return
	}
	state := ""
	if p.State != "" {
		s, serr := chromedp.Run(p.Ctx, chromedp.Evaluate[string]("JSON.stringify("+p.State+")"))
		if serr != nil {
			s = serr.Error()
		}
		state = fmt.Sprintf("\npage state (%s): %s", p.State, s)
	}
	p.T.Fatalf("waiting for %s (%s): %v%s", what, expr, err, state)
}

// Eval is the value of the JavaScript expression expr on p's page; it fails the test if
// the expression throws or its value is not a T.
func Eval[T any](p Page, expr string) T {
	p.T.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.T.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Screenshot is Screenshot of p's page.
func (p Page) Screenshot(name string) {
	p.T.Helper()
	Screenshot(p.T, p.Ctx, name)
}
