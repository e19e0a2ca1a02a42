// Package telegram is careersbot's Telegram channel: a bot.Adapter over the Telegram Bot
// API (go-telegram-bot-api/v5) that receives updates by its own cancellable long-polling
// loop or by webhook, answers with HTML-formatted text (everything escaped), inline
// keyboards for quick replies, cards as formatted text and charts as PNG photos, splits
// text over Telegram's 4,096-character limit, respects about one message a second per
// chat, and classifies send failures for the service's retrying outbox.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/careersbot/careersbot/adapters/internal/partial"
	"github.com/careersbot/careersbot/adapters/internal/seen"
	"github.com/careersbot/careersbot/adapters/internal/shortid"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/careersbot/careersbot/adapters/chartpng"
	"github.com/careersbot/careersbot/adapters/render"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// Name is the adapter's channel name.
const Name = "telegram"

// MaxText is Telegram's longest message text (UTF-16 units after entity parsing).
const MaxText = 4096

// maxCaption is the longest photo caption.
const maxCaption = 1024

// maxCallbackData is the largest callback_data Telegram accepts, in bytes.
const maxCallbackData = 64

// Clock lets tests control time: Now for the per-chat limiter, Sleep for waiting.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Options configure the adapter. Token is required.
type Options struct {
	Token string
	// APIEndpoint is the Bot API URL format with two %s (token, method);
	// default "https://api.telegram.org/bot%s/%s".
	APIEndpoint string
	// HTTPClient makes the requests; default a plain http.Client (the context of each
	// call bounds it).
	HTTPClient *http.Client

	// WebhookURL, when set, selects webhook mode: Run registers this public URL with
	// setWebhook and updates arrive on WebhookPath. Otherwise Run long-polls.
	WebhookURL string
	// WebhookPath is the route served by Mount; default "/telegram/webhook".
	WebhookPath string
	// WebhookSecret is sent to Telegram as secret_token and required in the
	// X-Telegram-Bot-Api-Secret-Token header of every webhook request. Required in
	// webhook mode.
	WebhookSecret string

	// PollTimeout is the long-poll timeout; default 30s, at least 1s (Telegram counts
	// whole seconds).
	PollTimeout time.Duration
	// RetryMin and RetryMax bound the backoff after a failed poll or a refused
	// Handle; defaults 500ms and 30s.
	RetryMin, RetryMax time.Duration
	// PerChat is the least spacing between two messages to one chat; default 1s.
	// Negative disables the limiter.
	PerChat time.Duration
	// Groups lets the bot answer in group chats when addressed (a command, an
	// @mention or a reply to it); default only private chats are answered.
	Groups bool
	// Clock defaults to the wall clock.
	Clock  Clock
	Logger *slog.Logger
	// DedupSize is how many recent update ids are remembered; default 1024.
	DedupSize int
}

// Adapter is the Telegram channel. Build it with New.
type Adapter struct {
	opts  Options
	api   *tgbotapi.BotAPI
	log   *slog.Logger
	clock Clock

	seen *seen.Set

	limMu sync.Mutex
	next  map[int64]time.Time // per chat: earliest time of the next send

	cbData shortid.Table // hashed callback_data of long button values

	progress partial.Progress // parts of each outbound message already delivered

	hMu sync.Mutex
	h   bot.Handler // set while Run runs (webhook mode)
}

