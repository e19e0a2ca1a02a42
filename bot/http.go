package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the REST channel's OpenAPI 3 document.
func OpenAPI() []byte { return slices.Clone(openAPI) }

// RESTChannel is the channel name of REST conversations.
const RESTChannel = "rest"

// HTTPOptions configure the service's HTTP routes.
type HTTPOptions struct {
	// AllowedOrigins may call the REST API from a browser (CORS). "*" allows any.
	AllowedOrigins []string
	// IPLimit and ConversationLimit are token buckets for inbound REST messages.
	IPLimit           RateLimit
	ConversationLimit RateLimit
	// AdminToken protects /admin/ and /v1/admin/; empty disables them.
	AdminToken string
	// TrustProxy takes the client address from X-Forwarded-For.
	TrustProxy bool
	// Ready reports whether the service can serve (engine loaded); the database is
	// pinged as well.
	Ready func(ctx context.Context) error
	// ReadyDetails adds fields to the /readyz body (e.g. the LMI backend's health).
	ReadyDetails func(ctx context.Context) map[string]any
	// StatsSince is how far back the stats page looks by default (default 30 days).
	StatsSince time.Duration
	// APIKeys checks the REST channel's "Authorization: Bearer" keys; each app's
	// conversations are its own. OpenREST instead lets anyone use any conversation id
	// (local development only: rest.open).
	APIKeys  APIKeyStore
	OpenREST bool
}

type httpAPI struct {
	s       *Service
	o       HTTPOptions
	ipLim   *Limiter
	convLim *Limiter
	// answers are postMessage's response buffers (*[]byte), used again once written:
	// a reply with cards and charts is 2-4 KB, allocated per message before.
	answers sync.Pool
}

// maxPooledAnswer is the largest response buffer postMessage keeps for another.
const maxPooledAnswer = 64 << 10

// Mount adds the service's routes to mux: the REST channel (/v1/conversations/...),
// /openapi.json, /healthz, /readyz, /metrics, /admin/stats and the adviser API
// (/v1/admin/...).
func (s *Service) Mount(mux *http.ServeMux, o HTTPOptions) {
	if o.StatsSince <= 0 {
		o.StatsSince = 30 * 24 * time.Hour
	}
	h := &httpAPI{s: s, o: o, ipLim: NewLimiter(o.IPLimit), convLim: NewLimiter(o.ConversationLimit)}
	mux.HandleFunc("POST /v1/conversations/{id}/messages", h.cors(h.postMessage))
	mux.HandleFunc("GET /v1/conversations/{id}/events", h.cors(h.getEvents))
	mux.HandleFunc("OPTIONS /v1/conversations/{id}/{what}", h.cors(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", h.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /admin/stats", h.admin(h.statsPage))
	mux.HandleFunc("GET /v1/admin/stats", h.admin(h.statsJSON))
	mux.HandleFunc("POST /v1/admin/conversations/{key}/join", h.admin(h.adviserJoin))
	mux.HandleFunc("POST /v1/admin/conversations/{key}/messages", h.admin(h.adviserSay))
	mux.HandleFunc("POST /v1/admin/conversations/{key}/release", h.admin(h.adviserRelease))
	mux.HandleFunc("DELETE /v1/admin/conversations/{key}", h.admin(h.adminErase))
	mux.HandleFunc("GET /v1/admin/conversations/{key}/events", h.admin(h.adminEvents))
}

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v) // escapes <, > and & so no reply can be read as HTML
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

func (h *httpAPI) cors(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" {
			if !OriginAllowed(origin, h.o.AllowedOrigins) {
				writeError(w, http.StatusForbidden, "origin not allowed")
				return
			}
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
			w.Header().Set("Access-Control-Max-Age", "600")
		}
		next(w, r)
	}
}

// OriginAllowed says whether a browser Origin is in the allowed list: "*" allows all,
// an origin ("https://careers.example.org") must match whole (case-insensitively), and
// an entry without a scheme is a host pattern in path.Match syntax ("*.example.org").
func OriginAllowed(origin string, allowed []string) bool {
	host := origin
	if u, err := url.Parse(origin); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	for _, a := range allowed {
		a = strings.TrimSuffix(strings.TrimSpace(a), "/")
		switch {
		case a == "*":
			return true
		case strings.Contains(a, "://"):
			if strings.EqualFold(a, origin) {
				return true
			}
		default:
			if ok, _ := path.Match(strings.ToLower(a), strings.ToLower(host)); ok {
				return true
			}
		}
	}
	return false
}

