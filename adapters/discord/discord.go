// Package discord is careersbot's Discord channel: a bot.Adapter over discordgo that
// connects to the gateway with the guild-message, direct-message and message-content
// intents, answers direct messages and @mentions, registers a /careers slash command,
// shows cards as embeds, quick replies as buttons (custom_id = value, pressed buttons
// arrive as interactions), charts as PNG attachments, and maps final rate-limit and
// server errors to retryable send errors for the service's outbox.
package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/careersbot/careersbot/adapters/internal/partial"
	"github.com/careersbot/careersbot/adapters/internal/seen"
	"github.com/careersbot/careersbot/adapters/internal/shortid"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/careersbot/careersbot/adapters/chartpng"
	"github.com/careersbot/careersbot/adapters/render"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// Name is the adapter's channel name.
const Name = "discord"

// Discord limits.
const (
	MaxText         = 2000
	maxEmbeds       = 10
	maxEmbedFields  = 25
	maxButtonsRow   = 5
	maxRows         = 5
	maxCustomID     = 100
	maxButtonLabel  = 80
	maxEmbedTitle   = 256
	maxFieldName    = 256
	maxFieldValue   = 1024
	maxEmbedFooter  = 2048
	maxEmbedDescrip = 4096
)

// Intents the bot needs. MessageContent is privileged: enable it in the developer
// portal (Bot > Privileged Gateway Intents), or guild message text arrives empty.
const Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages | discordgo.IntentsMessageContent

// CommandName is the slash command registered at start: /careers question:<text>.
const CommandName = "careers"

// Options configure the adapter. Token (the bot token, without "Bot ") is required.
type Options struct {
	Token string
	// HTTPClient makes REST calls; default a client with a 30s timeout. Tests pass
	// one whose Transport points at a fake.
	HTTPClient *http.Client
	// GuildID registers the slash command in one guild (instant) instead of globally.
	GuildID string
	// NoCommands skips registering the slash command.
	NoCommands bool
	// RetryMin and RetryMax bound the backoff when the gateway cannot be opened and
	// when the handler refuses a message; defaults 1s and 1m.
	RetryMin, RetryMax time.Duration
	// HandleAttempts is how often a refused message is offered to the handler again
	// (Discord never redelivers); default 3.
	HandleAttempts int
	Logger         *slog.Logger
	// DedupSize is how many recent message and interaction ids are remembered.
	DedupSize int
}

// Adapter is the Discord channel. Build it with New.
type Adapter struct {
	opts Options
	s    *discordgo.Session
	log  *slog.Logger
	seen *seen.Set

	mu    sync.Mutex
	self  string // bot user id
	appID string
	ready chan struct{}
	// readyOnce closes ready on the first READY of the adapter's life.
	readyOnce sync.Once

	ids shortid.Table // hashed custom_ids of long button values

	progress partial.Progress // parts of each outbound message already delivered
}

// New prepares the session (it connects in Run).
func New(o Options) (*Adapter, error) {
	if o.Token == "" {
		return nil, errors.New("discord: token is required")
	}
	o.Token = strings.TrimPrefix(o.Token, "Bot ")
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.RetryMin <= 0 {
		o.RetryMin = time.Second
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(time.Minute, o.RetryMin)
	}
	if o.HandleAttempts <= 0 {
		o.HandleAttempts = 3
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DedupSize <= 0 {
		o.DedupSize = 1024
	}
	s, err := discordgo.New("Bot " + o.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Identify.Intents = Intents
	s.SyncEvents = true // handlers run in order, one at a time
	s.ShouldReconnectOnError = true
	s.ShouldRetryOnRateLimit = false // a 429 goes back to the outbox with its retry_after
	s.MaxRestRetries = 1
	s.Client = o.HTTPClient
	s.LogLevel = discordgo.LogError
	a := &Adapter{opts: o, s: s, log: o.Logger.With("channel", Name), seen: seen.New(o.DedupSize), ready: make(chan struct{})}
	return a, nil
}

// Name implements bot.Adapter.
func (a *Adapter) Name() string { return Name }

// Session is the underlying discordgo session (for tools and tests).
func (a *Adapter) Session() *discordgo.Session { return a.s }

// Capabilities implements bot.CapabilityReporter.
func (a *Adapter) Capabilities() bot.Capabilities {
	return bot.Capabilities{Buttons: true, Cards: true, Charts: true, Markdown: true, MaxText: MaxText}
}

// Ready is closed once the gateway sent READY.
func (a *Adapter) Ready() <-chan struct{} { return a.ready }

// Run connects to the gateway and delivers messages and interactions to h until ctx
// ends. discordgo reconnects and resumes dropped connections by itself.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	removers := []func(){
		a.s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
			a.mu.Lock()
			if r.User != nil {
				a.self = r.User.ID
			}
			if r.Application != nil {
				a.appID = r.Application.ID
			}
			a.mu.Unlock()
			a.readyOnce.Do(func() { close(a.ready) })
		}),
		a.s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) { a.onMessage(ctx, h, m) }),
		a.s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { a.onInteraction(ctx, h, i) }),
	}
	defer func() {
		for _, r := range removers {
			r()
		}
	}()
	backoff := a.opts.RetryMin
	for {
		err := a.s.Open()
		if err == nil {
			break
		}
		var re *discordgo.RESTError
		if errors.Is(err, discordgo.ErrUnauthorized) || (errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized) {
			return fmt.Errorf("discord: open gateway: %w", err)
		}
		a.log.Warn("cannot open gateway, retrying", "err", err, "wait", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, a.opts.RetryMax)
	}
	defer a.s.Close()
	if !a.opts.NoCommands {
		if err := a.registerCommands(ctx); err != nil {
			a.log.Warn("slash command not registered", "err", err)
		}
	}
	<-ctx.Done()
	return nil
}

