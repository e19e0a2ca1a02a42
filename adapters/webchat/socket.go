package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/careersbot/careersbot/bot"
)

// hardReadLimit is the frame size at which the connection is closed rather than the
// frame drained and refused.
func (a *Adapter) hardReadLimit() int64 {
	n := int64(a.opts.MaxMessageBytes) * 8
	if n < 64<<10 {
		n = 64 << 10
	}
	return n
}

// originAllowed checks the Origin of a WebSocket upgrade. A request with no Origin is
// not from a browser (a browser always sends one), so it carries no CSRF risk.
func (a *Adapter) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Host)
	if host == strings.ToLower(r.Host) {
		return true
	}
	for _, p := range a.origins {
		if p.any {
			return true
		}
		if p.scheme != "" && p.scheme != u.Scheme {
			continue
		}
		if ok, _ := path.Match(p.host, host); ok {
			return true
		}
	}
	return false
}

// socket is one live WebSocket: one widget in one tab.
type socket struct {
	a            *Adapter
	c            *websocket.Conn
	conversation string // set by hello
	age          int

	mu sync.Mutex // serialises writes and guards lastSeq
	// lastSeq is the highest transcript seq the hello's replay carried (or the client's
	// after). A live message at or below it is a duplicate of the replay. Live messages
	// do not raise it, so one delivered out of order is still written.
	lastSeq int64

	// rate limit (read loop only)
	tokens float64
	refill time.Time
}

func (a *Adapter) serveWS(w http.ResponseWriter, r *http.Request) {
	if !a.originAllowed(r) {
		a.log.Info("webchat: refused socket from origin", "origin", r.Header.Get("Origin"))
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	if a.live.Add(1) > int64(a.opts.MaxConnections) {
		a.live.Add(-1)
		a.log.Warn("webchat: connection limit reached", "max", a.opts.MaxConnections)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "too many chat connections, try again shortly", http.StatusServiceUnavailable)
		return
	}
	// Origin was checked above with our own rules.
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		a.live.Add(-1)
		a.log.Debug("webchat: accept failed", "err", err)
		return
	}
	c.SetReadLimit(a.hardReadLimit())
	s := &socket{a: a, c: c, tokens: float64(a.opts.RatePerMinute), refill: a.opts.Now()}
	// A goroutine of its own rather than the HTTP connection's: returning lets the server
	// drop its per-connection state, which makes an idle socket ~28% smaller (measured
	// in TestIdleConnections: 17.8 KB against 25.0 KB of heap and stack).
	go s.serve()
}

// serve is the socket's read loop: an idle socket costs this one goroutine.
func (s *socket) serve() {
	defer func() {
		s.a.unsubscribe(s)
		s.c.CloseNow()
		s.a.live.Add(-1)
	}()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), s.a.opts.IdleTimeout)
		err := s.readOne(ctx)
		cancel()
		if err != nil {
			var ce websocket.CloseError
			if !errors.As(err, &ce) && !errors.Is(err, io.EOF) {
				s.a.log.Debug("webchat: socket closed", "err", err)
			}
			return
		}
	}
}

// readOne reads and handles one frame. An error ends the connection; a bad frame gets an
// error frame and nil.
func (s *socket) readOne(ctx context.Context) error {
	typ, rd, err := s.c.Reader(ctx)
	if err != nil {
		return err
	}
	max := s.a.opts.MaxMessageBytes
	data, err := io.ReadAll(io.LimitReader(rd, int64(max)+1))
	if err != nil {
		return err
	}
	if len(data) > max {
		if _, err := io.Copy(io.Discard, rd); err != nil {
			return err // over the hard limit: the library closed the connection
		}
		return s.refuse(ctx, "", CodeTooBig, fmt.Sprintf("frame is larger than %d bytes", max))
	}
	if typ != websocket.MessageText {
		return s.refuse(ctx, "", CodeBinary, "binary frames are not accepted; send JSON text frames")
	}
	if !utf8.Valid(data) {
		return s.refuse(ctx, "", CodeNotUTF8, "frame is not valid UTF-8")
	}
	var f clientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return s.refuse(ctx, "", CodeBadFrame, "frame is not a JSON object: "+err.Error())
	}
	switch f.Type {
	case FrameHello:
		return s.hello(ctx, f)
	case FrameMessage:
		return s.message(ctx, f)
	case FramePing:
		return s.write(ctx, mustJSON(serverFrame{Type: FramePong}))
	default:
		return s.refuse(ctx, f.ID, CodeBadFrame, fmt.Sprintf("unknown frame type %q", f.Type))
	}
}

func (s *socket) refuse(ctx context.Context, id, code, msg string) error {
	return s.write(ctx, mustJSON(serverFrame{Type: FrameError, ID: id, Code: code, Message: msg}))
}

