package dialog

// render_compiled_calls.go: the function calls of compiled templates (see
// render_compiled.go): text/template's comparison and logic builtins, and the view
// functions called through their Go types.

import (
	"fmt"
	"reflect"
	"text/template/parse"

	"github.com/careersbot/careersbot/lmi"
)

type cstring func(s *cstate, dot reflect.Value) (string, error)

func (c *tmplCompiler) args(nodes []parse.Node) ([]cpipe, error) {
	out := make([]cpipe, len(nodes))
	for i, n := range nodes {
		p, err := c.command(&parse.CommandNode{NodeType: parse.NodeCommand, Args: []parse.Node{n}})
		if err != nil {
			return nil, err
		}
		if _, ok := n.(*parse.IdentifierNode); ok {
			return nil, errNotCompilable // a niladic function as an argument
		}
		out[i] = p
	}
	return out, nil
}

// directString compiles {{fn args}} for a view function returning a string, so the
// string goes straight to the buffer.
func (c *tmplCompiler) directString(p *parse.PipeNode) (cnode, bool) {
	if len(p.Cmds) != 1 {
		return nil, false
	}
	id, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode)
	if !ok {
		return nil, false
	}
	args, err := c.args(p.Cmds[0].Args[1:])
	if err != nil {
		return nil, false
	}
	f, ok := c.stringCall(id.Ident, args)
	if !ok {
		return nil, false
	}
	return func(s *cstate, dot reflect.Value) error {
		str, err := f(s, dot)
		if err != nil {
			return err
		}
		s.buf.WriteString(str)
		return nil
	}, true
}

func argView(s *cstate, dot reflect.Value, p cpipe) (*View, error) {
	v, err := p(s, dot)
	if err != nil {
		return nil, err
	}
	return valueAs[*View](v)
}

func argString(s *cstate, dot reflect.Value, p cpipe) (string, error) {
	v, err := p(s, dot)
	if err != nil {
		return "", err
	}
	v = indirectInterface(v)
	if v.IsValid() && v.Kind() == reflect.String && v.Type() == reflect.TypeFor[string]() {
		return v.String(), nil
	}
	return valueAs[string](v)
}

func arg[T any](s *cstate, dot reflect.Value, p cpipe) (T, error) {
	v, err := p(s, dot)
	if err != nil {
		var zero T
		return zero, err
	}
	if !v.IsValid() {
		var zero T
		switch reflect.TypeFor[T]().Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			return zero, nil // text/template passes nil for a missing value of these
		}
	}
	return valueAs[T](v)
}

// getter reads one argument of a compiled call.
type getter[T any] func(s *cstate, dot reflect.Value, p cpipe) (T, error)

// ccall is a compiled call returning R.
type ccall[R any] func(s *cstate, dot reflect.Value) (R, error)

// call1, call2 and call3 compile f over one, two or three arguments, each read by its
// getter; ok is false when the call has another number of arguments.
func call1[X, R any](a []cpipe, gx getter[X], f func(X) R) (ccall[R], bool) {
	if len(a) != 1 {
		return nil, false
	}
	return func(s *cstate, dot reflect.Value) (r R, err error) {
		x, err := gx(s, dot, a[0])
		if err != nil {
			return r, err
		}
		return f(x), nil
	}, true
}

func call2[X, Y, R any](a []cpipe, gx getter[X], gy getter[Y], f func(X, Y) R) (ccall[R], bool) {
	if len(a) != 2 {
		return nil, false
	}
	return func(s *cstate, dot reflect.Value) (r R, err error) {
		x, err := gx(s, dot, a[0])
		if err != nil {
			return r, err
		}
		y, err := gy(s, dot, a[1])
		if err != nil {
			return r, err
		}
		return f(x, y), nil
	}, true
}

func call3[X, Y, Z, R any](a []cpipe, gx getter[X], gy getter[Y], gz getter[Z], f func(X, Y, Z) R) (ccall[R], bool) {
	if len(a) != 3 {
		return nil, false
	}
	return func(s *cstate, dot reflect.Value) (r R, err error) {
		x, err := gx(s, dot, a[0])
		if err != nil {
			return r, err
		}
		y, err := gy(s, dot, a[1])
		if err != nil {
			return r, err
		}
		z, err := gz(s, dot, a[2])
		if err != nil {
			return r, err
		}
		return f(x, y, z), nil
	}, true
}

// asValue turns a compiled call's result into the reflect.Value the pipeline passes on.
func asValue[R any](c ccall[R], ok bool, out func(*cstate, R) reflect.Value) (cpipe, bool) {
	if !ok {
		return nil, false
	}
	return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
		r, err := c(s, dot)
		if err != nil {
			return reflect.Value{}, err
		}
		return out(s, r), nil
	}, true
}