func (a *Adapter) registerCommands(ctx context.Context) error {
	a.mu.Lock()
	app := a.appID
	a.mu.Unlock()
	if app == "" {
		return errors.New("no application id in READY")
	}
	cmds := []*discordgo.ApplicationCommand{{
		Name:        CommandName,
		Description: "Ask careersbot about jobs, pay and how to get in",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "question",
			Description: "Your question, or help / adviser / delete", Required: false,
		}},
	}}
	_, err := a.s.ApplicationCommandBulkOverwrite(app, a.opts.GuildID, cmds, discordgo.WithContext(ctx))
	return err
}

func (a *Adapter) selfID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.self
}

// handle offers m to h, retrying a refusal a few times (Discord never redelivers).
func (a *Adapter) handle(ctx context.Context, h bot.Handler, m bot.Message) error {
	if a.seen.Has(m.ID) {
		return nil
	}
	wait := a.opts.RetryMin
	var err error
	for i := 0; i < a.opts.HandleAttempts; i++ {
		if err = h.Handle(ctx, m); err == nil {
			a.seen.Add(m.ID)
			return nil
		}
		a.log.Warn("handler refused message", "id", m.ID, "attempt", i+1, "err", err)
		if i+1 < a.opts.HandleAttempts {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			wait = min(wait*2, a.opts.RetryMax)
		}
	}
	return err
}

func (a *Adapter) onMessage(ctx context.Context, h bot.Handler, mc *discordgo.MessageCreate) {
	m, ok := a.toMessage(mc.Message)
	if !ok {
		return
	}
	if err := a.handle(ctx, h, m); err != nil {
		a.log.Error("message lost: handler refused it", "id", m.ID, "err", err)
	}
}

// toMessage normalises a gateway message: direct messages, and guild messages that
// mention the bot (the mention is stripped). Other bots are ignored.
func (a *Adapter) toMessage(dm *discordgo.Message) (bot.Message, bool) {
	self := a.selfID()
	if dm == nil || dm.Author == nil || dm.Author.Bot || dm.Author.ID == self {
		return bot.Message{}, false
	}
	text := dm.Content
	conv := dm.ChannelID
	if dm.GuildID != "" {
		mentioned := false
		for _, u := range dm.Mentions {
			if u != nil && u.ID == self {
				mentioned = true
			}
		}
		if !mentioned || self == "" {
			return bot.Message{}, false
		}
		// One conversation per person in a guild channel.
		conv = dm.ChannelID + "/" + dm.Author.ID
	}
	if self != "" {
		text = strings.NewReplacer("<@"+self+">", "", "<@!"+self+">", "").Replace(text)
	}
	text = strings.Join(strings.Fields(text), " ")
	raw, _ := json.Marshal(dm)
	m := bot.Message{ID: dm.ID, Channel: Name, Conversation: conv, User: dm.Author.ID, Text: text, Time: dm.Timestamp.UTC(), Raw: raw}
	m.Command = command(&m.Text)
	if m.Text == "" && m.Command == "" {
		return m, false
	}
	if m.Time.IsZero() {
		m.Time = time.Now().UTC()
	}
	return m, true
}

var commands = map[string]string{"start": "start", "help": "help", "adviser": "adviser", "advisor": "adviser", "delete": "delete"}

