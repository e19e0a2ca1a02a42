// Package webchattest is a fake web chat widget: a Go WebSocket client speaking the
// widget's JSON protocol (docs/webchat.md) to the real adapter, for tests. Client is one
// raw connection; Session adds what the widget does across reconnects (remember the last
// seq, resume with it, resend unacknowledged messages with the same id, drop duplicate
// seqs) so tests can check that nothing is lost or repeated.
package webchattest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/coder/websocket"
)

// Frame is any frame either side sends. Fields not used by a type are empty.
type Frame struct {
	Type         string   `json:"type"`
	ID           string   `json:"id,omitempty"`
	Conversation string   `json:"conversation,omitempty"`
	After        int64    `json:"after,omitempty"`
	Age          int      `json:"age,omitempty"`
	LastSeq      int64    `json:"last_seq,omitempty"`
	MaxBytes     int      `json:"max_bytes,omitempty"`
	Seq          int64    `json:"seq,omitempty"`
	Sender       string   `json:"sender,omitempty"`
	Text         string   `json:"text,omitempty"`
	Button       string   `json:"button,omitempty"`
	Buttons      []Button `json:"buttons,omitempty"`
	Cards        []Card   `json:"cards,omitempty"`
	Charts       []Chart  `json:"charts,omitempty"`
	Code         string   `json:"code,omitempty"`
	Message      string   `json:"message,omitempty"`
	Raw          []byte   `json:"-"` // the frame as received
}

