package dialog

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"
)

// Rule is one dialogue rule from a rules file: when its condition holds (and no rule
// of higher priority holds), its actions decide the reply.
type Rule struct {
	Name     string            `json:"name"`
	Priority int               `json:"priority"`
	When     string            `json:"when"`
	Reply    string            `json:"reply,omitempty"`   // template to render
	Ask      string            `json:"ask,omitempty"`     // slot to ask for (Pending)
	Set      map[string]string `json:"set,omitempty"`     // State.Slots to set
	Handoff  bool              `json:"handoff,omitempty"` // hand to an adviser
	Buttons  []Button          `json:"buttons,omitempty"` // extra quick replies
	// Intent overrides the reply's intent (rarely needed).
	Intent string `json:"intent,omitempty"`

	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`

	order   int
	program *vm.Program
	norm    string // normalised condition
	always  bool   // condition is constant true
	// needIntent is set when the condition can only hold for one intent (`intent ==
	// "pay"`, or that && more): other intents skip the VM.
	needIntent string
	// boolField is 1 + the index of the RuleEnv bool field a condition of one word
	// (`when: clarify`) reads, so match reads it directly instead of running the VM
	// (which boxes the field on every turn); 0 otherwise.
	boolField int
}

// Diagnostic is a problem found in a rules or templates file, with its position.
type Diagnostic struct {
	File    string
	Line    int
	Column  int
	Message string
}

