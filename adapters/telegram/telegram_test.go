package telegram

import (
	"bytes"
	"context"
	"errors"
	"github.com/careersbot/careersbot/bot/bottest"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/careersbot/careersbot/adapters/telegram/telegramtest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

const token = "123:test-token"

// fakeClock never really sleeps: Sleep moves time on and records the wait.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	c.sleeps = append(c.sleeps, d)
	return ctx.Err()
}

func newAdapter(t *testing.T, srv *telegramtest.Server, mod func(*Options)) *Adapter {
	t.Helper()
	o := Options{Token: token, APIEndpoint: srv.Endpoint(), PollTimeout: time.Second, RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, PerChat: -1}
	if mod != nil {
		mod(&o)
	}
	a, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func run(t *testing.T, a *Adapter, h bot.Handler) {
	t.Helper()
	bottest.Run(t, a, h, 3*time.Second)
}

// pending reads the fake's unconfirmed updates with a short getUpdates.
func pending(t *testing.T, srv *telegramtest.Server) []tgbotapi.Update {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) == 0 {
		t.Fatalf("getUpdates: %v, %d updates", err, len(ups))
	}
	return ups
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestConversationWithButtonPress(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	h := bottest.NewReplier(a)
	run(t, a, h)

	srv.SendText(42, "/start")
	sent, err := srv.WaitCalls(waitCtx(t), 1, "sendMessage")
	if err != nil {
		t.Fatal(err)
	}
	first := sent[0]
	if first.Params["chat_id"] != "42" || first.Params["parse_mode"] != "HTML" {
		t.Fatalf("sendMessage params %v", first.Params)
	}
	if !strings.Contains(first.Params["reply_markup"], `"callback_data":"handoff"`) || !strings.Contains(first.Params["reply_markup"], `"text":"Talk to an adviser"`) {
		t.Fatalf("reply_markup %s", first.Params["reply_markup"])
	}
	got := h.Messages()
	if got[0].Command != "start" || got[0].Conversation != "42" || got[0].User != "42" || got[0].ID == "" || len(got[0].Raw) == 0 {
		t.Fatalf("inbound /start = %+v", got[0])
	}

	srv.Press(42, first, "handoff")
	if _, err := srv.WaitCalls(waitCtx(t), 2, "sendMessage"); err != nil {
		t.Fatal(err)
	}
	got = h.Messages()
	if got[1].Button != "handoff" || got[1].Text != "Talk to an adviser" || got[1].Conversation != "42" {
		t.Fatalf("button press = %+v", got[1])
	}
	if _, err := srv.WaitCalls(waitCtx(t), 1, "answerCallbackQuery"); err != nil {
		t.Fatal("callback query not answered:", err)
	}
	if cs := srv.Calls("setMyCommands"); len(cs) != 1 || !strings.Contains(cs[0].Params["commands"], `"command":"adviser"`) {
		t.Fatalf("command menu not registered: %v", cs)
	}

	srv.SendText(42, "how much do nurses earn")
	if _, err := srv.WaitCalls(waitCtx(t), 3, "sendMessage"); err != nil {
		t.Fatal(err)
	}
	if got := h.Messages(); got[2].Text != "how much do nurses earn" || got[2].Command != "" {
		t.Fatalf("text = %+v", got[2])
	}
}

func TestCommandsAndFiltering(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	tests := []struct {
		name    string
		groups  bool
		send    func() int
		wantOK  bool
		command string
		text    string
	}{
		{"help", false, func() int { return srv.SendText(1, "/help") }, true, "help", ""},
		{"adviser with at", false, func() int { return srv.SendText(1, "/adviser@"+telegramtest.BotUserName+" please") }, true, "adviser", "please"},
		{"delete", false, func() int { return srv.SendText(1, "/delete") }, true, "delete", ""},
		{"other bot's command", false, func() int { return srv.SendText(1, "/start@other_bot") }, false, "", ""},
		{"unknown command is text", false, func() int { return srv.SendText(1, "/jobs now") }, true, "", "/jobs now"},
		{"group ignored by default", false, func() int { return srv.SendGroupText(-5, 1, "@"+telegramtest.BotUserName+" hi") }, false, "", ""},
		{"group mention", true, func() int { return srv.SendGroupText(-5, 1, "@"+telegramtest.BotUserName+" pay for nurses") }, true, "", "pay for nurses"},
		{"group chatter", true, func() int { return srv.SendGroupText(-5, 1, "lunch?") }, false, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAdapter(t, srv, func(o *Options) { o.Groups = tc.groups })
			tc.send()
			// Read the update straight from the fake (no poll loop needed).
			ups := pending(t, srv)
			m, ok := a.toMessage(ups[len(ups)-1])
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.wantOK, m)
			}
			if ok && (m.Command != tc.command || m.Text != tc.text) {
				t.Fatalf("command %q text %q, want %q %q", m.Command, m.Text, tc.command, tc.text)
			}
		})
	}
}