// New checks the token with getMe and returns the adapter.
func New(ctx context.Context, o Options) (*Adapter, error) {
	if o.Token == "" {
		return nil, errors.New("telegram: token is required")
	}
	if o.APIEndpoint == "" {
		o.APIEndpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(o.APIEndpoint, "%s") != 2 {
		return nil, fmt.Errorf("telegram: api endpoint %q must contain two %%s (token, method)", o.APIEndpoint)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.WebhookPath == "" {
		o.WebhookPath = "/telegram/webhook"
	}
	if o.WebhookURL != "" && o.WebhookSecret == "" {
		return nil, errors.New("telegram: webhook mode needs a webhook secret")
	}
	if o.PollTimeout == 0 {
		o.PollTimeout = 30 * time.Second
	}
	if o.PollTimeout < time.Second {
		o.PollTimeout = time.Second // Telegram counts whole seconds; 0 would spin
	}
	if o.RetryMin <= 0 {
		o.RetryMin = 500 * time.Millisecond
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(30*time.Second, o.RetryMin)
	}
	if o.PerChat == 0 {
		o.PerChat = time.Second
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DedupSize <= 0 {
		o.DedupSize = 1024
	}
	a := &Adapter{opts: o, log: o.Logger.With("channel", Name), clock: o.Clock,
		seen: seen.New(o.DedupSize), next: map[int64]time.Time{}}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(o.Token, o.APIEndpoint, &ctxClient{ctx: cctx, c: o.HTTPClient})
	if err != nil {
		return nil, fmt.Errorf("telegram: getMe: %w", classify(err, nil))
	}
	a.api = api
	return a, nil
}

// Name implements bot.Adapter.
func (a *Adapter) Name() string { return Name }

// BotUserName is the bot's @username, from getMe.
func (a *Adapter) BotUserName() string { return a.api.Self.UserName }

// Capabilities implements bot.CapabilityReporter.
func (a *Adapter) Capabilities() bot.Capabilities {
	return bot.Capabilities{Buttons: true, Cards: true, Charts: true, Markdown: false, MaxText: MaxText}
}

// ctxClient applies a context to the library's context-free requests and records the
// HTTP status, so 5xx answers without a JSON body are still classified.
type ctxClient struct {
	ctx    context.Context
	c      *http.Client
	status int
	after  time.Duration
}

func (c *ctxClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.c.Do(req.WithContext(c.ctx))
	if err != nil {
		return nil, err
	}
	c.status = resp.StatusCode
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			c.after = time.Duration(n) * time.Second
		}
	}
	if resp.StatusCode >= 500 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, &httpStatusError{code: resp.StatusCode, body: strings.TrimSpace(string(b))}
	}
	return resp, nil
}

type httpStatusError struct {
	code int
	body string
}

func (e *httpStatusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.code, e.body) }

// call returns a copy of the API bound to ctx (the library takes no contexts).
func (a *Adapter) call(ctx context.Context) (*tgbotapi.BotAPI, *ctxClient) {
	c := &ctxClient{ctx: ctx, c: a.opts.HTTPClient}
	api := *a.api
	api.Client = c
	return &api, c
}

// classify turns a library error into a *bot.SendError: 429 (with retry_after), 5xx
// and network errors may be retried; other API errors (4xx) are permanent.
func classify(err error, c *ctxClient) error {
	if err == nil {
		return nil
	}
	var se *bot.SendError
	if errors.As(err, &se) {
		return err
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch {
		case te.Code == http.StatusTooManyRequests:
			after := time.Duration(te.RetryAfter) * time.Second
			if after == 0 && c != nil {
				after = c.after
			}
			return &bot.SendError{Retry: true, After: after, Err: fmt.Errorf("telegram: %d %s: %w", te.Code, te.Message, err)}
		case te.Code >= 500:
			return &bot.SendError{Retry: true, Err: fmt.Errorf("telegram: %d %s: %w", te.Code, te.Message, err)}
		default:
			return &bot.SendError{Retry: false, Err: fmt.Errorf("telegram: %d %s: %w", te.Code, te.Message, err)}
		}
	}
	var he *httpStatusError
	if errors.As(err, &he) {
		return &bot.SendError{Retry: he.code >= 500 || he.code == 429, Err: fmt.Errorf("telegram: %w", err)}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &bot.SendError{Retry: true, Err: fmt.Errorf("telegram: %w", err)}
	}
	var syn *json.SyntaxError
	if c != nil && c.status >= 400 && c.status < 500 && c.status != 429 && !errors.As(err, &syn) {
		return &bot.SendError{Retry: false, Err: fmt.Errorf("telegram: HTTP %d: %w", c.status, err)}
	}
	// Network errors, broken bodies: try again.
	return &bot.SendError{Retry: true, Err: fmt.Errorf("telegram: %w", err)}
}

