// Package telegramtest is a fake Telegram Bot API for tests: an httptest server that
// speaks the real wire protocol (form-encoded and multipart POSTs to /bot<token>/<method>,
// {"ok":...,"result":...} envelopes) so the real go-telegram-bot-api client can be
// driven against it. It serves getMe, getUpdates as a long poll honouring offset and
// timeout, sendMessage, sendPhoto, answerCallbackQuery, setMyCommands, setWebhook and
// deleteWebhook; records what the bot sent; injects updates (messages, button presses,
// duplicates); and scripts failures (429 with retry_after, 500, dropped connections).
package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/careersbot/careersbot/adapters/internal/fakepeer"
)

// BotID and BotUserName are the identity getMe reports.
const (
	BotID       = 777000
	BotUserName = "careers_test_bot"
)

// Call is one Bot API request the bot made.
type Call struct {
	Method string
	Params map[string]string // form fields (multipart text fields too)
	Files  map[string][]byte // multipart files by field name
	Time   time.Time
}

// Failure scripts the answer to the next calls of a method.
type Failure struct {
	Code       int // 429, 500, 400...
	RetryAfter int // seconds, for 429
	// Drop closes the connection without an answer (a network error).
	Drop bool
	// HTML answers with a non-JSON body (a proxy's error page).
	HTML bool
	// Skip lets this many calls succeed before the failure applies.
	Skip int
}

// Server is the fake Bot API. Create it with NewServer; Close it when done.
type Server struct {
	*httptest.Server
	Token string

	mu       sync.Mutex
	updates  []json.RawMessage // pending, ordered by update_id
	ids      []int
	nextID   int
	nextMsg  int
	notify   fakepeer.Changes // when updates arrive
	calls    []Call
	failures fakepeer.Script[Failure]
	webhook  map[string]string
	callSig  fakepeer.Changes // when a call is recorded
	polls    int
}

