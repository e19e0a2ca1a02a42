package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/internal/browsertest"
	"github.com/careersbot/careersbot/transcripts"
)

const xssPayload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`

// careersReply answers like a small careers bot, with cards, charts and buttons.
func careersReply(m bot.Message) bot.Message {
	src := "ONS Annual Survey of Hours and Earnings 2024"
	switch {
	case m.Button == "pay:electrician":
		return bot.Message{
			Text: "Electricians earn about £35,000 a year (" + src + ").",
			Charts: []dialog.Chart{{Kind: "line", Title: "Electricians' pay", Labels: []string{"2020", "2021", "2022", "2023", "2024"},
				Series: []dialog.Series{{Name: "Median pay", Values: []float64{30100, 31000, 32400, 33900, 35200}}},
				Unit:   "£ a year", AltText: "Electricians' median pay rose from £30,100 in 2020 to £35,200 in 2024.", Source: src}},
			Buttons: []dialog.Button{{Label: "How do I become one?", Value: "entry:electrician"}},
		}
	case strings.Contains(strings.ToLower(m.Text), "compare"):
		card := func(t, pay string) dialog.Card {
			return dialog.Card{Title: t, Fields: []dialog.Field{{Label: "Pay", Value: pay}, {Label: "Outlook", Value: "Growing"}}, Footer: "ONS ASHE 2024"}
		}
		return bot.Message{Text: "Here they are side by side.", Cards: []dialog.Card{
			card("Electricians", "£35,200"), card("Plumbers", "£33,800"), card("Carpenters", "£31,100")}}
	case strings.Contains(strings.ToLower(m.Text), "electrician"):
		return bot.Message{
			Text: "Electricians install, test and repair wiring in homes and businesses.",
			Cards: []dialog.Card{{Title: "Electricians", Subtitle: "SOC 5241", Fields: []dialog.Field{
				{Label: "Typical pay", Value: "£35,200 a year (ONS ASHE 2024)"}, {Label: "Hours", Value: "40 a week (ONS ASHE 2024)"}},
				Footer: "Source: " + src}},
			Charts: []dialog.Chart{{Kind: "bar", Title: "Pay compared", Labels: []string{"Electricians", "Plumbers", "All jobs"},
				Series: []dialog.Series{{Name: "Median pay", Values: []float64{35200, 33800, 29600}}},
				Unit:   "£ a year", AltText: "Electricians earn £35,200, plumbers £33,800, all jobs £29,600.", Source: src}},
			Buttons: []dialog.Button{{Label: "How much do they earn?", Value: "pay:electrician"}, {Label: "Talk to an adviser", Value: "handoff"}},
		}
	default:
		out := echo(m)
		out.Cards = []dialog.Card{{Title: m.Text}} // message data in a card title too
		return out
	}
}

// countText is an expression counting elements matching sel whose text includes s.
func countText(sel, s string) string {
	return webchattest.WAll(sel) + ".filter(e => e.textContent.includes(" + jsString(s) + ")).length"
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func TestBrowser(t *testing.T) {
	sizes := []struct {
		name          string
		width, height int64
	}{
		{"desktop", 1280, 900},
		{"phone", 360, 740},
	}
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			page := browsertest.New(t, browsertest.Browser(t))
			r := newRig(t, webchat.Options{Title: "Ask about careers", AgePrompt: "How old are you?"})
			r.svc.reply = careersReply
			var got []bot.Message
			r.svc.handled = make(chan bot.Message, 100)
			collect := func() {
				for {
					select {
					case m := <-r.svc.handled:
						got = append(got, m)
					default:
						return
					}
				}
			}
			wantAnimation := "cb-blink"
			if sz.name == "phone" {
				page.Do("phone viewport", chromedp.EmulateViewport(sz.width, sz.height, chromedp.EmulatePortrait))
				// This phone's user asked for less motion.
				wantAnimation = "none"
				page.Do("reduced motion", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
					return err
				}))
			} else {
				page.Do("desktop viewport", chromedp.EmulateViewport(sz.width, sz.height))
			}
			page.Do("open demo page", chromedp.Navigate(r.srv.URL+"/"))
			page.Wait("widget", webchattest.WidgetLoaded())
			// The page's greedy button CSS does not reach the widget.
			if bg := browsertest.Eval[string](page, "getComputedStyle("+webchattest.W(".launcher")+").backgroundColor"); bg != "rgb(29, 79, 145)" {
				t.Errorf("launcher background %s: host page CSS leaked in", bg)
			}
			page.Screenshot(sz.name + "-closed")

			// Open with the keyboard.
			page.Do("focus launcher", chromedp.Focus(chromedp.JSPath(webchattest.W(".launcher"))), chromedp.KeyEvent(kb.Enter))
			page.Wait("panel open", "!"+webchattest.W(".panel")+".hidden && "+webchattest.W(".launcher")+".getAttribute('aria-expanded') === 'true'")
			page.Wait("age prompt focused", "document.querySelector('[data-careersbot]').shadowRoot.activeElement?.textContent === '11 to 13'")
			page.Screenshot(sz.name + "-age-prompt")
			page.Do("choose age", chromedp.Click(chromedp.JSPath(webchattest.WAll(".age-buttons button")+"[1]")))
			page.Wait("input focused after age", "document.querySelector('[data-careersbot]').shadowRoot.activeElement?.id === 'cb-input'")

			if a := browsertest.Eval[string](page, "getComputedStyle("+webchattest.W(".dots")+").animationName"); a != wantAnimation {
				t.Errorf("typing dots animation %q, want %q", a, wantAnimation)
			}

			// Ask a question.
			page.Do("type question", chromedp.SendKeys(chromedp.JSPath(webchattest.W("#cb-input")), "what does an electrician do"+kb.Enter))
			page.Wait("answer", countText(".msg.bot .text", "Electricians install")+" === 1")
			page.Wait("ack clears pending", webchattest.WAll(".msg.user.pending")+".length === 0")
			if n := browsertest.Eval[int](page, webchattest.WAll(".msg.bot .card")+".length"); n != 1 {
				t.Errorf("%d cards, want 1", n)
			}
			label := browsertest.Eval[string](page, webchattest.W(".chart svg")+".getAttribute('aria-label')")
			if !strings.Contains(label, "Electricians earn £35,200") {
				t.Errorf("chart label %q", label)
			}
			if n := browsertest.Eval[int](page, webchattest.WAll(".chart svg rect")+".length"); n != 3 {
				t.Errorf("bar chart has %d bars, want 3", n)
			}
			if src := browsertest.Eval[string](page, webchattest.W(".chart .source")+".textContent"); !strings.Contains(src, "ONS Annual Survey of Hours and Earnings 2024") {
				t.Errorf("chart source line %q", src)
			}
			page.Screenshot(sz.name + "-answer")
			// WCAG AA: every piece of text in the widget has 4.5:1 contrast with what is behind it.
			if low := browsertest.Eval[[]string](page, contrastCheck); len(low) > 0 {
				t.Errorf("text below 4.5:1 contrast:\n%s", strings.Join(low, "\n"))
			}

			// Click a quick reply.
			page.Wait("quick replies", webchattest.WAll(".quick button")+".length === 2")
			page.Do("click quick reply", chromedp.Click(chromedp.JSPath(webchattest.WAll(".quick button")+"[0]")))
			page.Wait("quick reply answer", countText(".msg.bot .text", "Electricians earn about £35,000")+" === 1")
			if n := browsertest.Eval[int](page, webchattest.WAll(".chart polyline")+".length"); n != 1 {
				t.Errorf("line chart has %d lines, want 1", n)
			}
			collect()
			if len(got) < 2 || got[0].Age != 15 || got[1].Button != "pay:electrician" || got[1].Text != "How much do they earn?" {
				t.Errorf("service got %+v", got)
			}

			// Side-by-side cards scroll on a phone.
			page.Do("ask compare", chromedp.SendKeys(chromedp.JSPath(webchattest.W("#cb-input")), "compare electricians plumbers carpenters"+kb.Enter))
			page.Wait("compare cards", webchattest.WAll(".cards.compare .card")+".length === 3")
			if sz.name == "phone" {
				if !browsertest.Eval[bool](page, webchattest.W(".cards.compare")+".scrollWidth > "+webchattest.W(".cards.compare")+".clientWidth") {
					t.Error("compare cards do not scroll sideways on a phone")
				}
				if w := browsertest.Eval[float64](page, webchattest.W(".panel")+".getBoundingClientRect().width"); w != 360 {
					t.Errorf("open panel is %vpx wide on a 360px phone, want full width", w)
				}
			}
			page.Screenshot(sz.name + "-compare")

			// XSS: the payload is shown as text and never runs.
			page.Do("type XSS", chromedp.SendKeys(chromedp.JSPath(webchattest.W("#cb-input")), xssPayload+kb.Enter))
			page.Wait("echo of XSS", countText(".msg.bot .text", "You said: "+xssPayload)+" === 1")
			if n := browsertest.Eval[int](page, countText(".msg.user .text", xssPayload)); n != 1 {
				t.Errorf("user bubble with the payload shown literally: %d, want 1", n)
			}
			if n := browsertest.Eval[int](page, countText(".card-title", xssPayload)); n != 1 {
				t.Errorf("card title with the payload shown literally: %d, want 1", n)
			}
			if v := browsertest.Eval[string](page, "typeof window.__xss"); v != "undefined" {
				t.Errorf("XSS ran: window.__xss is %s", v)
			}
			if n := browsertest.Eval[int](page, webchattest.WAll("img, script")+".length"); n != 0 {
				t.Errorf("%d img/script elements inside the widget", n)
			}

			// The network drops; a message typed meanwhile is sent once on reconnect.
			webchat.DropAll(r.a)
			page.Do("type during drop", chromedp.SendKeys(chromedp.JSPath(webchattest.W("#cb-input")), "are you still there"+kb.Enter))
			page.Wait("answer after reconnect", countText(".msg.bot .text", "You said: are you still there")+" === 1")
			time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
			if n := browsertest.Eval[int](page, countText(".msg.bot .text", "You said: are you still there")); n != 1 {
				t.Errorf("answer shown %d times", n)
			}
			if n := browsertest.Eval[int](page, countText(".msg.user .text", "are you still there")); n != 1 {
				t.Errorf("question shown %d times", n)
			}
			n := 0
			for _, e := range r.store.kinds("webchat:"+conversationOf(page), transcripts.KindBot) {
				if e.Text == "You said: are you still there" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("answered %d times", n)
			}

			// Escape closes and gives focus back to the launcher.
			page.Do("escape", chromedp.Focus(chromedp.JSPath(webchattest.W("#cb-input"))), chromedp.KeyEvent(kb.Escape))
			page.Wait("closed", webchattest.W(".panel")+".hidden && document.querySelector('[data-careersbot]').shadowRoot.activeElement === "+webchattest.W(".launcher"))

			// An adviser writes while the panel is closed.
			key := "webchat:" + conversationOf(page)
			ev, _ := r.store.Append(context.Background(), transcripts.Event{Conversation: key, Kind: transcripts.KindAdviser, Text: "Hi, I'm Sam, a careers adviser."})
			if err := r.a.Send(context.Background(), bot.Message{Channel: "webchat", Conversation: conversationOf(page), Sender: "adviser", Text: ev.Text, Seq: ev.Seq}); err != nil {
				t.Fatal(err)
			}
			page.Wait("adviser message", countText(".msg.adviser", "Careers adviserHi, I'm Sam")+" === 1")

			// A new page view replays the conversation from the transcript.
			bots := browsertest.Eval[int](page, webchattest.WAll(".msg.bot")+".length")
			page.Do("reload", chromedp.Navigate(r.srv.URL+"/"))
			page.Wait("widget again", webchattest.WidgetLoaded())
			page.Do("open again", chromedp.Click(chromedp.JSPath(webchattest.W(".launcher"))))
			page.Wait("history replayed", webchattest.WAll(".msg.bot")+".length === "+strconv.Itoa(bots))
			page.Wait("adviser message replayed", countText(".msg.adviser", "Careers adviserHi, I'm Sam")+" === 1")
			if n := browsertest.Eval[int](page, webchattest.WAll(".age-buttons")+".length"); n != 0 {
				t.Error("age asked again after it was given")
			}
			page.Screenshot(sz.name + "-replayed")
		})
	}
}

func conversationOf(page browsertest.Page) string {
	return browsertest.Eval[string](page, "localStorage.getItem('careersbot.conversation')")
}

// TestBrowserTwoTabs opens the demo page in two tabs of one browser (one conversation,
// shared localStorage): what is said in either tab, and every answer, shows once in both,
// also across a dropped connection.
func TestBrowserTwoTabs(t *testing.T) {
	tabA := browsertest.New(t, browsertest.Browser(t))
	r := newRig(t, webchat.Options{})
	tabB := tabA.Tab()
	W, WAll := webchattest.W, webchattest.WAll
	for _, tab := range []browsertest.Page{tabA, tabB} {
		webchattest.OpenWidget(tab, r.srv.URL+"/")
	}
	for r.a.Connections() < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	both := func(what string, texts ...string) {
		t.Helper()
		for i, tab := range []browsertest.Page{tabA, tabB} {
			for _, s := range texts {
				tab.Wait(fmt.Sprintf("%s in tab %d", what, i+1), countText(".msg .text", s)+" >= 1")
			}
		}
		time.Sleep(200 * time.Millisecond) // room for a duplicate to show up
		for i, tab := range []browsertest.Page{tabA, tabB} {
			for _, s := range texts {
				if n := browsertest.Eval[int](tab, WAll(".msg .text")+".filter(e => e.textContent === "+jsString(s)+").length"); n != 1 {
					t.Errorf("%q shown %d times in tab %d", s, n, i+1)
				}
			}
		}
	}
	tabA.Do("say in A", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "hello from A"+kb.Enter))
	both("first turn", "hello from A", "You said: hello from A")
	tabB.Do("say in B", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "hello from B"+kb.Enter))
	both("second turn", "hello from B", "You said: hello from B")

	webchat.DropAll(r.a)
	tabB.Do("say in B during the drop", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "after the drop"+kb.Enter))
	both("turn after the drop", "hello from A", "You said: hello from A", "hello from B", "You said: hello from B",
		"after the drop", "You said: after the drop")
}

// contrastCheck lists the widget's text elements whose colour has less than 4.5:1
// contrast with their effective background (the first opaque ancestor background).
const contrastCheck = `(() => {
  const root = document.querySelector('[data-careersbot]').shadowRoot;
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const bg = el => { for (let e = el; e; e = e.parentElement || (e.getRootNode() && e.getRootNode().host)) {
      const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c; }
    return [255, 255, 255]; };
  const out = [];
  root.querySelectorAll('*').forEach(el => {
    if (el.closest('svg') || el.closest('.sr-only') || el.offsetParent === null) return;
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own) return;
    const st = getComputedStyle(el);
    const l1 = lum(rgb(st.color)), l2 = lum(bg(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) out.push(el.tagName + '.' + el.className + ' "' + el.textContent.slice(0, 30) + '" ' + ratio.toFixed(2));
  });
  return out;
})()`

// TestBrowserReloadKeepsUnsent types a message the service cannot take, reloads the page,
// and checks the message is shown once and sent again, then answered once.
func TestBrowserReloadKeepsUnsent(t *testing.T) {
	page := browsertest.New(t, browsertest.Browser(t))
	r := newRig(t, webchat.Options{})
	W, WAll := webchattest.W, webchattest.WAll
	r.svc.failAll.Store(true)
	webchattest.OpenWidget(page, r.srv.URL+"/")
	page.Do("say", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "do not lose me"+kb.Enter))
	page.Wait("refused, still pending", WAll(".msg.user.pending")+".length === 1 && "+
		"JSON.parse(sessionStorage.getItem('careersbot.unacked')).length === 1")
	r.svc.failAll.Store(false)
	page.Do("reload", chromedp.Navigate(r.srv.URL+"/"))
	page.Wait("answer after reload", countText(".msg.bot .text", "You said: do not lose me")+" === 1")
	page.Wait("acknowledged", WAll(".msg.user.pending")+".length === 0 && sessionStorage.getItem('careersbot.unacked') === '[]'")
	if n := browsertest.Eval[int](page, WAll(".msg.user .text")+".filter(e => e.textContent === 'do not lose me').length"); n != 1 {
		t.Errorf("message shown %d times after the reload", n)
	}
	// A second reload replays it from the transcript and sends nothing again.
	page.Do("reload again", chromedp.Navigate(r.srv.URL+"/"))
	page.Wait("replayed", countText(".msg.bot .text", "You said: do not lose me")+" === 1")
	time.Sleep(200 * time.Millisecond)
	if n := browsertest.Eval[int](page, WAll(".msg.user .text")+".filter(e => e.textContent === 'do not lose me').length"); n != 1 {
		t.Errorf("message shown %d times after the second reload", n)
	}
	if n := len(r.store.kinds("webchat:"+conversationOf(page), transcripts.KindBot)); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
}

// TestBrowserEmbeddedCrossOrigin embeds the widget in pages served from other origins,
// as a careers service does: an allowed origin chats; another origin is refused at the
// WebSocket upgrade and the widget says it is reconnecting.
func TestBrowserEmbeddedCrossOrigin(t *testing.T) {
	page := browsertest.New(t, browsertest.Browser(t))
	var chatURL string
	hostPage := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Host</title></head><body><h1>A careers service</h1>
<script src="%s/chat/widget.js" data-title="Embedded chat" data-primary-colour="#ffdd00" async></script></body></html>`, chatURL)
	}
	allowed := httptest.NewServer(http.HandlerFunc(hostPage))
	t.Cleanup(allowed.Close)
	other := httptest.NewServer(http.HandlerFunc(hostPage))
	t.Cleanup(other.Close)
	r := newRig(t, webchat.Options{AllowedOrigins: []string{allowed.URL}})
	chatURL = r.srv.URL
	W := webchattest.W

	page.Do("open allowed host page", chromedp.Navigate(allowed.URL+"/"))
	page.Wait("widget", webchattest.WidgetLoaded())
	// Yellow fails AA with white text: the widget writes near-black on it.
	if got := browsertest.Eval[string](page, "getComputedStyle("+W(".launcher")+").backgroundColor + ' / ' + getComputedStyle("+W(".launcher")+").color"); got != "rgb(255, 221, 0) / rgb(17, 17, 17)" {
		t.Errorf("launcher colours %s", got)
	}
	page.Do("open widget", chromedp.Click(chromedp.JSPath(W(".launcher"))))
	page.Do("ask", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "hello from another site"+kb.Enter))
	page.Wait("answer", countText(".msg.bot .text", "You said: hello from another site")+" === 1")

	page.Do("open other host page", chromedp.Navigate(other.URL+"/"))
	page.Wait("widget", webchattest.WidgetLoaded())
	for deadline := time.Now().Add(5 * time.Second); r.a.Connections() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first page's socket was not closed when the browser left the page")
		}
	}
	page.Do("open widget", chromedp.Click(chromedp.JSPath(W(".launcher"))))
	page.Wait("reconnecting notice", W(".status")+".textContent.includes('Reconnecting')")
	if got := r.a.Connections(); got != 0 {
		t.Errorf("a refused origin got a socket (%d connections)", got)
	}
}

// TestBrowserTooLong: a message over the server's frame limit is refused in the widget,
// marked failed, and not sent again on the next connection.
func TestBrowserTooLong(t *testing.T) {
	page := browsertest.New(t, browsertest.Browser(t))
	r := newRig(t, webchat.Options{MaxMessageBytes: 256})
	W, WAll := webchattest.W, webchattest.WAll
	webchattest.OpenWidget(page, r.srv.URL+"/")
	for r.a.Connections() < 1 {
		time.Sleep(10 * time.Millisecond)
	}
	page.Do("say too much", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), strings.Repeat("electrician ", 30)+kb.Enter))
	page.Wait("refused in the widget", WAll(".msg.user.failed")+".length === 1 && "+countText(".msg.system .text", "too long")+" === 1")
	page.Do("say something short", chromedp.SendKeys(chromedp.JSPath(W("#cb-input")), "short"+kb.Enter))
	page.Wait("short answered", countText(".msg.bot .text", "You said: short")+" === 1")
	if n := len(r.store.kinds("webchat:"+conversationOf(page), transcripts.KindUser)); n != 1 {
		t.Errorf("service got %d messages, want 1", n)
	}
}