func (d Diagnostic) String() string {
	if d.Line == 0 {
		return fmt.Sprintf("%s: %s", d.File, d.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Column, d.Message)
}

// LoadError lists every error found while loading a rules directory.
type LoadError struct {
	Errors []Diagnostic
}

func (e *LoadError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, d := range e.Errors {
		parts[i] = d.String()
	}
	return "rules: " + strings.Join(parts, "; ")
}

// RuleSet is a loaded, compiled set of rules and templates. It is immutable once
// loaded, so the engine can swap it atomically.
type RuleSet struct {
	Rules     []*Rule // by priority (highest first), then file order
	Warnings  []Diagnostic
	Files     []string
	templates *template.Template
	// dirDefined are template names the rules directory defines itself: its plain
	// "greet" then wins over an embedded "greet.13_and_under".
	dirDefined map[string]bool
	source     string    // where it came from, for logs
	bufs       sync.Pool // *bytes.Buffer for rendering
	// compiled are the embedded templates as Go closures (render_compiled.go), by
	// template name; the directory's own templates are not among them.
	compiled map[string]*compiled
}

// Slots a rule may ask for. The engine knows how to offer and read each one.
var askableSlots = map[string]bool{
	"occupation": true, "place": true, "region_choice": true, "adviser_offer": true, "age": true,
}

// templates every rule set must have, because the engine uses them itself.
var requiredTemplates = []string{"safeguarding", "fallback", "feedback_question"}

// loadRuleSet reads every *.yaml/*.yml rules file and *.tmpl template file of a
// directory tree. base, when not nil, gives templates the directory does not define
// (the embedded defaults), so a careers service can override one template only. dry
// runs every template against sample views (dryRun) so a broken field fails at load.
func loadRuleSet(fsys fs.FS, label string, base fs.FS, dry bool) (*RuleSet, error) {
	rs := &RuleSet{source: label}
	var errs []Diagnostic
	var ruleFiles, tmplFiles []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || p == "nlu") {
				return fs.SkipDir // nlu/ holds the understanding data (LoadNLU)
			}
			return nil
		}
		switch path.Ext(p) {
		case ".yaml", ".yml":
			ruleFiles = append(ruleFiles, p)
		case ".tmpl":
			tmplFiles = append(tmplFiles, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rules: reading %s: %w", label, err)
	}
	sort.Strings(ruleFiles)
	sort.Strings(tmplFiles)
	if len(ruleFiles) == 0 {
		return nil, &LoadError{Errors: []Diagnostic{{File: label, Message: "no rules files (*.yaml) found"}}}
	}

	// Templates: the base set first, then the directory's, which may redefine them.
	tmpl := template.New("careersbot").Option("missingkey=error").Funcs(templateFuncs)
	rs.dirDefined = map[string]bool{}
	parse := func(fsys fs.FS, name, shown string, own bool) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, Diagnostic{File: shown, Message: err.Error()})
			return
		}
		if own {
			scratch, err := template.New(shown).Funcs(templateFuncs).Parse(string(b))
			if err != nil {
				errs = append(errs, templateDiag(shown, err))
				return
			}
			for _, t := range scratch.Templates() {
				rs.dirDefined[t.Name()] = true
			}
		}
		if _, err := tmpl.New(shown).Parse(string(b)); err != nil {
			errs = append(errs, templateDiag(shown, err))
		}
	}
	if base != nil {
		baseFiles, _ := fs.Glob(base, "templates/*.tmpl")
		for _, f := range baseFiles {
			parse(base, f, "embedded:"+f, false)
		}
	}
	for _, f := range tmplFiles {
		parse(fsys, f, path.Join(label, f), true)
	}
	rs.templates = tmpl

	order := 0
	for _, f := range ruleFiles {
		shown := path.Join(label, f)
		rs.Files = append(rs.Files, shown)
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, Diagnostic{File: shown, Message: err.Error()})
			continue
		}
		rules, diags := parseRulesFile(shown, b)
		errs = append(errs, diags...)
		for _, r := range rules {
			r.order = order
			order++
			rs.Rules = append(rs.Rules, r)
		}
	}

	// Cross checks: names unique, templates exist.
	seen := map[string]*Rule{}
	for _, r := range rs.Rules {
		if prev, ok := seen[r.Name]; ok {
			errs = append(errs, Diagnostic{r.File, r.Line, r.Column,
				fmt.Sprintf("rule %q is already defined at %s:%d:%d", r.Name, prev.File, prev.Line, prev.Column)})
		}
		seen[r.Name] = r
		if r.Reply != "" && !rs.hasTemplate(r.Reply) {
			errs = append(errs, Diagnostic{r.File, r.Line, r.Column,
				fmt.Sprintf("rule %q: unknown template %q", r.Name, r.Reply)})
		}
	}
	for _, name := range requiredTemplates {
		if !rs.hasTemplate(name) {
			errs = append(errs, Diagnostic{File: label, Message: fmt.Sprintf("missing required template %q", name)})
		}
	}
	if len(errs) == 0 && dry {
		errs = append(errs, dryRun(tmpl)...)
	}
	if len(errs) > 0 {
		return nil, &LoadError{Errors: errs}
	}
	rs.compiled = compileTemplates(tmpl, templateFuncs, rs.dirDefined)
	sort.SliceStable(rs.Rules, func(i, j int) bool {
		if rs.Rules[i].Priority != rs.Rules[j].Priority {
			return rs.Rules[i].Priority > rs.Rules[j].Priority
		}
		return rs.Rules[i].order < rs.Rules[j].order
	})
	rs.Warnings = shadowWarnings(rs.Rules)
	return rs, nil
}

// hasTemplate says whether a template name exists, either plain or for some depth.
func (rs *RuleSet) hasTemplate(name string) bool {
	if rs.templates.Lookup(name) != nil {
		return true
	}
	for _, d := range allDepths {
		if rs.templates.Lookup(name+"."+d) != nil {
			return true
		}
	}
	return false
}

// lookupTemplate finds the template for a depth, falling back to nearby depths and
// then to the plain name.
func (rs *RuleSet) lookupTemplate(name, depth string) *template.Template {
	// The depth's own variant, then the plain template, then the nearest depth.
	for i, d := range depthFallbacks[depth] {
		full := name + "." + d
		if rs.dirDefined[name] && !rs.dirDefined[full] {
			continue // the directory's own plain template wins over embedded variants
		}
		if t := rs.templates.Lookup(full); t != nil {
			return t
		}
		if i == 0 {
			if t := rs.templates.Lookup(name); t != nil {
				return t
			}
		}
	}
	return rs.templates.Lookup(name)
}

