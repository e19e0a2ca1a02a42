package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"gopkg.in/yaml.v3"
)

// serveFlags are the flags of `careersbot serve` (they win over the file and environment).
type serveFlags struct {
	config, addr, dataDir string
}

func parseServeFlags(name string, args []string, stderr io.Writer) (*serveFlags, *flag.FlagSet, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "YAML configuration file (see docs/operations.md)")
	fs.StringVar(&f.addr, "addr", "", "listen address, e.g. :8080 (env CAREERSBOT_ADDR)")
	fs.StringVar(&f.dataDir, "data-dir", "", "directory for the database (env CAREERSBOT_DATA_DIR)")
	return f, fs, nil
}

func channelNames() []string {
	var names []string
	for _, f := range channelFactories() {
		names = append(names, f.name)
	}
	return names
}

// resolveServeConfig applies defaults < file < environment < flags.
func resolveServeConfig(f serveFlags, getenv func(string) string) (serveConfig, error) {
	path := f.config
	if path == "" {
		path = getenv("CAREERSBOT_CONFIG")
	}
	cfg, err := loadServeConfig(path, channelNames())
	if err != nil {
		return cfg, err
	}
	if err := cfg.applyEnv(getenv); err != nil {
		return cfg, err
	}
	if f.addr != "" {
		cfg.Server.Addr = f.addr
	}
	if f.dataDir != "" {
		cfg.DataDir = f.dataDir
		if getenv("CAREERSBOT_DB_PATH") == "" && getenv("CAREERSBOT_DB_DSN") == "" && cfg.Storage.Driver != "postgres" {
			cfg.Storage.Path, cfg.Storage.DSN = "", ""
		}
	}
	return cfg, cfg.finish()
}