// command maps a leading "/help" (typed as text) to Message.Command.
func command(text *string) string {
	t := strings.TrimSpace(*text)
	if !strings.HasPrefix(t, "/") && !strings.HasPrefix(t, "!") {
		return ""
	}
	word, rest, _ := strings.Cut(t[1:], " ")
	c := commands[strings.ToLower(word)]
	if c != "" {
		*text = strings.TrimSpace(rest)
	}
	return c
}

func (a *Adapter) onInteraction(ctx context.Context, h bot.Handler, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	if i == nil {
		return
	}
	user := i.User
	conv := i.ChannelID
	if i.Member != nil && i.Member.User != nil {
		user = i.Member.User
		if i.GuildID != "" {
			conv = i.ChannelID + "/" + user.ID
		}
	}
	if user == nil || conv == "" {
		return
	}
	raw, _ := json.Marshal(i)
	m := bot.Message{ID: i.ID, Channel: Name, Conversation: conv, User: user.ID, Time: time.Now().UTC(), Raw: raw}
	var resp *discordgo.InteractionResponse
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		d := i.MessageComponentData()
		m.Button = a.value(d.CustomID)
		m.Text = label(i.Message, d.CustomID)
		if m.Text == "" {
			m.Text = m.Button
		}
		// Acknowledge the press; the answer comes as a new message.
		resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	case discordgo.InteractionApplicationCommand:
		d := i.ApplicationCommandData()
		if d.Name != CommandName {
			return
		}
		for _, o := range d.Options {
			if o.Name == "question" {
				m.Text = strings.TrimSpace(o.StringValue())
			}
		}
		if c, ok := commands[strings.ToLower(m.Text)]; ok {
			m.Command, m.Text = c, ""
		} else if m.Text == "" {
			m.Command = "start"
		}
		// Show the question in the channel (slash commands are otherwise invisible);
		// the answer follows as channel messages.
		shown := "/" + CommandName
		if m.Text != "" {
			shown = "> " + clip(m.Text, MaxText-2)
		} else if m.Command != "" {
			shown = "/" + CommandName + " " + m.Command
		}
		resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: shown, AllowedMentions: &discordgo.MessageAllowedMentions{}}}
	default:
		return
	}
	if err := a.handle(ctx, h, m); err != nil {
		a.log.Error("interaction lost: handler refused it", "id", m.ID, "err", err)
		return // unanswered: Discord shows the person that it failed
	}
	if err := a.s.InteractionRespond(i, resp, discordgo.WithContext(ctx)); err != nil {
		a.log.Warn("interaction response failed", "id", i.ID, "err", err)
	}
}

// label finds the label of the button with customID on msg.
func label(msg *discordgo.Message, customID string) string {
	if msg == nil {
		return ""
	}
	for _, c := range msg.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, el := range row.Components {
			if b, ok := el.(*discordgo.Button); ok && b.CustomID == customID {
				return b.Label
			}
		}
	}
	return ""
}

func (a *Adapter) customID(v string) string { return a.ids.ID(v, maxCustomID) }

func (a *Adapter) value(id string) string { return a.ids.Value(id) }

// ---- outbound ----

// Send posts m to the channel of m.Conversation ("channel" or, in a guild,
// "channel/user", in which case the person is mentioned). Text over 2,000 characters
// is split; cards become embeds, charts PNG attachments and quick replies buttons, on
// the last message. Parts delivered by an earlier attempt (same Seq) are skipped.
func (a *Adapter) Send(ctx context.Context, m bot.Message) error {
	channel, user, _ := strings.Cut(m.Conversation, "/")
	if channel == "" {
		return &bot.SendError{Err: errors.New("discord: empty conversation")}
	}
	msgs, err := a.layout(m, user)
	if err != nil {
		return &bot.SendError{Err: err}
	}
	for i := a.progress.Next(m); i < len(msgs); i++ {
		if _, err := a.s.ChannelMessageSendComplex(channel, msgs[i], discordgo.WithContext(ctx)); err != nil {
			return classify(err)
		}
		a.progress.Delivered(m, i)
	}
	a.progress.Finished(m)
	return nil
}