var allDepths = []string{DepthYoung, DepthTeen, DepthOlder, DepthAdult, DepthAdviser}

// depthFallbacks: a depth without its own variant borrows the nearest one.
var depthFallbacks = map[string][]string{
	DepthYoung:   {DepthYoung, DepthTeen},
	DepthTeen:    {DepthTeen, DepthYoung},
	DepthOlder:   {DepthOlder, DepthAdult, DepthTeen},
	DepthAdult:   {DepthAdult, DepthOlder, DepthTeen},
	DepthAdviser: {DepthAdviser, DepthAdult, DepthOlder, DepthTeen},
}

func templateDiag(file string, err error) Diagnostic {
	// text/template errors read "template: NAME:LINE: message" or
	// "template: NAME:LINE:COL: message".
	msg := err.Error()
	d := Diagnostic{File: file, Message: msg}
	rest := strings.TrimPrefix(msg, "template: "+file+":")
	if rest != msg {
		var line, col int
		if n, _ := fmt.Sscanf(rest, "%d:%d:", &line, &col); n == 2 {
			d.Line, d.Column = line, col
		} else if n, _ := fmt.Sscanf(rest, "%d:", &line); n == 1 {
			d.Line, d.Column = line, 1
		}
		if i := strings.Index(rest, ": "); i >= 0 {
			d.Message = rest[i+2:]
		}
	}
	return d
}

var ruleKeys = map[string]bool{
	"name": true, "priority": true, "when": true, "reply": true, "ask": true,
	"set": true, "handoff": true, "buttons": true, "intent": true,
}

// parseRulesFile parses one YAML rules file: a list of rules (or a map with a
// "rules" list). Errors carry the file, line and column.
func parseRulesFile(fileName string, src []byte) ([]*Rule, []Diagnostic) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, []Diagnostic{yamlDiag(fileName, err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind == yaml.MappingNode {
		var list *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "rules" {
				list = root.Content[i+1]
			} else {
				k := root.Content[i]
				return nil, []Diagnostic{{fileName, k.Line, k.Column, fmt.Sprintf("unknown key %q (want a list of rules, or rules:)", k.Value)}}
			}
		}
		if list == nil {
			return nil, []Diagnostic{{fileName, root.Line, root.Column, "no rules: list"}}
		}
		root = list
	}
	if root.Kind != yaml.SequenceNode {
		return nil, []Diagnostic{{fileName, root.Line, root.Column, "rules must be a list"}}
	}
	lines := strings.Split(string(src), "\n")
	var rules []*Rule
	var errs []Diagnostic
	for _, n := range root.Content {
		r, diags := parseRule(fileName, lines, n)
		errs = append(errs, diags...)
		if r != nil && len(diags) == 0 {
			rules = append(rules, r)
		}
	}
	return rules, errs
}

func yamlDiag(fileName string, err error) Diagnostic {
	msg := err.Error()
	d := Diagnostic{File: fileName, Message: msg}
	// yaml.v3: "yaml: line N: message"
	var line int
	if i := strings.Index(msg, "line "); i >= 0 {
		if n, _ := fmt.Sscanf(msg[i:], "line %d:", &line); n == 1 {
			d.Line, d.Column = line, 1
			if j := strings.Index(msg[i:], ": "); j >= 0 {
				d.Message = msg[i+j+2:]
			}
		}
	}
	return d
}

