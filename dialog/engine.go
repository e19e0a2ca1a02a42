// Package dialog is careersbot's dialogue engine: it understands one message (intent,
// job titles, places, age, interests, safeguarding), resolves it against the
// conversation so far (pending questions, follow-ups, the person's profile), picks a
// rule from editable YAML rules files, and renders the reply from editable templates
// with real labour market information, pitched at the person's age, every figure with
// its source and year.
//
// The engine is pure: Respond maps (state, input) to (reply, new state) and does no
// I/O but reading the LMI store. Safeguarding runs first on every message.
package dialog

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/careersbot/careersbot/lmi"
)

//go:embed rules/*.yaml templates/*.tmpl
var defaultFS embed.FS

// DefaultRules returns the embedded default rules and templates (rules/*.yaml and
// templates/*.tmpl), e.g. to copy them out for a careers service to edit.
func DefaultRules() fs.FS { return defaultFS }

// Options configure an Engine.
type Options struct {
	// RulesDir is a directory of *.yaml rules files and optional *.tmpl templates (which
	// override the embedded ones by name). Empty: the embedded defaults.
	RulesDir string
	// Logger receives reload notices; nil means slog.Default().
	Logger *slog.Logger
	// Understander replaces the default NewUnderstander(store) (tests).
	Understander interface {
		Understand(ctx context.Context, text string) Understanding
	}
	// FeedbackAfter is the informative answer after which "was this helpful?" is asked
	// once; 0 means 3, negative never.
	FeedbackAfter int
}

// Engine is the dialogue engine. It is safe for concurrent use; Respond is lock-free.
type Engine struct {
	store lmi.Store
	// uu is the understander built from the NLU data in use (nil when
	// Options.Understander replaces it); a reload of the NLU files swaps it.
	uu      atomic.Pointer[Understander]
	nluFP   string // fingerprint of the NLU directory loaded
	opts    Options
	log     *slog.Logger
	rules   atomic.Pointer[RuleSet]
	sources map[string]lmi.Source
	regions map[string]lmi.Region
	cache   lmiCache
	labels  srcLabels       // source labels by id, year and depth
	values  memo[[2]string] // button values by intent and code

	mu        sync.Mutex // guards reload bookkeeping (not Respond)
	lastErr   atomic.Pointer[error]
	fingerpri string
}

// New builds an engine over a store, loading the embedded default rules and templates
// or those in opts.RulesDir. A broken rules directory is an error naming file, line
// and column.
func New(store lmi.Store, opts Options) (*Engine, error) {
	if store == nil {
		return nil, errors.New("dialog: nil store")
	}
	e := &Engine{store: store, opts: opts, log: opts.Logger}
	if e.log == nil {
		e.log = slog.Default()
	}
	if opts.Understander == nil {
		m, err := loadEngineNLU(opts.RulesDir)
		if err != nil {
			return nil, err
		}
		e.uu.Store(NewUnderstanderNLU(store, m))
		if e.nluFP, err = nluFingerprint(NLUDir(opts.RulesDir)); err != nil {
			return nil, fmt.Errorf("nlu: %w", err)
		}
	}
	ctx := context.Background()
	e.sources = map[string]lmi.Source{}
	if srcs, err := store.Sources(ctx); err == nil {
		for _, s := range srcs {
			e.sources[s.ID] = s
		}
	}
	e.regions = map[string]lmi.Region{}
	if regs, err := store.Regions(ctx); err == nil {
		for _, r := range regs {
			e.regions[r.Name] = r
		}
	}
	rs, fp, err := e.load()
	if err != nil {
		return nil, err
	}
	e.rules.Store(rs)
	e.fingerpri = fp
	return e, nil
}