func valueOf[R any](_ *cstate, r R) reflect.Value { return reflect.ValueOf(r) }

// stringCall compiles a call of a view function returning a string.
func (c *tmplCompiler) stringCall(name string, a []cpipe) (cstring, bool) {
	fn, ok := c.funcs[name]
	if !ok {
		return nil, false
	}
	var f ccall[string]
	switch fn := fn.(type) {
	case func(*View, lmi.Figure) string:
		f, ok = call2(a, argView, arg[lmi.Figure], fn)
	case func(*View, string) string:
		f, ok = call2(a, argView, argString, fn)
	case func(*View, string, string) string:
		f, ok = call3(a, argView, argString, argString, fn)
	case func(*View, []string) string:
		f, ok = call2(a, argView, arg[[]string], fn)
	case func(*View, *OccView) string:
		f, ok = call2(a, argView, arg[*OccView], fn)
	case func(*View, *lmi.Outlook) string:
		f, ok = call2(a, argView, arg[*lmi.Outlook], fn)
	case func(string) string:
		f, ok = call1(a, argString, fn)
	case func([]string) string:
		f, ok = call1(a, arg[[]string], fn)
	default:
		return nil, false
	}
	return cstring(f), ok
}

func ret[T any](x T) reflect.Value { return reflect.ValueOf(&x).Elem() }

// valueCall compiles a view function call of any other supported type.
func (c *tmplCompiler) valueCall(name string, a []cpipe) (cpipe, bool) {
	if f, ok := c.stringCall(name, a); ok {
		return asValue(ccall[string](f), true, func(s *cstate, str string) reflect.Value { return keep(&s.strs, str) })
	}
	fn, ok := c.funcs[name]
	if !ok {
		return nil, false
	}
	lists := func(s *cstate, l []string) reflect.Value { return keep(&s.lists, l) }
	switch fn := fn.(type) {
	case func(*View, lmi.Figure) bool:
		f, ok := call2(a, argView, arg[lmi.Figure], fn)
		return asValue(f, ok, valueOf[bool])
	case func(*View, *lmi.Outlook) bool:
		f, ok := call2(a, argView, arg[*lmi.Outlook], fn)
		return asValue(f, ok, valueOf[bool])
	case func(*View, *OccView) bool:
		f, ok := call2(a, argView, arg[*OccView], fn)
		return asValue(f, ok, valueOf[bool])
	case func(*View, *OccView) []string:
		f, ok := call2(a, argView, arg[*OccView], fn)
		return asValue(f, ok, lists)
	case func(*View, *OccView) EntryView:
		f, ok := call2(a, argView, arg[*OccView], fn)
		return asValue(f, ok, func(s *cstate, e EntryView) reflect.Value { return keep(&s.entries, e) })
	case func(*View, *OccView, int) []string:
		f, ok := call3(a, argView, arg[*OccView], arg[int], fn)
		return asValue(f, ok, lists)
	case func(lmi.Figure) bool:
		f, ok := call1(a, arg[lmi.Figure], fn)
		return asValue(f, ok, valueOf[bool])
	case func(lmi.Figure) lmi.Figure:
		f, ok := call1(a, arg[lmi.Figure], fn)
		return asValue(f, ok, func(_ *cstate, x lmi.Figure) reflect.Value { return ret(x) })
	case func(int) int:
		f, ok := call1(a, arg[int], fn)
		return asValue(f, ok, valueOf[int])
	}
	return nil, false
}

// call compiles a function call: a builtin, or a view function.
func (c *tmplCompiler) call(name string, nodes []parse.Node) (cpipe, error) {
	if _, ok := c.funcs[name]; !ok {
		return c.builtin(name, nodes)
	}
	a, err := c.args(nodes)
	if err != nil {
		return nil, err
	}
	if f, ok := c.valueCall(name, a); ok {
		return f, nil
	}
	return nil, errNotCompilable
}

