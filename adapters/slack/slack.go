// Package slack is careersbot's Slack channel: a bot.Adapter over slack-go that
// receives events by Socket Mode (an app-level token) or over HTTP (the Events API and
// the interactivity endpoint, signed with the signing secret), answers direct
// messages and @mentions (replying in the mention's thread), shows cards as Block Kit
// sections with fields, quick replies as buttons, charts as text with their source,
// and classifies send failures for the service's retrying outbox.
package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/careersbot/careersbot/adapters/internal/partial"
	"github.com/careersbot/careersbot/adapters/internal/seen"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/careersbot/careersbot/adapters/chartpng"
	"github.com/careersbot/careersbot/adapters/render"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// Name is the adapter's channel name.
const Name = "slack"

// Block Kit limits.
const (
	maxSectionText = 3000
	maxBlocks      = 50
	maxFields      = 10
	maxButtonText  = 75
	maxButtonValue = 2000
	maxHeaderText  = 150
)

// Options configure the adapter. BotToken (xoxb-) is required, and AppToken (xapp-,
// Socket Mode) or SigningSecret (HTTP Events API) or both.
type Options struct {
	BotToken      string
	AppToken      string
	SigningSecret string
	// APIURL is the Web API base, ending in "/"; default slack-go's.
	APIURL     string
	HTTPClient *http.Client
	// EventsPath and InteractivityPath are the routes Mount serves; defaults
	// "/slack/events" and "/slack/interactivity".
	EventsPath        string
	InteractivityPath string
	// PublicURL, when set, is careersbot's public base URL (https://careers.example.org):
	// charts are then drawn as PNGs served at PublicURL+ChartsPath and shown as image
	// blocks. Otherwise charts are sent as text with their source.
	PublicURL string
	// ChartsPath is the route serving chart pictures; default "/slack/charts/".
	ChartsPath string
	// AckTimeout bounds how long an event waits for the handler before it is left
	// unacknowledged (Slack wants an answer within 3 seconds); default 2.5s.
	AckTimeout time.Duration
	// PingInterval is the longest Socket Mode waits for a server PING before it
	// reconnects; default 30s.
	PingInterval time.Duration
	// RetryMin and RetryMax bound the backoff when Socket Mode cannot connect;
	// defaults 1s and 1m.
	RetryMin, RetryMax time.Duration
	Logger             *slog.Logger
	// DedupSize is how many recent event ids are remembered; default 1024.
	DedupSize int
	// AdviserChannel, with Advisers, is a channel id where escalations are posted
	// for advisers to claim, answer in the thread, resolve or release (advisers.go).
	AdviserChannel string
	Advisers       AdviserService
}

// Adapter is the Slack channel. Build it with New.
type Adapter struct {
	opts    Options
	api     *slack.Client
	log     *slog.Logger
	botID   string // the bot's user id, from auth.test
	seen    *seen.Set
	mention *regexp.Regexp

	hMu sync.Mutex
	h   bot.Handler

	thMu    sync.Mutex
	threads map[string]bool // channel/thread_ts the bot takes part in

	progress partial.Progress // parts of each outbound message already delivered

	charts *chartCache

	desk *desk // the adviser channel, nil without one
}

