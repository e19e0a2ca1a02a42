package dialog

// render_compiled.go turns parsed text/template trees into Go closures at load, so a
// turn's reply is built without text/template's interpreter: function calls go
// through typed Go calls instead of reflect.Value.Call, and string results are
// written straight to the buffer. The semantics are text/template's own (truth,
// printing, variables, range, missingkey=error) for the subset the templates use;
// a tree using anything else is not compiled and renders with text/template.

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"text/template"
	"text/template/parse"
)

// errNotCompilable marks a tree the compiler does not handle.
var errNotCompilable = errors.New("not compilable")

type cvar struct {
	name string
	val  reflect.Value
}

type cstate struct {
	buf   *bytes.Buffer
	vars  []cvar // the variables in scope are vars[base:]
	base  int    // where the current template's variables start
	depth int
	// results of view functions, kept here so a reflect.Value can point at them
	// without boxing each into an interface (see keep)
	strs    []string
	lists   [][]string
	entries []EntryView
}

// keep stores a function result in slots and returns an addressable value of it.
// A full slot array is replaced, never grown, so earlier values stay valid.
func keep[T any](slots *[]T, x T) reflect.Value {
	if len(*slots) == cap(*slots) {
		*slots = make([]T, 0, 2*cap(*slots)+4)
	}
	*slots = append(*slots, x)
	return reflect.ValueOf(&(*slots)[len(*slots)-1]).Elem()
}

func (s *cstate) lookup(name string) (reflect.Value, error) {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			return s.vars[i].val, nil
		}
	}
	return reflect.Value{}, fmt.Errorf("undefined variable: %s", name)
}

func (s *cstate) set(name string, v reflect.Value) error {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			s.vars[i].val = v
			return nil
		}
	}
	return fmt.Errorf("undefined variable: %s", name)
}

type cnode func(s *cstate, dot reflect.Value) error
type cpipe func(s *cstate, dot reflect.Value) (reflect.Value, error)

// compiled is one template as closures.
type compiled struct {
	run    cnode
	calls  []*compiled // the templates it calls
	states sync.Pool   // *cstate
}

func (c *compiled) execute(buf *bytes.Buffer, data any) error {
	dot := reflect.ValueOf(data)
	s, _ := c.states.Get().(*cstate)
	if s == nil {
		s = &cstate{vars: make([]cvar, 0, 16)}
	}
	s.buf, s.base, s.depth = buf, 0, 0
	s.vars = append(s.vars[:0], cvar{"$", dot})
	err := c.run(s, dot)
	clear(s.vars[:cap(s.vars)]) // let go of the view and the results
	clear(s.strs)
	clear(s.lists)
	clear(s.entries)
	s.vars, s.buf = s.vars[:0], nil
	s.strs, s.lists, s.entries = s.strs[:0], s.lists[:0], s.entries[:0]
	c.states.Put(s)
	return err
}

// tmplCompiler compiles the trees of one template set; template calls share the
// compiled bodies (and may recurse).
type tmplCompiler struct {
	set   *template.Template
	funcs template.FuncMap
	done  map[string]*compiled
	skip  map[string]bool // the rules directory's own templates: text/template renders them
	// calling is the stack of templates being compiled
	calling []*compiled
}

// compileTemplates compiles every template of set it can, by name, leaving out the
// names in skip and any template that calls one of those. The set must have been
// parsed with missingkey=error (the compiled map lookups assume it).
func compileTemplates(set *template.Template, funcs template.FuncMap, skip map[string]bool) map[string]*compiled {
	c := &tmplCompiler{set: set, funcs: funcs, done: map[string]*compiled{}, skip: skip}
	out := map[string]*compiled{}
	for _, t := range set.Templates() {
		if skip[t.Name()] || t.Tree == nil || t.Tree.Root == nil {
			continue
		}
		if ct, err := c.template(t.Name()); err == nil {
			out[t.Name()] = ct
		}
	}
	// A recursive call may have taken a body that failed to compile later: drop
	// every template that calls one (text/template renders them instead).
	for changed := true; changed; {
		changed = false
		for name, ct := range out {
			for _, callee := range ct.calls {
				if callee.run == nil {
					ct.run = nil
					delete(out, name)
					changed = true
					break
				}
			}
		}
	}
	return out
}

