package dialog

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Conversation tests (*.conv files) script a conversation and check each reply:
//
//	# a comment
//	age: 12                 sets the age given with the first message (header)
//	location: Leeds         sets the location given with the first message (header)
//	adviser: true           replies at adviser depth (header)
//	user: how much do nurses earn
//	bot: intent=pay
//	bot: contains "£"
//	bot: last_card "Was this helpful?"  (the last card's title)
//	bot: matches /about £[0-9,]+/
//	bot: handoff            (or: not handoff; safeguarding; feedback=yes; ask_feedback)
//	bot: slot region=London (profile fields age, region, place, district, age_group;
//	                         pending, last_intent, fallbacks; else State.Slots)
//	bot: button "Yes"       a button with this label
//	bot: occupation=2237    the reply is about this SOC 2020 code
//	bot: region=London      Reply.Region; depth=13_and_under; rule=NAME; pending=place
//	press: Yes              press the last reply's button with this label
//	command: start          a channel command
//	---                     start a new conversation in the same file
//
// Any expectation may start with "not ".

// ConvResult counts conversations that passed and failed.
type ConvResult struct {
	Passed, Failed int
	Failures       []string
}

type convStep struct {
	line   int
	kind   string // user, press, command, bot
	arg    string
	header map[string]string
}

type conversation struct {
	file   string
	line   int
	header map[string]string
	steps  []convStep
}

// ParseConversations reads a .conv file into conversations.
func parseConversations(name string, r io.Reader) ([]conversation, error) {
	var out []conversation
	cur := conversation{file: name, line: 1, header: map[string]string{}}
	sc := bufio.NewScanner(r)
	n := 0
	flush := func() {
		if len(cur.steps) > 0 {
			out = append(out, cur)
		}
	}
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "---" {
			flush()
			cur = conversation{file: name, line: n + 1, header: map[string]string{}}
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"user: ...\", \"bot: ...\", \"press: ...\" or a header", name, n)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "age", "location", "adviser":
			if len(cur.steps) > 0 {
				return nil, fmt.Errorf("%s:%d: header %q must come before the first turn", name, n, key)
			}
			cur.header[key] = val
		case "user", "press", "command", "bot", "button":
			if key == "bot" && (len(cur.steps) == 0) {
				return nil, fmt.Errorf("%s:%d: bot: expectation before any user turn", name, n)
			}
			if key == "bot" {
				if err := checkExpectation(val); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", name, n, err)
				}
			}
			cur.steps = append(cur.steps, convStep{line: n, kind: key, arg: val})
		default:
			return nil, fmt.Errorf("%s:%d: unknown line kind %q", name, n, key)
		}
	}
	flush()
	return out, sc.Err()
}

var expectRe = regexp.MustCompile(`^(not\s+)?(contains\s+"(.*)"|matches\s+/(.*)/|button\s+"(.*)"|slot\s+([a-z_]+)=(.*)|([a-z_]+)=(.*)|handoff|safeguarding|review|ask_feedback|no_buttons|cards|charts|last_card\s+"(.*)")$`)

func checkExpectation(s string) error {
	m := expectRe.FindStringSubmatch(s)
	if m == nil {
		return fmt.Errorf("unknown expectation %q", s)
	}
	if m[4] != "" {
		if _, err := regexp.Compile(m[4]); err != nil {
			return fmt.Errorf("bad regexp in %q: %w", s, err)
		}
	}
	switch m[8] {
	case "", "intent", "depth", "region", "rule", "pending", "occupation", "feedback", "sources", "source":
	default:
		return fmt.Errorf("unknown field %q in %q", m[8], s)
	}
	return nil
}

// expect checks one expectation against a reply and state; "" means it held.
func expect(s string, r Reply, st State) string {
	m := expectRe.FindStringSubmatch(s)
	neg := m[1] != ""
	var ok bool
	var got string
	switch {
	case strings.HasPrefix(m[2], "contains"):
		ok = strings.Contains(strings.ToLower(r.Text), strings.ToLower(m[3]))
		got = r.Text
	case strings.HasPrefix(m[2], "last_card"):
		ok = len(r.Cards) > 0 && strings.EqualFold(r.Cards[len(r.Cards)-1].Title, m[10])
		if len(r.Cards) > 0 {
			got = r.Cards[len(r.Cards)-1].Title
		}
	case strings.HasPrefix(m[2], "matches"):
		ok = regexp.MustCompile(m[4]).MatchString(r.Text)
		got = r.Text
	case strings.HasPrefix(m[2], "button"):
		ok = slices.ContainsFunc(r.Buttons, func(b Button) bool { return strings.EqualFold(b.Label, m[5]) })
		got = fmt.Sprint(buttonLabels(r.Buttons))
	case strings.HasPrefix(m[2], "slot"):
		got = stateField(st, m[6])
		ok = strings.EqualFold(got, m[7])
	case m[8] != "":
		want := m[9]
		switch m[8] {
		case "intent":
			got = r.Intent
		case "depth":
			got = r.Depth
		case "region":
			got = r.Region
		case "rule":
			got = r.Rule
		case "pending":
			got = r.Pending
		case "feedback":
			got = r.Feedback
		case "source", "sources":
			got = strings.Join(r.Sources, ",")
			ok = slices.Contains(r.Sources, want)
		case "occupation":
			var codes []string
			for _, o := range r.Occupations {
				codes = append(codes, o.SOC2020)
			}
			got = strings.Join(codes, ",")
			ok = slices.Contains(codes, want)
		}
		if m[8] != "occupation" && m[8] != "source" && m[8] != "sources" {
			ok = strings.EqualFold(got, want)
		}
	case m[2] == "handoff":
		ok, got = r.Handoff, strconv.FormatBool(r.Handoff)
	case m[2] == "safeguarding":
		ok, got = r.Safeguarding, strconv.FormatBool(r.Safeguarding)
	case m[2] == "review":
		ok, got = r.Review, strconv.FormatBool(r.Review)
	case m[2] == "ask_feedback":
		ok, got = r.AskFeedback, strconv.FormatBool(r.AskFeedback)
	case m[2] == "no_buttons":
		ok, got = len(r.Buttons) == 0, fmt.Sprint(buttonLabels(r.Buttons))
	case m[2] == "cards":
		ok, got = len(r.Cards) > 0, strconv.Itoa(len(r.Cards))+" cards"
	case m[2] == "charts":
		ok, got = len(r.Charts) > 0, strconv.Itoa(len(r.Charts))+" charts"
	}
	if ok != neg {
		return ""
	}
	if len(got) > 300 {
		got = got[:300] + "..."
	}
	return fmt.Sprintf("expected %s; got %q", s, got)
}

