package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/dialog/nlu"
	"github.com/careersbot/careersbot/lmi"
)

const nluUsage = "usage: careersbot nlu check [DIR] | nlu train [--out OUTDIR] [DIR] | nlu kfold [-k 5] [DIR]\n" +
	"DIR is an NLU directory (a rules directory's nlu/); without it, the embedded data"

// runNLU checks, trains and measures the understanding data (intents, examples, cues,
// safeguarding categories).
func runNLU(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{nluUsage}
	}
	fl := flag.NewFlagSet("nlu "+args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "", "train: the directory to write intents.model and safeguarding.model to (default DIR)")
	k := fl.Int("k", 5, "kfold: number of folds")
	rest, err := parseInterleaved(fl, args[1:])
	if err != nil || len(rest) > 1 {
		return usageError{nluUsage}
	}
	dir := ""
	if len(rest) == 1 {
		dir = rest[0]
	}
	m, err := loadNLUArg(dir, stdout)
	if err != nil {
		return err
	}
	switch args[0] {
	case "check":
		printNLUSummary(stdout, dir, m)
		return nil
	case "train":
		if *out == "" {
			if dir == "" {
				return usageError{"nlu train: give --out DIR for the embedded data (make nlu writes dialog/nlu/data)"}
			}
			*out = dir
		}
		store, err := lmi.LoadEmbedded()
		if err != nil {
			return err
		}
		files, err := dialog.TrainModels(store, m)
		if err != nil {
			return err
		}
		for _, name := range []string{"intents.model", "safeguarding.model"} {
			p := filepath.Join(*out, name)
			if err := os.WriteFile(p, files[name], 0o644); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", p, len(files[name]))
		}
		return nil
	case "kfold":
		if *k < 2 {
			return usageError{"nlu kfold: -k must be 2 or more"}
		}
		store, err := lmi.LoadEmbedded()
		if err != nil {
			return err
		}
		r := dialog.KFold(ctx, store, m, *k)
		fmt.Fprintf(stdout, "%d-fold over %d examples: classifier alone %.3f, cues + classifier %.3f\n", r.K, r.N, r.Alone, r.Combined)
		return nil
	}
	return usageError{fmt.Sprintf("unknown nlu command %q (check, train, kfold)", args[0])}
}

// loadNLUArg loads dir, or the embedded data when dir is "", printing every problem.
func loadNLUArg(dir string, stdout io.Writer) (*dialog.NLU, error) {
	var m *dialog.NLU
	var err error
	if dir == "" {
		m, err = dialog.LoadNLUFS(nlu.Default(), "nlu")
	} else {
		m, err = dialog.LoadNLU(dir)
	}
	if err != nil {
		var ne *nlu.Error
		if errors.As(err, &ne) {
			for _, p := range ne.Problems {
				fmt.Fprintln(stdout, "error:", p.String())
			}
			return nil, fmt.Errorf("%d error(s) in the NLU data", len(ne.Problems))
		}
		return nil, err
	}
	return m, nil
}

func printNLUSummary(w io.Writer, dir string, m *dialog.NLU) {
	if dir == "" {
		dir = "embedded NLU data"
	}
	d := m.Data
	ex, cues, pats := 0, 0, 0
	for _, in := range d.Intents {
		ex += len(in.Examples)
		cues += len(in.Cues)
	}
	sgEx := len(d.SafeExamples)
	for _, c := range d.Safeguarding {
		pats += len(c.Patterns)
		sgEx += len(c.Examples)
	}
	model := "trained at load"
	if m.HasModelFile() {
		model = "intents.model up to date"
	} else if d.Models["intents.model"] != nil {
		model = "intents.model out of date: trained at load (run careersbot nlu train)"
	}
	sgModel := "trained at load"
	if m.HasSafeguardingModelFile() {
		sgModel = "safeguarding.model up to date"
	}
	fmt.Fprintf(w, "%s: %d intents (%d cues, %d examples), %d safeguarding categories (%d patterns, %d idioms, %d examples); intent classifier %s; safeguarding classifier %s\n",
		dir, len(d.Intents), cues, ex, len(d.Safeguarding), pats, len(d.Idioms), sgEx, model, sgModel)
}