// ---- inbound ----

// Run receives updates until ctx ends: by long polling, or in webhook mode by
// registering the webhook and serving it through Mount.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	a.hMu.Lock()
	a.h = h
	a.hMu.Unlock()
	defer func() {
		a.hMu.Lock()
		a.h = nil
		a.hMu.Unlock()
	}()
	a.setCommands(ctx)
	if a.opts.WebhookURL != "" {
		if err := a.setWebhook(ctx); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	return a.poll(ctx, h)
}

// botCommands are the commands shown in Telegram's menu (setMyCommands).
func botCommands() []tgbotapi.BotCommand {
	return []tgbotapi.BotCommand{
		{Command: "start", Description: "Start again"},
		{Command: "help", Description: "What I can do"},
		{Command: "adviser", Description: "Talk to a careers adviser"},
		{Command: "delete", Description: "Delete my conversation"},
	}
}

// setCommands registers the command menu; best effort.
func (a *Adapter) setCommands(ctx context.Context) {
	cmds, _ := json.Marshal(botCommands())
	api, _ := a.call(ctx)
	if _, err := api.MakeRequest("setMyCommands", tgbotapi.Params{"commands": string(cmds)}); err != nil {
		a.log.Warn("setMyCommands failed", "err", err)
	}
}

func (a *Adapter) setWebhook(ctx context.Context) error {
	api, c := a.call(ctx)
	allowed, _ := json.Marshal([]string{"message", "callback_query"})
	_, err := api.MakeRequest("setWebhook", tgbotapi.Params{
		"url":             a.opts.WebhookURL,
		"secret_token":    a.opts.WebhookSecret,
		"allowed_updates": string(allowed),
	})
	if err != nil {
		return fmt.Errorf("telegram: setWebhook: %w", classify(err, c))
	}
	a.log.Info("webhook registered", "url", a.opts.WebhookURL)
	return nil
}

func (a *Adapter) poll(ctx context.Context, h bot.Handler) error {
	// A registered webhook makes getUpdates fail with 409: remove it (pending
	// updates are kept).
	for {
		api, c := a.call(ctx)
		_, err := api.MakeRequest("deleteWebhook", nil)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		var se *bot.SendError
		if errors.As(classify(err, c), &se) && !se.Retry {
			return fmt.Errorf("telegram: deleteWebhook: %w", err)
		}
		a.log.Warn("deleteWebhook failed, retrying", "err", err)
		if a.clock.Sleep(ctx, a.opts.RetryMin) != nil {
			return nil
		}
	}
	offset := 0
	backoff := a.opts.RetryMin
	timeout := int(a.opts.PollTimeout / time.Second)
	for ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, a.opts.PollTimeout+15*time.Second)
		api, _ := a.call(pctx)
		resp, err := api.Request(tgbotapi.UpdateConfig{Offset: offset, Timeout: timeout, AllowedUpdates: []string{"message", "callback_query"}})
		cancel()
		var ups []tgbotapi.Update
		if err == nil {
			err = json.Unmarshal(resp.Result, &ups)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var te *tgbotapi.Error
			if errors.As(err, &te) && te.Code == http.StatusUnauthorized {
				return fmt.Errorf("telegram: getUpdates: %w", err)
			}
			wait := backoff
			if errors.As(err, &te) && te.RetryAfter > 0 {
				wait = time.Duration(te.RetryAfter) * time.Second
			}
			a.log.Warn("getUpdates failed, retrying", "err", err, "wait", wait)
			if a.clock.Sleep(ctx, wait) != nil {
				return nil
			}
			backoff = min(backoff*2, a.opts.RetryMax)
			continue
		}
		backoff = a.opts.RetryMin
		for _, u := range ups {
			if err := a.deliver(ctx, h, u); err != nil {
				// Not accepted: do not confirm this update; Telegram sends it again.
				if ctx.Err() != nil {
					return nil
				}
				a.log.Warn("handler refused update, will poll it again", "update_id", u.UpdateID, "err", err)
				if a.clock.Sleep(ctx, backoff) != nil {
					return nil
				}
				backoff = min(backoff*2, a.opts.RetryMax)
				break
			}
			offset = u.UpdateID + 1
		}
	}
	return nil
}