// New checks the bot token with auth.test and returns the adapter.
func New(ctx context.Context, o Options) (*Adapter, error) {
	if o.BotToken == "" {
		return nil, errors.New("slack: bot token is required")
	}
	if o.AppToken == "" && o.SigningSecret == "" {
		return nil, errors.New("slack: an app-level token (Socket Mode) or a signing secret (Events API) is required")
	}
	if o.AppToken != "" && !strings.HasPrefix(o.AppToken, "xapp-") {
		return nil, errors.New("slack: the app-level token must start with xapp-")
	}
	if o.APIURL != "" && !strings.HasSuffix(o.APIURL, "/") {
		o.APIURL += "/"
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.EventsPath == "" {
		o.EventsPath = "/slack/events"
	}
	if o.InteractivityPath == "" {
		o.InteractivityPath = "/slack/interactivity"
	}
	if o.ChartsPath == "" {
		o.ChartsPath = "/slack/charts/"
	}
	if !strings.HasSuffix(o.ChartsPath, "/") {
		o.ChartsPath += "/"
	}
	o.PublicURL = strings.TrimSuffix(o.PublicURL, "/")
	if o.AckTimeout <= 0 {
		o.AckTimeout = 2500 * time.Millisecond
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 30 * time.Second
	}
	if o.RetryMin <= 0 {
		o.RetryMin = time.Second
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(time.Minute, o.RetryMin)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DedupSize <= 0 {
		o.DedupSize = 1024
	}
	opts := []slack.Option{slack.OptionHTTPClient(o.HTTPClient)}
	if o.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(o.APIURL))
	}
	if o.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(o.AppToken))
	}
	api := slack.New(o.BotToken, opts...)
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("slack: auth.test: %w", err)
	}
	a := &Adapter{opts: o, api: api, log: o.Logger.With("channel", Name), botID: auth.UserID, seen: seen.New(o.DedupSize),
		threads: map[string]bool{}, charts: newChartCache(256),
		mention: regexp.MustCompile(`<@` + regexp.QuoteMeta(auth.UserID) + `(\|[^>]*)?>`)}
	if o.AdviserChannel != "" {
		if o.Advisers == nil {
			return nil, errors.New("slack: an adviser channel needs the service (Options.Advisers)")
		}
		a.desk = newDesk(a, o.AdviserChannel, o.Advisers)
	}
	return a, nil
}

// Name implements bot.Adapter.
func (a *Adapter) Name() string { return Name }

// BotUserID is the bot's Slack user id.
func (a *Adapter) BotUserID() string { return a.botID }

// Capabilities implements bot.CapabilityReporter. Charts are sent as text.
func (a *Adapter) Capabilities() bot.Capabilities {
	return bot.Capabilities{Buttons: true, Cards: true, Charts: a.opts.PublicURL != "", Markdown: true, MaxText: maxSectionText}
}

func (a *Adapter) setHandler(h bot.Handler) {
	a.hMu.Lock()
	a.h = h
	a.hMu.Unlock()
}

func (a *Adapter) handler() bot.Handler {
	a.hMu.Lock()
	defer a.hMu.Unlock()
	return a.h
}

// Run receives events until ctx ends: over Socket Mode when an app-level token is
// configured; otherwise it only makes the HTTP routes (Mount) live.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	a.setHandler(h)
	defer a.setHandler(nil)
	if a.desk != nil {
		dctx, cancel := context.WithCancel(ctx)
		events, unsubscribe := a.desk.open(dctx)
		done := make(chan struct{})
		go func() { defer close(done); a.desk.follow(dctx, events) }()
		defer func() { cancel(); <-done; unsubscribe() }()
	}
	if a.opts.AppToken == "" {
		<-ctx.Done()
		return nil
	}
	return a.runSocket(ctx, h)
}

func (a *Adapter) runSocket(ctx context.Context, h bot.Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sm := socketmode.New(a.api, socketmode.OptionPingInterval(a.opts.PingInterval))
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-sm.Events:
				if !ok {
					return
				}
				a.socketEvent(ctx, sm, h, ev)
			}
		}
	})
	defer wg.Wait()
	backoff := a.opts.RetryMin
	for {
		err := sm.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil && isAuthError(err):
			return fmt.Errorf("slack: socket mode: %w", err)
		case err != nil:
			a.log.Warn("socket mode stopped, reconnecting", "err", err, "wait", backoff)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(backoff*2, a.opts.RetryMax)
	}
}

func isAuthError(err error) bool {
	switch err.Error() {
	case "invalid_auth", "account_inactive", "not_authed", "token_revoked":
		return true
	}
	var se slack.StatusCodeError
	return errors.As(err, &se) && se.Code == http.StatusNotFound
}