// NewServer starts a fake Bot API that accepts token.
func NewServer(token string) *Server {
	s := &Server{Token: token, nextID: 100, nextMsg: 1}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Endpoint is the API endpoint format for tgbotapi.NewBotAPIWithClient.
func (s *Server) Endpoint() string { return s.URL + "/bot%s/%s" }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if token != s.Token {
		fakepeer.WriteJSON(w, 401, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	c := Call{Method: method, Params: map[string]string{}, Files: map[string][]byte{}, Time: time.Now()}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			fakepeer.WriteJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: " + err.Error()})
			return
		}
		for k, v := range r.MultipartForm.Value {
			c.Params[k] = v[0]
		}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err == nil {
				c.Files[k], _ = io.ReadAll(f)
				f.Close()
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			fakepeer.WriteJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: " + err.Error()})
			return
		}
		for k, v := range r.PostForm {
			c.Params[k] = v[0]
		}
	}
	if f, ok := s.failures.Next(method); ok {
		switch {
		case f.Drop:
			fakepeer.Drop(w)
		case f.HTML:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(f.Code)
			io.WriteString(w, "<html><body>Bad Gateway</body></html>")
		default:
			body := map[string]any{"ok": false, "error_code": f.Code, "description": http.StatusText(f.Code)}
			if f.Code == 429 {
				body["description"] = "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter)
				body["parameters"] = map[string]any{"retry_after": f.RetryAfter}
				w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
			}
			fakepeer.WriteJSON(w, f.Code, body)
		}
		return
	}
	if method != "getUpdates" {
		s.mu.Lock()
		s.calls = append(s.calls, c)
		s.mu.Unlock()
		s.callSig.Signal()
	}

	switch method {
	case "getMe":
		ok200(w, map[string]any{"id": BotID, "is_bot": true, "first_name": "Careers", "username": BotUserName})
	case "getUpdates":
		s.getUpdates(w, r, c.Params)
	case "sendMessage", "sendPhoto":
		chat, err := strconv.ParseInt(c.Params["chat_id"], 10, 64)
		if err != nil {
			fakepeer.WriteJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})
			return
		}
		if method == "sendMessage" && c.Params["text"] == "" {
			fakepeer.WriteJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: message text is empty"})
			return
		}
		if method == "sendMessage" && utf16Len(c.Params["text"]) > 4096 && c.Params["parse_mode"] == "" {
			fakepeer.WriteJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: message is too long"})
			return
		}
		s.mu.Lock()
		id := s.nextMsg
		s.nextMsg++
		s.mu.Unlock()
		msg := map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"},
			"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "Careers", "username": BotUserName}}
		if t := c.Params["text"]; t != "" {
			msg["text"] = t
		}
		if rm := c.Params["reply_markup"]; rm != "" {
			msg["reply_markup"] = json.RawMessage(rm)
		}
		ok200(w, msg)
	case "setMyCommands":
		var cmds []struct {
			Command     string `json:"command"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal([]byte(c.Params["commands"]), &cmds); err != nil || len(cmds) == 0 {
			fakepeer.WriteJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: can't parse commands"})
			return
		}
		ok200(w, true)
	case "answerCallbackQuery", "setWebhook", "deleteWebhook":
		if method == "setWebhook" {
			s.mu.Lock()
			s.webhook = c.Params
			s.mu.Unlock()
		}
		ok200(w, true)
	default:
		fakepeer.WriteJSON(w, 404, map[string]any{"ok": false, "error_code": 404, "description": "Not Found: method not found"})
	}
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	offset, _ := strconv.Atoi(p["offset"])
	timeout, _ := strconv.Atoi(p["timeout"])
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		s.polls++
		// Updates below offset are confirmed: forget them.
		for len(s.ids) > 0 && s.ids[0] < offset {
			s.ids, s.updates = s.ids[1:], s.updates[1:]
		}
		if len(s.updates) > 0 || timeout == 0 {
			out := append([]json.RawMessage(nil), s.updates...)
			s.mu.Unlock()
			ok200(w, out)
			return
		}
		ch := s.notify.C() // under mu: an Inject after this wakes us
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			ok200(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

// Polls counts getUpdates passes (for tests waiting for the bot to poll).
func (s *Server) Polls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls
}

// Inject queues a raw update, giving it the next update_id unless id > 0 (a repeated
// id simulates a duplicate delivery). It returns the update_id.
func (s *Server) Inject(id int, update map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id <= 0 {
		id = s.nextID
		s.nextID++
	}
	update["update_id"] = id
	b, _ := json.Marshal(update)
	s.updates = append(s.updates, b)
	s.ids = append(s.ids, id)
	s.notify.Signal()
	return id
}

// SendText queues a private text message from user to the bot (chat id = user id).
func (s *Server) SendText(user int64, text string) int {
	return s.Inject(0, map[string]any{"message": s.textMessage(user, user, "private", text)})
}

// SendGroupText queues a text message in a group chat.
func (s *Server) SendGroupText(chat, user int64, text string) int {
	return s.Inject(0, map[string]any{"message": s.textMessage(chat, user, "group", text)})
}

func (s *Server) textMessage(chat, user int64, kind, text string) map[string]any {
	s.mu.Lock()
	id := s.nextMsg
	s.nextMsg++
	s.mu.Unlock()
	m := map[string]any{"message_id": id, "date": time.Now().Unix(), "text": text,
		"chat": map[string]any{"id": chat, "type": kind},
		"from": map[string]any{"id": user, "is_bot": false, "first_name": "Test"}}
	if strings.HasPrefix(text, "/") {
		n := strings.IndexAny(text, " \n")
		if n < 0 {
			n = len(text)
		}
		m["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": utf16Len(text[:n])}}
	}
	return m
}

// Press queues a callback query: user pressed the button with callback data on the bot
// message sent (as recorded in c, a sendMessage or sendPhoto call).
func (s *Server) Press(user int64, sent Call, data string) int {
	chat, _ := strconv.ParseInt(sent.Params["chat_id"], 10, 64)
	msg := map[string]any{"message_id": 1, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"},
		"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "Careers", "username": BotUserName}}
	if rm := sent.Params["reply_markup"]; rm != "" {
		msg["reply_markup"] = json.RawMessage(rm)
	}
	return s.Inject(0, map[string]any{"callback_query": map[string]any{
		"id": fmt.Sprintf("cq-%d", time.Now().UnixNano()), "from": map[string]any{"id": user, "is_bot": false, "first_name": "Test"},
		"message": msg, "chat_instance": "ci", "data": data}})
}

// Fail scripts the next calls of method to fail, in order.
func (s *Server) Fail(method string, fs ...Failure) {
	for _, f := range fs {
		s.failures.Add(method, f.Skip, f)
	}
}

// Calls returns the recorded calls (getUpdates excluded), optionally only of the
// given methods.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the sendMessage and sendPhoto calls.
func (s *Server) Sent() []Call { return s.Calls("sendMessage", "sendPhoto") }

// WaitCalls waits until at least n calls of the given methods were recorded, or ctx
// ends, and returns them.
func (s *Server) WaitCalls(ctx context.Context, n int, methods ...string) ([]Call, error) {
	cs, err := fakepeer.Wait(ctx, &s.callSig, 0, fmt.Sprintf("%d %v calls", n, methods), func() ([]Call, bool) {
		cs := s.Calls(methods...)
		return cs, len(cs) >= n
	})
	if err != nil {
		return cs, fmt.Errorf("telegramtest: %w", err)
	}
	return cs, nil
}

// Webhook returns the parameters of the last setWebhook call.
func (s *Server) Webhook() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// Pending is how many updates are not yet confirmed by an offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func ok200(w http.ResponseWriter, result any) {
	fakepeer.WriteJSON(w, 200, map[string]any{"ok": true, "result": result})
}