func parseRule(fileName string, lines []string, n *yaml.Node) (*Rule, []Diagnostic) {
	diag := func(at *yaml.Node, format string, args ...any) Diagnostic {
		return Diagnostic{fileName, at.Line, at.Column, fmt.Sprintf(format, args...)}
	}
	if n.Kind != yaml.MappingNode {
		return nil, []Diagnostic{diag(n, "a rule must be a mapping with name, priority, when and actions")}
	}
	r := &Rule{File: fileName, Line: n.Line, Column: n.Column}
	var errs []Diagnostic
	var whenNode *yaml.Node
	actions := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !ruleKeys[k.Value] {
			errs = append(errs, diag(k, "unknown action or key %q (known: name, priority, when, reply, ask, set, handoff, buttons, intent)", k.Value))
			continue
		}
		var err error
		switch k.Value {
		case "name":
			err = v.Decode(&r.Name)
		case "priority":
			err = v.Decode(&r.Priority)
		case "when":
			whenNode = v
			err = v.Decode(&r.When)
		case "reply":
			err = v.Decode(&r.Reply)
			actions++
		case "ask":
			err = v.Decode(&r.Ask)
			if err == nil && !askableSlots[r.Ask] {
				err = fmt.Errorf("unknown slot %q to ask (known: occupation, place, region_choice, adviser_offer, age)", r.Ask)
			}
			actions++
		case "set":
			err = v.Decode(&r.Set)
			actions++
		case "handoff":
			err = v.Decode(&r.Handoff)
			actions++
		case "intent":
			err = v.Decode(&r.Intent)
			if err == nil && !knownIntents[r.Intent] {
				err = fmt.Errorf("unknown intent %q", r.Intent)
			}
		case "buttons":
			r.Buttons, err = decodeButtons(v)
			actions++
		}
		if err != nil {
			errs = append(errs, diag(v, "%s: %v", k.Value, cleanYAMLErr(err)))
		}
	}
	if r.Name == "" {
		errs = append(errs, diag(n, "rule has no name"))
	}
	if whenNode == nil {
		errs = append(errs, diag(n, "rule %q has no when: condition", r.Name))
	}
	if actions == 0 {
		errs = append(errs, diag(n, "rule %q has no action (reply, ask, set, handoff or buttons)", r.Name))
	}
	if r.Ask != "" && r.Reply == "" {
		errs = append(errs, diag(n, "rule %q asks for %q but names no reply template to ask with", r.Name, r.Ask))
	}
	if whenNode != nil && len(errs) == 0 {
		if d := compileRule(r, fileName, lines, whenNode); d != nil {
			errs = append(errs, *d)
		}
	}
	return r, errs
}

func cleanYAMLErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n  ")
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "line ") {
		s = s[i+2:]
	}
	return s
}

func decodeButtons(v *yaml.Node) ([]Button, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, errors.New("buttons must be a list")
	}
	var out []Button
	for _, b := range v.Content {
		switch b.Kind {
		case yaml.ScalarNode:
			out = append(out, Button{Label: b.Value, Value: b.Value})
		case yaml.MappingNode:
			var bt Button
			for i := 0; i+1 < len(b.Content); i += 2 {
				switch b.Content[i].Value {
				case "label":
					bt.Label = b.Content[i+1].Value
				case "value":
					bt.Value = b.Content[i+1].Value
				default:
					return nil, fmt.Errorf("line %d: unknown button key %q (label, value)", b.Content[i].Line, b.Content[i].Value)
				}
			}
			if bt.Label == "" {
				return nil, fmt.Errorf("line %d: button has no label", b.Line)
			}
			if bt.Value == "" {
				bt.Value = bt.Label
			}
			out = append(out, bt)
		default:
			return nil, fmt.Errorf("line %d: a button is a label or {label, value}", b.Line)
		}
	}
	return out, nil
}

