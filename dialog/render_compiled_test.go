package dialog

import (
	"bytes"
	"strings"
	"testing"
	"text/template"

	"github.com/careersbot/careersbot/lmi"
)

// TestCompiledMatchesTextTemplate answers every golden case at every depth twice,
// once with the compiled templates and once with text/template alone, and wants
// the same replies and states byte for byte (the golden file covers one depth per
// case; this covers them all).
func TestCompiledMatchesTextTemplate(t *testing.T) {
	fast := testEngine(t, Options{})
	slow := testEngine(t, Options{})
	rs := slow.rules.Load()
	if len(rs.compiled) == 0 {
		t.Fatal("the embedded templates were not compiled")
	}
	rs.compiled = nil // this engine renders with text/template only
	cases, _ := goldenCases(t)
	differ := 0
	for i, c := range cases {
		for j, d := range goldenDepths {
			c := c
			c.in.Age, c.in.Adviser = d.Age, d.Adviser
			c.followUp = goldenFollowUps[(i+j)%len(goldenFollowUps)]
			_, _, got := goldenRun(t, fast, c)
			_, _, want := goldenRun(t, slow, c)
			if !bytes.Equal(got, want) {
				differ++
				if differ <= 3 {
					t.Errorf("%s at %+v: compiled differs from text/template\ncompiled:\n%s\ntext/template:\n%s", c.id, d, got, want)
				}
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d runs differ", differ, len(cases)*len(goldenDepths))
	}
}

// TestCompiledSkipsDirectoryTemplates: a template the rules directory defines is
// rendered by text/template; the embedded ones it does not touch are compiled.
func TestCompiledSkipsDirectoryTemplates(t *testing.T) {
	rs, err := LoadRules("testdata/rules/good")
	if err != nil {
		t.Fatal(err)
	}
	if rs.compiled["greet"] != nil {
		t.Error("the directory's greet template was compiled; it must render with text/template")
	}
	if rs.compiled["pay.14_16"] == nil {
		t.Error("the embedded pay.14_16 template was not compiled")
	}
	text, err := rs.render("greet", DepthTeen, &View{})
	if err != nil || !strings.Contains(text, "Anytown") {
		t.Errorf("override template: %q, %v", text, err)
	}
}

type compileEmbedded struct{ Inner string }

type compileData struct {
	*compileEmbedded
	Name   string
	N      int
	Names  []string
	Counts map[string]int
	Occ    *OccView
	Fig    lmi.Figure
	Any    any
	Nested *compileData
	U      uint
}

// TestCompiledSemantics runs small templates through both text/template and the
// compiler and wants the same text, or an error from both.
func TestCompiledSemantics(t *testing.T) {
	data := &compileData{compileEmbedded: &compileEmbedded{Inner: "in"}, Name: "nurse", N: 3, Names: []string{"a", "b", "c"},
		Counts: map[string]int{"z": 1, "a": 2}, Fig: lmi.Figure{Value: -2}, Any: "boxed", U: 7,
		Nested: &compileData{Name: "inner"}}
	cases := []struct{ name, src string }{
		{"text and fields", `Hi {{.Name}} x{{.N}}.`},
		{"missing value", `{{.Occ}}|{{.Nested.Nested}}`},
		{"nil pointer field", `{{.Nested.Name}}`},
		{"missing map key", `{{.Counts.q}}`},
		{"map key", `{{.Counts.z}}`},
		{"range slice with index", `{{range $i, $n := .Names}}{{$i}}={{$n}};{{end}}`},
		{"range map sorted", `{{range $k, $v := .Counts}}{{$k}}{{$v}}{{end}}`},
		{"range int", `{{range .N}}{{.}}{{end}}`},
		{"range else", `{{range .Nested}}x{{else}}none{{end}}`},
		{"if else if", `{{if .Nested}}a{{else if .N}}b{{else}}c{{end}}`},
		{"with sets dot", `{{with .Names}}{{index . 1}}{{end}}{{with .Nested}}x{{else}}y{{end}}`},
		{"and or values", `{{and .N .Name}}|{{or .Nested .Name}}|{{and .Nested .N}}|{{or "" 0}}`},
		{"not eq ne lt", `{{not .N}}{{eq .Name "nurse"}}{{ne .N 3}}{{lt .N 4}}{{gt .N 4}}`},
		{"eq mismatched kinds", `{{eq .N "3"}}`},
		{"int and uint", `{{eq .N .U}}{{lt .U .N}}{{ne .U 7}}{{gt -1 .U}}`},
		{"eq comparable types", `{{eq .Occ .Occ}}{{eq .Nested .Nested.Nested}}{{ne .Fig .Fig}}`},
		{"eq incomparable", `{{eq .Names .Names}}`},
		{"len", `{{len .Names}}{{len .Counts}}`},
		{"index out of range", `{{index .Names 5}}`},
		{"variables and scope", `{{$x := .Name}}{{if true}}{{$x = "b"}}{{$y := 1}}{{$y}}{{end}}{{$x}}`},
		{"variable fields", `{{$d := .}}{{$d.Name}}{{$.N}}`},
		{"chain", `{{(index .Names 2)}}{{(.Nested).Name}}`},
		{"interface value", `{{.Any}}{{with .Any}}{{.}}{{end}}`},
		{"funcs", `{{inc .N}}{{negative .Fig}}{{lowerTitle "Nurses n.e.c."}}{{join .Names}}{{(absFigure .Fig).Value}}`},
		{"struct printed", `{{.Fig}}`},
		{"template call", `{{define "t"}}[{{.}}]{{end}}{{template "t" .Name}}{{template "t"}}`},
		{"comment", `a{{/* c */}}b`},
		{"embedded field", `{{.Inner}}`},
		{"embedded field through nil pointer", `{{.Nested.Inner}}`},
		{"recursion", `{{define "r"}}{{if lt . 3}}{{.}}{{template "r" (inc .)}}{{end}}{{end}}{{template "r" 0}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set, err := template.New("root").Option("missingkey=error").Funcs(templateFuncs).Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			wantErr := set.Execute(&want, data)
			ct := compileTemplates(set, templateFuncs, nil)["root"]
			if ct == nil {
				t.Fatal("not compiled")
			}
			var got bytes.Buffer
			gotErr := ct.execute(&got, data)
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("error: compiled %v, text/template %v", gotErr, wantErr)
			}
			if wantErr == nil && got.String() != want.String() {
				t.Errorf("compiled %q, text/template %q", got.String(), want.String())
			}
		})
	}
}

// TestCompiledDropsCallersOfUncompiled: a template that calls (through recursion)
// one the compiler cannot handle is not compiled either.
func TestCompiledDropsCallersOfUncompiled(t *testing.T) {
	src := `{{define "a"}}{{template "b" .}}{{printf "%v" 1}}{{end}}` +
		`{{define "b"}}{{if false}}{{template "a" .}}{{end}}b{{end}}{{define "c"}}c{{end}}`
	set := template.Must(template.New("root").Funcs(templateFuncs).Parse(src))
	got := compileTemplates(set, templateFuncs, nil)
	for name, want := range map[string]bool{"a": false, "b": false, "c": true} {
		if (got[name] != nil) != want {
			t.Errorf("%s compiled = %v, want %v", name, got[name] != nil, want)
		}
	}
}

// BenchmarkRespondTextTemplate is BenchmarkRespond with every template rendered by
// text/template (no compiled templates): run both in one go for the ratio,
//
//	go test -run XXX -bench 'Respond$|RespondTextTemplate' -benchmem ./dialog
func BenchmarkRespondTextTemplate(b *testing.B) {
	e := testEngine(b, Options{})
	e.rules.Load().compiled = nil
	benchRespondOn(b, e, benchMix(b))
}