func TestDuplicateUpdateAnsweredOnce(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	h := bottest.NewReplier(a)
	id := srv.SendText(7, "hello")
	srv.Inject(id, map[string]any{"message": map[string]any{"message_id": 1, "date": 1, "text": "hello",
		"chat": map[string]any{"id": 7, "type": "private"}, "from": map[string]any{"id": 7}}})
	srv.SendText(7, "second")
	run(t, a, h)
	if _, err := srv.WaitCalls(waitCtx(t), 2, "sendMessage"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let a wrong third answer show up
	if n := len(srv.Sent()); n != 2 {
		t.Fatalf("sent %d answers, want 2", n)
	}
	if got := h.Messages(); len(got) != 2 || got[0].Text != "hello" || got[1].Text != "second" {
		t.Fatalf("handled %+v", got)
	}
}

func TestRefusedUpdateIsPolledAgain(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	h := bottest.NewReplier(a).Refuse(2)
	srv.SendText(9, "first")
	srv.SendText(9, "second")
	run(t, a, h)
	if _, err := srv.WaitCalls(waitCtx(t), 2, "sendMessage"); err != nil {
		t.Fatal(err)
	}
	got := h.Messages()
	if len(got) != 2 || got[0].Text != "first" || got[1].Text != "second" {
		t.Fatalf("order after refusal: %+v", got)
	}
}

func TestPollRecoversFromDroppedConnectionAnd500(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	h := bottest.NewReplier(a)
	srv.Fail("getUpdates", telegramtest.Failure{Drop: true}, telegramtest.Failure{Code: 500}, telegramtest.Failure{Code: 502, HTML: true},
		telegramtest.Failure{Code: 429, RetryAfter: 0})
	srv.SendText(3, "still there?")
	run(t, a, h)
	if _, err := srv.WaitCalls(waitCtx(t), 1, "sendMessage"); err != nil {
		t.Fatal(err)
	}
}

func TestUnauthorizedStopsRun(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	srv.Fail("getUpdates", telegramtest.Failure{Code: 401})
	err := a.Run(waitCtx(t), bottest.NewReplier(a))
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("Run = %v, want 401 error", err)
	}
	if _, err := New(context.Background(), Options{Token: "bad", APIEndpoint: srv.Endpoint()}); err == nil {
		t.Fatal("New with a wrong token succeeded")
	}
}

func TestSendErrorClassification(t *testing.T) {
	tests := []struct {
		name      string
		f         telegramtest.Failure
		retry     bool
		after     time.Duration
		permanent bool
	}{
		{"429 retry_after", telegramtest.Failure{Code: 429, RetryAfter: 3}, true, 3 * time.Second, false},
		{"500", telegramtest.Failure{Code: 500}, true, 0, false},
		{"502 html", telegramtest.Failure{Code: 502, HTML: true}, true, 0, false},
		{"dropped", telegramtest.Failure{Drop: true}, true, 0, false},
		{"400", telegramtest.Failure{Code: 400}, false, 0, true},
		{"403 blocked", telegramtest.Failure{Code: 403}, false, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := telegramtest.NewServer(token)
			defer srv.Close()
			a := newAdapter(t, srv, nil)
			srv.Fail("sendMessage", tc.f)
			m := bot.Message{Channel: Name, Conversation: "5", Text: "hi"}
			err := a.Send(context.Background(), m)
			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *bot.SendError", err)
			}
			if se.Retry != tc.retry || se.After != tc.after {
				t.Fatalf("SendError{Retry:%v After:%v}, want %v %v (%v)", se.Retry, se.After, tc.retry, tc.after, err)
			}
			// A retrying sender succeeds on the next attempt.
			if err := a.Send(context.Background(), m); err != nil {
				t.Fatalf("retry: %v", err)
			}
			if n := len(srv.Sent()); n != 1 {
				t.Fatalf("delivered %d, want 1", n)
			}
		})
	}
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	var se *bot.SendError
	if err := a.Send(context.Background(), bot.Message{Conversation: "not-a-chat", Text: "x"}); !errors.As(err, &se) || se.Retry {
		t.Fatalf("bad chat id: %v", err)
	}
}

