// Package webchat is the embeddable web chat channel: a widget a careers service adds to
// its own pages with one script tag, talking JSON over a WebSocket to this adapter. It
// serves the widget's script and style, a demo page and the WebSocket endpoint, keeps a
// small set of live sockets per conversation, and resumes a dropped connection from the
// conversation's transcript so that nothing is lost or shown twice. docs/webchat.md
// describes the wire protocol.
package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/transcripts"
)

// ChannelName is the adapter's Name and the Channel of its messages.
const ChannelName = "webchat"

// Options configure the adapter. The zero value of each field gets a sensible default.
type Options struct {
	// Title is the widget's heading on the demo page.
	Title string
	// AgePrompt is the age question the widget asks before the first message on the demo
	// page ("How old are you?"); empty turns the prompt off.
	AgePrompt string
	// AllowedOrigins are the pages allowed to open the chat socket, as origins
	// ("https://careers.example.org") or host patterns ("*.example.org", path.Match
	// syntax). Empty allows the service's own host only; "*" allows every origin.
	AllowedOrigins []string
	// MaxMessageBytes is the largest client frame accepted; a larger one gets an error
	// frame and the connection is kept. Default 8192.
	MaxMessageBytes int
	Logger          *slog.Logger

	// PrimaryColour is the demo page's data-primary-colour ("#1d4f91" by default).
	PrimaryColour string
	// HistoryLimit caps the events replayed after a hello. Default 1000.
	HistoryLimit int
	// IdleTimeout closes a socket the client has not written to for this long (the
	// widget pings every 25 s, which a background tab may slow to once a minute).
	// Default 120 s.
	IdleTimeout time.Duration
	// WriteTimeout bounds one frame write to a slow client. Default 10 s.
	WriteTimeout time.Duration
	// HandleTimeout bounds one call of the service's Handle. Default 30 s.
	HandleTimeout time.Duration
	// MaxSocketsPerConversation caps the tabs open on one conversation. Default 16.
	MaxSocketsPerConversation int
	// MaxConnections caps the live sockets of this adapter; an upgrade beyond it gets
	// 503 and the widget retries with backoff. Default 100,000 (about 0.3 GB idle, see
	// docs/performance.md). The open-file limit less ReservedFiles caps it too.
	MaxConnections int
	// FileLimit is the process's open-file limit; 0 reads RLIMIT_NOFILE at New.
	FileLimit int
	// ReservedFiles are the open files kept for everything but web chat sockets (the
	// database, REST clients, logs) when the open-file limit sets the connection
	// limit; at most half the limit. Default 512.
	ReservedFiles int
	// FrameTimeout bounds the arrival of a frame that has started: a client that sends
	// part of a frame and stops is closed after it. Default 10 s.
	FrameTimeout time.Duration
	// RatePerMinute caps the messages one socket may send a minute (a burst of the same
	// size is allowed). Default 30.
	RatePerMinute int
	// Now is the clock (tests). Default time.Now.
	Now func() time.Time
}

// History gives a conversation's stored events after a sequence number (the transcripts
// store has it).
type History interface {
	EventsAfter(ctx context.Context, conversation string, after int64, limit int) ([]transcripts.Event, error)
}

// Adapter is the web chat channel. It implements bot.Adapter, bot.HTTPMounter and
// bot.CapabilityReporter.
type Adapter struct {
	opts    Options
	history History
	log     *slog.Logger
	origins []originPattern

	bufs   *bufPools
	limits connLimits
	live   atomic.Int64 // sockets accepted and not yet closed
	// refused counts upgrades refused at the limit; refusedLogged is when that was last
	// logged (unix ns); nearWarned is set while the near-the-limit warning stands.
	refused       atomic.Int64
	refusedLogged atomic.Int64
	nearWarned    atomic.Bool

	connMu  sync.Mutex // guards the registry below
	conns   map[uint64]*socket
	nextID  uint64
	poll    *poller       // nil: no epoll here, a goroutine per socket
	stop    chan struct{} // closed to stop the sweep; nil until the first socket
	stopped bool
	loops   sync.WaitGroup

	mu      sync.Mutex
	handler bot.Handler
	subs    map[string]map[*socket]struct{} // conversation id -> live sockets
	closed  bool
}

