package webchattest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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

// W is a JavaScript expression for the first element matching the CSS selector sel
// inside the widget's shadow root, for chromedp.JSPath and Evaluate.
func W(sel string) string {
	return fmt.Sprintf("document.querySelector('[data-careersbot]').shadowRoot.querySelector(%q)", sel)
}

// WAll is W for every match, as an array.
func WAll(sel string) string {
	return fmt.Sprintf("Array.from(document.querySelector('[data-careersbot]').shadowRoot.querySelectorAll(%q))", sel)
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
