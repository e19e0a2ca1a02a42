package dialog

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/careersbot/careersbot/dialog/nlu"
)

// NLU is compiled understanding data (package nlu): the intent cues, the safeguarding
// patterns with their tiers, and the classifiers learned from the examples. It is
// immutable once built and shared by every Understander made from it.
type NLU struct {
	Data *nlu.Data
	cues *ucMatcher
	sg   *sgTables
}

// sgTables are the compiled safeguarding patterns: phrase.slot is the category's rank
// (most serious first, in file order) and phrase.weight its tier (1 or 2).
type sgTables struct {
	m     *ucMatcher
	cats  []string // by rank
	ranks int
}

// LoadNLU loads and compiles an NLU directory (see package nlu). Errors are an *nlu.Error
// naming file:line:col for every problem, the phrase syntax's included.
func LoadNLU(dir string) (*NLU, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("nlu: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("nlu: %s is not a directory", dir)
	}
	d, err := nlu.Load(os.DirFS(dir), dir)
	if err != nil {
		return nil, err
	}
	return CompileNLU(d)
}

// LoadNLUFS is LoadNLU over a file system (label names it in errors).
func LoadNLUFS(fsys fs.FS, label string) (*NLU, error) {
	d, err := nlu.Load(fsys, label)
	if err != nil {
		return nil, err
	}
	return CompileNLU(d)
}

// NLUDir is where a rules directory keeps its NLU files: the subdirectory nlu/, which the
// rules loader skips. It returns "" when there is none (the embedded data is used).
func NLUDir(rulesDir string) string {
	if rulesDir == "" {
		return ""
	}
	d := filepath.Join(rulesDir, "nlu")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

// DefaultNLU is the embedded NLU data, compiled once. A broken embedded file is a
// programming error caught by the package tests.
var DefaultNLU = sync.OnceValue(func() *NLU {
	m, err := LoadNLUFS(nlu.Default(), "dialog/nlu/data")
	if err != nil {
		panic(err)
	}
	return m
})

// CompileNLU compiles loaded data: every pattern with the phrase syntax, every intent
// checked against the intents the engine answers, and the classifiers trained.
func CompileNLU(d *nlu.Data) (*NLU, error) {
	var probs []nlu.Problem
	bad := func(pos nlu.Pos, format string, args ...any) {
		probs = append(probs, nlu.Problem{Pos: pos, Message: fmt.Sprintf(format, args...)})
	}
	var cues []ucPatternSpec
	known := map[string]bool{IntentUnknown: true, IntentSafeguarding: true}
	for _, in := range ucAllIntents {
		known[in] = true
	}
	for _, in := range d.Intents {
		if !known[in.Name] {
			bad(in.Pos, "unknown intent %q (known: %s, unknown, safeguarding)", in.Name, strings.Join(ucAllIntents[:], ", "))
			continue
		}
		for _, c := range in.Cues {
			if in.Name == IntentUnknown || in.Name == IntentSafeguarding {
				bad(c.Pos, "intent %s takes examples only, no cues", in.Name)
				continue
			}
			sp := ucPatternSpec{pattern: c.Pattern, label: in.Name, weight: c.Weight}
			for _, f := range c.Flags {
				switch f {
				case "need_occ":
					sp.flags |= ucNeedOcc
				case "no_occ":
					sp.flags |= ucNoOcc
				case "need_2occ":
					sp.flags |= ucNeed2Occ
				}
			}
			if _, err := ucCompile([]ucPatternSpec{sp}); err != nil {
				bad(c.Pos, "%s", strings.TrimPrefix(err.Error(), "dialog: "))
				continue
			}
			cues = append(cues, sp)
		}
	}
	var sg []ucPatternSpec
	sgt := &sgTables{}
	for rank, c := range d.Safeguarding {
		sgt.cats = append(sgt.cats, c.Name)
		for _, p := range c.Patterns {
			tier := p.Tier
			if tier == 0 {
				tier = c.Tier
			}
			sp := ucPatternSpec{pattern: p.Pattern, label: c.Name, weight: float64(tier), flags: sgFlagBits(p.Flags)}
			if _, err := ucCompile([]ucPatternSpec{sp}); err != nil {
				bad(p.Pos, "%s", strings.TrimPrefix(err.Error(), "dialog: "))
				continue
			}
			sp.slot = rank
			sg = append(sg, sp)
		}
	}
	for _, p := range d.Idioms {
		sp := ucPatternSpec{pattern: p.Pattern, label: sgIdiom, flags: sgFlagBits(p.Flags)}
		if _, err := ucCompile([]ucPatternSpec{sp}); err != nil {
			bad(p.Pos, "%s", strings.TrimPrefix(err.Error(), "dialog: "))
			continue
		}
		sp.slot = len(d.Safeguarding)
		sg = append(sg, sp)
	}
	if len(probs) > 0 {
		return nil, &nlu.Error{Problems: probs}
	}
	m := &NLU{Data: d, cues: ucMustCompile(cues)}
	for i := range m.cues.phrases {
		m.cues.phrases[i].slot = ucIntentIndex(m.cues.phrases[i].label)
	}
	sgt.m = ucMustCompile(sg)
	sgt.ranks = len(d.Safeguarding)
	m.sg = sgt
	return m, nil
}

func sgFlagBits(flags []string) uint32 {
	var b uint32
	for _, f := range flags {
		switch f {
		case "weak":
			b |= sgWeak
		case "negatable":
			b |= sgNegatable
		case "over_idiom":
			b |= sgOverIdiom
		case "careers_moot":
			b |= sgCareersMoot
		}
	}
	return b
}