// deliver hands one update to h unless it was seen before; nil means accepted (or
// ignored on purpose).
func (a *Adapter) deliver(ctx context.Context, h bot.Handler, u tgbotapi.Update) error {
	id := strconv.Itoa(u.UpdateID)
	if a.seen.Has(id) {
		return nil
	}
	m, ok := a.toMessage(u)
	if !ok {
		a.seen.Add(id)
		return nil
	}
	if err := h.Handle(ctx, m); err != nil {
		return err
	}
	a.seen.Add(id)
	if u.CallbackQuery != nil {
		// Stop the button's spinner. Best effort: the message is already accepted.
		api, _ := a.call(ctx)
		if _, err := api.Request(tgbotapi.NewCallback(u.CallbackQuery.ID, "")); err != nil {
			a.log.Warn("answerCallbackQuery failed", "err", err)
		}
	}
	return nil
}

var commands = map[string]string{"start": "start", "help": "help", "adviser": "adviser", "advisor": "adviser", "delete": "delete"}

// toMessage normalises an update; ok is false for updates the bot ignores.
func (a *Adapter) toMessage(u tgbotapi.Update) (bot.Message, bool) {
	raw, _ := json.Marshal(u)
	m := bot.Message{ID: strconv.Itoa(u.UpdateID), Channel: Name, Raw: raw}
	switch {
	case u.Message != nil:
		msg := u.Message
		if msg.Chat == nil {
			return m, false
		}
		m.Conversation = strconv.FormatInt(msg.Chat.ID, 10)
		if msg.From != nil {
			m.User = strconv.FormatInt(msg.From.ID, 10)
		}
		m.Time = msg.Time().UTC()
		text := msg.Text
		if text == "" {
			text = msg.Caption
		}
		addressed := msg.Chat.IsPrivate()
		if msg.IsCommand() {
			at := msg.CommandWithAt()
			if i := strings.IndexByte(at, '@'); i >= 0 && !strings.EqualFold(at[i+1:], a.api.Self.UserName) {
				return m, false // a command for another bot
			}
			addressed = true
			if c, ok := commands[strings.ToLower(msg.Command())]; ok {
				m.Command = c
				text = msg.CommandArguments()
			}
		}
		if mention := "@" + a.api.Self.UserName; a.api.Self.UserName != "" && containsFold(text, mention) {
			addressed = true
			text = strings.TrimSpace(replaceFold(text, mention, ""))
		}
		if msg.ReplyToMessage != nil && msg.ReplyToMessage.From != nil && msg.ReplyToMessage.From.ID == a.api.Self.ID {
			addressed = true
		}
		if !msg.Chat.IsPrivate() && (!a.opts.Groups || !addressed) {
			return m, false
		}
		if text == "" && m.Command == "" {
			return m, false // stickers, photos without captions...
		}
		m.Text = text
		return m, true
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		if cq.Message == nil || cq.Message.Chat == nil {
			return m, false
		}
		m.Conversation = strconv.FormatInt(cq.Message.Chat.ID, 10)
		if cq.From != nil {
			m.User = strconv.FormatInt(cq.From.ID, 10)
		}
		m.Time = time.Now().UTC()
		m.Button = a.buttonValue(cq.Data)
		m.Text = m.Button
		if cq.Message.ReplyMarkup != nil {
			for _, row := range cq.Message.ReplyMarkup.InlineKeyboard {
				for _, b := range row {
					if b.CallbackData != nil && *b.CallbackData == cq.Data {
						m.Text = b.Text
					}
				}
			}
		}
		return m, true
	}
	return m, false
}

