package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/lmi"
)

// newEngine builds the dialogue engine over the embedded LMI store. volume1 is the
// ONS SOC 2020 Volume 1 CSV whose prose older readers and advisers may see
// (attributed); "" tries the default path and goes on without it if it is absent.
func newEngine(rulesDir, volume1 string) (*dialog.Engine, error) {
	store, err := lmi.LoadEmbedded()
	if err != nil {
		return nil, err
	}
	path := volume1
	if path == "" {
		if _, err := os.Stat(lmi.DefaultVolume1Path); err == nil {
			path = lmi.DefaultVolume1Path
		}
	}
	if path != "" {
		if _, err := store.LoadTexts(path); err != nil && volume1 != "" {
			return nil, err
		}
	}
	return dialog.New(store, dialog.Options{RulesDir: rulesDir})
}

// engineFlags are the flags every engine command shares.
type engineFlags struct {
	rules, volume1 *string
}

func addEngineFlags(fl *flag.FlagSet) engineFlags {
	return engineFlags{
		rules:   fl.String("rules", "", "rules directory (default: the embedded rules)"),
		volume1: fl.String("soc-volume1", "", "ONS SOC 2020 Volume 1 CSV for descriptions (default: "+lmi.DefaultVolume1Path+" if present)"),
	}
}

func (f engineFlags) engine() (*dialog.Engine, error) { return newEngine(*f.rules, *f.volume1) }

// interleaved lets flags follow positional arguments ("ask --json how much ...").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("ask", flag.ContinueOnError)
	fl.SetOutput(stderr)
	age := fl.Int("age", 0, "the person's age")
	loc := fl.String("location", "", "the person's town, postcode district or region")
	asJSON := fl.Bool("json", false, "print the reply (and the understanding) as JSON")
	explain := fl.Bool("explain", false, "also print why: the cues and the learned features that decided the intent")
	ef := addEngineFlags(fl)
	adviser := fl.Bool("adviser", false, "answer at adviser depth")
	rest, err := parseInterleaved(fl, args)
	if err != nil {
		return usageError{err.Error()}
	}
	text := strings.Join(rest, " ")
	if strings.TrimSpace(text) == "" {
		return usageError{"usage: careersbot ask [--age N] [--location TEXT] [--json] [--rules DIR] TEXT..."}
	}
	eng, err := ef.engine()
	if err != nil {
		return err
	}
	in := dialog.Input{Text: text, Age: *age, Location: *loc, Adviser: *adviser}
	reply, _, rerr := eng.Respond(ctx, dialog.State{}, in)
	if rerr != nil && reply.Text == "" {
		return rerr
	}
	defer func() {
		if rerr != nil {
			fmt.Fprintln(stderr, "careersbot ask: warning:", rerr)
		}
	}()
	if *asJSON {
		u := eng.Understand(ctx, text)
		out := struct {
			dialog.Reply
			Understanding dialog.Understanding `json:"understanding"`
			Explanation   *dialog.Explanation  `json:"explanation,omitempty"`
		}{reply, u, nil}
		if *explain {
			ex := eng.Explain(ctx, text)
			out.Explanation = &ex
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printReply(stdout, reply)
	if *explain {
		fmt.Fprintln(stdout, "\n--- why")
		fmt.Fprint(stdout, eng.Explain(ctx, text).String())
	}
	return nil
}

// printReply shows a reply in a terminal: text, cards, charts as text, numbered buttons.
func printReply(w io.Writer, r dialog.Reply) {
	fmt.Fprintln(w, r.Text)
	for _, c := range r.Cards {
		fmt.Fprintf(w, "\n[%s]", c.Title)
		if c.Subtitle != "" {
			fmt.Fprintf(w, " %s", c.Subtitle)
		}
		fmt.Fprintln(w)
		for _, f := range c.Fields {
			fmt.Fprintf(w, "  %s: %s\n", f.Label, f.Value)
		}
		if c.Footer != "" {
			fmt.Fprintf(w, "  %s\n", c.Footer)
		}
	}
	for _, c := range r.Charts {
		fmt.Fprintf(w, "\n(chart) %s\n", c.AltText)
	}
	if len(r.Buttons) > 0 {
		fmt.Fprintln(w)
		for i, b := range r.Buttons {
			fmt.Fprintf(w, "  %d) %s\n", i+1, b.Label)
		}
	}
	if r.Handoff {
		fmt.Fprintln(w, "\n(handed to a careers adviser)")
	}
}

// evalLine is one input line of `careersbot eval`.
type evalLine struct {
	ID       json.RawMessage `json:"id"`
	Text     *string         `json:"text"`
	Age      int             `json:"age"`
	Location string          `json:"location"`
}

type evalOcc struct {
	SOC2020 string `json:"soc2020"`
	SOC2010 string `json:"soc2010"`
	Title   string `json:"title"`
}

type evalOut struct {
	ID          json.RawMessage `json:"id"`
	Intent      string          `json:"intent,omitempty"`
	Occupations []evalOcc       `json:"occupations"`
	Region      string          `json:"region"`
	Depth       string          `json:"depth,omitempty"`
	Reply       string          `json:"reply"`
	Buttons     []dialog.Button `json:"buttons"`
	Handoff     bool            `json:"handoff"`
	// Safeguarding is "tier1" when the reply escalated a disclosure, "tier2" when it
	// checked in on a possible risk (flagged for an adviser's review), else "".
	Safeguarding string `json:"safeguarding"`
	// Clarify is set when the reply asked what was meant instead of answering, so
	// measurements can count clarifications apart from errors.
	Clarify bool     `json:"clarify,omitempty"`
	Sources []string `json:"sources"`
	Error   string   `json:"error,omitempty"`
}

func runEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("eval", flag.ContinueOnError)
	fl.SetOutput(stderr)
	ef := addEngineFlags(fl)
	if err := fl.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	eng, err := ef.engine()
	if err != nil {
		return err
	}
	return evalStream(ctx, eng, stdin, stdout)
}

