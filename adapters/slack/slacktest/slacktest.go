// Package slacktest is a fake Slack for tests, speaking the real wire protocols so the
// real slack-go client can be driven against it: the Web API (auth.test,
// chat.postMessage with blocks, conversations.open, apps.connections.open) and a Socket
// Mode WebSocket (hello, events_api, interactive and slash_commands envelopes, acks
// recorded, WebSocket PINGs, disconnect envelopes, dropped connections, redelivery of
// unacknowledged envelopes). It also builds signed Events API and interactivity
// requests for testing the HTTP endpoints, and scripts failures (429 with
// Retry-After, 500, Slack error codes).
package slacktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/careersbot/careersbot/adapters/internal/fakepeer"
)

// Identity reported by auth.test.
const (
	BotUserID = "UBOT"
	BotID     = "BBOT"
	TeamID    = "T0001"
)

// Post is one chat.postMessage the bot made.
type Post struct {
	Channel  string
	ThreadTS string
	Text     string
	Blocks   json.RawMessage
	TS       string // the ts the fake gave the message
}

// Update is one chat.update of a message the bot posted.
type Update struct {
	Channel, TS, Text string
	Blocks            json.RawMessage
}

// Ephemeral is one chat.postEphemeral: a message only User sees.
type Ephemeral struct {
	Channel, User, ThreadTS, Text string
}

// Failure scripts the answer to the next call of a Web API method.
type Failure struct {
	Code       int    // HTTP status: 429, 500...
	RetryAfter int    // seconds, sent as Retry-After with 429
	SlackError string // with Code 0: HTTP 200 {"ok":false,"error":SlackError}
	Drop       bool   // close the connection without answering
	Skip       int    // let this many calls succeed first
}

// Server is the fake Slack. Create it with NewServer; Close it when done.
type Server struct {
	*httptest.Server
	// PingInterval is how often the Socket Mode peer sends WebSocket PINGs.
	PingInterval time.Duration

	mu        sync.Mutex
	posts     []Post
	updates   []Update
	ephemeral []Ephemeral
	failures  fakepeer.Script[Failure]
	acks      []string
	unacked   map[string][]byte // envelope id -> envelope
	unackedID []string
	out       chan []byte
	conns     map[*websocket.Conn]chan string // connection -> control commands
	connects  int
	seq       int
	changed   fakepeer.Changes
	tsCounter int
}

// NewServer starts the fake.
func NewServer() *Server {
	s := &Server{PingInterval: 100 * time.Millisecond, unacked: map[string][]byte{},
		out: make(chan []byte, 256), conns: map[*websocket.Conn]chan string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.api)
	mux.HandleFunc("/ws", s.ws)
	s.Server = httptest.NewServer(mux)
	return s
}

// APIURL is the Web API base for slack.OptionAPIURL (it ends in "/").
func (s *Server) APIURL() string { return s.URL + "/api/" }

