package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/internal/browsertest"
)

const xss = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`

// TestBrowserConsole: an adviser logs in to the console in headless Chromium, sees a
// young person join the queue live, claims, replies, and the reply arrives in the web
// chat widget in a second browser context; the young person's answer arrives on the
// console without a reload; the adviser resolves, then reviews a conversation a tier-2
// check-in flagged. XSS payloads in the young person's
// text, a note and a canned reply stay inert text.
func TestBrowserConsole(t *testing.T) {
	// The console page says what it is doing in #status: a failed wait shows it.
	con := browsertest.Page{T: t, Ctx: browsertest.Browser(t), Limit: 20 * time.Second,
		State: `(document.getElementById('status')||{}).textContent || ''`}
	r := newRig(t, false)
	// An admin's canned reply carrying a payload.
	root := r.client()
	root.login("root", rootPass)
	if got := root.do("POST", "/v1/adviser/canned", `{"title":"Welcome `+strings.ReplaceAll(xss, `"`, `\"`)+`","text":"Hello, I'm a careers adviser. `+strings.ReplaceAll(xss, `"`, `\"`)+`"}`); got.status != 200 {
		t.Fatalf("canned: %d %s", got.status, got.body)
	}

	widget := con.Tab(chromedp.WithNewBrowserContext()) // the young person's own cookies and storage
	widget.State = ""                                   // #status is the console's
	W, WAll := webchattest.W, webchattest.WAll

	// The adviser logs in with the keyboard.
	con.Do("open console", chromedp.Navigate(r.srv.URL+"/console"))
	con.Wait("login form", `!document.getElementById('login').hidden`)
	con.Do("log in", chromedp.SendKeys(chromedp.ID("login-name"), "ann"),
		chromedp.SendKeys(chromedp.ID("login-password"), annPass+kb.Enter))
	con.Wait("the console", `!document.getElementById('app').hidden && document.getElementById('me').textContent.includes('Ann')`)
	con.Wait("live", `document.getElementById('status').textContent === 'Live.'`)
	con.Screenshot("console-empty")

	// The young person asks for an adviser in the widget (another browser context).
	webchattest.OpenWidget(widget, r.srv.URL+"/")
	widget.Wait("panel", "!"+W(".panel")+".hidden")
	if browsertest.Eval[int](widget, WAll(".age-buttons button")+".length") > 0 {
		widget.Do("age", chromedp.Click(chromedp.JSPath(WAll(".age-buttons button")+"[1]")))
	}
	widget.Do("ask for a person", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "can I talk to a person "+xss+kb.Enter))
	widget.Wait("queue place", WAll(".msg .text")+".some(e => e.textContent.includes('number 1 in the queue'))")

	// It appears on the console without a reload.
	con.Wait("queue entry", `document.querySelectorAll('#queue button').length === 1 && document.querySelector('#queue button').textContent.includes('#1')`)
	con.Do("open it", chromedp.Focus(chromedp.CSS("#queue button")), chromedp.KeyEvent(kb.Enter))
	con.Wait("transcript", `[...document.querySelectorAll('#transcript li')].some(li => li.textContent.includes('can I talk to a person'))`)
	con.Do("claim", chromedp.Click(chromedp.ID("claim")))
	con.Wait("claimed", `document.getElementById('conv-state').textContent === 'with adviser' && !document.getElementById('reply-send').disabled`)
	widget.Wait("told who", WAll(".msg .text")+".some(e => e.textContent.includes('talking with Ann'))")

	// A canned reply, then the adviser's own words.
	con.Do("choose canned", chromedp.SetValue(chromedp.ID("canned"), "Hello, I'm a careers adviser. "+xss),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('canned').dispatchEvent(new Event('change'))`))
	con.Wait("canned text in the box", `document.getElementById('reply-text').value.startsWith("Hello, I'm a careers adviser.")`)
	con.Do("send canned", chromedp.Click(chromedp.ID("reply-send")))
	widget.Wait("canned reply in the widget", WAll(".msg.adviser .text")+".some(e => e.textContent.includes(\"I'm a careers adviser\"))")
	con.Do("type reply", chromedp.SendKeys(chromedp.ID("reply-text"), "What would you like to know about apprenticeships?"),
		chromedp.Click(chromedp.ID("reply-send")))
	widget.Wait("reply in the widget", WAll(".msg.adviser .text")+".some(e => e.textContent.includes('apprenticeships?'))")
	con.Do("note", chromedp.SendKeys(chromedp.ID("note-text"), "Private: "+xss), chromedp.Click(chromedp.ID("note-send")))
	con.Wait("note shown", `[...document.querySelectorAll('#transcript li.note')].some(li => li.textContent.includes('Private:'))`)
	con.Screenshot("console-claimed")

	// The young person answers; it arrives on the console live.
	widget.Do("answer", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "electrician ones please"+kb.Enter))
	con.Wait("answer on the console", `[...document.querySelectorAll('#transcript li.user')].some(li => li.textContent.includes('electrician ones please'))`)

	// Resolve.
	con.Do("resolve", chromedp.SetValue(chromedp.ID("resolve-outcome"), "advice_given"), chromedp.Click(chromedp.ID("resolve")))
	widget.Wait("closed", WAll(".msg .text")+".some(e => e.textContent.includes('closed this chat'))")
	con.Wait("resolved state", `document.getElementById('conv-state').textContent === 'bot'`)
	con.Screenshot("console-resolved")

	// Nothing ran, everything is text; the note never reached the widget.
	for name, page := range map[string]browsertest.Page{"console": con, "widget": widget} {
		if v := browsertest.Eval[string](page, `String(window.__xss)`); v != "undefined" {
			t.Errorf("%s: XSS payload ran (window.__xss=%s)", name, v)
		}
	}
	if n := browsertest.Eval[int](con, `document.querySelectorAll('#transcript img, #transcript script, #profile img, #canned img').length`); n != 0 {
		t.Errorf("console: %d payload elements in the DOM", n)
	}
	if n := browsertest.Eval[int](con, `[...document.querySelectorAll('#transcript li')].filter(li => li.textContent.includes('onerror=')).length`); n < 3 {
		t.Errorf("console: payloads not shown as text (%d lines)", n)
	}
	if browsertest.Eval[bool](widget, WAll(".msg .text")+".some(e => e.textContent.includes('Private:'))") {
		t.Error("the widget showed the adviser's private note")
	}
	// A tier-2 check-in elsewhere appears in "To review" live; the adviser opens it and
	// marks it reviewed, and the list empties.
	r.say("flagged", "im unsure about my manager "+xss)
	con.Wait("review entry", `document.querySelectorAll('#reviews button').length === 1 && document.querySelector('#reviews button').textContent.includes('sexting') && document.getElementById('reviews-empty').hidden`)
	con.Do("open the flagged one", chromedp.Click(chromedp.CSS("#reviews button")))
	con.Wait("flagged transcript", `document.getElementById('conv-key').textContent === 'test:flagged' && !document.getElementById('review').hidden`)
	con.Do("mark reviewed", chromedp.Click(chromedp.ID("review")))
	con.Wait("list empty", `document.querySelectorAll('#reviews button').length === 0 && !document.getElementById('reviews-empty').hidden`)
	if n := browsertest.Eval[int](con, `document.querySelectorAll('#reviews img, #reviews script').length`); n != 0 {
		t.Errorf("console: %d payload elements in the review list", n)
	}
	if v := browsertest.Eval[string](con, `String(window.__xss)`); v != "undefined" {
		t.Errorf("console: XSS payload in the review list ran (window.__xss=%s)", v)
	}
	con.Screenshot("console-reviewed")

	// Log out with the keyboard.
	con.Do("log out", chromedp.Focus(chromedp.ID("logout")), chromedp.KeyEvent(kb.Enter))
	con.Wait("logged out", `!document.getElementById('login').hidden`)
	got, err := chromedp.Run(con.Ctx, chromedp.Evaluate[int](`fetch('/v1/adviser/queue').then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || got != 401 {
		t.Errorf("after logout the queue answers %d (%v)", got, err)
	}
}
