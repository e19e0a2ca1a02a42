package dialog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// dirFingerprint hashes the names, sizes, modification times and contents of the
// rules and template files of a directory, so a reload happens only on change.
func dirFingerprint(dir string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && len(d.Name()) > 0 && d.Name()[0] == '.' {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".yaml", ".yml", ".tmpl":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", f, st.Size(), st.ModTime().UnixNano())
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// nluFingerprint is dirFingerprint of an NLU directory, "" for the embedded data.
func nluFingerprint(dir string) (string, error) {
	if dir == "" {
		return "", nil
	}
	return dirFingerprint(dir)
}

// Reload loads the rules directory again if its files changed. A broken edit keeps
// the rules in use, is logged, and is kept for LastReloadError. It reports whether a
// new rule set was swapped in.
func (e *Engine) Reload() (bool, error) {
	if e.opts.RulesDir == "" {
		return false, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	fp, err := dirFingerprint(e.opts.RulesDir)
	if err != nil {
		err = fmt.Errorf("rules: %w", err)
		e.lastErr.Store(&err)
		return false, err
	}
	if fp == e.fingerpri {
		return false, e.LastReloadError()
	}
	rs, err := LoadRules(e.opts.RulesDir)
	e.fingerpri = fp // do not retry the same broken files every poll
	var und *Understander
	nluFP := e.nluFP
	if err == nil && e.opts.Understander == nil {
		// the NLU files (rules dir/nlu) are retrained only when they changed
		dir := NLUDir(e.opts.RulesDir)
		if nluFP, err = nluFingerprint(dir); err == nil && nluFP != e.nluFP {
			var m *NLU
			if m, err = loadEngineNLU(e.opts.RulesDir); err == nil {
				und = NewUnderstanderNLU(e.store, m)
			}
		}
	}
	if err != nil {
		e.lastErr.Store(&err)
		e.log.Error("rules reload failed; keeping the previous rules and understanding", "dir", e.opts.RulesDir, "err", err)
		return false, err
	}
	if und != nil {
		e.uu.Store(und)
		e.nluFP = nluFP
		e.log.Info("understanding reloaded", "dir", NLUDir(e.opts.RulesDir), "intents", len(und.nlu.Data.Intents))
	}
	e.rules.Store(rs)
	e.lastErr.Store(nil)
	e.log.Info("rules reloaded", "dir", e.opts.RulesDir, "rules", len(rs.Rules), "warnings", len(rs.Warnings))
	for _, w := range rs.Warnings {
		e.log.Warn("rules", "warning", w.String())
	}
	return true, nil
}

// Watch polls the rules directory every interval and reloads it on change, until ctx
// ends. It returns ctx's error. Without a RulesDir there is nothing to watch.
func (e *Engine) Watch(ctx context.Context, interval time.Duration) error {
	if e.opts.RulesDir == "" {
		return errors.New("dialog: no rules directory to watch (embedded rules)")
	}
	if interval <= 0 {
		interval = 2 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			_, _ = e.Reload()
		}
	}
}