func (c *tmplCompiler) template(name string) (*compiled, error) {
	if ct, ok := c.done[name]; ok {
		if ct == nil {
			return nil, errNotCompilable
		}
		return ct, nil
	}
	t := c.set.Lookup(name)
	if c.skip[name] || t == nil || t.Tree == nil || t.Tree.Root == nil {
		c.done[name] = nil
		return nil, errNotCompilable
	}
	ct := &compiled{}
	c.done[name] = ct // recursion sees the (not yet filled) body
	c.calling = append(c.calling, ct)
	run, err := c.node(t.Tree.Root)
	c.calling = c.calling[:len(c.calling)-1]
	if err != nil {
		c.done[name] = nil
		return nil, err
	}
	ct.run = run
	return ct, nil
}

func (c *tmplCompiler) node(n parse.Node) (cnode, error) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return func(*cstate, reflect.Value) error { return nil }, nil
		}
		parts := make([]cnode, 0, len(n.Nodes))
		for _, m := range n.Nodes {
			if _, ok := m.(*parse.CommentNode); ok {
				continue
			}
			p, err := c.node(m)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p)
		}
		return func(s *cstate, dot reflect.Value) error {
			for _, p := range parts {
				if err := p(s, dot); err != nil {
					return err
				}
			}
			return nil
		}, nil
	case *parse.TextNode:
		text := n.Text
		return func(s *cstate, _ reflect.Value) error { s.buf.Write(text); return nil }, nil
	case *parse.ActionNode:
		return c.action(n.Pipe)
	case *parse.IfNode:
		return c.ifWith(n.Pipe, n.List, n.ElseList, false)
	case *parse.WithNode:
		return c.ifWith(n.Pipe, n.List, n.ElseList, true)
	case *parse.RangeNode:
		return c.rangeNode(n)
	case *parse.TemplateNode:
		return c.templateNode(n)
	}
	return nil, errNotCompilable
}

func (c *tmplCompiler) templateNode(n *parse.TemplateNode) (cnode, error) {
	ct, err := c.template(n.Name) // filled in later when the call recurses
	if err != nil {
		return nil, err
	}
	c.calling[len(c.calling)-1].calls = append(c.calling[len(c.calling)-1].calls, ct)
	var pipe cpipe
	if n.Pipe != nil {
		p, err := c.pipeline(n.Pipe)
		if err != nil {
			return nil, err
		}
		pipe = p
	}
	return func(s *cstate, dot reflect.Value) error {
		var v reflect.Value
		if pipe != nil {
			var err error
			if v, err = pipe(s, dot); err != nil {
				return err
			}
		}
		if s.depth > 1000 {
			return fmt.Errorf("exceeded maximum template depth")
		}
		base, mark := s.base, len(s.vars)
		s.base = mark
		s.vars = append(s.vars, cvar{"$", v})
		s.depth++
		err := ct.run(s, v)
		s.depth--
		s.vars, s.base = s.vars[:mark], base
		return err
	}, nil
}

// action prints a pipeline's value, or declares/assigns its variables.
func (c *tmplCompiler) action(p *parse.PipeNode) (cnode, error) {
	if len(p.Decl) == 0 {
		if w, ok := c.directString(p); ok {
			return w, nil
		}
	}
	pipe, err := c.pipeline(p)
	if err != nil {
		return nil, err
	}
	if len(p.Decl) > 0 {
		return func(s *cstate, dot reflect.Value) error { _, err := pipe(s, dot); return err }, nil
	}
	return func(s *cstate, dot reflect.Value) error {
		v, err := pipe(s, dot)
		if err != nil {
			return err
		}
		return printValue(s.buf, v)
	}, nil
}