// layout turns m into Discord messages.
func (a *Adapter) layout(m bot.Message, user string) ([]*discordgo.MessageSend, error) {
	text := render.Body(m)
	mention := ""
	if user != "" {
		mention = "<@" + user + "> "
	}
	var out []*discordgo.MessageSend
	for _, p := range render.Split(text, MaxText-len(mention)) {
		out = append(out, &discordgo.MessageSend{Content: mention + escapeMarkdown(p),
			AllowedMentions: &discordgo.MessageAllowedMentions{Users: nonEmpty(user)}})
		mention = ""
	}
	last := &discordgo.MessageSend{AllowedMentions: &discordgo.MessageAllowedMentions{}}
	for _, c := range m.Cards {
		last.Embeds = append(last.Embeds, embed(c))
	}
	for i, c := range m.Charts {
		png, err := chartpng.Render(c)
		if err != nil {
			last.Embeds = append(last.Embeds, &discordgo.MessageEmbed{Description: clip(render.Chart(c), maxEmbedDescrip)})
			continue
		}
		name := fmt.Sprintf("chart-%d.png", i)
		last.Files = append(last.Files, &discordgo.File{Name: name, ContentType: "image/png", Reader: bytes.NewReader(png)})
		e := &discordgo.MessageEmbed{Title: clip(c.Title, maxEmbedTitle), Image: &discordgo.MessageEmbedImage{URL: "attachment://" + name}}
		if c.AltText != "" {
			e.Description = clip(c.AltText, maxEmbedDescrip)
		}
		if c.Source != "" {
			e.Footer = &discordgo.MessageEmbedFooter{Text: clip("Source: "+c.Source, maxEmbedFooter)}
		}
		last.Embeds = append(last.Embeds, e)
	}
	var row []discordgo.MessageComponent
	for _, b := range m.Buttons {
		v := b.Value
		if v == "" {
			v = b.Label
		}
		row = append(row, discordgo.Button{Label: clip(b.Label, maxButtonLabel), Style: discordgo.PrimaryButton, CustomID: a.customID(v)})
		if len(row) == maxButtonsRow {
			last.Components = append(last.Components, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		last.Components = append(last.Components, discordgo.ActionsRow{Components: row})
	}
	if len(last.Components) > maxRows {
		return nil, fmt.Errorf("discord: %d buttons, at most %d fit", len(m.Buttons), maxRows*maxButtonsRow)
	}
	// Embeds over the limit go into extra messages before the last.
	for len(last.Embeds) > maxEmbeds {
		out = append(out, &discordgo.MessageSend{Embeds: last.Embeds[:maxEmbeds], AllowedMentions: &discordgo.MessageAllowedMentions{}})
		last.Embeds = last.Embeds[maxEmbeds:]
	}
	if len(last.Embeds) > 0 || len(last.Files) > 0 || len(last.Components) > 0 {
		if len(out) > 0 && len(out[len(out)-1].Embeds) == 0 && len(last.Files) == 0 {
			// Put embeds and buttons on the last text message.
			t := out[len(out)-1]
			t.Embeds, t.Components = last.Embeds, last.Components
		} else {
			if len(last.Embeds) == 0 && len(last.Files) == 0 && len(out) == 0 {
				last.Content = "Choose one:"
			}
			out = append(out, last)
		}
	}
	return out, nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return []string{}
	}
	return []string{s}
}

func embed(c dialog.Card) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: clip(c.Title, maxEmbedTitle), Description: clip(c.Subtitle, maxEmbedDescrip)}
	for _, f := range c.Fields {
		if len(e.Fields) == maxEmbedFields {
			break
		}
		name := f.Label
		if name == "" {
			name = "\u200b"
		}
		v := f.Value
		if v == "" {
			v = "\u200b"
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: clip(name, maxFieldName), Value: clip(v, maxFieldValue), Inline: true})
	}
	if c.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: clip(c.Footer, maxEmbedFooter)}
	}
	return e
}

// escapeMarkdown keeps Discord from formatting plain text: the engine writes plain
// text, never markup, so *, _, ~, `, |, >, # and [ ] are shown as typed (Discord
// accepts a backslash before any punctuation).
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '>', '#', '[', ']':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// classify maps discordgo errors to *bot.SendError: 429 (with retry_after) and 5xx
// and network errors may be retried; other HTTP errors are permanent.
func classify(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return &bot.SendError{Retry: true, After: rl.RetryAfter, Err: fmt.Errorf("discord: %w", err)}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		code := re.Response.StatusCode
		if code == http.StatusTooManyRequests {
			var tm discordgo.TooManyRequests
			_ = json.Unmarshal(re.ResponseBody, &tm)
			return &bot.SendError{Retry: true, After: tm.RetryAfter, Err: fmt.Errorf("discord: %w", err)}
		}
		return &bot.SendError{Retry: code >= 500, Err: fmt.Errorf("discord: %w", err)}
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) || strings.HasPrefix(err.Error(), "Exceeded Max retries") ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &bot.SendError{Retry: true, Err: fmt.Errorf("discord: %w", err)}
	}
	return &bot.SendError{Retry: false, Err: fmt.Errorf("discord: %w", err)}
}