// evalStream answers each JSON line of r with one JSON line on w, in order. A bad line
// gives a line with "error" and its id (or line number); it never stops the stream.
func evalStream(ctx context.Context, eng *dialog.Engine, r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		out := evalOne(ctx, eng, line, n)
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		enc.Encode(evalOut{ID: json.RawMessage(strconv.Itoa(n + 1)), Error: "reading input: " + err.Error(), Occupations: []evalOcc{}, Sources: []string{}})
		return err
	}
	return nil
}

func evalOne(ctx context.Context, eng *dialog.Engine, line string, n int) (out evalOut) {
	out = evalOut{ID: json.RawMessage(strconv.Itoa(n)), Occupations: []evalOcc{}, Sources: []string{}, Buttons: []dialog.Button{}}
	defer func() {
		if p := recover(); p != nil {
			out.Error = fmt.Sprintf("internal error: %v", p)
		}
	}()
	// Decode field by field, so a bad field still reports the line's id.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &fields); err != nil {
		out.Error = "bad input line: " + err.Error()
		return out
	}
	if id, ok := fields["id"]; ok && string(id) != "null" {
		out.ID = id
	}
	var in evalLine
	for name, dst := range map[string]any{"text": &in.Text, "age": &in.Age, "location": &in.Location} {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			out.Error = fmt.Sprintf("bad input line: %q: %v", name, err)
			return out
		}
	}
	if in.Text == nil {
		out.Error = `bad input line: no "text"`
		return out
	}
	if in.Age < 0 || in.Age > 120 {
		out.Error = fmt.Sprintf("bad input line: age %d out of range", in.Age)
		return out
	}
	reply, _, err := eng.Respond(ctx, dialog.State{}, dialog.Input{Text: *in.Text, Age: in.Age, Location: in.Location})
	if err != nil {
		out.Error = err.Error()
	}
	out.Intent = reply.Intent
	for _, m := range reply.Occupations {
		out.Occupations = append(out.Occupations, evalOcc{m.SOC2020, m.SOC2010, m.Title})
	}
	out.Region = reply.Region
	out.Depth = reply.Depth
	out.Reply = reply.Text
	if reply.Buttons != nil {
		out.Buttons = reply.Buttons
	}
	out.Handoff = reply.Handoff
	out.Clarify = reply.Clarify
	switch {
	case reply.Safeguarding:
		out.Safeguarding = "tier1"
	case reply.Review:
		out.Safeguarding = "tier2"
	}
	if reply.Sources != nil {
		out.Sources = reply.Sources
	}
	return out
}

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("chat", flag.ContinueOnError)
	fl.SetOutput(stderr)
	age := fl.Int("age", 0, "the person's age")
	loc := fl.String("location", "", "the person's town, postcode district or region")
	ef := addEngineFlags(fl)
	adviser := fl.Bool("adviser", false, "answer at adviser depth")
	if err := fl.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	eng, err := ef.engine()
	if err != nil {
		return err
	}
	return chatLoop(ctx, eng, dialog.Input{Age: *age, Location: *loc, Adviser: *adviser}, stdin, stdout)
}

