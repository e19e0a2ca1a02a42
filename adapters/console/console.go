// Package console is the careers advisers' console: a web page served by careersbot
// (the live queue, claim, the whole transcript with a profile card, reply, private
// notes, canned replies, transfer, release and resolve, and the conversations flagged
// for review by a safeguarding check-in) and the REST API under
// /v1/adviser/... that the page uses and a careers service may build on. Every route
// checks a session (cookie, CSRF header on changes) or the admin API token, and the
// role; every adviser action is a transcript event through bot.Service.
package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/transcripts"
)

//go:embed static
var static embed.FS

// Store is what the console keeps: accounts, sessions and canned replies, and reads:
// conversations and their transcripts. Every bot.HandoffStore storage (SQLite and
// PostgreSQL) implements it.
type Store interface {
	AdviserByName(ctx context.Context, name string) (bot.Adviser, string, bool, error)
	Advisers(ctx context.Context) ([]bot.Adviser, error)
	CreateSession(ctx context.Context, idHash []byte, s bot.Session) error
	SessionByHash(ctx context.Context, idHash []byte) (bot.Session, bool, error)
	TouchSession(ctx context.Context, idHash []byte, seen time.Time) error
	DeleteSession(ctx context.Context, idHash []byte) error
	DeleteIdleSessions(ctx context.Context, before time.Time) error
	CannedReplies(ctx context.Context) ([]bot.CannedReply, error)
	SaveCannedReply(ctx context.Context, c bot.CannedReply) (bot.CannedReply, error)
	DeleteCannedReply(ctx context.Context, id int64) error
	Conversation(ctx context.Context, key string) (bot.Conversation, bool, error)
	EventsAfter(ctx context.Context, conversation string, after int64, limit int) ([]transcripts.Event, error)
}

// Options configure the console.
type Options struct {
	Service *bot.Service
	Store   Store
	// AdminToken, when set, is accepted as "Authorization: Bearer" for the API, acting
	// as an admin named "api".
	AdminToken string
	// Idle ends a session after this long without a request (default 30m).
	Idle time.Duration
	// LoginLimit limits login attempts per client address and per account name
	// (default 5 a minute, burst 5).
	LoginLimit bot.RateLimit
	// OfflineGrace is how long after an adviser's last console closes they count as
	// offline (default 30s), so a reload does not hand their conversations back.
	OfflineGrace time.Duration
	TrustProxy   bool
	Logger       *slog.Logger
	Now          func() time.Time
}

// Console serves the page and the API.
type Console struct {
	o      Options
	svc    *bot.Service
	store  Store
	log    *slog.Logger
	ipLim  *bot.Limiter
	nameLm *bot.Limiter

	pmu     sync.Mutex
	streams map[string]int
	timers  map[string]*time.Timer

	// dummy is a hash checked for unknown names, so timing does not tell which names
	// exist; made at the first login (argon2id costs ~50 ms and 19 MB: not at start).
	dummyOnce sync.Once
	dummy     string
}