func TestHTMLEscapingAndCards(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	m := bot.Message{Conversation: "8", Text: "Is <b>pay</b> > £30k & rising?",
		Cards: []dialog.Card{{Title: "Nurse <RN>", Subtitle: "SOC 2231", Fields: []dialog.Field{{Label: "Pay", Value: "£35,000 & up"}}, Footer: "ONS ASHE 2024"}}}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d messages", len(sent))
	}
	want := "Is &lt;b&gt;pay&lt;/b&gt; &gt; £30k &amp; rising?\n\n<b>Nurse &lt;RN&gt;</b>\n<i>SOC 2231</i>\nPay: £35,000 &amp; up\n<i>ONS ASHE 2024</i>"
	if got := sent[0].Params["text"]; got != want {
		t.Fatalf("text\n%q\nwant\n%q", got, want)
	}
}

func TestLongTextSplit(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	var b strings.Builder
	for b.Len() < 10000 {
		b.WriteString("Apprenticeships & degrees <both> work. ")
	}
	m := bot.Message{Conversation: "8", Text: b.String(), Buttons: []dialog.Button{{Label: "More", Value: "more"}}}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent()
	if len(sent) != 3 {
		t.Fatalf("sent %d parts, want 3", len(sent))
	}
	var joined []string
	for i, c := range sent {
		plain := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(c.Params["text"])
		if n := len([]rune(plain)); n > MaxText {
			t.Errorf("part %d has %d characters", i, n)
		}
		if strings.HasSuffix(plain, "Apprentice") {
			t.Errorf("part %d cut inside a word", i)
		}
		if (c.Params["reply_markup"] != "") != (i == len(sent)-1) {
			t.Errorf("keyboard on part %d", i)
		}
		joined = append(joined, plain)
	}
	if strings.Join(joined, " ") != strings.TrimSpace(b.String()) {
		t.Fatal("text lost or changed in splitting")
	}
}

func TestPartialSendResumes(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	m := bot.Message{Conversation: "8", Seq: 12, Text: strings.Repeat("word ", 1500)} // 2 parts
	if n := len(a.parts(m)); n != 2 {
		t.Fatalf("%d parts, want 2", n)
	}
	srv.Fail("sendMessage", telegramtest.Failure{Skip: 1, Code: 500}) // part 1 goes, part 2 fails
	var se *bot.SendError
	if err := a.Send(context.Background(), m); !errors.As(err, &se) || !se.Retry {
		t.Fatalf("first attempt: %v", err)
	}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent()
	if len(sent) != 2 || sent[0].Params["text"] == sent[1].Params["text"] {
		t.Fatalf("sent %d messages, want the 2 parts once each", len(sent))
	}
}

func TestChartAsPhoto(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, nil)
	m := bot.Message{Conversation: "8", Text: "Pay compared",
		Buttons: []dialog.Button{{Label: "More", Value: "more"}},
		Charts: []dialog.Chart{{Kind: "bar", Title: "Median pay", Labels: []string{"Nurse", "Teacher"}, Unit: "£ a year",
			Series: []dialog.Series{{Name: "median", Values: []float64{35000, 41000}}}, AltText: "Teachers earn more than nurses.", Source: "ONS ASHE 2024"}}}
	if err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent()
	if len(sent) != 2 || sent[0].Method != "sendMessage" || sent[1].Method != "sendPhoto" {
		t.Fatalf("calls %v", sent)
	}
	p := sent[1]
	if _, err := png.Decode(bytes.NewReader(p.Files["photo"])); err != nil {
		t.Fatalf("photo is not a PNG: %v", err)
	}
	if !strings.Contains(p.Params["caption"], "Source: ONS ASHE 2024") || p.Params["reply_markup"] == "" || sent[0].Params["reply_markup"] != "" {
		t.Fatalf("photo params %v", p.Params)
	}
}

