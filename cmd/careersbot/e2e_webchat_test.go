package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/internal/browsertest"
	"github.com/careersbot/careersbot/internal/syncbuf"
)

// startServeForWebchat builds careersbot, runs `careersbot serve` on a free loopback port
// with a temporary data directory, waits until it answers and returns its base URL.
func startServeForWebchat(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := buildCareersbot(t, dir)
	if out, err := exec.Command(bin, "serve", "--help").CombinedOutput(); err != nil && strings.Contains(string(out), "not built yet") {
		t.Skip("careersbot serve is still the stub: nothing to test end to end yet")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var logs syncbuf.Buffer
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", filepath.Join(dir, "var"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CAREERSBOT_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("careersbot serve output:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("careersbot serve exited: %v\n%s", err, logs.String())
		default:
		}
		resp, err := http.Get(base + "/chat/widget.js")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("careersbot serve did not serve /chat/widget.js within 60 s\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWebchatEndToEnd drives the real service's demo page in headless Chromium: ask what
// an electrician does, see an answer about electricians, press a quick reply, see its
// answer.
func TestWebchatEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	if path, ok := browsertest.ChromiumPath(); !ok {
		t.Skipf("browser test skipped: Chromium not found at %s or on PATH (Debian: apt-get install chromium)", path)
	}
	base := startServeForWebchat(t)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 360, 740}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.Browser(t) // a fresh profile: a new conversation; skips without Chromium
			webchatE2E(t, ctx, base, size.name, size.w, size.h)
		})
	}
}

func webchatE2E(t *testing.T, ctx context.Context, base, name string, width, height int64) {
	W, WAll := webchattest.W, webchattest.WAll
	// A failed wait shows the conversation so far.
	page := browsertest.Page{T: t, Ctx: ctx, Limit: 20 * time.Second, State: WAll(".msg") + ".map(e => e.textContent)"}

	page.Do("viewport", chromedp.EmulateViewport(width, height))
	webchattest.OpenWidget(page, base+"/")
	page.Wait("panel open", "!"+W(".panel")+".hidden")
	if browsertest.Eval[int](page, WAll(".age-buttons button")+".length") > 0 {
		page.Do("give age", chromedp.Click(chromedp.JSPath(WAll(".age-buttons button")+"[1]")))
	}
	page.Do("ask", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "what does an electrician do"+kb.Enter))
	page.Wait("an answer about electricians", WAll(".msg.bot .text")+".some(e => /electrician/i.test(e.textContent))")
	page.Screenshot("e2e-" + name + "-answer")

	page.Wait("quick replies", WAll(".quick button")+".length > 0")
	label := browsertest.Eval[string](page, WAll(".quick button")+"[0].textContent")
	bots := browsertest.Eval[int](page, WAll(".msg.bot")+".length")
	page.Do("press quick reply "+strconv.Quote(label), chromedp.Click(chromedp.JSPath(WAll(".quick button")+"[0]")))
	page.Wait("the quick reply shown as sent", WAll(".msg.user .text")+".some(e => e.textContent === "+strconv.Quote(label)+")")
	page.Wait("its answer", WAll(".msg.bot")+".length > "+strconv.Itoa(bots))
	if n := browsertest.Eval[int](page, WAll(".msg.bot .text")+".filter(e => e.textContent.trim() === '').length"); n != 0 {
		t.Errorf("%d empty bot messages", n)
	}
	page.Screenshot("e2e-" + name + "-quick-reply")
}