// socketEvent handles one Socket Mode event; envelopes are acknowledged only once the
// handler accepted them, so Slack delivers a refused one again.
func (a *Adapter) socketEvent(ctx context.Context, sm *socketmode.Client, h bot.Handler, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeEventsAPI:
		e, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Request == nil {
			return
		}
		if err := a.deliverEvent(ctx, h, e, ev.Request.Payload); err != nil {
			a.log.Warn("handler refused event, not acknowledged", "envelope", ev.Request.EnvelopeID, "err", err)
			return
		}
		sm.Ack(*ev.Request)
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok || ev.Request == nil {
			return
		}
		if err := a.deliverInteraction(ctx, h, cb, ev.Request.Payload); err != nil {
			a.log.Warn("handler refused interaction, not acknowledged", "envelope", ev.Request.EnvelopeID, "err", err)
			return
		}
		sm.Ack(*ev.Request)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slack.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		if err := a.deliverSlash(ctx, h, cmd, ev.Request.EnvelopeID, ev.Request.Payload); err != nil {
			a.log.Warn("handler refused slash command", "err", err)
			return
		}
		sm.Ack(*ev.Request)
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		a.log.Warn("socket mode", "event", ev.Type, "data", fmt.Sprint(ev.Data))
	case socketmode.EventTypeConnected:
		a.log.Info("socket mode connected")
	}
}

// deliverEvent hands an Events API callback to h; nil means accepted or ignored.
func (a *Adapter) deliverEvent(ctx context.Context, h bot.Handler, e slackevents.EventsAPIEvent, raw json.RawMessage) error {
	cb, ok := e.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || e.Type != slackevents.CallbackEvent {
		return nil
	}
	if cb.EventID != "" && a.seen.Has(cb.EventID) {
		return nil
	}
	if me, ok := e.InnerEvent.Data.(*slackevents.MessageEvent); ok && a.desk != nil && a.desk.message(ctx, me) {
		a.seen.Add(cb.EventID)
		return nil
	}
	m, ok := a.eventMessage(e.InnerEvent)
	if !ok {
		a.seen.Add(cb.EventID)
		return nil
	}
	m.ID = cb.EventID
	m.Raw = raw
	if cb.EventTime > 0 && m.Time.IsZero() {
		m.Time = time.Unix(int64(cb.EventTime), 0).UTC()
	}
	return a.handle(ctx, h, cb.EventID, m)
}

func (a *Adapter) handle(ctx context.Context, h bot.Handler, id string, m bot.Message) error {
	hctx, cancel := context.WithTimeout(ctx, a.opts.AckTimeout)
	defer cancel()
	if err := h.Handle(hctx, m); err != nil {
		return err
	}
	if id != "" {
		a.seen.Add(id)
	}
	return nil
}

// eventMessage normalises an inner event: direct messages (and messages in threads
// the bot is in) and app mentions. Bot messages and edits are ignored.
func (a *Adapter) eventMessage(in slackevents.EventsAPIInnerEvent) (bot.Message, bool) {
	m := bot.Message{Channel: Name}
	switch ev := in.Data.(type) {
	case *slackevents.MessageEvent:
		if ev.BotID != "" || ev.SubType != "" || ev.User == "" || ev.User == a.botID {
			return m, false
		}
		m.User, m.Time = ev.User, tsTime(ev.TimeStamp)
		switch {
		case ev.ChannelType == slackevents.ChannelTypeIM:
			m.Conversation = key(ev.Channel, ev.ThreadTimeStamp)
		case ev.ThreadTimeStamp != "" && a.inThread(ev.Channel, ev.ThreadTimeStamp) && !a.mention.MatchString(ev.Text):
			// A follow-up in a thread the bot answered (mentions come as app_mention).
			m.Conversation = key(ev.Channel, ev.ThreadTimeStamp)
		default:
			return m, false
		}
		m.Text = a.clean(ev.Text)
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == "" {
			return m, false
		}
		thread := ev.ThreadTimeStamp
		if thread == "" {
			thread = ev.TimeStamp
		}
		m.User, m.Time = ev.User, tsTime(ev.TimeStamp)
		m.Conversation = key(ev.Channel, thread)
		m.Text = a.clean(ev.Text)
	default:
		return m, false
	}
	m.Command = command(&m.Text)
	if m.Text == "" && m.Command == "" {
		return m, false
	}
	return m, true
}