func (c *tmplCompiler) ifWith(p *parse.PipeNode, list, elseList *parse.ListNode, with bool) (cnode, error) {
	pipe, err := c.pipeline(p)
	if err != nil {
		return nil, err
	}
	body, err := c.node(list)
	if err != nil {
		return nil, err
	}
	var other cnode
	if elseList != nil {
		if other, err = c.node(elseList); err != nil {
			return nil, err
		}
	}
	return func(s *cstate, dot reflect.Value) error {
		mark := len(s.vars)
		defer func() { s.vars = s.vars[:mark] }()
		v, err := pipe(s, dot)
		if err != nil {
			return err
		}
		truth, ok := isTrue(indirectInterface(v))
		if !ok {
			return fmt.Errorf("if/with can't use %v", v)
		}
		if truth {
			if with {
				return body(s, v)
			}
			return body(s, dot)
		}
		if other != nil {
			return other(s, dot)
		}
		return nil
	}, nil
}

func (c *tmplCompiler) rangeNode(n *parse.RangeNode) (cnode, error) {
	if len(n.Pipe.Decl) > 2 || n.Pipe.IsAssign {
		return nil, errNotCompilable
	}
	pipe, err := c.pipeline(n.Pipe)
	if err != nil {
		return nil, err
	}
	body, err := c.node(n.List)
	if err != nil {
		return nil, err
	}
	var other cnode
	if n.ElseList != nil {
		if other, err = c.node(n.ElseList); err != nil {
			return nil, err
		}
	}
	decls := len(n.Pipe.Decl)
	return func(s *cstate, dot reflect.Value) error {
		outer := len(s.vars)
		defer func() { s.vars = s.vars[:outer] }()
		v, err := pipe(s, dot)
		if err != nil {
			return err
		}
		val, _ := indirect(v)
		mark := len(s.vars)
		one := func(index, elem reflect.Value) error {
			if decls > 0 {
				s.vars[mark-1].val = elem
				if decls > 1 {
					s.vars[mark-2].val = index
				}
			}
			err := body(s, elem)
			s.vars = s.vars[:mark]
			return err
		}
		switch val.Kind() {
		case reflect.Array, reflect.Slice:
			if val.Len() == 0 {
				break
			}
			for i := 0; i < val.Len(); i++ {
				if err := one(reflect.ValueOf(i), val.Index(i)); err != nil {
					return err
				}
			}
			return nil
		case reflect.Map:
			if val.Len() == 0 {
				break
			}
			keys := val.MapKeys()
			if !sortKeys(keys) {
				return errNotCompilable
			}
			for _, k := range keys {
				if err := one(k, val.MapIndex(k)); err != nil {
					return err
				}
			}
			return nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if decls > 1 {
				return fmt.Errorf("can't use %v to iterate over more than one variable", val)
			}
			for i := 0; i < int(val.Int()); i++ {
				if err := one(reflect.Value{}, reflect.ValueOf(i)); err != nil {
					return err
				}
			}
			if val.Int() > 0 {
				return nil
			}
		case reflect.Invalid:
		default:
			return fmt.Errorf("range can't iterate over %v", val)
		}
		if other != nil {
			return other(s, dot)
		}
		return nil
	}, nil
}

func sortKeys(keys []reflect.Value) bool {
	if len(keys) == 0 {
		return true
	}
	switch keys[0].Kind() {
	case reflect.String:
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		sort.Slice(keys, func(i, j int) bool { return keys[i].Int() < keys[j].Int() })
	default:
		return false
	}
	return true
}

// pipeline evaluates a one-command pipeline and declares or assigns its variables.
func (c *tmplCompiler) pipeline(p *parse.PipeNode) (cpipe, error) {
	if p == nil || len(p.Cmds) != 1 {
		return nil, errNotCompilable
	}
	cmd, err := c.command(p.Cmds[0])
	if err != nil {
		return nil, err
	}
	var names []string
	for _, d := range p.Decl {
		if len(d.Ident) != 1 {
			return nil, errNotCompilable
		}
		names = append(names, d.Ident[0])
	}
	assign := p.IsAssign
	return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
		v, err := cmd(s, dot)
		if err != nil {
			return v, err
		}
		if v.Kind() == reflect.Interface && v.Type().NumMethod() == 0 {
			v = reflect.ValueOf(v.Interface())
		}
		for _, name := range names {
			if assign {
				if err := s.set(name, v); err != nil {
					return v, err
				}
			} else {
				s.vars = append(s.vars, cvar{name, v})
			}
		}
		return v, nil
	}, nil
}