func (e *Engine) load() (*RuleSet, string, error) {
	if e.opts.RulesDir == "" {
		sub, _ := fs.Sub(defaultFS, "rules")
		// the embedded rules and templates are part of the binary: their dry run is
		// TestEmbeddedRulesDryRun, not ~10 ms of every start
		rs, err := loadRuleSet(sub, "rules", defaultFS, false)
		return rs, "", err
	}
	fp, err := dirFingerprint(e.opts.RulesDir)
	if err != nil {
		return nil, "", fmt.Errorf("rules: %w", err)
	}
	rs, err := LoadRules(e.opts.RulesDir)
	return rs, fp, err
}

// LoadRules loads and compiles a rules directory (templates not defined there come
// from the embedded defaults). Errors are a *LoadError listing file:line:col.
func LoadRules(dir string) (*RuleSet, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("rules: %s is not a directory", dir)
	}
	return loadRuleSet(os.DirFS(dir), dir, defaultFS, true)
}

// Rules returns the rule set in use.
func (e *Engine) Rules() *RuleSet { return e.rules.Load() }

// LastReloadError is the error of the last reload attempt, nil when it succeeded.
func (e *Engine) LastReloadError() error {
	if p := e.lastErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Understand runs the understanding step alone (for `careersbot ask --json`).
func (e *Engine) Understand(ctx context.Context, text string) Understanding {
	if uu := e.uu.Load(); uu != nil {
		return uu.Understand(ctx, clipText(text))
	}
	return e.opts.Understander.Understand(ctx, clipText(text))
}

// Explain understands text and says why (for `careersbot ask --explain`): with a custom
// Understander only the understanding is given.
func (e *Engine) Explain(ctx context.Context, text string) Explanation {
	if uu := e.uu.Load(); uu != nil {
		return uu.Explain(ctx, clipText(text))
	}
	return Explanation{Understanding: e.Understand(ctx, text)}
}

// nluData is the NLU data in use: the engine's own, or the embedded data when a custom
// Understander replaces it.
func (e *Engine) nluData() *NLU {
	if uu := e.uu.Load(); uu != nil {
		return uu.nlu
	}
	return DefaultNLU()
}

// loadEngineNLU loads rulesDir/nlu when it exists, else the embedded NLU data.
func loadEngineNLU(rulesDir string) (*NLU, error) {
	if d := NLUDir(rulesDir); d != "" {
		return LoadNLU(d)
	}
	return DefaultNLU(), nil
}

// maxUnderstand caps how much of a message the understanding step reads; the
// safeguarding gate always reads all of it.
const maxUnderstand = 2000

func clipText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	if len(s) > maxUnderstand {
		cut := maxUnderstand
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	return s
}

// depthFor picks the reply depth. No known age: DepthTeen, the plain middle register
// that every age 11-24 can read (documented in docs/rules.md).
func depthFor(age int, adviser bool) string {
	if adviser {
		return DepthAdviser
	}
	if g := ageGroup(age); g != "" {
		return g
	}
	return DepthTeen
}

func ageGroup(age int) string {
	switch {
	case age <= 0:
		return ""
	case age <= 13:
		return DepthYoung
	case age <= 16:
		return DepthTeen
	case age <= 19:
		return DepthOlder
	default:
		return DepthAdult
	}
}

// copyState returns a deep copy so Respond never mutates its caller's slices.
func copyState(st State) State {
	out := st
	out.Profile.Interests = append([]string(nil), st.Profile.Interests...)
	out.Profile.Subjects = append([]string(nil), st.Profile.Subjects...)
	out.Profile.Skills = append([]string(nil), st.Profile.Skills...)
	out.LastOccupations = append([]string(nil), st.LastOccupations...)
	out.LastOccupationNames = append([]string(nil), st.LastOccupationNames...)
	out.ExplainedTerms = append([]string(nil), st.ExplainedTerms...)
	out.Offered = append([]Button(nil), st.Offered...)
	if st.Slots != nil {
		out.Slots = make(map[string]string, len(st.Slots))
		for k, v := range st.Slots {
			out.Slots[k] = v
		}
	}
	if st.Pending != nil {
		p := *st.Pending
		p.Options = append([]string(nil), st.Pending.Options...)
		out.Pending = &p
	}
	return out
}