func buttonLabels(bs []Button) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Label
	}
	return out
}

func stateField(st State, name string) string {
	switch name {
	case "age":
		return strconv.Itoa(st.Profile.Age)
	case "age_group":
		return st.Profile.AgeGroup
	case "region":
		return st.Profile.Region
	case "place":
		return st.Profile.Place
	case "district":
		return st.Profile.District
	case "qual_level":
		return st.Profile.QualLevel
	case "interests":
		return strings.Join(st.Profile.Interests, ",")
	case "pending":
		if st.Pending == nil {
			return ""
		}
		return st.Pending.Slot
	case "last_intent":
		return st.LastIntent
	case "last_occupations":
		return strings.Join(st.LastOccupations, ",")
	case "fallbacks":
		return strconv.Itoa(st.Fallbacks)
	case "explained":
		return strings.Join(st.ExplainedTerms, ",")
	}
	return st.Slots[name]
}

// runConversation plays one conversation; it returns failure messages.
func runConversation(ctx context.Context, e *Engine, c conversation, w io.Writer, verbose bool) []string {
	var fails []string
	var st State
	var last Reply
	started := false
	first := true
	for _, s := range c.steps {
		if s.kind == "bot" {
			if !started {
				continue
			}
			if msg := expect(s.arg, last, st); msg != "" {
				fails = append(fails, fmt.Sprintf("%s:%d: %s", c.file, s.line, msg))
			}
			continue
		}
		in := Input{Adviser: c.header["adviser"] == "true"}
		if first {
			in.Age, _ = strconv.Atoi(c.header["age"])
			in.Location = c.header["location"]
			first = false
		}
		switch s.kind {
		case "user":
			in.Text = s.arg
		case "command":
			in.Command = s.arg
		case "press", "button":
			i := slices.IndexFunc(last.Buttons, func(b Button) bool { return strings.EqualFold(b.Label, s.arg) })
			if i < 0 {
				fails = append(fails, fmt.Sprintf("%s:%d: no button %q to press (have %v)", c.file, s.line, s.arg, buttonLabels(last.Buttons)))
				return fails
			}
			in.Button, in.Text = last.Buttons[i].Value, last.Buttons[i].Label
		}
		r, next, err := e.Respond(ctx, st, in)
		if err != nil {
			fails = append(fails, fmt.Sprintf("%s:%d: Respond: %v", c.file, s.line, err))
		}
		if verbose {
			fmt.Fprintf(w, "%s:%d %s: %s\n  -> [%s/%s rule=%s] %s\n", c.file, s.line, s.kind, s.arg, r.Intent, r.Depth, r.Rule, strings.ReplaceAll(r.Text, "\n", "\n     "))
		}
		st, last, started = next, r, true
	}
	return fails
}

// RunConversationDir runs every *.conv file in dir (sorted), printing each failure to w.
func RunConversationDir(ctx context.Context, e *Engine, dir string, w io.Writer, verbose bool) (ConvResult, error) {
	var res ConvResult
	files, err := filepath.Glob(filepath.Join(dir, "*.conv"))
	if err != nil {
		return res, err
	}
	if len(files) == 0 {
		return res, fmt.Errorf("no *.conv files in %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return res, err
		}
		convs, err := parseConversations(f, fh)
		fh.Close()
		if err != nil {
			return res, err
		}
		for _, c := range convs {
			fails := runConversation(ctx, e, c, w, verbose)
			if len(fails) == 0 {
				res.Passed++
				continue
			}
			res.Failed++
			res.Failures = append(res.Failures, fails...)
			for _, msg := range fails {
				fmt.Fprintln(w, "FAIL", msg)
			}
		}
	}
	return res, nil
}