func (s *Server) signal() { s.changed.Signal() }

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if err := r.ParseForm(); err != nil {
		fakepeer.WriteJSON(w, 400, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = r.Form.Get("token")
	}
	if token == "" || token == "xoxb-revoked" {
		fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	if f, ok := s.failures.Next(method); ok {
		switch {
		case f.Drop:
			fakepeer.Drop(w)
		case f.Code == 0:
			fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": f.SlackError})
		default:
			if f.Code == 429 && f.RetryAfter >= 0 {
				w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
			}
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(f.Code)
			fmt.Fprintf(w, "<html><body>%d</body></html>", f.Code)
		}
		return
	}
	switch method {
	case "auth.test":
		fakepeer.WriteJSON(w, 200, map[string]any{"ok": true, "url": "https://example.slack.com/", "team": "Test", "user": "careersbot",
			"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
	case "apps.connections.open":
		if !strings.HasPrefix(token, "xapp-") {
			fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "not_allowed_token_type"})
			return
		}
		fakepeer.WriteJSON(w, 200, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/ws"})
	case "conversations.open":
		users := r.Form.Get("users")
		if users == "" {
			fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "users_list_not_supplied"})
			return
		}
		fakepeer.WriteJSON(w, 200, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(users, "U")}})
	case "chat.postMessage":
		ch := r.Form.Get("channel")
		if ch == "" || ch == "CMISSING" {
			fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		if r.Form.Get("text") == "" && r.Form.Get("blocks") == "" {
			fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "no_text"})
			return
		}
		var blocks json.RawMessage
		if b := r.Form.Get("blocks"); b != "" {
			if !json.Valid([]byte(b)) {
				fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "invalid_blocks"})
				return
			}
			blocks = json.RawMessage(b)
		}
		s.mu.Lock()
		s.tsCounter++
		ts := fmt.Sprintf("1700000000.%06d", s.tsCounter)
		s.posts = append(s.posts, Post{Channel: ch, ThreadTS: r.Form.Get("thread_ts"), Text: r.Form.Get("text"), Blocks: blocks, TS: ts})
		s.signal()
		s.mu.Unlock()
		fakepeer.WriteJSON(w, 200, map[string]any{"ok": true, "channel": ch, "ts": ts,
			"message": map[string]any{"type": "message", "text": r.Form.Get("text"), "user": BotUserID, "bot_id": BotID, "ts": ts}})
	case "chat.update":
		ch, ts := r.Form.Get("channel"), r.Form.Get("ts")
		s.mu.Lock()
		found := false
		for i := range s.posts {
			if s.posts[i].Channel == ch && s.posts[i].TS == ts {
				found = true
				s.posts[i].Text = r.Form.Get("text")
				if b := r.Form.Get("blocks"); b != "" {
					s.posts[i].Blocks = json.RawMessage(b)
				}
			}
		}
		if found {
			s.updates = append(s.updates, Update{Channel: ch, TS: ts, Text: r.Form.Get("text"), Blocks: json.RawMessage(r.Form.Get("blocks"))})
			s.signal()
		}
		s.mu.Unlock()
		if !found {
			fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "message_not_found"})
			return
		}
		fakepeer.WriteJSON(w, 200, map[string]any{"ok": true, "channel": ch, "ts": ts, "text": r.Form.Get("text")})
	case "chat.postEphemeral":
		ch, user := r.Form.Get("channel"), r.Form.Get("user")
		if ch == "" || user == "" {
			fakepeer.WriteJSON(w, 200, map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		s.mu.Lock()
		s.tsCounter++
		ts := fmt.Sprintf("1700000000.%06d", s.tsCounter)
		s.ephemeral = append(s.ephemeral, Ephemeral{Channel: ch, User: user, ThreadTS: r.Form.Get("thread_ts"), Text: r.Form.Get("text")})
		s.signal()
		s.mu.Unlock()
		fakepeer.WriteJSON(w, 200, map[string]any{"ok": true, "message_ts": ts})
	default:
		fakepeer.WriteJSON(w, 404, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// Updates returns the chat.update calls that changed a posted message.
func (s *Server) Updates() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Update(nil), s.updates...)
}

// WaitUpdates waits until at least n updates were made.
func (s *Server) WaitUpdates(ctx context.Context, n int) ([]Update, error) {
	return waitFor(ctx, s, func() ([]Update, bool) { u := s.Updates(); return u, len(u) >= n }, fmt.Sprintf("%d updates", n))
}

// Ephemerals returns the ephemeral messages posted.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ephemeral(nil), s.ephemeral...)
}

// WaitEphemerals waits until at least n ephemeral messages were posted.
func (s *Server) WaitEphemerals(ctx context.Context, n int) ([]Ephemeral, error) {
	return waitFor(ctx, s, func() ([]Ephemeral, bool) { e := s.Ephemerals(); return e, len(e) >= n }, fmt.Sprintf("%d ephemeral messages", n))
}

// WaitPost waits for a post that ok accepts and returns it.
func (s *Server) WaitPost(ctx context.Context, what string, ok func(Post) bool) (Post, error) {
	return waitFor(ctx, s, func() (Post, bool) {
		for _, p := range s.Posts() {
			if ok(p) {
				return p, true
			}
		}
		return Post{}, false
	}, what)
}

// Fail scripts the next calls of a Web API method to fail, in order.
func (s *Server) Fail(method string, fs ...Failure) {
	for _, f := range fs {
		s.failures.Add(method, f.Skip, f)
	}
}

// Posts returns the messages the bot posted.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// WaitPosts waits until at least n messages were posted.
func (s *Server) WaitPosts(ctx context.Context, n int) ([]Post, error) {
	return waitFor(ctx, s, func() ([]Post, bool) { p := s.Posts(); return p, len(p) >= n }, fmt.Sprintf("%d posts", n))
}

