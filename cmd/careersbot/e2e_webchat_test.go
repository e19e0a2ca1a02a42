package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
)

// syncBuffer collects a child process's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServeForWebchat builds careersbot, runs `careersbot serve` on a free loopback port
// with a temporary data directory, waits until it answers and returns its base URL.
func startServeForWebchat(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "careersbot")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "serve", "--help").CombinedOutput(); err != nil && strings.Contains(string(out), "not built yet") {
		t.Skip("careersbot serve is still the stub: nothing to test end to end yet")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var logs syncBuffer
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
	if path, ok := webchattest.ChromiumPath(); !ok {
		t.Skipf("browser test skipped: Chromium not found at %s or on PATH (Debian: apt-get install chromium)", path)
	}
	base := startServeForWebchat(t)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 360, 740}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := webchattest.Browser(t) // a fresh profile: a new conversation; skips without Chromium
			webchatE2E(t, ctx, base, size.name, size.w, size.h)
		})
	}
}

func webchatE2E(t *testing.T, ctx context.Context, base, name string, width, height int64) {
	W, WAll := webchattest.W, webchattest.WAll
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	wait := func(what, expr string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 25*time.Second)
		defer cancel()
		if _, err := chromedp.Run(sctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			texts, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](WAll(".msg")+".map(e => e.textContent)"))
			t.Fatalf("waiting for %s: %v\nconversation so far: %q", what, err, texts)
		}
	}
	eval := func(expr string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return n
	}

	step("viewport", chromedp.EmulateViewport(width, height))
	step("open demo page", chromedp.Navigate(base+"/"))
	wait("widget", "!!document.querySelector('[data-careersbot]') && !!"+W(".launcher"))
	step("open widget", chromedp.Click(chromedp.JSPath(W(".launcher"))))
	wait("panel open", "!"+W(".panel")+".hidden")
	if eval(WAll(".age-buttons button")+".length") > 0 {
		step("give age", chromedp.Click(chromedp.JSPath(WAll(".age-buttons button")+"[1]")))
	}
	step("ask", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "what does an electrician do"+kb.Enter))
	wait("an answer about electricians", WAll(".msg.bot .text")+".some(e => /electrician/i.test(e.textContent))")
	webchattest.Screenshot(t, ctx, "e2e-"+name+"-answer")

	wait("quick replies", WAll(".quick button")+".length > 0")
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](WAll(".quick button")+"[0].textContent"))
	if err != nil {
		t.Fatal(err)
	}
	bots := eval(WAll(".msg.bot") + ".length")
	step("press quick reply "+strconv.Quote(label), chromedp.Click(chromedp.JSPath(WAll(".quick button")+"[0]")))
	wait("the quick reply shown as sent", WAll(".msg.user .text")+".some(e => e.textContent === "+strconv.Quote(label)+")")
	wait("its answer", WAll(".msg.bot")+".length > "+strconv.Itoa(bots))
	if n := eval(WAll(".msg.bot .text") + ".filter(e => e.textContent.trim() === '').length"); n != 0 {
		t.Errorf("%d empty bot messages", n)
	}
	webchattest.Screenshot(t, ctx, "e2e-"+name+"-quick-reply")
}
