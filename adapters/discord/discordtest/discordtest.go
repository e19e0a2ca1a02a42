// Package discordtest is a fake Discord for tests, speaking the real wire protocols so
// the real discordgo client can be driven against it: REST (GET /api/v9/gateway and
// /gateway/bot, channel messages as JSON or multipart with files, users/@me/channels
// for direct messages, interaction callbacks, application command bulk overwrite) and
// the gateway WebSocket (hello, identify, READY, heartbeats and acks, dispatches with
// increasing seq, resume after a dropped connection with replay and RESUMED, op 7
// reconnect). Failures are scripted: 429 with retry_after JSON and rate-limit headers,
// and 500.
package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
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

// Identity of the fake bot.
const (
	BotUserID = "900000000000000001"
	AppID     = "900000000000000002"
	GuildID   = "900000000000000003"
)

// Sent is one message the bot created.
type Sent struct {
	ChannelID string
	Payload   map[string]any // the JSON body (or payload_json)
	Content   string
	Files     map[string][]byte // by file name
	ID        string
}

// Callback is one interaction response.
type Callback struct {
	InteractionID, Token string
	Type                 int
	Data                 map[string]any
}

// Failure scripts the next answer of a REST route group.
type Failure struct {
	Code       int     // 429, 500...
	RetryAfter float64 // seconds, for 429
	Skip       int     // let this many calls succeed first
}

// Server is the fake Discord. Create it with NewServer; Close it when done.
type Server struct {
	*httptest.Server
	Token string
	// HeartbeatInterval is sent in HELLO (default 5s: discordgo races when a heartbeat
	// coincides with an op 7 reconnect, so tests keep heartbeats rare).
	HeartbeatInterval time.Duration

	mu         sync.Mutex
	sent       []Sent
	callbacks  []Callback
	commands   []json.RawMessage
	failures   fakepeer.Script[Failure]
	identifies int
	resumes    int
	heartbeats int
	intents    int
	sessionID  string
	seq        int64
	history    []dispatch // every dispatch, for replay on resume
	conn       *gwConn
	connects   int
	nextID     int64
	changed    fakepeer.Changes
}

type dispatch struct {
	seq int64
	msg []byte
}

type gwConn struct {
	ws    *websocket.Conn
	wmu   sync.Mutex
	ready bool
}

func (c *gwConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteJSON(v)
}

// NewServer starts a fake Discord that accepts token (without "Bot ").
func NewServer(token string) *Server {
	s := &Server{Token: token, HeartbeatInterval: 5 * time.Second, nextID: 1000, sessionID: "session-1"}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v9/", s.rest)
	mux.HandleFunc("/gw/", s.gateway)
	s.Server = httptest.NewServer(mux)
	return s
}

// Client is an http.Client whose Transport sends every request (discord.com included)
// to the fake, for Session.Client.
func (s *Server) Client() *http.Client {
	u, _ := url.Parse(s.URL)
	return &http.Client{Timeout: 10 * time.Second, Transport: rewrite{target: u}}
}

type rewrite struct{ target *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
	req.Host = r.target.Host
	return http.DefaultTransport.RoundTrip(req)
}

func (s *Server) signal() { s.changed.Signal() }

func (s *Server) id() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