// compileRule compiles the condition against the rule environment. Errors point at
// the position inside the file: the when: value's position plus the offset expr gives.
func compileRule(r *Rule, fileName string, lines []string, when *yaml.Node) *Diagnostic {
	if strings.TrimSpace(r.When) == "" {
		return &Diagnostic{fileName, when.Line, when.Column, fmt.Sprintf("rule %q: empty when: condition", r.Name)}
	}
	prog, err := expr.Compile(r.When, expr.Env(RuleEnv{}), expr.AsBool())
	if err != nil {
		line, col := when.Line, when.Column
		msg := err.Error()
		var fe *file.Error
		if errors.As(err, &fe) {
			msg = fe.Message
			line, col = exprPosition(lines, when, fe.Line, fe.Column)
		}
		return &Diagnostic{fileName, line, col, fmt.Sprintf("rule %q: when: %s", r.Name, msg)}
	}
	r.program = prog
	node := prog.Node()
	r.norm = node.String()
	if b, ok := node.(*ast.BoolNode); ok && b.Value {
		r.always = true
	}
	r.needIntent = requiredIntent(node)
	if id, ok := node.(*ast.IdentifierNode); ok {
		r.boolField = envBoolField(id.Value)
	}
	return nil
}

// envBoolField returns 1 + the index of the bool field of RuleEnv named name in
// expressions, or 0.
func envBoolField(name string) int {
	t := reflect.TypeFor[RuleEnv]()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type.Kind() == reflect.Bool && f.Tag.Get("expr") == name {
			return i + 1
		}
	}
	return 0
}

// requiredIntent finds `intent == "X"` at the top of a condition or as the left-most
// operand of a chain of && (where false on the left means false overall).
func requiredIntent(n ast.Node) string {
	b, ok := n.(*ast.BinaryNode)
	if !ok {
		return ""
	}
	switch b.Operator {
	case "==":
		id, ok1 := b.Left.(*ast.IdentifierNode)
		str, ok2 := b.Right.(*ast.StringNode)
		if ok1 && ok2 && id.Value == "intent" {
			return str.Value
		}
	case "&&", "and":
		if in := requiredIntent(b.Left); in != "" {
			return in
		}
		return requiredIntent(b.Right)
	}
	return ""
}

// exprPosition maps a position inside an expression (1-based line, 0-based column in
// runes) to the file's line and 1-based column.
func exprPosition(lines []string, when *yaml.Node, eLine, eCol int) (int, int) {
	if eLine < 1 {
		eLine = 1
	}
	switch when.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// Content starts on the line after the indicator; find its indentation.
		line := when.Line + eLine
		indent := 0
		if line-1 < len(lines) {
			l := lines[line-1]
			indent = len(l) - len(strings.TrimLeft(l, " "))
		}
		return line, indent + eCol + 1
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		if eLine == 1 {
			return when.Line, when.Column + 1 + eCol
		}
	default:
		if eLine == 1 {
			return when.Line, when.Column + eCol
		}
	}
	// Multi-line plain or quoted scalar: continuation lines are folded; best effort.
	return when.Line + eLine - 1, eCol + 1
}

// shadowWarnings finds rules that can never fire: an earlier rule (higher or equal
// priority) whose condition is always true, or has the same normalised condition.
func shadowWarnings(rules []*Rule) []Diagnostic {
	var out []Diagnostic
	for i, r := range rules {
		for _, p := range rules[:i] {
			if p.always || p.norm == r.norm {
				why := "its condition is always true"
				if !p.always {
					why = "it has the same condition"
				}
				out = append(out, Diagnostic{r.File, r.Line, r.Column, fmt.Sprintf(
					"rule %q can never fire: rule %q (%s:%d, priority %d) always wins because %s",
					r.Name, p.Name, p.File, p.Line, p.Priority, why)})
				break
			}
		}
	}
	return out
}