// ClientIP is the request's client address (X-Forwarded-For's first entry when trusted).
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			ip, _, _ := strings.Cut(f, ",")
			return strings.TrimSpace(ip)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// MessageRequest is the body of POST /v1/conversations/{id}/messages.
type MessageRequest struct {
	Text     string `json:"text"`
	Age      int    `json:"age,omitempty"`
	Location string `json:"location,omitempty"`
	Button   string `json:"button,omitempty"`
	Command  string `json:"command,omitempty"`
}

// ReplyView is one reply in a REST response.
type ReplyView struct {
	Seq     int64           `json:"seq"`
	Text    string          `json:"text"`
	Buttons []dialog.Button `json:"buttons"`
	Cards   []dialog.Card   `json:"cards"`
	Charts  []dialog.Chart  `json:"charts"`
	Sender  string          `json:"sender"`
}

// MessageResponse is the answer to POST /v1/conversations/{id}/messages.
type MessageResponse struct {
	Replies   []ReplyView `json:"replies"`
	State     string      `json:"state"`
	Duplicate bool        `json:"duplicate,omitempty"`
}

// EventView is one transcript event in GET .../events.
type EventView struct {
	Seq          int64           `json:"seq"`
	Kind         string          `json:"kind"` // user, bot, adviser, system
	Time         time.Time       `json:"time"`
	Text         string          `json:"text"`
	Intent       string          `json:"intent,omitempty"`
	Sources      []string        `json:"sources,omitempty"`
	Handoff      bool            `json:"handoff,omitempty"`
	Safeguarding bool            `json:"safeguarding,omitempty"`
	Buttons      []dialog.Button `json:"buttons,omitempty"`
	Cards        []dialog.Card   `json:"cards,omitempty"`
	Charts       []dialog.Chart  `json:"charts,omitempty"`
}

// EventsResponse is the answer to GET /v1/conversations/{id}/events.
type EventsResponse struct {
	Events []EventView `json:"events"`
}

func payloadOf(e transcripts.Event) Payload {
	var p Payload
	if len(e.Payload) > 0 {
		json.Unmarshal(e.Payload, &p)
	}
	return p
}

// ReplyOf turns a transcript event into a REST reply.
func ReplyOf(e transcripts.Event) ReplyView {
	p := payloadOf(e)
	v := ReplyView{Seq: e.Seq, Text: e.Text, Buttons: p.Buttons, Cards: p.Cards, Charts: p.Charts, Sender: e.Kind}
	if v.Buttons == nil {
		v.Buttons = []dialog.Button{}
	}
	if v.Cards == nil {
		v.Cards = []dialog.Card{}
	}
	if v.Charts == nil {
		v.Charts = []dialog.Chart{}
	}
	return v
}

// EventOf turns a transcript event into its REST view.
func EventOf(e transcripts.Event) EventView {
	p := payloadOf(e)
	return EventView{Seq: e.Seq, Kind: e.Kind, Time: e.Time, Text: e.Text, Intent: e.Intent, Sources: e.Sources,
		Handoff: e.Handoff, Safeguarding: e.Safeguarding, Buttons: p.Buttons, Cards: p.Cards, Charts: p.Charts}
}