func (s *Server) rest(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bot "+s.Token {
		fakepeer.WriteJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	group := ""
	switch {
	case r.Method == "GET" && (path == "/gateway" || path == "/gateway/bot"):
		group = "gateway"
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		group = "messages"
	case r.Method == "POST" && path == "/users/@me/channels":
		group = "dm"
	case r.Method == "POST" && len(parts) == 4 && parts[0] == "interactions" && parts[3] == "callback":
		group = "callback"
	case r.Method == "PUT" && parts[0] == "applications" && parts[len(parts)-1] == "commands":
		group = "commands"
	case r.Method == "GET" && path == "/users/@me":
		group = "me"
	default:
		fakepeer.WriteJSON(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
		return
	}
	if f, ok := s.failures.Next(group); ok {
		if f.Code == 429 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter+0.999)))
			w.Header().Set("X-RateLimit-Limit", "5")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(f.RetryAfter, 'f', 3, 64))
			w.Header().Set("X-RateLimit-Bucket", "fake-bucket")
			w.Header().Set("X-RateLimit-Scope", "user")
			fakepeer.WriteJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": f.RetryAfter, "global": false})
			return
		}
		fakepeer.WriteJSON(w, f.Code, map[string]any{"message": http.StatusText(f.Code), "code": 0})
		return
	}
	wsURL := "ws" + strings.TrimPrefix(s.URL, "http") + "/gw"
	switch group {
	case "gateway":
		fakepeer.WriteJSON(w, 200, map[string]any{"url": wsURL, "shards": 1,
			"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
	case "me":
		fakepeer.WriteJSON(w, 200, botUser())
	case "messages":
		payload, files, err := readPayload(r)
		if err != nil {
			fakepeer.WriteJSON(w, 400, map[string]any{"message": "Cannot send an empty message: " + err.Error(), "code": 50006})
			return
		}
		content, _ := payload["content"].(string)
		embeds, _ := payload["embeds"].([]any)
		if content == "" && len(embeds) == 0 && len(files) == 0 {
			fakepeer.WriteJSON(w, 400, map[string]any{"message": "Cannot send an empty message", "code": 50006})
			return
		}
		if len([]rune(content)) > 2000 {
			fakepeer.WriteJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035})
			return
		}
		s.mu.Lock()
		id := s.id()
		s.sent = append(s.sent, Sent{ChannelID: parts[1], Payload: payload, Content: content, Files: files, ID: id})
		s.signal()
		s.mu.Unlock()
		msg := map[string]any{"id": id, "channel_id": parts[1], "content": content, "author": botUser(),
			"timestamp": time.Now().UTC().Format(time.RFC3339), "type": 0}
		if c, ok := payload["components"]; ok {
			msg["components"] = c
		}
		fakepeer.WriteJSON(w, 200, msg)
	case "dm":
		var body struct {
			RecipientID string `json:"recipient_id"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		fakepeer.WriteJSON(w, 200, map[string]any{"id": "dm-" + body.RecipientID, "type": 1,
			"recipients": []map[string]any{{"id": body.RecipientID, "username": "user"}}})
	case "callback":
		var body struct {
			Type int            `json:"type"`
			Data map[string]any `json:"data"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			fakepeer.WriteJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035})
			return
		}
		s.mu.Lock()
		s.callbacks = append(s.callbacks, Callback{InteractionID: parts[1], Token: parts[2], Type: body.Type, Data: body.Data})
		s.signal()
		s.mu.Unlock()
		w.WriteHeader(204)
	case "commands":
		var cmds []json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&cmds); err != nil {
			fakepeer.WriteJSON(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035})
			return
		}
		s.mu.Lock()
		s.commands = cmds
		s.signal()
		s.mu.Unlock()
		out := make([]map[string]any, 0, len(cmds))
		for _, c := range cmds {
			var m map[string]any
			json.Unmarshal(c, &m)
			m["id"], m["application_id"], m["version"] = "cmd-1", AppID, "1"
			out = append(out, m)
		}
		fakepeer.WriteJSON(w, 200, out)
	}
}

func readPayload(r *http.Request) (map[string]any, map[string][]byte, error) {
	payload := map[string]any{}
	files := map[string][]byte{}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		err := json.NewDecoder(r.Body).Decode(&payload)
		return payload, files, err
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		if p.FormName() == "payload_json" {
			if err := json.Unmarshal(b, &payload); err != nil {
				return nil, nil, err
			}
		} else {
			files[p.FileName()] = b
		}
	}
	return payload, files, nil
}

func botUser() map[string]any {
	return map[string]any{"id": BotUserID, "username": "careersbot", "discriminator": "0", "bot": true}
}