// htmlEscaper escapes what Telegram's HTML parse mode requires: &, < and >.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func replaceFold(s, old, repl string) string {
	i := strings.Index(strings.ToLower(s), strings.ToLower(old))
	if i < 0 {
		return s
	}
	return s[:i] + repl + s[i+len(old):]
}

// Mount serves the webhook route (POST WebhookPath). Requests must carry the secret
// token; an update is acknowledged (200) only once the handler accepted it.
func (a *Adapter) Mount(mux *http.ServeMux) {
	mux.HandleFunc("POST "+a.opts.WebhookPath, a.serveWebhook)
}

func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if !secretOK(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), a.opts.WebhookSecret) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	a.hMu.Lock()
	h := a.h
	a.hMu.Unlock()
	if h == nil {
		http.Error(w, "not running", http.StatusServiceUnavailable)
		return
	}
	var u tgbotapi.Update
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&u); err != nil {
		// A body that is not an update: a clear error (Telegram itself never sends one).
		a.log.Warn("bad webhook body", "err", err)
		http.Error(w, "bad update: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := a.deliver(r.Context(), h, u); err != nil {
		a.log.Warn("handler refused webhook update", "update_id", u.UpdateID, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// ---- outbound ----

// part is one Telegram message of an outbound bot.Message.
type part struct {
	html  string       // text or caption, HTML
	photo []byte       // PNG when a chart
	chart dialog.Chart // for the file name
}

// Send delivers m to the chat m.Conversation: text (split), cards, charts as photos;
// quick replies as an inline keyboard on the last part. Parts already delivered by an
// earlier attempt of the same message (same Seq) are not sent again.
func (a *Adapter) Send(ctx context.Context, m bot.Message) error {
	chat, err := strconv.ParseInt(m.Conversation, 10, 64)
	if err != nil {
		return &bot.SendError{Err: fmt.Errorf("telegram: conversation %q is not a chat id: %w", m.Conversation, err)}
	}
	parts := a.parts(m)
	if len(parts) == 0 {
		return nil
	}
	kb := a.keyboard(m.Buttons)
	for i := a.progress.Next(m); i < len(parts); i++ {
		p := parts[i]
		if err := a.wait(ctx, chat); err != nil {
			return &bot.SendError{Retry: true, Err: err}
		}
		api, c := a.call(ctx)
		var chattable tgbotapi.Chattable
		if p.photo != nil {
			pc := tgbotapi.NewPhoto(chat, tgbotapi.FileBytes{Name: "chart.png", Bytes: p.photo})
			pc.Caption = p.html
			pc.ParseMode = tgbotapi.ModeHTML
			if i == len(parts)-1 && kb != nil {
				pc.ReplyMarkup = *kb
			}
			chattable = pc
		} else {
			mc := tgbotapi.NewMessage(chat, p.html)
			mc.ParseMode = tgbotapi.ModeHTML
			mc.DisableWebPagePreview = true
			if i == len(parts)-1 && kb != nil {
				mc.ReplyMarkup = *kb
			}
			chattable = mc
		}
		if _, err := api.Request(chattable); err != nil {
			return classify(err, c)
		}
		a.progress.Delivered(m, i)
	}
	a.progress.Finished(m)
	return nil
}

// parts lays m out as Telegram messages: the text and the cards packed into messages
// of at most MaxText characters, then one photo per chart.
func (a *Adapter) parts(m bot.Message) []part {
	type block struct {
		html  string
		plain int // length as Telegram counts it
	}
	var blocks []block
	addPlain := func(s string) {
		for _, p := range render.SplitUTF16(s, MaxText) {
			blocks = append(blocks, block{escapeHTML(p), render.Length(p, true)})
		}
	}
	addPlain(render.Body(m))
	for _, c := range m.Cards {
		h, n := cardHTML(c)
		if n > MaxText {
			addPlain(render.Card(c))
			continue
		}
		blocks = append(blocks, block{h, n})
	}
	var charts []part
	for _, c := range m.Charts {
		png, err := chartpng.Render(c)
		if err != nil {
			a.log.Warn("chart not drawn, sending text", "err", err)
			addPlain(render.Chart(c))
			continue
		}
		caption := c.Title
		if c.Source != "" {
			caption += "\nSource: " + c.Source
		}
		if c.AltText != "" && render.Length(caption+"\n"+c.AltText, true) <= maxCaption {
			caption = c.AltText + "\n" + caption
		}
		pieces := render.SplitUTF16(caption, maxCaption)
		capHTML := ""
		if len(pieces) > 0 {
			capHTML = escapeHTML(pieces[0])
		}
		charts = append(charts, part{html: capHTML, photo: png, chart: c})
	}
	var out []part
	var cur strings.Builder
	n := 0
	for _, b := range blocks {
		if cur.Len() > 0 && n+2+b.plain > MaxText {
			out = append(out, part{html: cur.String()})
			cur.Reset()
			n = 0
		}
		if cur.Len() > 0 {
			cur.WriteString("\n\n")
			n += 2
		}
		cur.WriteString(b.html)
		n += b.plain
	}
	if cur.Len() > 0 {
		out = append(out, part{html: cur.String()})
	}
	out = append(out, charts...)
	if len(out) == 0 && len(m.Buttons) > 0 {
		out = append(out, part{html: escapeHTML("Choose one:")})
	}
	return out
}

// cardHTML renders a card: bold title, italic subtitle, "Label: value" lines and the
// footer (sources) in italics; n is its length without tags.
func cardHTML(c dialog.Card) (string, int) {
	var b strings.Builder
	b.WriteString("<b>" + escapeHTML(c.Title) + "</b>")
	if c.Subtitle != "" {
		b.WriteString("\n<i>" + escapeHTML(c.Subtitle) + "</i>")
	}
	for _, f := range c.Fields {
		b.WriteString("\n")
		if f.Label != "" {
			b.WriteString(escapeHTML(f.Label) + ": ")
		}
		b.WriteString(escapeHTML(f.Value))
	}
	if c.Footer != "" {
		b.WriteString("\n<i>" + escapeHTML(c.Footer) + "</i>")
	}
	return b.String(), render.Length(render.Card(c), true)
}

// keyboard builds an inline keyboard, one button a row. Values longer than
// callback_data allows are replaced by a hash remembered here.
func (a *Adapter) keyboard(bs []dialog.Button) *tgbotapi.InlineKeyboardMarkup {
	if len(bs) == 0 {
		return nil
	}
	rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(bs))
	for _, b := range bs {
		data := b.Value
		if data == "" {
			data = b.Label
		}
		data = a.cbData.ID(data, maxCallbackData)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(b.Label, data)))
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &kb
}

func (a *Adapter) buttonValue(data string) string { return a.cbData.Value(data) }

// wait applies the per-chat limiter: it reserves the chat's next slot and sleeps until
// it. Slots are handed out in call order, so one chat's parts keep their order.
func (a *Adapter) wait(ctx context.Context, chat int64) error {
	if a.opts.PerChat < 0 {
		return ctx.Err()
	}
	a.limMu.Lock()
	now := a.clock.Now()
	at := a.next[chat]
	if at.Before(now) {
		at = now
	}
	a.next[chat] = at.Add(a.opts.PerChat)
	if len(a.next) > 10000 { // forget chats whose slot has passed
		for k, t := range a.next {
			if t.Before(now) {
				delete(a.next, k)
			}
		}
	}
	a.limMu.Unlock()
	return a.clock.Sleep(ctx, at.Sub(now))
}