var (
	_ bot.Adapter            = (*Adapter)(nil)
	_ bot.HTTPMounter        = (*Adapter)(nil)
	_ bot.CapabilityReporter = (*Adapter)(nil)
)

// New builds the adapter. history may be nil, in which case a reconnecting client gets
// only live messages.
func New(opts Options, history History) (*Adapter, error) {
	if opts.MaxMessageBytes == 0 {
		opts.MaxMessageBytes = 8192
	}
	if opts.MaxMessageBytes < 256 {
		return nil, fmt.Errorf("webchat: MaxMessageBytes %d is below the minimum of 256", opts.MaxMessageBytes)
	}
	if opts.Title == "" {
		opts.Title = "Careers chat"
	}
	if opts.PrimaryColour == "" {
		opts.PrimaryColour = "#1d4f91"
	}
	if !validColour(opts.PrimaryColour) {
		return nil, fmt.Errorf("webchat: PrimaryColour %q is not a #rgb or #rrggbb colour", opts.PrimaryColour)
	}
	if opts.HistoryLimit <= 0 {
		opts.HistoryLimit = 1000
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 120 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.HandleTimeout <= 0 {
		opts.HandleTimeout = 30 * time.Second
	}
	if opts.MaxSocketsPerConversation <= 0 {
		opts.MaxSocketsPerConversation = 16
	}
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = 100000
	}
	if opts.ReservedFiles <= 0 {
		opts.ReservedFiles = 512
	}
	if opts.FrameTimeout <= 0 {
		opts.FrameTimeout = 10 * time.Second
	}
	if opts.RatePerMinute <= 0 {
		opts.RatePerMinute = 30
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	origins, err := parseOrigins(opts.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	return &Adapter{
		opts:    opts,
		history: history,
		log:     opts.Logger.With("channel", ChannelName),
		origins: origins,
		subs:    make(map[string]map[*socket]struct{}),
		bufs:    newBufPools(),
		limits:  newConnLimits(opts),
		conns:   make(map[uint64]*socket),
	}, nil
}

// Name is "webchat".
func (a *Adapter) Name() string { return ChannelName }

// Capabilities: the widget draws buttons, cards and charts; text is plain.
func (a *Adapter) Capabilities() bot.Capabilities {
	return bot.Capabilities{Buttons: true, Cards: true, Charts: true}
}

// Run remembers the handler and blocks until ctx ends; the service's HTTP server serves
// the sockets. When ctx ends every live socket is closed with "going away" so that
// widgets reconnect (to this service when it is back, or another instance).
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	if h == nil {
		return errors.New("webchat: Run needs a handler")
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return errors.New("webchat: adapter already stopped")
	}
	a.handler = h
	a.mu.Unlock()

	<-ctx.Done()

	a.mu.Lock()
	a.closed = true
	a.handler = nil
	a.mu.Unlock()
	a.shutdown()
	return nil
}

func (a *Adapter) currentHandler() bot.Handler {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.handler
}

// Send delivers an outbound message to every live socket of m.Conversation. With no
// socket connected it succeeds: the message is in the transcript and is replayed when
// the widget resumes. A socket that cannot take the message in WriteTimeout is closed
// (its widget will reconnect and resume).
func (a *Adapter) Send(ctx context.Context, m bot.Message) error {
	if m.Channel != "" && m.Channel != ChannelName {
		return &bot.SendError{Err: fmt.Errorf("webchat: message for channel %q", m.Channel)}
	}
	if !ValidConversation(m.Conversation) {
		return &bot.SendError{Err: fmt.Errorf("webchat: bad conversation id %q", m.Conversation)}
	}
	f := messageFrame(m, a.opts.Now())
	b := mustJSON(f)
	for _, s := range a.sockets(m.Conversation) {
		if err := s.deliver(m.Seq, b); err != nil {
			a.log.Debug("webchat: delivery failed; the widget will resume", "err", err)
		}
	}
	return nil
}

// Connections is the number of live sockets (for metrics and tests).
func (a *Adapter) Connections() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, set := range a.subs {
		n += len(set)
	}
	return n
}