func newLogger(cfg logConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// server is a running careersbot service: storage, engine, service, channels, HTTP.
type server struct {
	cfg      serveConfig
	log      *slog.Logger
	store    serveStorage
	bus      serveBus
	svc      *bot.Service
	engine   *dialog.Engine
	lmi      *lmiBackend
	mux      *http.ServeMux
	adapters []bot.Adapter
	webchat  *webchat.Adapter // its connections are in /readyz
}

// serverTweaks let the in-process benchmark turn off what would distort it.
type serverTweaks struct {
	noRateLimits bool
	noChannels   bool
	responder    bot.Responder // replaces the engine when set
}

func newServer(ctx context.Context, cfg serveConfig, getenv func(string) string, log *slog.Logger, stderr io.Writer, tw serverTweaks) (*server, error) {
	if dialog.NLUDir(cfg.Rules.Dir) == "" {
		// compile the embedded understanding data on the other core while the LMI
		// snapshot loads (each ~25 ms); dialog.New waits for it
		go dialog.DefaultNLU()
	}
	// the database opens (and migrates) beside the engine's loading
	type opened struct {
		store serveStorage
		err   error
	}
	storec := make(chan opened, 1)
	go func() {
		st, err := openStorage(ctx, cfg, cfg.Storage.Migrate)
		storec <- opened{st, err}
	}()
	engine := func() (*lmiBackend, *dialog.Engine, error) {
		emb, err := openLMI(cfg.LMI.SocVolume1, stderr)
		if err != nil {
			return nil, nil, fmt.Errorf("lmi: %w", err)
		}
		// the place index (built on first use, ~25 ms) too, while the NLU compiles
		go emb.Regions(ctx)
		be, err := openLMIBackend(cfg.LMI, emb, log)
		if err != nil {
			return nil, nil, fmt.Errorf("lmi: %w", err)
		}
		eng, err := dialog.New(be.store, dialog.Options{RulesDir: cfg.Rules.Dir, Logger: log})
		if err != nil {
			return nil, nil, fmt.Errorf("rules: %w", err)
		}
		return be, eng, nil
	}
	be, eng, err := engine()
	op := <-storec
	if err != nil || op.err != nil {
		if op.store != nil {
			op.store.Close()
		}
		return nil, cmp.Or(err, op.err)
	}
	store := op.store
	bus, err := openBus(cfg, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	s := &server{cfg: cfg, log: log, store: store, bus: bus, engine: eng, lmi: be, mux: http.NewServeMux()}
	var responder bot.Responder = eng
	if tw.responder != nil {
		responder = tw.responder
	}
	s.svc = bot.New(store, responder, bot.Options{
		Logger:          log,
		Bus:             bus.bus,
		MaxMessageBytes: cfg.Server.MaxMessageBytes,
		MaxQueue:        cfg.Server.MaxQueue,
		Retention:       time.Duration(cfg.Transcripts.Retention),
		DedupWindow:     time.Duration(cfg.Transcripts.DedupWindow),
		HandoffTimeout:  time.Duration(cfg.Advisers.HandoffTimeout),
		Handoff:         bot.HandoffOptions{Hours: cfg.Advisers.hours, Outcomes: cfg.Advisers.Outcomes},
	})
	registerStorageMetrics(s.svc.Metrics(), store)
	ho := bot.HTTPOptions{
		AllowedOrigins:    cfg.Server.AllowedOrigins,
		IPLimit:           cfg.Server.RateLimits.PerIP,
		ConversationLimit: cfg.Server.RateLimits.PerConversation,
		AdminToken:        cfg.Admin.Token,
		TrustProxy:        cfg.Server.TrustProxy,
		OpenREST:          cfg.REST.Open,
		Ready: func(ctx context.Context) error {
			if s.engine == nil {
				return errors.New("engine not loaded")
			}
			return be.ready(ctx, cfg.LMI.Backend)
		},
		ReadyDetails: func(ctx context.Context) map[string]any {
			d := map[string]any{"lmi": be.health(ctx, cfg.LMI.Backend)}
			if s.webchat != nil {
				d["webchat"] = s.webchat.Status()
			}
			return d
		},
	}
	ho.APIKeys = store
	if cfg.REST.Open {
		log.Warn("rest.open is set: any client can use any REST conversation without an API key; for local development only")
	}
	if tw.noRateLimits {
		ho.IPLimit, ho.ConversationLimit = bot.RateLimit{}, bot.RateLimit{}
	}
	s.svc.Mount(s.mux, ho)
	registerLMIMetrics(s.svc.Metrics().Registry, be)
	if err := mountLMIAPI(s.mux, cfg, be, log, tw.noRateLimits); err != nil {
		store.Close()
		return nil, fmt.Errorf("lmi api: %w", err)
	}
	con, err := console.New(console.Options{Service: s.svc, Store: store, AdminToken: cfg.Admin.Token,
		Idle: time.Duration(cfg.Advisers.SessionIdle), TrustProxy: cfg.Server.TrustProxy, Logger: log.With("part", "console")})
	if err != nil {
		store.Close()
		return nil, err
	}
	con.Mount(s.mux)

	wc, err := webchat.New(webchat.Options{
		Title:           cfg.Webchat.Title,
		AgePrompt:       cfg.Webchat.AgePrompt,
		PrimaryColour:   cfg.Webchat.PrimaryColour,
		AllowedOrigins:  cfg.Server.AllowedOrigins,
		MaxMessageBytes: cfg.Server.MaxMessageBytes*6 + 1024,
		MaxConnections:  cfg.Webchat.MaxConnections,
		Logger:          log,
	}, bot.VisibleHistory{Store: store})
	if err != nil {
		s.closeStorage()
		return nil, fmt.Errorf("webchat: %w", err)
	}
	s.webchat = wc
	relayed, err := bus.relay(wc)
	if err != nil {
		s.closeStorage()
		return nil, fmt.Errorf("webchat: %w", err)
	}
	s.add(relayed)
	if !tw.noChannels {
		for _, f := range channelFactories() {
			var node *yaml.Node
			if n, ok := cfg.Channels[f.name]; ok {
				node = &n
			}
			a, err := f.build(node, getenv, channelDeps{Logger: log.With("channel", f.name), Service: s.svc})
			if err != nil {
				s.closeStorage()
				where := cfg.file
				if where == "" {
					where = "environment"
				}
				return nil, fmt.Errorf("%s: channels.%s: %w", where, f.name, err)
			}
			if a == nil {
				if node != nil {
					log.Info("channel configured but not enabled (no token)", "channel", f.name)
				}
				continue
			}
			s.add(a)
		}
	}
	return s, nil
}

func (s *server) add(a bot.Adapter) {
	s.adapters = append(s.adapters, a)
	s.svc.Register(a)
	if m, ok := a.(bot.HTTPMounter); ok {
		m.Mount(s.mux)
	}
}

// run serves on ln until ctx ends, then shuts down in order: stop taking HTTP requests,
// stop the channels, finish the messages in progress, close the database.
func (s *server) run(ctx context.Context, ln net.Listener) error {
	s.svc.Start()
	runCtx, stopChannels := context.WithCancel(context.WithoutCancel(ctx))
	defer stopChannels()
	var wg sync.WaitGroup
	errc := make(chan error, len(s.adapters)+1)
	for _, a := range s.adapters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.Run(runCtx, s.svc); err != nil && runCtx.Err() == nil {
				s.log.Error("channel stopped", "channel", a.Name(), "err", err)
			}
		}()
	}
	if s.cfg.Rules.Dir != "" && s.cfg.Rules.ReloadEvery > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.engine.Watch(runCtx, time.Duration(s.cfg.Rules.ReloadEvery))
		}()
	}
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Duration(s.cfg.Server.ReadTimeout),
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(s.cfg.Server.ShutdownTimeout))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	stopChannels()
	wg.Wait()
	if err := s.svc.Close(sctx); err != nil {
		s.log.Warn("service shutdown", "err", err)
	}
	if err := s.closeStorage(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// closeStorage closes the bus and the database.
func (s *server) closeStorage() error {
	if s.bus.close != nil {
		if err := s.bus.close(); err != nil {
			s.log.Warn("bus close", "err", err)
		}
	}
	return s.store.Close()
}

func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f, fs, _ := parseServeFlags("serve", args, stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", fs.Args())}
	}
	cfg, err := resolveServeConfig(*f, os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	raiseOpenFileLimit(log)
	// Loading allocates ~25 MB of which ~9 MB stays live. Unless GOGC is set, the
	// collector runs at a quarter of its usual frequency while it does (GOGC=400: two
	// collections instead of five or six, ~18% fewer instructions to ready) and at the
	// configured rate from then on; the start-up peak heap is higher for those tens of
	// milliseconds, and its pages are returned once serving (below).
	tuneGC := os.Getenv("GOGC") == ""
	var gcPercent int
	if tuneGC {
		gcPercent = debug.SetGCPercent(400)
	}
	s, err := newServer(ctx, cfg, os.Getenv, log, stderr, serverTweaks{})
	if tuneGC {
		debug.SetGCPercent(gcPercent)
	}
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		s.closeStorage()
		return fmt.Errorf("listen: %w", err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	fmt.Fprintf(stdout, "careersbot listening on http://%s\n", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
	// Loading allocated two to three times what stays live (the parsed YAML and
	// templates, the place index's working maps), and the runtime hands freed pages
	// back to the OS only slowly. Collect once and return them, beside serving (not before it), so
	// an idle server's RSS is what it holds, not its start-up peak.
	go debug.FreeOSMemory()
	log.Info("serving", "addr", ln.Addr().String(), "db", storageName(cfg), "bus", cfg.Bus.Driver, "channels", len(s.adapters))
	return s.run(ctx, newOutOfFilesListener(ln, log))
}