func (h *httpAPI) limited(w http.ResponseWriter, lim *Limiter, key string) bool {
	ok, wait := lim.Allow(key, time.Now())
	if ok {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	writeError(w, http.StatusTooManyRequests, "too many messages, slow down")
	return true
}

func (h *httpAPI) postMessage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validConversationID(id) {
		writeError(w, http.StatusBadRequest, "conversation id must be 1-128 letters, digits, '.', '_', '~' or '-'")
		return
	}
	scoped, ok := h.restScope(w, r, id)
	if !ok {
		return
	}
	if h.limited(w, h.ipLim, ClientIP(r, h.o.TrustProxy)) || h.limited(w, h.convLim, scoped) {
		return
	}
	limit := int64(h.s.opts.MaxMessageBytes)*6 + 1024 // room for JSON escapes
	body, err := readBody(w, r, limit)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("message too large: at most %d bytes of text", h.s.opts.MaxMessageBytes))
			return
		}
		writeError(w, http.StatusBadRequest, "could not read the request body")
		return
	}
	if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
		writeError(w, http.StatusBadRequest, "the body is not UTF-8 text")
		return
	}
	req, ok := parseMessageRequest(body)
	if !ok {
		req = MessageRequest{}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, "bad JSON: "+err.Error())
			return
		}
		if dec.More() {
			writeError(w, http.StatusBadRequest, "bad JSON: more than one value")
			return
		}
	}
	if req.Age < 0 || req.Age > 120 {
		writeError(w, http.StatusBadRequest, "age must be between 0 and 120")
		return
	}
	m := Message{ID: r.Header.Get("Idempotency-Key"), Channel: RESTChannel, Conversation: scoped, Text: req.Text,
		Button: req.Button, Command: req.Command, Age: req.Age, Location: req.Location, Time: time.Now()}
	if len(m.ID) > 200 {
		writeError(w, http.StatusBadRequest, "Idempotency-Key too long")
		return
	}
	if m.ID != "" && scoped != id {
		m.ID = scoped[:len(scoped)-len(id)] + m.ID // one app's keys never dedup another's
	}
	res, err := h.s.Process(r.Context(), m)
	if err != nil {
		status := http.StatusInternalServerError
		switch {
		case errors.Is(err, ErrTooLarge):
			status = http.StatusRequestEntityTooLarge
		case errors.Is(err, ErrEmpty), errors.Is(err, ErrBinary), errors.Is(err, ErrNoKey):
			status = http.StatusBadRequest
		case errors.Is(err, ErrBusy):
			w.Header().Set("Retry-After", "1")
			status = http.StatusTooManyRequests
		case errors.Is(err, ErrClosed):
			status = http.StatusServiceUnavailable
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return // the client went away
		}
		msg := err.Error()
		if status == http.StatusInternalServerError {
			h.s.log.Error("REST message", "conversation", id, "err", err)
			msg = "internal error"
		}
		writeError(w, status, msg)
		return
	}
	size := 256
	for _, e := range res.Events {
		size += len(e.Text) + len(e.Payload) + 64
	}
	buf, _ := h.answers.Get().(*[]byte)
	if buf == nil || cap(*buf) < size+size/8 {
		nb := make([]byte, 0, max(size+size/8, 4096))
		buf = &nb
	}
	b, ok := appendMessageResponse((*buf)[:0], res.State, res.Duplicate, res.Events)
	if ok {
		hd := w.Header()
		hd["Content-Type"] = []string{"application/json; charset=utf-8"}
		hd["X-Content-Type-Options"] = []string{"nosniff"}
		hd["Cache-Control"] = []string{"no-store"}
		hd["Content-Length"] = []string{strconv.Itoa(len(b))}
		w.WriteHeader(http.StatusOK)
		w.Write(b) // net/http has copied or sent b when Write returns
	}
	if cap(b) <= maxPooledAnswer {
		*buf = b[:0]
		h.answers.Put(buf)
	}
	if ok {
		return
	}
	out := MessageResponse{Replies: []ReplyView{}, State: res.State, Duplicate: res.Duplicate}
	for _, e := range res.Replies() {
		out.Replies = append(out.Replies, ReplyOf(e))
	}
	writeJSON(w, http.StatusOK, out)
}

// readBody reads a request body of at most limit bytes (a *http.MaxBytesError past
// it). One with its length declared within the limit is read into a buffer of that size.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if n := r.ContentLength; n >= 0 && n <= limit {
		b := make([]byte, n)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, err
		}
		return b, nil // net/http stops the body at its declared length
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}

func (h *httpAPI) events(w http.ResponseWriter, r *http.Request, key string) {
	h.eventsFor(w, r, key, false)
}