// match returns the first rule whose condition holds.
func (rs *RuleSet) match(env *RuleEnv) (*Rule, error) {
	var machine vm.VM
	var ev reflect.Value
	var boxed any
	for _, r := range rs.Rules {
		if r.needIntent != "" && r.needIntent != env.Intent {
			continue
		}
		if r.boolField > 0 {
			if !ev.IsValid() {
				ev = reflect.ValueOf(env).Elem()
			}
			if ev.Field(r.boolField - 1).Bool() {
				return r, nil
			}
			continue
		}
		if boxed == nil {
			// expr reads fields by reflection: from a pointer every string field read
			// is copied into a new interface; from one boxed copy of the struct
			// (not addressable) it is not
			boxed = *env
		}
		out, err := machine.Run(r.program, boxed)
		if err != nil {
			return nil, fmt.Errorf("rule %q (%s:%d): %w", r.Name, r.File, r.Line, err)
		}
		if b, _ := out.(bool); b {
			return r, nil
		}
	}
	return nil, nil
}

// render runs a template for a depth into a string.
func (rs *RuleSet) render(name, depth string, data any) (string, error) {
	t := rs.lookupTemplate(name, depth)
	if t == nil {
		return "", fmt.Errorf("template %q not found", name)
	}
	buf, _ := rs.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	defer rs.bufs.Put(buf)
	if ct := rs.compiled[t.Name()]; ct != nil {
		if err := ct.execute(buf, data); err != nil {
			return "", fmt.Errorf("template %q: %w", name, err)
		}
		return tidyBytes(buf.Bytes()), nil
	}
	if err := t.Execute(buf, data); err != nil {
		return "", fmt.Errorf("template %q: %w", name, err)
	}
	return tidyBytes(buf.Bytes()), nil
}

// tidyText collapses the blank lines and spaces templates leave behind: runs of
// spaces become one, lines are trimmed, blank lines go. One pass, one allocation.
func tidyText(s string) string { return tidyBytes([]byte(s)) }

func tidySpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func closing(c byte) bool {
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '?' || c == '!' || c == ')'
}

// tidyBytes is tidyText over a rendering buffer, which it overwrites: the tidy text is
// never longer than what has been read (a space or line break is written only for one
// read), so it is compacted in place and copied once, into the string.
func tidyBytes(s []byte) string {
	w := 0
	space := false   // a space is owed before the next word on this line
	newlines := 0    // line breaks owed before the next word
	started := false // a word was written
	for i := 0; i < len(s); {
		switch s[i] {
		case ' ', '\t', '\r':
			space = true
			for i++; i < len(s) && s[i] == ' '; i++ { // the run of indentation at once
			}
		case '\n':
			newlines++
			space = false
			i++
		default:
			if started {
				if newlines > 0 {
					s[w] = '\n' // blank lines left by empty sections go
					w++
				} else if space && !closing(s[i]) {
					s[w] = ' ' // no space before a full stop left by an empty part
					w++
				}
			}
			// the rest of the word, moved at once (not at all before a first cut); the
			// breaks are all <= ' ', so one comparison passes most bytes
			j := i + 1
			for j < len(s) && (s[j] > ' ' || !tidySpace(s[j])) {
				j++
			}
			if w != i {
				copy(s[w:], s[i:j])
			}
			w += j - i
			i = j
			started, space, newlines = true, false, 0
		}
	}
	return string(s[:w])
}

// templateFuncs are pure helpers plus the view's formatting functions.
var templateFuncs = func() template.FuncMap {
	m := template.FuncMap{"inc": func(i int) int { return i + 1 }}
	for k, v := range viewFuncs {
		m[k] = v
	}
	return m
}()

var knownIntents = map[string]bool{
	IntentPay: true, IntentBestPaid: true, IntentEntry: true, IntentDescribe: true,
	IntentOutlook: true, IntentHours: true, IntentSuggest: true, IntentCompare: true,
	IntentVacancies: true, IntentHandoff: true, IntentSafeguarding: true, IntentGreet: true,
	IntentHelp: true, IntentBye: true, IntentThanks: true, IntentUnknown: true,
	IntentDeleteData: true, IntentFeedback: true,
}