// chatLoop runs a terminal conversation: a line in, a reply out; typing a button's
// number presses it; /quit ends.
func chatLoop(ctx context.Context, eng *dialog.Engine, base dialog.Input, stdin io.Reader, stdout io.Writer) error {
	fmt.Fprintln(stdout, "careersbot: ask me about jobs. Type a number to press a button, /quit to leave.")
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var st dialog.State
	var buttons []dialog.Button
	first := true
	for {
		fmt.Fprint(stdout, "> ")
		if !sc.Scan() {
			fmt.Fprintln(stdout)
			return sc.Err()
		}
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line == "/quit" || line == "/exit" {
			return nil
		}
		in := dialog.Input{Text: line, Adviser: base.Adviser}
		if first {
			in.Age, in.Location = base.Age, base.Location
			first = false
		}
		if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(buttons) {
			in.Button = buttons[n-1].Value
			in.Text = buttons[n-1].Label
		} else if strings.HasPrefix(line, "/") {
			in.Command = strings.TrimPrefix(line, "/")
			in.Text = ""
		}
		reply, next, err := eng.Respond(ctx, st, in)
		if err != nil {
			fmt.Fprintln(stdout, "(error:", err, ")")
		}
		st = next
		buttons = reply.Buttons
		printReply(stdout, reply)
	}
}

func runTest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("test", flag.ContinueOnError)
	fl.SetOutput(stderr)
	ef := addEngineFlags(fl)
	verbose := fl.Bool("v", false, "print every turn")
	rest, err := parseInterleaved(fl, args)
	if err != nil {
		return usageError{err.Error()}
	}
	if len(rest) != 1 {
		return usageError{"usage: careersbot test [--rules DIR] [-v] DIR"}
	}
	eng, err := ef.engine()
	if err != nil {
		return err
	}
	res, err := dialog.RunConversationDir(ctx, eng, rest[0], stdout, *verbose)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", res.Passed, res.Failed)
	if res.Failed > 0 {
		return errors.New("conversation tests failed")
	}
	return nil
}

func runRules(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"usage: careersbot rules check DIR | careersbot rules export DIR"}
	}
	switch args[0] {
	case "check":
		if len(args) != 2 {
			return usageError{"usage: careersbot rules check DIR"}
		}
		rs, err := dialog.LoadRules(args[1])
		if err != nil {
			var le *dialog.LoadError
			if errors.As(err, &le) {
				for _, d := range le.Errors {
					fmt.Fprintln(stdout, "error:", d.String())
				}
				return fmt.Errorf("%d error(s) in %s", len(le.Errors), args[1])
			}
			return err
		}
		for _, w := range rs.Warnings {
			fmt.Fprintln(stdout, "warning:", w.String())
		}
		fmt.Fprintf(stdout, "%s: %d rules in %d files, %d warnings\n", args[1], len(rs.Rules), len(rs.Files), len(rs.Warnings))
		// the understanding data: DIR/nlu when there is one, else the embedded data
		m, err := loadNLUArg(dialog.NLUDir(args[1]), stdout)
		if err != nil {
			return err
		}
		printNLUSummary(stdout, dialog.NLUDir(args[1]), m)
		return nil
	case "export":
		if len(args) != 2 {
			return usageError{"usage: careersbot rules export DIR"}
		}
		return exportRules(args[1], stdout)
	}
	return usageError{fmt.Sprintf("unknown rules command %q (check, export)", args[0])}
}

// exportRules copies the embedded default rules and templates into dir, refusing to
// overwrite files that exist.
func exportRules(dir string, stdout io.Writer) error {
	src := dialog.DefaultRules()
	return fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "rules/")
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Stat(dst); err == nil {
			return fmt.Errorf("%s exists; not overwriting", dst)
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", dst)
		return nil
	})
}