func (c *tmplCompiler) builtin(name string, nodes []parse.Node) (cpipe, error) {
	a, err := c.args(nodes)
	if err != nil {
		return nil, err
	}
	bad := reflect.Value{}
	switch name {
	case "and", "or":
		if len(a) == 0 {
			return nil, errNotCompilable
		}
		want := name == "or"
		return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
			var v reflect.Value
			for _, p := range a {
				var err error
				if v, err = p(s, dot); err != nil {
					return bad, err
				}
				if t, _ := isTrue(indirectInterface(v)); t == want {
					return v, nil
				}
			}
			return v, nil
		}, nil
	case "not":
		if len(a) != 1 {
			return nil, errNotCompilable
		}
		return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
			v, err := a[0](s, dot)
			if err != nil {
				return bad, err
			}
			t, _ := isTrue(indirectInterface(v))
			return reflect.ValueOf(!t), nil
		}, nil
	case "eq", "ne", "lt", "gt", "le", "ge":
		if len(a) != 2 {
			return nil, errNotCompilable
		}
		return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
			x, err := a[0](s, dot)
			if err != nil {
				return bad, err
			}
			y, err := a[1](s, dot)
			if err != nil {
				return bad, err
			}
			r, err := compare(name, indirectInterface(x), indirectInterface(y))
			if err != nil {
				return bad, err
			}
			return reflect.ValueOf(r), nil
		}, nil
	case "len":
		if len(a) != 1 {
			return nil, errNotCompilable
		}
		return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
			v, err := a[0](s, dot)
			if err != nil {
				return bad, err
			}
			v, isNil := indirect(v)
			if isNil {
				return bad, fmt.Errorf("len of nil pointer")
			}
			switch v.Kind() {
			case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
				return reflect.ValueOf(v.Len()), nil
			}
			return bad, fmt.Errorf("len of type %s", v.Type())
		}, nil
	case "index":
		if len(a) != 2 {
			return nil, errNotCompilable
		}
		return func(s *cstate, dot reflect.Value) (reflect.Value, error) {
			v, err := a[0](s, dot)
			if err != nil {
				return bad, err
			}
			i, err := a[1](s, dot)
			if err != nil {
				return bad, err
			}
			v, i = indirectInterface(v), indirectInterface(i)
			switch v.Kind() {
			case reflect.Array, reflect.Slice, reflect.String:
				if i.Kind() < reflect.Int || i.Kind() > reflect.Int64 {
					return bad, fmt.Errorf("cannot index slice/array with type %s", i.Type())
				}
				n := int(i.Int())
				if n < 0 || n >= v.Len() {
					return bad, fmt.Errorf("error calling index: index out of range: %d", n)
				}
				return v.Index(n), nil
			case reflect.Map:
				if !i.IsValid() || !i.Type().AssignableTo(v.Type().Key()) {
					return bad, fmt.Errorf("error calling index: wrong key type")
				}
				if r := v.MapIndex(i); r.IsValid() {
					return r, nil
				}
				return reflect.Zero(v.Type().Elem()), nil
			case reflect.Invalid:
				return bad, fmt.Errorf("error calling index: index of untyped nil")
			}
			return bad, fmt.Errorf("error calling index: can't index item of type %s", v.Type())
		}, nil
	}
	return nil, errNotCompilable
}

// compare is text/template's eq/ne/lt/gt/le/ge for basic kinds.
func compare(op string, x, y reflect.Value) (bool, error) {
	if !x.IsValid() || !y.IsValid() {
		return false, fmt.Errorf("incompatible types for comparison")
	}
	var c int
	switch {
	case isIntKind(x.Kind()) && isIntKind(y.Kind()):
		c = cmp3(x.Int(), y.Int())
	case x.Kind() == reflect.String && y.Kind() == reflect.String:
		c = cmp3(x.String(), y.String())
	case (x.Kind() == reflect.Float32 || x.Kind() == reflect.Float64) && x.Kind() == y.Kind():
		c = cmp3(x.Float(), y.Float())
	case isUintKind(x.Kind()) && isUintKind(y.Kind()):
		if x.Uint() != y.Uint() {
			c = 1
			if x.Uint() < y.Uint() {
				c = -1
			}
		}
	case isIntKind(x.Kind()) && isUintKind(y.Kind()):
		c = cmpIntUint(x.Int(), y.Uint())
	case isUintKind(x.Kind()) && isIntKind(y.Kind()):
		c = -cmpIntUint(y.Int(), x.Uint())
	case x.Kind() == reflect.Bool && y.Kind() == reflect.Bool && (op == "eq" || op == "ne"):
		if x.Bool() != y.Bool() {
			c = 1
		}
	case (op == "eq" || op == "ne") && x.Type() == y.Type() && x.Type().Comparable():
		if !x.Equal(y) {
			c = 1
		}
	default:
		return false, fmt.Errorf("incompatible types for comparison: %s and %s", x.Type(), y.Type())
	}
	switch op {
	case "eq":
		return c == 0, nil
	case "ne":
		return c != 0, nil
	case "lt":
		return c < 0, nil
	case "gt":
		return c > 0, nil
	case "le":
		return c <= 0, nil
	}
	return c >= 0, nil
}

func isIntKind(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Int64 }

func isUintKind(k reflect.Kind) bool { return k >= reflect.Uint && k <= reflect.Uintptr }

func cmpIntUint(i int64, u uint64) int {
	if i < 0 || uint64(i) < u {
		return -1
	}
	if uint64(i) > u {
		return 1
	}
	return 0
}

func cmp3[T int64 | string | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