func (c *tmplCompiler) command(cmd *parse.CommandNode) (cpipe, error) {
	switch w := cmd.Args[0].(type) {
	case *parse.FieldNode:
		return c.fieldChain(func(_ *cstate, dot reflect.Value) (reflect.Value, error) { return dot, nil }, w.Ident, len(cmd.Args))
	case *parse.VariableNode:
		name := w.Ident[0]
		base := func(s *cstate, _ reflect.Value) (reflect.Value, error) { return s.lookup(name) }
		if len(w.Ident) == 1 {
			if len(cmd.Args) > 1 {
				return nil, errNotCompilable
			}
			return base, nil
		}
		return c.fieldChain(base, w.Ident[1:], len(cmd.Args))
	case *parse.DotNode:
		if len(cmd.Args) > 1 {
			return nil, errNotCompilable
		}
		return func(_ *cstate, dot reflect.Value) (reflect.Value, error) { return dot, nil }, nil
	case *parse.PipeNode:
		if len(cmd.Args) > 1 || len(w.Decl) > 0 {
			return nil, errNotCompilable
		}
		return c.pipeline(w)
	case *parse.ChainNode:
		inner, ok := w.Node.(*parse.PipeNode)
		if !ok || len(inner.Decl) > 0 {
			return nil, errNotCompilable
		}
		base, err := c.pipeline(inner)
		if err != nil {
			return nil, err
		}
		return c.fieldChain(base, w.Field, len(cmd.Args))
	case *parse.IdentifierNode:
		return c.call(w.Ident, cmd.Args[1:])
	case *parse.StringNode:
		v := reflect.ValueOf(w.Text)
		return func(*cstate, reflect.Value) (reflect.Value, error) { return v, nil }, nil
	case *parse.BoolNode:
		v := reflect.ValueOf(w.True)
		return func(*cstate, reflect.Value) (reflect.Value, error) { return v, nil }, nil
	case *parse.NumberNode:
		if !w.IsInt {
			return nil, errNotCompilable
		}
		v := reflect.ValueOf(int(w.Int64))
		return func(*cstate, reflect.Value) (reflect.Value, error) { return v, nil }, nil
	}
	return nil, errNotCompilable
}

// fieldChain follows .A.B.C from a base value; methods are not compiled.
func (c *tmplCompiler) fieldChain(base cpipe, idents []string, nargs int) (cpipe, error) {
	if nargs > 1 {
		return nil, errNotCompilable
	}
	fields := make([]*fieldCache, len(idents))
	for i, name := range idents {
		fields[i] = &fieldCache{name: name}
	}
	return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
		v, err := base(s, dot)
		if err != nil {
			return v, err
		}
		for _, f := range fields {
			if v, err = f.get(v); err != nil {
				return v, err
			}
		}
		return v, nil
	}, nil
}

// fieldCache remembers where a field sits in the last struct type it met. Renders
// run concurrently, so the entry is immutable and swapped in whole (atomically).
type fieldCache struct {
	name  string
	cache atomic.Pointer[fieldEntry]
}

type fieldEntry struct {
	typ    reflect.Type
	index  []int
	method bool
}