func waitFor[T any](ctx context.Context, s *Server, f func() (T, bool), what string) (T, error) {
	v, err := fakepeer.Wait(ctx, &s.changed, 0, what, f)
	if err != nil {
		return v, fmt.Errorf("slacktest: %w", err)
	}
	return v, nil
}

// ---- Socket Mode ----

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) ws(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	ctl := make(chan string, 4)
	s.mu.Lock()
	s.connects++
	s.conns[conn] = ctl
	s.signal()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.signal()
		s.mu.Unlock()
		conn.Close()
	}()
	hello := map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A0001"},
		"debug_info": map[string]any{"host": "fake", "approximate_connection_time": 3600}}
	if err := conn.WriteJSON(hello); err != nil {
		return
	}
	done := make(chan struct{})
	go func() { // reader: acks
		defer close(done)
		for {
			var ack struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			s.mu.Lock()
			if ack.EnvelopeID != "" {
				s.acks = append(s.acks, ack.EnvelopeID)
				delete(s.unacked, ack.EnvelopeID)
			}
			s.signal()
			s.mu.Unlock()
		}
	}()
	ping := time.NewTicker(s.PingInterval)
	defer ping.Stop()
	for {
		select {
		case <-done:
			return
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)); err != nil {
				return
			}
		case c := <-ctl:
			switch c {
			case "drop":
				conn.UnderlyingConn().Close()
				return
			case "disconnect":
				conn.WriteJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested",
					"debug_info": map[string]any{"host": "fake"}})
			}
		case env := <-s.out:
			if err := conn.WriteMessage(websocket.TextMessage, env); err != nil {
				s.out <- env // keep it for the next connection
				return
			}
		}
	}
}

func (s *Server) push(kind string, payload any, retry int, id string) string {
	s.mu.Lock()
	if id == "" {
		s.seq++
		id = fmt.Sprintf("env-%d", s.seq)
	}
	env, _ := json.Marshal(map[string]any{"type": kind, "envelope_id": id, "payload": payload,
		"accepts_response_payload": kind != "events_api", "retry_attempt": retry, "retry_reason": ""})
	s.unacked[id] = env
	s.unackedID = append(s.unackedID, id)
	s.mu.Unlock()
	s.out <- env
	return id
}

// PushEvent sends an events_api envelope carrying an event_callback with the given
// event id and inner event; it returns the envelope id.
func (s *Server) PushEvent(eventID string, inner map[string]any) string {
	return s.push("events_api", json.RawMessage(EventCallback(eventID, inner)), 0, "")
}

// PushInteractive sends an interactive envelope (e.g. BlockActions(...)).
func (s *Server) PushInteractive(payload map[string]any) string {
	return s.push("interactive", payload, 0, "")
}

// PushSlash sends a slash_commands envelope for command (e.g. "/careers") and text.
func (s *Server) PushSlash(command, channel, user, text string) string {
	return s.push("slash_commands", map[string]any{"command": command, "text": text, "channel_id": channel, "user_id": user,
		"team_id": TeamID, "trigger_id": fmt.Sprintf("trig-%d", time.Now().UnixNano())}, 0, "")
}

// Redeliver sends every unacknowledged envelope again (as Slack does), with
// retry_attempt 1. It returns how many.
func (s *Server) Redeliver() int {
	s.mu.Lock()
	var envs [][]byte
	for _, id := range s.unackedID {
		if e, ok := s.unacked[id]; ok {
			var m map[string]any
			json.Unmarshal(e, &m)
			m["retry_attempt"] = 1
			m["retry_reason"] = "timeout"
			b, _ := json.Marshal(m)
			envs = append(envs, b)
		}
	}
	s.mu.Unlock()
	for _, e := range envs {
		s.out <- e
	}
	return len(envs)
}

// Acks returns the acknowledged envelope ids, in order.
func (s *Server) Acks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acks...)
}

// WaitAck waits until the envelope id is acknowledged.
func (s *Server) WaitAck(ctx context.Context, id string) error {
	_, err := waitFor(ctx, s, func() (bool, bool) {
		for _, a := range s.Acks() {
			if a == id {
				return true, true
			}
		}
		return false, false
	}, "ack of "+id)
	return err
}

// Connects counts Socket Mode connections made so far.
func (s *Server) Connects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}

// WaitConnects waits until at least n connections were made and one is open.
func (s *Server) WaitConnects(ctx context.Context, n int) error {
	_, err := waitFor(ctx, s, func() (bool, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return true, s.connects >= n && len(s.conns) > 0
	}, fmt.Sprintf("%d connections", n))
	return err
}