// eventsFor writes a conversation's events; the young person's own app (all=false)
// never sees advisers' actions and notes.
func (h *httpAPI) eventsFor(w http.ResponseWriter, r *http.Request, key string, all bool) {
	after, limit := int64(0), 500
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "after must be a sequence number (0 or more)")
			return
		}
		after = n
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "limit must be 1-1000")
			return
		}
		limit = n
	}
	if ls, ok := h.s.store.(interface {
		LastSeq(context.Context, string) (int64, error)
	}); ok {
		if _, err := ls.LastSeq(r.Context(), key); errors.Is(err, transcripts.ErrNotFound) {
			writeError(w, http.StatusNotFound, "no such conversation")
			return
		}
	}
	evs, err := h.s.store.EventsAfter(r.Context(), key, after, limit)
	if err != nil {
		h.s.log.Error("events", "conversation", key, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	out := EventsResponse{Events: []EventView{}}
	for _, e := range evs {
		if all || transcripts.VisibleToUser(e.Kind) {
			out.Events = append(out.Events, EventOf(e))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *httpAPI) getEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validConversationID(id) {
		writeError(w, http.StatusBadRequest, "bad conversation id")
		return
	}
	scoped, ok := h.restScope(w, r, id)
	if !ok {
		return
	}
	if h.limited(w, h.ipLim, ClientIP(r, h.o.TrustProxy)) {
		return
	}
	h.events(w, r, RESTChannel+":"+scoped)
}

func (h *httpAPI) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.s.store.Ping(ctx); err != nil {
		writeError(w, http.StatusServiceUnavailable, "database: "+err.Error())
		return
	}
	if h.o.Ready != nil {
		if err := h.o.Ready(ctx); err != nil {
			writeError(w, http.StatusServiceUnavailable, err.Error())
			return
		}
	}
	body := map[string]any{"status": "ready"}
	if h.o.ReadyDetails != nil {
		for k, v := range h.o.ReadyDetails(ctx) {
			if k != "status" {
				body[k] = v
			}
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// admin checks the admin token: "Authorization: Bearer TOKEN", or HTTP Basic with the
// token as password (so a browser can open the stats page).
func (h *httpAPI) admin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.o.AdminToken == "" {
			writeError(w, http.StatusNotFound, "admin is disabled: set an admin token")
			return
		}
		got := ""
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			got = strings.TrimPrefix(a, "Bearer ")
		} else if _, p, ok := r.BasicAuth(); ok {
			got = p
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(h.o.AdminToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="careersbot admin"`)
			writeError(w, http.StatusUnauthorized, "admin token required")
			return
		}
		next(w, r)
	}
}

type statsStore interface {
	Stats(ctx context.Context, since time.Time) (transcripts.Stats, error)
}

func (h *httpAPI) stats(r *http.Request) (transcripts.Stats, error) {
	ss, ok := h.s.store.(statsStore)
	if !ok {
		return transcripts.Stats{}, errors.New("this store has no stats")
	}
	since := time.Now().Add(-h.o.StatsSince)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return transcripts.Stats{}, fmt.Errorf("since must be a date like 2026-01-31: %w", err)
		}
		since = t
	}
	return ss.Stats(r.Context(), since)
}

func (h *httpAPI) statsJSON(w http.ResponseWriter, r *http.Request) {
	st, err := h.stats(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// statsTemplate renders the KPIs page (parsed once, never changed). html/template escapes everything it prints.
var statsTemplate = template.Must(template.New("stats").Funcs(template.FuncMap{
	"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
	"mins": func(ms int64) string { return fmt.Sprintf("%.1f min", float64(ms)/60000) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>careersbot: KPIs</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd}
.n{text-align:right;font-variant-numeric:tabular-nums}</style></head>
<body><h1>careersbot KPIs</h1>
<p>Since {{.Since.Format "2 January 2006"}}. Anonymised counts from the transcripts.</p>
<table>
<tr><th>Conversations</th><td class="n">{{.Conversations}}</td></tr>
<tr><th>Messages from young people</th><td class="n">{{.Messages}}</td></tr>
<tr><th>Bot replies</th><td class="n">{{.BotReplies}}</td></tr>
<tr><th>Adviser messages</th><td class="n">{{.AdviserMessages}}</td></tr>
<tr><th>Fallback rate (not understood)</th><td class="n">{{pct .FallbackRate}}</td></tr>
<tr><th>Handed to an adviser</th><td class="n">{{.HandedOff}} ({{pct .HandoffRate}})</td></tr>
<tr><th>Safeguarding flags</th><td class="n">{{.SafeguardingFlags}}</td></tr>
<tr><th>"Was this helpful?" yes / no</th><td class="n">{{.FeedbackYes}} / {{.FeedbackNo}}{{if or .FeedbackYes .FeedbackNo}} ({{pct .HelpfulRate}} yes){{end}}</td></tr>
</table>
<h2>Advisers</h2>
<table>
{{range $k, $v := .Handoffs.ByTrigger}}<tr><th>Handed off: {{$k}}</th><td class="n">{{$v}}</td></tr>
{{else}}<tr><th>Handed off</th><td class="n">0</td></tr>{{end}}
<tr><th>Claimed from the queue</th><td class="n">{{.Handoffs.Claimed}}</td></tr>
<tr><th>Wait for an adviser, median / 90th percentile</th><td class="n">{{mins .Handoffs.WaitP50MS}} / {{mins .Handoffs.WaitP90MS}}</td></tr>
<tr><th>Left the queue before an adviser came</th><td class="n">{{.Handoffs.Abandoned}}</td></tr>
<tr><th>Waited too long (back to the bot)</th><td class="n">{{.Handoffs.Expired}}</td></tr>
{{range $k, $v := .Handoffs.ResolvedByOutcome}}<tr><th>Resolved: {{$k}}</th><td class="n">{{$v}}</td></tr>
{{end}}<tr><th>Asked out of office hours</th><td class="n">{{.Handoffs.OutOfHours}}</td></tr>
<tr><th>Messages left (out of hours) / answered</th><td class="n">{{.Handoffs.MessagesLeft}} ({{.Handoffs.MessagesLeftOutOfHours}}) / {{.Handoffs.MessagesAnswered}}</td></tr>
<tr><th>Safeguarding check-ins flagged for review / reviewed</th><td class="n">{{.Handoffs.ReviewFlags}} / {{.Handoffs.Reviewed}}</td></tr>
</table>
<h2>Intents</h2>
<table><tr><th>Intent</th><th class="n">Messages</th></tr>
{{range $k, $v := .Intents}}<tr><td>{{$k}}</td><td class="n">{{$v}}</td></tr>
{{else}}<tr><td colspan="2">No messages yet.</td></tr>{{end}}
</table></body></html>
`))

func (h *httpAPI) statsPage(w http.ResponseWriter, r *http.Request) {
	st, err := h.stats(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if err := statsTemplate.Execute(w, st); err != nil {
		h.s.log.Error("stats page", "err", err)
	}
}

type adviserRequest struct {
	Adviser string `json:"adviser,omitempty"`
	Text    string `json:"text,omitempty"`
}

func (h *httpAPI) adviserBody(w http.ResponseWriter, r *http.Request) (string, string, adviserRequest, bool) {
	key := r.PathValue("key")
	channel, conv, ok := strings.Cut(key, ":")
	if !ok || channel == "" || conv == "" {
		writeError(w, http.StatusBadRequest, "conversation key must be CHANNEL:CONVERSATION")
		return "", "", adviserRequest{}, false
	}
	var req adviserRequest
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
			writeError(w, http.StatusBadRequest, "bad JSON: "+err.Error())
			return "", "", adviserRequest{}, false
		}
	}
	return key, channel, req, true
}

func (h *httpAPI) adviserResult(w http.ResponseWriter, res Result, err error) {
	if err != nil {
		status := http.StatusInternalServerError
		var ce *ClaimedError
		switch {
		case errors.Is(err, ErrEmpty):
			status = http.StatusBadRequest
		case errors.As(err, &ce), errors.Is(err, ErrNotHolder):
			status = http.StatusConflict
		}
		writeError(w, status, err.Error())
		return
	}
	out := MessageResponse{Replies: []ReplyView{}, State: res.State}
	for _, e := range res.Events {
		out.Replies = append(out.Replies, ReplyOf(e))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *httpAPI) adviserJoin(w http.ResponseWriter, r *http.Request) {
	key, channel, req, ok := h.adviserBody(w, r)
	if ok {
		res, err := h.s.Join(r.Context(), key, channel, req.Adviser)
		h.adviserResult(w, res, err)
	}
}

func (h *httpAPI) adviserSay(w http.ResponseWriter, r *http.Request) {
	key, channel, req, ok := h.adviserBody(w, r)
	if ok {
		res, err := h.s.AdviserSay(r.Context(), key, channel, req.Text)
		h.adviserResult(w, res, err)
	}
}

func (h *httpAPI) adviserRelease(w http.ResponseWriter, r *http.Request) {
	key, channel, _, ok := h.adviserBody(w, r)
	if ok {
		res, err := h.s.Release(r.Context(), key, channel)
		h.adviserResult(w, res, err)
	}
}

func (h *httpAPI) adminErase(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if err := h.s.Erase(r.Context(), key); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"erased": key})
}

func (h *httpAPI) adminEvents(w http.ResponseWriter, r *http.Request) {
	h.eventsFor(w, r, r.PathValue("key"), true)
}