func (f *fieldCache) get(receiver reflect.Value) (reflect.Value, error) {
	if !receiver.IsValid() {
		return reflect.Value{}, fmt.Errorf("nil data; no entry for key %q", f.name)
	}
	typ := receiver.Type()
	receiver, isNil := indirect(receiver)
	if receiver.Kind() == reflect.Interface && isNil {
		return reflect.Value{}, fmt.Errorf("nil pointer evaluating %s.%s", typ, f.name)
	}
	if receiver.Kind() == reflect.Struct {
		e := f.cache.Load()
		if e == nil || e.typ != receiver.Type() {
			e = f.lookup(receiver)
			f.cache.Store(e)
		}
		if !e.method && e.index != nil {
			v, err := receiver.FieldByIndexErr(e.index) // an embedded nil pointer is an error
			if err != nil {
				return reflect.Value{}, fmt.Errorf("%s: %w", f.name, err)
			}
			return v, nil
		}
	}
	// Methods, maps and errors: text/template's own rules.
	ptr := receiver
	if ptr.Kind() != reflect.Interface && ptr.Kind() != reflect.Pointer && ptr.CanAddr() {
		ptr = ptr.Addr()
	}
	if m := ptr.MethodByName(f.name); m.IsValid() {
		if m.Type().NumIn() != 0 || m.Type().NumOut() == 0 || m.Type().NumOut() > 2 {
			return reflect.Value{}, fmt.Errorf("method %s: unsupported signature", f.name)
		}
		out := m.Call(nil)
		if len(out) == 2 && !out[1].IsNil() {
			return reflect.Value{}, fmt.Errorf("error calling %s: %w", f.name, out[1].Interface().(error))
		}
		return out[0], nil
	}
	switch receiver.Kind() {
	case reflect.Map:
		key := reflect.ValueOf(f.name)
		if key.Type().AssignableTo(receiver.Type().Key()) {
			r := receiver.MapIndex(key)
			if !r.IsValid() {
				return r, fmt.Errorf("map has no entry for key %q", f.name)
			}
			return r, nil
		}
	case reflect.Pointer:
		if isNil {
			return reflect.Value{}, fmt.Errorf("nil pointer evaluating %s.%s", typ, f.name)
		}
	}
	return reflect.Value{}, fmt.Errorf("can't evaluate field %s in type %s", f.name, typ)
}

func (f *fieldCache) lookup(receiver reflect.Value) *fieldEntry {
	e := &fieldEntry{typ: receiver.Type()}
	ptr := receiver
	if ptr.CanAddr() {
		ptr = ptr.Addr()
	}
	if _, ok := ptr.Type().MethodByName(f.name); ok {
		e.method = true
		return e
	}
	if sf, ok := receiver.Type().FieldByName(f.name); ok && sf.IsExported() {
		e.index = sf.Index
	}
	return e
}

// indirect goes through pointers and interfaces, as text/template does.
func indirect(v reflect.Value) (reflect.Value, bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface || v.IsNil() {
		return v
	}
	return v.Elem()
}

// isTrue is text/template's truth.
func isTrue(val reflect.Value) (truth, ok bool) {
	if !val.IsValid() {
		return false, true
	}
	switch val.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		truth = val.Len() > 0
	case reflect.Bool:
		truth = val.Bool()
	case reflect.Complex64, reflect.Complex128:
		truth = val.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		truth = !val.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		truth = val.Int() != 0
	case reflect.Float32, reflect.Float64:
		truth = val.Float() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		truth = val.Uint() != 0
	case reflect.Struct:
		truth = true
	default:
		return false, false
	}
	return truth, true
}

var (
	errorType    = reflect.TypeFor[error]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
)

// printValue writes a value as text/template prints it.
func printValue(buf *bytes.Buffer, v reflect.Value) error {
	if v.Kind() == reflect.Pointer {
		v, _ = indirect(v)
	}
	if !v.IsValid() {
		buf.WriteString("<no value>")
		return nil
	}
	t := v.Type()
	plain := !t.Implements(errorType) && !t.Implements(stringerType) &&
		!reflect.PointerTo(t).Implements(errorType) && !reflect.PointerTo(t).Implements(stringerType)
	if plain {
		switch v.Kind() {
		case reflect.String:
			buf.WriteString(v.String())
			return nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			buf.Write(strconv.AppendInt(buf.AvailableBuffer(), v.Int(), 10))
			return nil
		case reflect.Chan, reflect.Func:
			return fmt.Errorf("can't print value of type %s", t)
		}
	} else if !t.Implements(errorType) && !t.Implements(stringerType) && v.CanAddr() {
		v = v.Addr()
	}
	fmt.Fprint(buf, v.Interface())
	return nil
}

// valueAs reads a T out of a value without copying it into an interface when it
// is addressable.
func valueAs[T any](v reflect.Value) (T, error) {
	var zero T
	if !v.IsValid() {
		return zero, fmt.Errorf("invalid value; expected %T", zero)
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.CanAddr() {
		if p, ok := v.Addr().Interface().(*T); ok {
			return *p, nil
		}
	}
	if x, ok := v.Interface().(T); ok {
		return x, nil
	}
	return zero, fmt.Errorf("wrong type for value; expected %T; got %s", zero, v.Type())
}