// command maps a leading "/start", "/help", "/adviser" or "/delete" (Slack does not
// send unregistered slash commands, so people type them as text) to Message.Command.
func command(text *string) string {
	t := strings.TrimSpace(*text)
	if !strings.HasPrefix(t, "/") {
		return ""
	}
	word, rest, _ := strings.Cut(t[1:], " ")
	c := map[string]string{"start": "start", "help": "help", "adviser": "adviser", "advisor": "adviser", "delete": "delete"}[strings.ToLower(word)]
	if c != "" {
		*text = strings.TrimSpace(rest)
	}
	return c
}

// clean strips the bot's mention and Slack's escaping from text.
func (a *Adapter) clean(text string) string {
	text = a.mention.ReplaceAllString(text, "")
	text = unescaper.Replace(text)
	return strings.Join(strings.Fields(text), " ")
}

func key(channel, thread string) string {
	if thread == "" {
		return channel
	}
	return channel + "/" + thread
}

// splitKey reverses key.
func splitKey(conv string) (channel, thread string) {
	channel, thread, _ = strings.Cut(conv, "/")
	return channel, thread
}

func tsTime(ts string) time.Time {
	f, err := strconv.ParseFloat(ts, 64)
	if err != nil || f <= 0 {
		return time.Now().UTC()
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()
}

func (a *Adapter) inThread(channel, thread string) bool {
	a.thMu.Lock()
	defer a.thMu.Unlock()
	return a.threads[channel+"/"+thread]
}

func (a *Adapter) joinThread(channel, thread string) {
	a.thMu.Lock()
	defer a.thMu.Unlock()
	if len(a.threads) > 10000 {
		clear(a.threads)
	}
	a.threads[channel+"/"+thread] = true
}

// deliverInteraction hands a block_actions button press to h.
func (a *Adapter) deliverInteraction(ctx context.Context, h bot.Handler, cb slack.InteractionCallback, raw json.RawMessage) error {
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return nil
	}
	act := cb.ActionCallback.BlockActions[0]
	id := "action:" + cb.Channel.ID + ":" + cb.User.ID + ":" + act.ActionTs
	if a.seen.Has(id) {
		return nil
	}
	if a.desk != nil && a.desk.interaction(ctx, cb, act) {
		a.seen.Add(id)
		return nil
	}
	thread := cb.Message.ThreadTimestamp
	if thread == "" {
		thread = cb.Container.ThreadTs
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	if channel == "" {
		return nil
	}
	m := bot.Message{ID: id, Channel: Name, Conversation: key(channel, thread), User: cb.User.ID,
		Button: act.Value, Text: act.Text.Text, Time: tsTime(act.ActionTs), Raw: raw}
	if m.Text == "" {
		m.Text = act.Value
	}
	return a.handle(ctx, h, id, m)
}

// deliverSlash hands a slash command (e.g. /careers what do nurses earn) to h.
func (a *Adapter) deliverSlash(ctx context.Context, h bot.Handler, cmd slack.SlashCommand, envelope string, raw json.RawMessage) error {
	id := "slash:" + envelope
	if envelope == "" {
		id = "slash:" + cmd.TriggerID
	}
	if a.seen.Has(id) {
		return nil
	}
	text := strings.TrimSpace(cmd.Text)
	m := bot.Message{ID: id, Channel: Name, Conversation: cmd.ChannelID, User: cmd.UserID, Text: text, Time: time.Now().UTC(), Raw: raw}
	t := "/" + text
	if c := command(&t); c != "" {
		m.Command, m.Text = c, t
	}
	if m.Text == "" && m.Command == "" {
		m.Command = "help"
	}
	return a.handle(ctx, h, id, m)
}

// ---- HTTP: Events API and interactivity ----

// Mount serves the Events API (POST EventsPath) and interactivity (POST
// InteractivityPath) routes, both verified with the signing secret.
func (a *Adapter) Mount(mux *http.ServeMux) {
	if a.opts.PublicURL != "" {
		mux.HandleFunc("GET "+a.opts.ChartsPath+"{name}", a.serveChart)
	}
	if a.opts.SigningSecret == "" {
		return
	}
	mux.HandleFunc("POST "+a.opts.EventsPath, a.serveEvents)
	mux.HandleFunc("POST "+a.opts.InteractivityPath, a.serveInteractivity)
}

// verified reads the body and checks the request signature.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, a.opts.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		a.log.Warn("rejected unsigned slack request", "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	e, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, "bad event: "+err.Error(), http.StatusBadRequest)
		return
	}
	if e.Type == slackevents.URLVerification {
		var ch slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &ch); err != nil {
			http.Error(w, "bad challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, ch.Challenge)
		return
	}
	h := a.handler()
	if h == nil {
		http.Error(w, "not running", http.StatusServiceUnavailable)
		return
	}
	if err := a.deliverEvent(r.Context(), h, e, body); err != nil {
		// Not accepted: no 2xx, so Slack retries (X-Slack-Retry-Num), deduplicated by
		// event_id.
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveInteractivity(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "missing payload", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	h := a.handler()
	if h == nil {
		http.Error(w, "not running", http.StatusServiceUnavailable)
		return
	}
	if err := a.deliverInteraction(r.Context(), h, cb, json.RawMessage(form.Get("payload"))); err != nil {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// ---- outbound ----

// Send posts m to m.Conversation ("channel" or "channel/thread_ts", the thread being
// answered in). Long content is split over several messages; parts delivered by an
// earlier attempt of the same message (same Seq) are not posted again.
func (a *Adapter) Send(ctx context.Context, m bot.Message) error {
	channel, thread := splitKey(m.Conversation)
	if channel == "" {
		return &bot.SendError{Err: fmt.Errorf("slack: empty conversation")}
	}
	msgs := a.blocks(m)
	for i := a.progress.Next(m); i < len(msgs); i++ {
		opts := []slack.MsgOption{slack.MsgOptionBlocks(msgs[i].Blocks...), slack.MsgOptionText(msgs[i].Fallback, false)}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		if _, _, err := a.api.PostMessageContext(ctx, channel, opts...); err != nil {
			return classify(err)
		}
		a.progress.Delivered(m, i)
	}
	if thread != "" {
		a.joinThread(channel, thread)
	}
	a.progress.Finished(m)
	return nil
}

// classify turns a slack-go error into a *bot.SendError.
func classify(err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &bot.SendError{Retry: true, After: rl.RetryAfter, Err: fmt.Errorf("slack: %w", err)}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return &bot.SendError{Retry: sc.Code >= 500 || sc.Code == http.StatusTooManyRequests, Err: fmt.Errorf("slack: %w", err)}
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return &bot.SendError{Retry: true, Err: fmt.Errorf("slack: %w", err)}
		}
		return &bot.SendError{Retry: false, Err: fmt.Errorf("slack: %w", err)}
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &bot.SendError{Retry: true, Err: fmt.Errorf("slack: %w", err)}
	}
	// Unknown: assume the platform answered and refused.
	return &bot.SendError{Retry: false, Err: fmt.Errorf("slack: %w", err)}
}

// Message is one chat.postMessage: its blocks and the notification fallback text.
type Message struct {
	Blocks   []slack.Block
	Fallback string
}

// Blocks lays out an outbound message in Block Kit: the text in plain-text sections
// (split at 3,000 characters), each card as a header, a section with its fields and a
// context line with its sources, charts as text with their source, and quick replies
// as buttons (value = button value) at the end. Messages over 50 blocks are split.
func Blocks(m bot.Message) []Message { return layout(m, nil) }

// blocks is Blocks with charts as image blocks when a public URL is configured.
func (a *Adapter) blocks(m bot.Message) []Message {
	if a.opts.PublicURL == "" {
		return layout(m, nil)
	}
	return layout(m, func(c dialog.Chart) string {
		png, err := chartpng.Render(c)
		if err != nil {
			a.log.Warn("chart not drawn, sending text", "err", err)
			return ""
		}
		return a.opts.PublicURL + a.opts.ChartsPath + a.charts.put(png)
	})
}

// layout lays m out; chartURL, when not nil, gives a picture's URL for a chart ("" to
// fall back to text).
func layout(m bot.Message, chartURL func(dialog.Chart) string) []Message {
	var blocks []slack.Block
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	for _, p := range render.Split(render.Body(m), maxSectionText) {
		blocks = append(blocks, slack.NewSectionBlock(plain(p), nil, nil))
	}
	for _, c := range m.Cards {
		blocks = append(blocks, slack.NewHeaderBlock(plain(clip(c.Title, maxHeaderText))))
		if c.Subtitle != "" {
			blocks = append(blocks, slack.NewContextBlock("", plain(clip(c.Subtitle, maxSectionText))))
		}
		for i := 0; i < len(c.Fields); i += maxFields {
			var fields []*slack.TextBlockObject
			for _, f := range c.Fields[i:min(i+maxFields, len(c.Fields))] {
				t := escape(f.Value)
				if f.Label != "" {
					t = "*" + escape(f.Label) + "*\n" + t
				}
				fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, clip(t, 2000), false, true))
			}
			blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
		}
		if c.Footer != "" {
			blocks = append(blocks, slack.NewContextBlock("", plain(clip(c.Footer, maxSectionText))))
		}
	}
	for _, c := range m.Charts {
		if chartURL != nil {
			if u := chartURL(c); u != "" {
				alt := c.AltText
				if alt == "" {
					alt = c.Title
				}
				var title *slack.TextBlockObject
				if c.Title != "" {
					title = plain(clip(c.Title, 2000))
				}
				blocks = append(blocks, slack.NewImageBlock(u, clip(alt, 2000), "", title))
				if c.Source != "" {
					blocks = append(blocks, slack.NewContextBlock("", plain(clip("Source: "+c.Source, maxSectionText))))
				}
				continue
			}
		}
		for _, p := range render.Split(render.Chart(c), maxSectionText) {
			blocks = append(blocks, slack.NewSectionBlock(plain(p), nil, nil))
		}
	}
	var actions []slack.Block
	for i := 0; i < len(m.Buttons); i += 25 { // 25 elements per actions block
		var els []slack.BlockElement
		for j, b := range m.Buttons[i:min(i+25, len(m.Buttons))] {
			v := b.Value
			if v == "" {
				v = b.Label
			}
			els = append(els, slack.NewButtonBlockElement("btn_"+strconv.Itoa(i+j), clip(v, maxButtonValue), plain(clip(b.Label, maxButtonText))))
		}
		actions = append(actions, slack.NewActionBlock("quick_replies_"+strconv.Itoa(i/25), els...))
	}
	blocks = append(blocks, actions...)
	fallback := clip(fallbackText(m), 3000)
	var out []Message
	for len(blocks) > 0 {
		n := min(len(blocks), maxBlocks)
		out = append(out, Message{Blocks: blocks[:n], Fallback: fallback})
		blocks = blocks[n:]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func fallbackText(m bot.Message) string {
	if t := render.Body(m); t != "" {
		return t
	}
	if len(m.Cards) > 0 {
		return m.Cards[0].Title
	}
	return render.Text(m, bot.Capabilities{})
}

// Slack's escaping of &, < and > (control characters in mrkdwn); read-only.
var (
	escaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// escape makes text safe inside mrkdwn.
func escape(s string) string { return escaper.Replace(s) }

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Buttons returns the quick replies of a Block Kit message, for tests and tools.
func Buttons(blocks []slack.Block) []dialog.Button {
	var out []dialog.Button
	for _, b := range blocks {
		ab, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, el := range ab.Elements.ElementSet {
			if btn, ok := el.(*slack.ButtonBlockElement); ok {
				out = append(out, dialog.Button{Label: btn.Text.Text, Value: btn.Value})
			}
		}
	}
	return out
}
