package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
)

const xss = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`

func poll(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(pctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById('status')||{}).textContent || ''`))
		t.Fatalf("waiting for %s (%s): %v (console status %q)", what, expr, err, status)
	}
}

func eval[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func do(ctx context.Context, t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(dctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestBrowserConsole: an adviser logs in to the console in headless Chromium, sees a
// young person join the queue live, claims, replies, and the reply arrives in the web
// chat widget in a second browser context; the young person's answer arrives on the
// console without a reload; the adviser resolves, then reviews a conversation a tier-2
// check-in flagged. XSS payloads in the young person's
// text, a note and a canned reply stay inert text.
func TestBrowserConsole(t *testing.T) {
	browser := webchattest.Browser(t)
	r := newRig(t, false)
	// An admin's canned reply carrying a payload.
	root := r.client()
	root.login("root", rootPass)
	if got := root.do("POST", "/v1/adviser/canned", `{"title":"Welcome `+strings.ReplaceAll(xss, `"`, `\"`)+`","text":"Hello, I'm a careers adviser. `+strings.ReplaceAll(xss, `"`, `\"`)+`"}`); got.status != 200 {
		t.Fatalf("canned: %d %s", got.status, got.body)
	}

	con := browser
	widget, cancelW := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelW)
	if err := chromedp.Do(widget); err != nil {
		t.Fatal(err)
	}
	W, WAll := webchattest.W, webchattest.WAll

	// The adviser logs in with the keyboard.
	do(con, t, "open console", chromedp.Navigate(r.srv.URL+"/console"))
	poll(con, t, "login form", `!document.getElementById('login').hidden`)
	do(con, t, "log in", chromedp.SendKeys(chromedp.ID("login-name"), "ann"),
		chromedp.SendKeys(chromedp.ID("login-password"), annPass+kb.Enter))
	poll(con, t, "the console", `!document.getElementById('app').hidden && document.getElementById('me').textContent.includes('Ann')`)
	poll(con, t, "live", `document.getElementById('status').textContent === 'Live.'`)
	webchattest.Screenshot(t, con, "console-empty")

	// The young person asks for an adviser in the widget (another browser context).
	do(widget, t, "open demo page", chromedp.Navigate(r.srv.URL+"/"))
	poll(widget, t, "widget", "!!document.querySelector('[data-careersbot]') && !!"+W(".launcher"))
	do(widget, t, "open widget", chromedp.Click(chromedp.JSPath(W(".launcher"))))
	poll(widget, t, "panel", "!"+W(".panel")+".hidden")
	if eval[int](widget, t, WAll(".age-buttons button")+".length") > 0 {
		do(widget, t, "age", chromedp.Click(chromedp.JSPath(WAll(".age-buttons button")+"[1]")))
	}
	do(widget, t, "ask for a person", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "can I talk to a person "+xss+kb.Enter))
	poll(widget, t, "queue place", WAll(".msg .text")+".some(e => e.textContent.includes('number 1 in the queue'))")

	// It appears on the console without a reload.
	poll(con, t, "queue entry", `document.querySelectorAll('#queue button').length === 1 && document.querySelector('#queue button').textContent.includes('#1')`)
	do(con, t, "open it", chromedp.Focus(chromedp.CSS("#queue button")), chromedp.KeyEvent(kb.Enter))
	poll(con, t, "transcript", `[...document.querySelectorAll('#transcript li')].some(li => li.textContent.includes('can I talk to a person'))`)
	do(con, t, "claim", chromedp.Click(chromedp.ID("claim")))
	poll(con, t, "claimed", `document.getElementById('conv-state').textContent === 'with adviser' && !document.getElementById('reply-send').disabled`)
	poll(widget, t, "told who", WAll(".msg .text")+".some(e => e.textContent.includes('talking with Ann'))")

	// A canned reply, then the adviser's own words.
	do(con, t, "choose canned", chromedp.SetValue(chromedp.ID("canned"), "Hello, I'm a careers adviser. "+xss),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('canned').dispatchEvent(new Event('change'))`))
	poll(con, t, "canned text in the box", `document.getElementById('reply-text').value.startsWith("Hello, I'm a careers adviser.")`)
	do(con, t, "send canned", chromedp.Click(chromedp.ID("reply-send")))
	poll(widget, t, "canned reply in the widget", WAll(".msg.adviser .text")+".some(e => e.textContent.includes(\"I'm a careers adviser\"))")
	do(con, t, "type reply", chromedp.SendKeys(chromedp.ID("reply-text"), "What would you like to know about apprenticeships?"),
		chromedp.Click(chromedp.ID("reply-send")))
	poll(widget, t, "reply in the widget", WAll(".msg.adviser .text")+".some(e => e.textContent.includes('apprenticeships?'))")
	do(con, t, "note", chromedp.SendKeys(chromedp.ID("note-text"), "Private: "+xss), chromedp.Click(chromedp.ID("note-send")))
	poll(con, t, "note shown", `[...document.querySelectorAll('#transcript li.note')].some(li => li.textContent.includes('Private:'))`)
	webchattest.Screenshot(t, con, "console-claimed")

	// The young person answers; it arrives on the console live.
	do(widget, t, "answer", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "electrician ones please"+kb.Enter))
	poll(con, t, "answer on the console", `[...document.querySelectorAll('#transcript li.user')].some(li => li.textContent.includes('electrician ones please'))`)

	// Resolve.
	do(con, t, "resolve", chromedp.SetValue(chromedp.ID("resolve-outcome"), "advice_given"), chromedp.Click(chromedp.ID("resolve")))
	poll(widget, t, "closed", WAll(".msg .text")+".some(e => e.textContent.includes('closed this chat'))")
	poll(con, t, "resolved state", `document.getElementById('conv-state').textContent === 'bot'`)
	webchattest.Screenshot(t, con, "console-resolved")

	// Nothing ran, everything is text; the note never reached the widget.
	for name, ctx := range map[string]context.Context{"console": con, "widget": widget} {
		if v := eval[string](ctx, t, `String(window.__xss)`); v != "undefined" {
			t.Errorf("%s: XSS payload ran (window.__xss=%s)", name, v)
		}
	}
	if n := eval[int](con, t, `document.querySelectorAll('#transcript img, #transcript script, #profile img, #canned img').length`); n != 0 {
		t.Errorf("console: %d payload elements in the DOM", n)
	}
	if n := eval[int](con, t, `[...document.querySelectorAll('#transcript li')].filter(li => li.textContent.includes('onerror=')).length`); n < 3 {
		t.Errorf("console: payloads not shown as text (%d lines)", n)
	}
	if eval[bool](widget, t, WAll(".msg .text")+".some(e => e.textContent.includes('Private:'))") {
		t.Error("the widget showed the adviser's private note")
	}
	// A tier-2 check-in elsewhere appears in "To review" live; the adviser opens it and
	// marks it reviewed, and the list empties.
	r.say("flagged", "im unsure about my manager "+xss)
	poll(con, t, "review entry", `document.querySelectorAll('#reviews button').length === 1 && document.querySelector('#reviews button').textContent.includes('sexting') && document.getElementById('reviews-empty').hidden`)
	do(con, t, "open the flagged one", chromedp.Click(chromedp.CSS("#reviews button")))
	poll(con, t, "flagged transcript", `document.getElementById('conv-key').textContent === 'test:flagged' && !document.getElementById('review').hidden`)
	do(con, t, "mark reviewed", chromedp.Click(chromedp.ID("review")))
	poll(con, t, "list empty", `document.querySelectorAll('#reviews button').length === 0 && !document.getElementById('reviews-empty').hidden`)
	if n := eval[int](con, t, `document.querySelectorAll('#reviews img, #reviews script').length`); n != 0 {
		t.Errorf("console: %d payload elements in the review list", n)
	}
	if v := eval[string](con, t, `String(window.__xss)`); v != "undefined" {
		t.Errorf("console: XSS payload in the review list ran (window.__xss=%s)", v)
	}
	webchattest.Screenshot(t, con, "console-reviewed")

	// Log out with the keyboard.
	do(con, t, "log out", chromedp.Focus(chromedp.ID("logout")), chromedp.KeyEvent(kb.Enter))
	poll(con, t, "logged out", `!document.getElementById('login').hidden`)
	got, err := chromedp.Run(con, chromedp.Evaluate[int](`fetch('/v1/adviser/queue').then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || got != 401 {
		t.Errorf("after logout the queue answers %d (%v)", got, err)
	}
}