// New returns a console.
func New(o Options) (*Console, error) {
	if o.Service == nil || o.Store == nil {
		return nil, errors.New("console: Service and Store are required")
	}
	if o.Idle <= 0 {
		o.Idle = 30 * time.Minute
	}
	if o.LoginLimit.Rate <= 0 {
		o.LoginLimit = bot.RateLimit{Rate: 5.0 / 60, Burst: 5}
	}
	if o.OfflineGrace <= 0 {
		o.OfflineGrace = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Console{o: o, svc: o.Service, store: o.Store, log: o.Logger,
		ipLim: bot.NewLimiter(o.LoginLimit), nameLm: bot.NewLimiter(o.LoginLimit),
		streams: map[string]int{}, timers: map[string]*time.Timer{}}, nil
}

// SessionCookie is the console's session cookie.
const SessionCookie = "careersbot_console"

// CSRFHeader carries the session's CSRF token on every state-changing request.
const CSRFHeader = "X-CSRF-Token"

// who is the caller of a request.
type who struct {
	bot.Adviser
	idHash []byte // nil for the API token
	csrf   string
}

func (w who) admin() bool { return w.Role == bot.RoleAdmin }

// Mount adds the console's routes.
func (c *Console) Mount(mux *http.ServeMux) {
	sub, _ := fs.Sub(static, "static")
	files := http.FileServerFS(sub)
	mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		b, _ := static.ReadFile("static/console.html")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	})
	mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		files.ServeHTTP(w, r)
	})))
	mux.HandleFunc("POST /v1/adviser/login", c.login)
	mux.HandleFunc("POST /v1/adviser/logout", c.auth(false, c.logout))
	mux.HandleFunc("GET /v1/adviser/me", c.auth(false, c.me))
	mux.HandleFunc("GET /v1/adviser/queue", c.auth(false, c.queue))
	mux.HandleFunc("GET /v1/adviser/reviews", c.auth(false, c.reviews))
	mux.HandleFunc("GET /v1/adviser/stream", c.auth(false, c.stream))
	mux.HandleFunc("POST /v1/adviser/presence", c.auth(false, c.presence))
	mux.HandleFunc("GET /v1/adviser/advisers", c.auth(false, c.advisers))
	mux.HandleFunc("GET /v1/adviser/canned", c.auth(false, c.canned))
	mux.HandleFunc("POST /v1/adviser/canned", c.auth(true, c.saveCanned))
	mux.HandleFunc("DELETE /v1/adviser/canned/{id}", c.auth(true, c.deleteCanned))
	mux.HandleFunc("GET /v1/adviser/conversations/{key}", c.auth(false, c.conversation))
	mux.HandleFunc("POST /v1/adviser/conversations/{key}/{action}", c.auth(false, c.act))
}

func pageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Cache-Control", "no-store")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func hashID(id string) []byte {
	sum := sha256.Sum256([]byte("careersbot console session\x00" + id))
	return sum[:]
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (c *Console) secure(r *http.Request) bool {
	return r.TLS != nil || (c.o.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// auth checks the caller: the API token (admin), or a live session whose CSRF token is
// sent on every request that changes something. adminOnly refuses advisers.
func (c *Console) auth(adminOnly bool, next func(w http.ResponseWriter, r *http.Request, u who)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, status, msg := c.caller(r)
		if status != 0 {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="careersbot advisers"`)
			}
			writeError(w, status, msg)
			return
		}
		if adminOnly && !u.admin() {
			writeError(w, http.StatusForbidden, "admins only")
			return
		}
		next(w, r, u)
	}
}

func (c *Console) caller(r *http.Request) (who, int, string) {
	ctx := r.Context()
	if a := r.Header.Get("Authorization"); a != "" {
		tok, ok := strings.CutPrefix(a, "Bearer ")
		if !ok || c.o.AdminToken == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(c.o.AdminToken)) != 1 {
			return who{}, http.StatusUnauthorized, "bad API token"
		}
		return who{Adviser: bot.Adviser{Name: "api", Display: "API", Role: bot.RoleAdmin}}, 0, ""
	}
	ck, err := r.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return who{}, http.StatusUnauthorized, "log in first"
	}
	h := hashID(ck.Value)
	sess, ok, err := c.store.SessionByHash(ctx, h)
	if err != nil {
		c.log.Error("console session", "err", err)
		return who{}, http.StatusInternalServerError, "internal error"
	}
	now := c.o.Now()
	if !ok || now.Sub(sess.Seen) > c.o.Idle {
		if ok {
			c.store.DeleteSession(ctx, h)
		}
		return who{}, http.StatusUnauthorized, "session expired: log in again"
	}
	a, _, ok, err := c.store.AdviserByName(ctx, sess.Adviser)
	if err != nil || !ok || a.Disabled {
		return who{}, http.StatusUnauthorized, "account disabled"
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if got := r.Header.Get(CSRFHeader); got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
			return who{}, http.StatusForbidden, "missing or wrong " + CSRFHeader
		}
	}
	if now.Sub(sess.Seen) > time.Minute || r.Method != http.MethodGet {
		c.store.TouchSession(ctx, h, now)
	}
	return who{Adviser: a, idHash: h, csrf: sess.CSRF}, 0, ""
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "bad JSON: "+err.Error())
		return false
	}
	return true
}

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// MeResponse is who is logged in, and the CSRF token to send.
type MeResponse struct {
	Name     string   `json:"name"`
	Display  string   `json:"display"`
	Role     string   `json:"role"`
	CSRF     string   `json:"csrf,omitempty"`
	Outcomes []string `json:"outcomes"`
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if !decodeBody(w, r, &req) {
		return
	}
	now := c.o.Now()
	ip := bot.ClientIP(r, c.o.TrustProxy)
	okIP, wait1 := c.ipLim.Allow(ip, now)
	okName, wait2 := c.nameLm.Allow(strings.ToLower(req.Name), now)
	if !okIP || !okName {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(wait1, wait2).Seconds())+1))
		writeError(w, http.StatusTooManyRequests, "too many login attempts; wait a minute")
		return
	}
	a, hash, ok, err := c.store.AdviserByName(r.Context(), req.Name)
	if err != nil {
		c.log.Error("console login", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	good := false
	if ok && !a.Disabled {
		good, _ = CheckPassword(hash, req.Password)
	} else {
		CheckPassword(c.dummyHash(), req.Password) // the same work either way
	}
	if !good {
		writeError(w, http.StatusUnauthorized, "wrong name or password")
		return
	}
	id, err1 := randomToken()
	csrf, err2 := randomToken()
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	if err := c.store.DeleteIdleSessions(r.Context(), now.Add(-c.o.Idle)); err != nil {
		c.log.Warn("console: deleting idle sessions", "err", err)
	}
	if err := c.store.CreateSession(r.Context(), hashID(id), bot.Session{Adviser: a.Name, CSRF: csrf, Created: now, Seen: now}); err != nil {
		c.log.Error("console session", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
	c.log.Info("adviser logged in", "adviser", a.Name)
	writeJSON(w, http.StatusOK, MeResponse{Name: a.Name, Display: a.Display, Role: a.Role, CSRF: csrf, Outcomes: c.svc.Outcomes()})
}

// dummyHash is the hash checked for unknown names.
func (c *Console) dummyHash() string {
	c.dummyOnce.Do(func() { c.dummy, _ = HashPassword("not a real password at all") })
	return c.dummy
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, u who) {
	if u.idHash != nil {
		c.store.DeleteSession(r.Context(), u.idHash)
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, map[string]string{"status": "logged out"})
}

func (c *Console) me(w http.ResponseWriter, r *http.Request, u who) {
	writeJSON(w, http.StatusOK, MeResponse{Name: u.Name, Display: u.Display, Role: u.Role, CSRF: u.csrf, Outcomes: c.svc.Outcomes()})
}

// QueueResponse is the desk: conversations and advisers' presence.
type QueueResponse struct {
	Queue    []bot.QueueEntry  `json:"queue"`
	Presence map[string]string `json:"presence"`
}

func (c *Console) queueView() QueueResponse {
	return QueueResponse{Queue: c.svc.Queue(), Presence: c.svc.Presence()}
}

func (c *Console) queue(w http.ResponseWriter, r *http.Request, u who) {
	writeJSON(w, http.StatusOK, c.queueView())
}

// ReviewsResponse is the "To review" list: conversations whose tier-2 safeguarding
// check-ins wait for an adviser's review, the oldest first.
type ReviewsResponse struct {
	Reviews []bot.Review `json:"reviews"`
}

func (c *Console) reviews(w http.ResponseWriter, r *http.Request, u who) {
	list, err := c.svc.Reviews(r.Context())
	if err != nil {
		c.log.Error("console reviews", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeJSON(w, http.StatusOK, ReviewsResponse{Reviews: list})
}

func (c *Console) presence(w http.ResponseWriter, r *http.Request, u who) {
	var req struct {
		Status string `json:"status"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if err := c.svc.SetPresence(r.Context(), u.Name, req.Status); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": req.Status})
}

func (c *Console) advisers(w http.ResponseWriter, r *http.Request, u who) {
	list, err := c.store.Advisers(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	pres := c.svc.Presence()
	type view struct {
		Name     string `json:"name"`
		Display  string `json:"display"`
		Presence string `json:"presence"`
	}
	out := []view{}
	for _, a := range list {
		if a.Disabled {
			continue
		}
		p := pres[a.Name]
		if p == "" {
			p = bot.PresenceOffline
		}
		out = append(out, view{a.Name, a.Display, p})
	}
	writeJSON(w, http.StatusOK, out)
}

func (c *Console) canned(w http.ResponseWriter, r *http.Request, u who) {
	list, err := c.store.CannedReplies(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (c *Console) saveCanned(w http.ResponseWriter, r *http.Request, u who) {
	var req bot.CannedReply
	if !decodeBody(w, r, &req) {
		return
	}
	req.Title, req.Text = strings.TrimSpace(req.Title), strings.TrimSpace(req.Text)
	if req.Title == "" || req.Text == "" || len(req.Title) > 200 || len(req.Text) > 4000 {
		writeError(w, http.StatusBadRequest, "a canned reply needs a title (up to 200 bytes) and a text (up to 4000)")
		return
	}
	saved, err := c.store.SaveCannedReply(r.Context(), req)
	if err != nil {
		writeError(w, http.StatusNotFound, "no such canned reply")
		return
	}
	writeJSON(w, http.StatusOK, saved)
}

func (c *Console) deleteCanned(w http.ResponseWriter, r *http.Request, u who) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad id")
		return
	}
	if err := c.store.DeleteCannedReply(r.Context(), id); err != nil {
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"deleted": id})
}

// mayRead says whether u may read a conversation: admins any; advisers those on the
// desk (queued, held, messages left).
func (c *Console) mayRead(u who, key string) bool {
	return u.admin() || c.svc.OnDesk(key)
}

// mayOpen is mayRead, and for advisers also a conversation flagged for review (read
// from the store, so only on a request for that one conversation).
func (c *Console) mayOpen(ctx context.Context, u who, key string) bool {
	if c.mayRead(u, key) {
		return true
	}
	under, err := c.svc.UnderReview(ctx, key)
	return err == nil && under
}

// mayWatch says whether a live event goes to u's stream: one of a conversation u may
// read, or the action that took it off the desk.
func (c *Console) mayWatch(u who, e transcripts.Event) bool {
	if c.mayRead(u, e.Conversation) {
		return true
	}
	a, ok := bot.ActionOf(e)
	// review flags and reviews carry no message: every adviser's "To review" list follows them
	return ok && (a.From == bot.StateQueued || a.From == bot.StateWithAdviser ||
		a.Action == bot.ActionReviewFlagged || a.Action == bot.ActionReviewed)
}

// EventView is a transcript event as the console shows it.
type EventView struct {
	bot.EventView
	Conversation string      `json:"conversation"`
	Adviser      string      `json:"adviser,omitempty"`
	Action       *bot.Action `json:"action,omitempty"`
}

func eventView(e transcripts.Event) EventView {
	v := EventView{EventView: bot.EventOf(e), Conversation: e.Conversation}
	if e.Kind == transcripts.KindAdviser || e.Kind == transcripts.KindNote {
		v.Adviser = e.Rule
	}
	if a, ok := bot.ActionOf(e); ok {
		v.Action = &a
		v.Adviser = a.Adviser
	}
	return v
}

// ConversationResponse is one conversation for the console.
type ConversationResponse struct {
	Key     string      `json:"key"`
	State   string      `json:"state"`
	Adviser string      `json:"adviser,omitempty"`
	Profile Profile     `json:"profile"`
	Events  []EventView `json:"events"`
}

func (c *Console) conversation(w http.ResponseWriter, r *http.Request, u who) {
	key := r.PathValue("key")
	if !c.mayOpen(r.Context(), u, key) {
		writeError(w, http.StatusNotFound, "no such conversation on the desk")
		return
	}
	conv, ok, err := c.store.Conversation(r.Context(), key)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, "no such conversation")
		return
	}
	evs, err := c.store.EventsAfter(r.Context(), key, 0, 0)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	out := ConversationResponse{Key: key, State: conv.State, Adviser: conv.Adviser, Profile: profileOf(conv, evs), Events: []EventView{}}
	for _, e := range evs {
		out.Events = append(out.Events, eventView(e))
	}
	writeJSON(w, http.StatusOK, out)
}

type actRequest struct {
	Text    string `json:"text,omitempty"`
	To      string `json:"to,omitempty"`
	Outcome string `json:"outcome,omitempty"`
}

// ActResponse is the result of an adviser action.
type ActResponse struct {
	State  string      `json:"state"`
	Events []EventView `json:"events"`
}

func (c *Console) act(w http.ResponseWriter, r *http.Request, u who) {
	key := r.PathValue("key")
	if !c.mayOpen(r.Context(), u, key) {
		writeError(w, http.StatusNotFound, "no such conversation on the desk")
		return
	}
	var req actRequest
	if !decodeBody(w, r, &req) {
		return
	}
	ctx := r.Context()
	holder := u.Name
	if u.admin() && u.idHash == nil {
		holder = "" // the API token acts for whoever holds it
	}
	var res bot.Result
	var err error
	switch r.PathValue("action") {
	case "claim":
		res, err = c.svc.Claim(ctx, key, u.Name, u.Display)
	case "reply":
		res, err = c.svc.Reply(ctx, key, holder, req.Text)
	case "note":
		res, err = c.svc.Note(ctx, key, u.Name, req.Text)
	case "transfer":
		res, err = c.svc.Transfer(ctx, key, holder, req.To)
	case "release":
		res, err = c.svc.ReleaseBy(ctx, key, holder)
	case "resolve":
		res, err = c.svc.Resolve(ctx, key, holder, req.Outcome)
	case "review":
		res, err = c.svc.MarkReviewed(ctx, key, u.Name, req.Text)
	default:
		writeError(w, http.StatusNotFound, "unknown action (claim, reply, note, transfer, release, resolve, review)")
		return
	}
	var ce *bot.ClaimedError
	switch {
	case errors.As(err, &ce):
		writeJSON(w, http.StatusConflict, map[string]string{"error": "already claimed by " + ce.By, "claimed_by": ce.By})
		return
	case errors.Is(err, bot.ErrNotHolder), errors.Is(err, bot.ErrNotQueued), errors.Is(err, bot.ErrNotFlagged):
		writeError(w, http.StatusConflict, err.Error())
		return
	case errors.Is(err, bot.ErrEmpty), errors.Is(err, bot.ErrBadOutcome), errors.Is(err, bot.ErrTooLarge):
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		c.log.Error("adviser action", "action", r.PathValue("action"), "conversation", key, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	out := ActResponse{State: res.State, Events: []EventView{}}
	for _, e := range res.Events {
		out.Events = append(out.Events, eventView(e))
	}
	writeJSON(w, http.StatusOK, out)
}

// stream sends live updates as server-sent events: "queue" (the desk) when it
// changes and every few seconds, "event" for each new transcript event of a
// conversation the caller may read. An open stream counts the adviser as online.
func (c *Console) stream(w http.ResponseWriter, r *http.Request, u who) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	events, cancel := c.svc.Bus().Subscribe("", 1024)
	defer cancel()
	if u.idHash != nil {
		c.online(r.Context(), u.Name)
		defer c.gone(u.Name)
	}
	send := func(kind string, v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", kind, b); err != nil {
			return false
		}
		fl.Flush()
		return true
	}
	if !send("queue", c.queueView()) {
		return
	}
	// The queue is sent when it changed, at most every quarter second (a burst of
	// handoffs is one update), and every 5 s for the waits.
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	soon := time.NewTicker(250 * time.Millisecond)
	defer soon.Stop()
	dirty := false
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			dirty = true
		case <-soon.C:
			if !dirty {
				continue
			}
			dirty = false
			if !send("queue", c.queueView()) {
				return
			}
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.Kind == transcripts.KindAction {
				dirty = true
			}
			if c.mayWatch(u, e) && !send("event", eventView(e)) {
				return
			}
		}
	}
}

func (c *Console) online(ctx context.Context, name string) {
	c.pmu.Lock()
	c.streams[name]++
	if t := c.timers[name]; t != nil {
		t.Stop()
		delete(c.timers, name)
	}
	c.pmu.Unlock()
	if c.svc.Presence()[name] != bot.PresenceAway {
		c.svc.SetPresence(context.WithoutCancel(ctx), name, bot.PresenceOnline)
	}
}

func (c *Console) gone(name string) {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	c.streams[name]--
	if c.streams[name] > 0 {
		return
	}
	delete(c.streams, name)
	c.timers[name] = time.AfterFunc(c.o.OfflineGrace, func() {
		c.pmu.Lock()
		still := c.streams[name] == 0
		delete(c.timers, name)
		c.pmu.Unlock()
		if still {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.svc.SetPresence(ctx, name, bot.PresenceOffline); err != nil {
				c.log.Warn("adviser offline", "adviser", name, "err", err)
			}
		}
	})
}