// ---- gateway ----

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("v") != "9" || r.URL.Query().Get("encoding") != "json" {
		http.Error(w, "bad gateway query", 400)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	defer ws.Close()
	if err := c.write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": s.HeartbeatInterval.Milliseconds()}}); err != nil {
		return
	}
	for {
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := ws.ReadJSON(&p); err != nil {
			s.mu.Lock()
			if s.conn == c {
				s.conn = nil
			}
			s.signal()
			s.mu.Unlock()
			return
		}
		switch p.Op {
		case 1: // heartbeat
			s.mu.Lock()
			s.heartbeats++
			s.mu.Unlock()
			c.write(map[string]any{"op": 11})
		case 2: // identify
			var id struct {
				Token   string `json:"token"`
				Intents int    `json:"intents"`
			}
			json.Unmarshal(p.D, &id)
			if id.Token != "Bot "+s.Token {
				ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."), time.Now().Add(time.Second))
				return
			}
			s.mu.Lock()
			s.identifies++
			s.connects++
			s.intents = id.Intents
			s.sessionID = fmt.Sprintf("session-%d", s.identifies)
			s.seq = 0
			s.history = nil
			s.seq++
			ready, _ := json.Marshal(map[string]any{"op": 0, "t": "READY", "s": s.seq, "d": map[string]any{
				"v": 9, "session_id": s.sessionID, "user": botUser(), "guilds": []any{}, "private_channels": []any{},
				"application": map[string]any{"id": AppID, "flags": 0}, "resume_gateway_url": "ws" + strings.TrimPrefix(s.URL, "http") + "/gw"}})
			s.history = append(s.history, dispatch{s.seq, ready})
			s.conn = c
			c.wmu.Lock()
			c.ws.WriteMessage(websocket.TextMessage, ready)
			c.ready = true
			c.wmu.Unlock()
			s.signal()
			s.mu.Unlock()
		case 6: // resume
			var rs struct {
				Token     string `json:"token"`
				SessionID string `json:"session_id"`
				Seq       int64  `json:"seq"`
			}
			json.Unmarshal(p.D, &rs)
			s.mu.Lock()
			if rs.SessionID != s.sessionID || rs.Token != "Bot "+s.Token {
				s.mu.Unlock()
				c.write(map[string]any{"op": 9, "d": false})
				continue
			}
			s.resumes++
			s.connects++
			c.wmu.Lock()
			for _, d := range s.history {
				if d.seq > rs.Seq {
					c.ws.WriteMessage(websocket.TextMessage, d.msg)
				}
			}
			s.seq++
			c.ws.WriteJSON(map[string]any{"op": 0, "t": "RESUMED", "s": s.seq, "d": map[string]any{}})
			c.ready = true
			c.wmu.Unlock()
			s.conn = c
			s.signal()
			s.mu.Unlock()
		}
	}
}

// Dispatch sends an op 0 event with the next seq. When no connection is open it is
// kept and replayed when the client resumes.
func (s *Server) Dispatch(t string, d any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	msg, _ := json.Marshal(map[string]any{"op": 0, "t": t, "s": s.seq, "d": d})
	s.history = append(s.history, dispatch{s.seq, msg})
	if s.conn != nil {
		s.conn.wmu.Lock()
		s.conn.ws.WriteMessage(websocket.TextMessage, msg)
		s.conn.wmu.Unlock()
	}
	return s.seq
}

// DirectMessage dispatches MESSAGE_CREATE for a direct message from user in channel,
// returning the message id.
func (s *Server) DirectMessage(channel, user, text string) string {
	s.mu.Lock()
	id := s.id()
	s.mu.Unlock()
	s.Dispatch("MESSAGE_CREATE", message(id, channel, "", user, text, nil))
	return id
}

// GuildMessage dispatches MESSAGE_CREATE in a guild channel; mention adds a mention of
// the bot ("<@bot> text").
func (s *Server) GuildMessage(channel, user, text string, mention bool) string {
	s.mu.Lock()
	id := s.id()
	s.mu.Unlock()
	var mentions []any
	if mention {
		text = "<@" + BotUserID + "> " + text
		mentions = []any{botUser()}
	}
	s.Dispatch("MESSAGE_CREATE", message(id, channel, GuildID, user, text, mentions))
	return id
}

// Redispatch sends the same MESSAGE_CREATE again (a duplicate delivery).
func (s *Server) Redispatch(id, channel, user, text string) {
	s.Dispatch("MESSAGE_CREATE", message(id, channel, "", user, text, nil))
}