func (a *Adapter) sockets(conversation string) []*socket {
	a.mu.Lock()
	defer a.mu.Unlock()
	set := a.subs[conversation]
	out := make([]*socket, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	return out
}

// subscribe adds s to its conversation's set; false when the set is full or the
// adapter has stopped.
func (a *Adapter) subscribe(s *socket) (ok bool, reason string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false, "the chat service is stopping"
	}
	set := a.subs[s.conversation]
	if len(set) >= a.opts.MaxSocketsPerConversation {
		return false, "too many windows are open on this conversation"
	}
	if set == nil {
		set = make(map[*socket]struct{})
		a.subs[s.conversation] = set
	}
	set[s] = struct{}{}
	return true, ""
}

func (a *Adapter) unsubscribe(s *socket) {
	if s.conversation == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	set := a.subs[s.conversation]
	delete(set, s)
	if len(set) == 0 {
		delete(a.subs, s.conversation)
	}
}

// messageFrame turns an outbound message into its wire frame.
func messageFrame(m bot.Message, now time.Time) serverFrame {
	sender := m.Sender
	if sender == "" {
		sender = "bot"
	}
	t := m.Time
	if t.IsZero() {
		t = now
	}
	t = t.UTC()
	return serverFrame{
		Type: FrameMessage, Seq: m.Seq, Sender: sender, Time: &t, Text: m.Text,
		Buttons: m.Buttons, Cards: m.Cards, Charts: m.Charts,
	}
}

// eventFrame turns a stored transcript event into the frame a resuming client gets.
func eventFrame(e transcripts.Event) (serverFrame, error) {
	sender := e.Kind
	if sender == transcripts.KindUser {
		sender = "user"
	}
	t := e.Time.UTC()
	f := serverFrame{Type: FrameMessage, Seq: e.Seq, Sender: sender, Text: e.Text}
	if !e.Time.IsZero() {
		f.Time = &t
	}
	if len(e.Payload) > 0 {
		var p payload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return f, fmt.Errorf("webchat: event %d payload: %w", e.Seq, err)
		}
		f.Buttons, f.Cards, f.Charts = p.Buttons, p.Cards, p.Charts
	}
	return f, nil
}

// originPattern is one allowed origin: a scheme (empty = any) and a host pattern.
type originPattern struct {
	any    bool
	scheme string
	host   string
}

func parseOrigins(list []string) ([]originPattern, error) {
	var out []originPattern
	for _, o := range list {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			return nil, errors.New("webchat: empty entry in AllowedOrigins")
		case o == "*":
			out = append(out, originPattern{any: true})
		case strings.Contains(o, "://"):
			u, err := url.Parse(o)
			if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return nil, fmt.Errorf("webchat: AllowedOrigins entry %q is not an origin like https://careers.example.org", o)
			}
			if u.Scheme != "http" && u.Scheme != "https" {
				return nil, fmt.Errorf("webchat: AllowedOrigins entry %q: scheme must be http or https", o)
			}
			out = append(out, originPattern{scheme: u.Scheme, host: strings.ToLower(u.Host)})
		default:
			if strings.ContainsAny(o, "/?#") {
				return nil, fmt.Errorf("webchat: AllowedOrigins entry %q is not a host pattern", o)
			}
			out = append(out, originPattern{host: strings.ToLower(o)})
		}
	}
	return out, nil
}

func validColour(c string) bool {
	if len(c) != 4 && len(c) != 7 || c[0] != '#' {
		return false
	}
	for i := 1; i < len(c); i++ {
		ch := c[i]
		if !(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F') {
			return false
		}
	}
	return true
}