func (s *socket) hello(ctx context.Context, f clientFrame) error {
	if s.conversation != "" {
		return s.refuse(ctx, "", CodeBadFrame, "hello was already sent on this connection")
	}
	if !ValidConversation(f.Conversation) {
		return s.refuse(ctx, "", CodeBadConversation, "conversation id must be 8-64 characters of A-Z a-z 0-9 _ -")
	}
	if f.After < 0 {
		f.After = 0
	}
	if f.Age > 0 && f.Age < 120 {
		s.age = f.Age
	}
	s.conversation = f.Conversation

	// Hold the write lock from subscribing until the replay is written, so a live
	// message sent meanwhile waits and is then skipped if the replay carried it.
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok, reason := s.a.subscribe(s); !ok {
		s.conversation = ""
		_ = s.writeLocked(ctx, mustJSON(serverFrame{Type: FrameError, Code: CodeTooMany, Message: reason}))
		_ = s.c.Close(websocket.StatusTryAgainLater, reason)
		return errors.New("webchat: " + reason)
	}
	s.lastSeq = f.After
	if err := s.replayLocked(ctx); err != nil {
		s.a.log.Error("webchat: replaying history failed", "err", err)
		_ = s.c.Close(websocket.StatusTryAgainLater, "history unavailable, try again")
		return err
	}
	return s.writeLocked(ctx, mustJSON(serverFrame{Type: FrameReady, Conversation: s.conversation, LastSeq: s.lastSeq, MaxBytes: s.a.opts.MaxMessageBytes}))
}

// replayLocked writes the conversation's stored events after s.lastSeq.
func (s *socket) replayLocked(ctx context.Context) error {
	if s.a.history == nil {
		return nil
	}
	key := ChannelName + ":" + s.conversation
	const page = 200
	sent := 0
	for sent < s.a.opts.HistoryLimit {
		n := min(page, s.a.opts.HistoryLimit-sent)
		events, err := s.a.history.EventsAfter(ctx, key, s.lastSeq, n)
		if err != nil {
			return fmt.Errorf("events after %d: %w", s.lastSeq, err)
		}
		for _, e := range events {
			if e.Seq <= s.lastSeq {
				continue
			}
			f, err := eventFrame(e)
			if err != nil {
				s.a.log.Warn("webchat: bad stored payload; replaying text only", "err", err)
			}
			if err := s.writeLocked(ctx, mustJSON(f)); err != nil {
				return err
			}
			s.lastSeq = e.Seq
			sent++
		}
		if len(events) < n {
			break
		}
	}
	return nil
}

func (s *socket) message(ctx context.Context, f clientFrame) error {
	if s.conversation == "" {
		return s.refuse(ctx, f.ID, CodeNoHello, "send hello before messages")
	}
	if !validID(f.ID, 1, 64) {
		return s.refuse(ctx, "", CodeBadID, "message id must be 1-64 characters of A-Z a-z 0-9 _ -")
	}
	text := strings.TrimSpace(f.Text)
	if text == "" && f.Button == "" {
		return s.refuse(ctx, f.ID, CodeEmpty, "message has no text")
	}
	if !s.allow() {
		return s.refuse(ctx, f.ID, CodeSlowDown, "too many messages; this one will be sent again shortly")
	}
	if f.Age > 0 && f.Age < 120 {
		s.age = f.Age
	}
	h := s.a.currentHandler()
	if h == nil {
		return s.refuse(ctx, f.ID, CodeUnavailable, "the chat service is not ready; this message will be sent again")
	}
	if text == "" {
		text = f.Button
	}
	m := bot.Message{
		ID: f.ID, Channel: ChannelName, Conversation: s.conversation, User: s.conversation,
		Text: text, Button: f.Button, Age: s.age, Time: s.a.opts.Now().UTC(),
	}
	// Other tabs on the conversation show what was said here (with its id, so a resend
	// is not shown twice) and that the bot is typing.
	typing := mustJSON(serverFrame{Type: FrameTyping})
	var echo []byte
	for _, o := range s.a.sockets(s.conversation) {
		if o != s {
			if echo == nil {
				now := m.Time
				echo = mustJSON(serverFrame{Type: FrameMessage, ID: f.ID, Sender: "user", Time: &now, Text: text})
			}
			_ = o.deliver(ctx, 0, echo)
		}
		_ = o.deliver(ctx, 0, typing)
	}
	// The service's work is not cut short when the young person closes the tab.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.a.opts.HandleTimeout)
	err := h.Handle(hctx, m)
	cancel()
	if err != nil {
		s.a.log.Warn("webchat: service did not accept message", "err", err)
		return s.refuse(ctx, f.ID, CodeUnavailable, "the message did not go through; it will be sent again")
	}
	return s.write(ctx, mustJSON(serverFrame{Type: FrameAck, ID: f.ID}))
}

// allow takes a token from the socket's rate limit.
func (s *socket) allow() bool {
	now := s.a.opts.Now()
	rate := float64(s.a.opts.RatePerMinute)
	s.tokens += now.Sub(s.refill).Minutes() * rate
	s.refill = now
	if s.tokens > rate {
		s.tokens = rate
	}
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}

// deliver writes an outbound frame unless its transcript seq was in the socket's
// replay. A failed write closes the socket.
func (s *socket) deliver(ctx context.Context, seq int64, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq > 0 && seq <= s.lastSeq {
		return nil
	}
	if err := s.writeLocked(ctx, b); err != nil {
		s.c.CloseNow()
		return err
	}
	return nil
}

func (s *socket) write(ctx context.Context, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked(ctx, b)
}

func (s *socket) writeLocked(ctx context.Context, b []byte) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.a.opts.WriteTimeout)
	defer cancel()
	return s.c.Write(wctx, websocket.MessageText, b)
}

// goAway closes the socket because the service is stopping.
func (s *socket) goAway() {
	go func() { _ = s.c.Close(websocket.StatusGoingAway, "the chat service is restarting") }()
}