func TestPerChatRateLimit(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	a := newAdapter(t, srv, func(o *Options) { o.PerChat = time.Second; o.Clock = clock })
	send := func(chat, text string) {
		if err := a.Send(context.Background(), bot.Message{Conversation: chat, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	send("1", "a1")
	send("1", "a2")
	send("2", "b1")
	send("1", "a3")
	clock.now = clock.now.Add(5 * time.Second) // a quiet spell: no wait after it
	send("1", "a4")
	want := []time.Duration{0, time.Second, 0, time.Second, 0}
	if len(clock.sleeps) != len(want) {
		t.Fatalf("sleeps %v, want %v", clock.sleeps, want)
	}
	for i := range want {
		if clock.sleeps[i] != want[i] {
			t.Fatalf("sleeps %v, want %v", clock.sleeps, want)
		}
	}
	var order []string
	for _, c := range srv.Sent() {
		order = append(order, c.Params["text"])
	}
	if strings.Join(order, ",") != "a1,a2,b1,a3,a4" {
		t.Fatalf("order %v", order)
	}
}

func TestWebhook(t *testing.T) {
	srv := telegramtest.NewServer(token)
	defer srv.Close()
	a := newAdapter(t, srv, func(o *Options) {
		o.WebhookURL = "https://careers.example/telegram/webhook"
		o.WebhookSecret = "s3cret"
	})
	h := bottest.NewReplier(a)
	mux := http.NewServeMux()
	a.Mount(mux)
	hook := httptest.NewServer(mux)
	defer hook.Close()

	post := func(secret, body string) int {
		req, _ := http.NewRequest("POST", hook.URL+"/telegram/webhook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	update := `{"update_id":500,"message":{"message_id":1,"date":1,"text":"hi","chat":{"id":11,"type":"private"},"from":{"id":11}}}`
	if code := post("s3cret", update); code != http.StatusServiceUnavailable {
		t.Fatalf("before Run: %d, want 503", code)
	}
	run(t, a, h)
	if _, err := srv.WaitCalls(waitCtx(t), 1, "setWebhook"); err != nil {
		t.Fatal(err)
	}
	if w := srv.Webhook(); w["secret_token"] != "s3cret" || w["url"] != "https://careers.example/telegram/webhook" {
		t.Fatalf("setWebhook %v", w)
	}
	tests := []struct {
		name   string
		secret string
		body   string
		code   int
	}{
		{"no secret", "", update, 403},
		{"wrong secret", "s3cret!", update, 403},
		{"bad json", "s3cret", "{", 400},
		{"ok", "s3cret", update, 200},
		{"retry of the same update", "s3cret", update, 200},
	}
	for _, tc := range tests {
		if code := post(tc.secret, tc.body); code != tc.code {
			t.Errorf("%s: %d, want %d", tc.name, code, tc.code)
		}
	}
	if got := h.Messages(); len(got) != 1 || got[0].Text != "hi" {
		t.Fatalf("handled %+v, want one", got)
	}
	// A refused update is not acknowledged, so Telegram will deliver it again.
	h.Refuse(1)
	upd2 := `{"update_id":501,"message":{"message_id":2,"date":1,"text":"again","chat":{"id":11,"type":"private"},"from":{"id":11}}}`
	if code := post("s3cret", upd2); code != 503 {
		t.Fatalf("refused: %d", code)
	}
	if code := post("s3cret", upd2); code != 200 {
		t.Fatalf("redelivery: %d", code)
	}
	if got := h.Messages(); len(got) != 2 {
		t.Fatalf("handled %d", len(got))
	}
}