func message(id, channel, guild, user, text string, mentions []any) map[string]any {
	m := map[string]any{"id": id, "channel_id": channel, "content": text, "type": 0, "timestamp": time.Now().UTC().Format(time.RFC3339),
		"author": map[string]any{"id": user, "username": "user" + user}, "mentions": mentions}
	if mentions == nil {
		m["mentions"] = []any{}
	}
	if guild != "" {
		m["guild_id"] = guild
	}
	return m
}

// PressButton dispatches INTERACTION_CREATE for a button press (custom_id) on the bot
// message sent, by user in a direct message. It returns the interaction id.
func (s *Server) PressButton(user string, sent Sent, customID string) string {
	s.mu.Lock()
	id := s.id()
	s.mu.Unlock()
	msg := map[string]any{"id": sent.ID, "channel_id": sent.ChannelID, "content": sent.Content, "author": botUser(),
		"timestamp": time.Now().UTC().Format(time.RFC3339), "components": sent.Payload["components"]}
	s.Dispatch("INTERACTION_CREATE", map[string]any{"id": id, "application_id": AppID, "type": 3, "token": "tok-" + id,
		"version": 1, "channel_id": sent.ChannelID, "user": map[string]any{"id": user, "username": "user" + user},
		"message": msg, "data": map[string]any{"custom_id": customID, "component_type": 2}})
	return id
}

// SlashCommand dispatches INTERACTION_CREATE for /careers question:<q> in a guild.
func (s *Server) SlashCommand(channel, user, question string) string {
	s.mu.Lock()
	id := s.id()
	s.mu.Unlock()
	data := map[string]any{"id": "cmd-1", "name": "careers", "type": 1}
	if question != "" {
		data["options"] = []map[string]any{{"name": "question", "type": 3, "value": question}}
	}
	s.Dispatch("INTERACTION_CREATE", map[string]any{"id": id, "application_id": AppID, "type": 2, "token": "tok-" + id,
		"version": 1, "channel_id": channel, "guild_id": GuildID,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "user" + user}, "roles": []any{}},
		"data":   data})
	return id
}

// Drop closes the gateway connection without a close frame; the client should
// reconnect and resume.
func (s *Server) Drop() {
	s.mu.Lock()
	c := s.conn
	s.conn = nil
	s.mu.Unlock()
	if c != nil {
		c.ws.UnderlyingConn().Close()
	}
}

// Reconnect sends op 7: the client should reconnect and resume.
func (s *Server) Reconnect() {
	s.mu.Lock()
	c := s.conn
	s.conn = nil
	s.mu.Unlock()
	if c != nil {
		c.write(map[string]any{"op": 7, "d": nil})
	}
}

// Fail scripts the next answers of a REST route group: "messages", "callback",
// "commands", "dm", "gateway".
func (s *Server) Fail(group string, fs ...Failure) {
	for _, f := range fs {
		s.failures.Add(group, f.Skip, f)
	}
}

// Sent returns the messages the bot created.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Callbacks returns the interaction responses.
func (s *Server) Callbacks() []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Callback(nil), s.callbacks...)
}

// Commands returns the last bulk-overwritten application commands.
func (s *Server) Commands() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.commands...)
}

// Stats are gateway counters.
type Stats struct {
	Identifies, Resumes, Heartbeats, Intents int
	Connected                                bool
}

// Stats returns the gateway counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Identifies: s.identifies, Resumes: s.resumes, Heartbeats: s.heartbeats, Intents: s.intents, Connected: s.conn != nil}
}

// Wait waits until cond (called with the server unlocked) is true or ctx ends.
func (s *Server) Wait(ctx context.Context, what string, cond func() bool) error {
	_, err := fakepeer.Wait(ctx, &s.changed, 20*time.Millisecond, what, func() (struct{}, bool) { return struct{}{}, cond() })
	if err != nil {
		return fmt.Errorf("discordtest: %w", err)
	}
	return nil
}

// WaitSent waits for at least n created messages.
func (s *Server) WaitSent(ctx context.Context, n int) ([]Sent, error) {
	err := s.Wait(ctx, fmt.Sprintf("%d messages", n), func() bool { return len(s.Sent()) >= n })
	return s.Sent(), err
}