// WaitOpen waits until exactly n Socket Mode connections are open: after a client
// restarts, the old connection's end is gone, so no envelope is written to it.
func (s *Server) WaitOpen(ctx context.Context, n int) error {
	_, err := waitFor(ctx, s, func() (bool, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return true, len(s.conns) == n
	}, fmt.Sprintf("%d open connections", n))
	return err
}

func (s *Server) control(c string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ctl := range s.conns {
		ctl <- c
	}
}

// Disconnect sends a disconnect envelope (refresh_requested) on open connections.
func (s *Server) Disconnect() { s.control("disconnect") }

// Drop closes open Socket Mode connections without a close frame.
func (s *Server) Drop() { s.control("drop") }

// ---- payload builders ----

// EventCallback is an Events API event_callback body.
func EventCallback(eventID string, inner map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"token": "verification-token", "team_id": TeamID, "api_app_id": "A0001",
		"type": "event_callback", "event_id": eventID, "event_time": time.Now().Unix(), "event": inner,
		"authorizations": []map[string]any{{"team_id": TeamID, "user_id": BotUserID, "is_bot": true}}})
	return b
}

// URLVerification is the Events API handshake body.
func URLVerification(challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"token": "verification-token", "challenge": challenge, "type": "url_verification"})
	return b
}

// DirectMessage is a message event in a direct-message channel.
func DirectMessage(channel, user, text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel": channel, "channel_type": "im", "user": user, "text": text,
		"ts": ts, "event_ts": ts}
}

// ThreadMessage is a message event in a channel thread.
func ThreadMessage(channel, user, text, ts, threadTS string) map[string]any {
	return map[string]any{"type": "message", "channel": channel, "channel_type": "channel", "user": user, "text": text,
		"ts": ts, "thread_ts": threadTS, "event_ts": ts}
}

// AppMention is an app_mention event ("<@UBOT> text"); threadTS may be empty.
func AppMention(channel, user, text, ts, threadTS string) map[string]any {
	m := map[string]any{"type": "app_mention", "channel": channel, "user": user, "text": "<@" + BotUserID + "> " + text,
		"ts": ts, "event_ts": ts}
	if threadTS != "" {
		m["thread_ts"] = threadTS
	}
	return m
}

// BlockActions is an interactive block_actions payload: user pressed the button with
// value and label on the bot message post.
func BlockActions(user string, post Post, value, label string) map[string]any {
	actionTS := fmt.Sprintf("%d.%06d", time.Now().Unix(), time.Now().Nanosecond()/1000)
	msg := map[string]any{"type": "message", "ts": post.TS, "user": BotUserID, "bot_id": BotID, "text": post.Text}
	if post.ThreadTS != "" {
		msg["thread_ts"] = post.ThreadTS
	}
	return map[string]any{"type": "block_actions", "trigger_id": "trig-" + actionTS, "api_app_id": "A0001",
		"team": map[string]any{"id": TeamID}, "user": map[string]any{"id": user},
		"channel": map[string]any{"id": post.Channel}, "message": msg,
		"container": map[string]any{"type": "message", "message_ts": post.TS, "channel_id": post.Channel, "thread_ts": post.ThreadTS},
		"actions": []map[string]any{{"type": "button", "action_id": "btn_0", "block_id": "quick_replies_0", "value": value,
			"text": map[string]any{"type": "plain_text", "text": label}, "action_ts": actionTS}}}
}

// Sign computes Slack's request signature for body at ts.
func Sign(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts.Unix(), body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignedRequest builds a POST to url with body signed by secret at ts.
func SignedRequest(url, secret, contentType string, body []byte, ts time.Time) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("X-Slack-Signature", Sign(secret, ts, body))
	return req
}

// SignedEvent builds a signed Events API request.
func SignedEvent(url, secret string, body []byte) *http.Request {
	return SignedRequest(url, secret, "application/json", body, time.Now())
}

// SignedInteraction builds a signed interactivity request (form field payload).
func SignedInteraction(endpoint, secret string, payload map[string]any) *http.Request {
	p, _ := json.Marshal(payload)
	body := []byte(url.Values{"payload": {string(p)}}.Encode())
	return SignedRequest(endpoint, secret, "application/x-www-form-urlencoded", body, time.Now())
}