// Button is a quick reply in a message frame.
type Button struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Card is a structured block in a message frame.
type Card struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
	Fields   []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"fields,omitempty"`
	Footer string `json:"footer,omitempty"`
}

// Chart is a chart in a message frame.
type Chart struct {
	Kind    string   `json:"kind"`
	Title   string   `json:"title"`
	Labels  []string `json:"labels"`
	AltText string   `json:"alt_text"`
	Source  string   `json:"source"`
}

// WSURL turns an http(s) base URL ("http://127.0.0.1:1234") into the socket URL.
func WSURL(base string) string {
	base = strings.TrimSuffix(base, "/")
	switch {
	case strings.HasPrefix(base, "https://"):
		base = "wss://" + strings.TrimPrefix(base, "https://")
	case strings.HasPrefix(base, "http://"):
		base = "ws://" + strings.TrimPrefix(base, "http://")
	}
	return base + "/chat/ws"
}

// Client is one WebSocket connection to the chat.
type Client struct {
	c *websocket.Conn
}

// Dial opens a socket. origin, when not empty, is sent as the Origin header (a browser
// always sends one). The HTTP response is returned so tests can see a refusal's status.
func Dial(ctx context.Context, wsURL, origin string) (*Client, *http.Response, error) {
	return DialFrom(ctx, wsURL, origin, nil)
}

// DialFrom is Dial from a local address (127.0.0.x, so that many sockets to one server
// are not limited by one address's ephemeral ports); nil is any.
func DialFrom(ctx context.Context, wsURL, origin string, local net.IP) (*Client, *http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	opts := &websocket.DialOptions{HTTPHeader: h}
	if local != nil {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: local}}
		opts.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	}
	c, resp, err := websocket.Dial(ctx, wsURL, opts)
	if err != nil {
		return nil, resp, fmt.Errorf("webchattest: dial %s: %w", wsURL, err)
	}
	c.SetReadLimit(1 << 22)
	return &Client{c: c}, resp, nil
}

// Write sends one frame.
func (c *Client) Write(ctx context.Context, f Frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return c.c.Write(ctx, websocket.MessageText, b)
}

// WriteRaw sends raw bytes as a text or binary frame.
func (c *Client) WriteRaw(ctx context.Context, binary bool, b []byte) error {
	t := websocket.MessageText
	if binary {
		t = websocket.MessageBinary
	}
	return c.c.Write(ctx, t, b)
}

// Hello starts or resumes a conversation.
func (c *Client) Hello(ctx context.Context, conversation string, after int64, age int) error {
	return c.Write(ctx, Frame{Type: "hello", Conversation: conversation, After: after, Age: age})
}

// Say sends a message frame.
func (c *Client) Say(ctx context.Context, id, text, button string) error {
	return c.Write(ctx, Frame{Type: "message", ID: id, Text: text, Button: button})
}

// Next reads the next frame.
func (c *Client) Next(ctx context.Context) (Frame, error) {
	typ, b, err := c.c.Read(ctx)
	if err != nil {
		return Frame{}, err
	}
	if typ != websocket.MessageText {
		return Frame{}, errors.New("webchattest: server sent a binary frame")
	}
	var f Frame
	if err := json.Unmarshal(b, &f); err != nil {
		return Frame{}, fmt.Errorf("webchattest: bad frame %q: %w", b, err)
	}
	f.Raw = b
	return f, nil
}

// Until reads frames until one satisfies ok, returning it and every frame read.
func (c *Client) Until(ctx context.Context, ok func(Frame) bool) (Frame, []Frame, error) {
	var all []Frame
	for {
		f, err := c.Next(ctx)
		if err != nil {
			return Frame{}, all, err
		}
		all = append(all, f)
		if ok(f) {
			return f, all, nil
		}
	}
}

// Close closes the connection cleanly.
func (c *Client) Close() error { return c.c.Close(websocket.StatusNormalClosure, "") }

// Drop closes the TCP connection without a close handshake, as a lost network does.
func (c *Client) Drop() error { return c.c.CloseNow() }

// Session is the widget's behaviour over several connections to one conversation.
type Session struct {
	URL, Origin, Conversation string
	Age                       int

	mu      sync.Mutex
	c       *Client
	lastSeq int64
	seen    map[int64]bool
	unacked []Frame
	// Messages are the message frames shown, in order, duplicates dropped by seq.
	Messages []Frame
	// Acks are the acknowledged message ids.
	Acks []string
	dups int
}

// Connect opens a connection, says hello with the last seq seen, and reads up to the
// ready frame (collecting replayed messages), then resends unacknowledged messages.
func (s *Session) Connect(ctx context.Context) error {
	c, _, err := Dial(ctx, s.URL, s.Origin)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.seen == nil {
		s.seen = make(map[int64]bool)
	}
	s.c = c
	after := s.lastSeq
	s.mu.Unlock()
	if err := c.Hello(ctx, s.Conversation, after, s.Age); err != nil {
		return err
	}
	for {
		f, err := c.Next(ctx)
		if err != nil {
			return err
		}
		if f.Type == "error" {
			return fmt.Errorf("webchattest: hello refused: %s: %s", f.Code, f.Message)
		}
		s.take(f)
		if f.Type == "ready" {
			break
		}
	}
	s.mu.Lock()
	resend := append([]Frame(nil), s.unacked...)
	s.mu.Unlock()
	for _, f := range resend {
		if err := c.Write(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// Say sends a message and keeps it until acknowledged. It does not wait.
func (s *Session) Say(ctx context.Context, id, text, button string) error {
	f := Frame{Type: "message", ID: id, Text: text, Button: button, Age: s.Age}
	s.mu.Lock()
	s.unacked = append(s.unacked, f)
	c := s.c
	s.mu.Unlock()
	if c == nil {
		return nil
	}
	return c.Write(ctx, f)
}

// Drop loses the connection without a close handshake.
func (s *Session) Drop() {
	s.mu.Lock()
	c := s.c
	s.c = nil
	s.mu.Unlock()
	if c != nil {
		_ = c.Drop()
	}
}

// Close closes the connection cleanly.
func (s *Session) Close() {
	s.mu.Lock()
	c := s.c
	s.c = nil
	s.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
}

// Read reads frames until ok says stop (given every frame after it is taken).
func (s *Session) Read(ctx context.Context, ok func(Frame) bool) error {
	s.mu.Lock()
	c := s.c
	s.mu.Unlock()
	if c == nil {
		return errors.New("webchattest: not connected")
	}
	for {
		f, err := c.Next(ctx)
		if err != nil {
			return err
		}
		s.take(f)
		if ok(f) {
			return nil
		}
	}
}

// take applies one frame to the session's state.
func (s *Session) take(f Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Type {
	case "message":
		if f.Seq > 0 {
			if s.seen[f.Seq] {
				s.dups++
				return
			}
			s.seen[f.Seq] = true
			if f.Seq > s.lastSeq {
				s.lastSeq = f.Seq
			}
		}
		s.Messages = append(s.Messages, f)
	case "ack":
		s.Acks = append(s.Acks, f.ID)
		for i, u := range s.unacked {
			if u.ID == f.ID {
				s.unacked = append(s.unacked[:i:i], s.unacked[i+1:]...)
				break
			}
		}
	}
}

// Unacked is the ids of messages not yet acknowledged.
func (s *Session) Unacked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, u := range s.unacked {
		ids = append(ids, u.ID)
	}
	return ids
}

// LastSeq is the highest seq seen.
func (s *Session) LastSeq() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastSeq
}

// Shown is a snapshot of the message frames shown.
func (s *Session) Shown() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Frame(nil), s.Messages...)
}

// Duplicates is how many message frames repeated a seq already seen (the widget drops
// them; a correct server sends none).
func (s *Session) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dups
}
