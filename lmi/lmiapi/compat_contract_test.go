package lmiapi

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/lmi/lmiforall/lmiforalltest"
)

// shapeErrors reports where got does not have recorded's shape: every key of a
// recorded object present with a value of the same JSON type, list elements alike.
// A recorded null, or an empty list on either side, says nothing about the shape.
func shapeErrors(path string, recorded, got any) []string {
	switch r := recorded.(type) {
	case nil:
		return nil
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %T", path, got)}
		}
		var errs []string
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			errs = append(errs, shapeErrors(path+"."+k, r[k], gv)...)
		}
		return errs
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want a list, got %T", path, got)}
		}
		if len(r) == 0 || len(g) == 0 {
			return nil
		}
		var errs []string
		for i := range g {
			errs = append(errs, shapeErrors(fmt.Sprintf("%s[%d]", path, i), r[0], g[i])...)
		}
		return errs
	default:
		if fmt.Sprintf("%T", recorded) != fmt.Sprintf("%T", got) {
			return []string{fmt.Sprintf("%s: want %T, got %T", path, recorded, got)}
		}
	}
	return nil
}

// contract replays recorded LMI for All requests against careersbot's compatible
// routes: the status must match and the body must have the recorded shape; the SOC
// titles and the (coarse) SOC the answer is for must match too.
func contract(t *testing.T, dir string, skip func(string) bool) int {
	recs, err := lmiforalltest.RecordedRequests(dir)
	if err != nil {
		t.Fatal(err)
	}
	mux := newMux(t, Options{})
	n := 0
	for _, rec := range recs {
		if skip != nil && skip(rec.Name) {
			continue
		}
		n++
		uri := "/api/v1" + rec.Path
		if len(rec.Query) > 0 {
			uri += "?" + rec.Query.Encode()
		}
		res := get(mux, uri)
		if res.Code != rec.Status {
			t.Errorf("%s: %s: status %d, recorded %d: %s", rec.Name, uri, res.Code, rec.Status, res.Body)
			continue
		}
		var want, got any
		if err := json.Unmarshal(rec.Body, &want); err != nil {
			t.Fatalf("%s: recorded body: %v", rec.Name, err)
		}
		if err := json.Unmarshal(res.Body.Bytes(), &got); err != nil {
			t.Errorf("%s: our body: %v", rec.Name, err)
			continue
		}
		for _, e := range shapeErrors("$", want, got) {
			t.Errorf("%s: %s", rec.Name, e)
		}
		w, _ := want.(map[string]any)
		g, _ := got.(map[string]any)
		if w != nil && g != nil {
			if w["soc"] != g["soc"] {
				t.Errorf("%s: soc %v, recorded %v", rec.Name, g["soc"], w["soc"])
			}
			if wt, ok := w["title"].(string); ok && !strings.EqualFold(strings.TrimSpace(wt), g["title"].(string)) {
				t.Errorf("%s: title %q, recorded %q", rec.Name, g["title"], wt)
			}
		}
	}
	return n
}

func TestCompatContractRecorded(t *testing.T) {
	dir := lmiforalltest.SharedFixtures(t, 2)
	if dir == "" {
		t.Skip("LMI for All fixtures not found in ../shared/data/lmiforall-fixtures (set CAREERSBOT_SHARED)")
	}
	if n := contract(t, dir, nil); n < 20 {
		t.Errorf("only %d recorded requests replayed", n)
	}
}

// TestCompatContractCommitted runs the same contract over the committed synthetic
// bodies (documented shapes), so it runs without ../shared too.
func TestCompatContractCommitted(t *testing.T) {
	n := contract(t, "../lmiforall/testdata/bodies", func(name string) bool {
		return strings.Contains(name, "9999") // a body with deliberately wrong types
	})
	if n < 4 {
		t.Errorf("only %d committed requests replayed", n)
	}
}

func TestShapeErrors(t *testing.T) {
	for _, tc := range []struct {
		recorded, got string
		errs          int
	}{
		{`{"soc":41,"series":[{"year":2015,"estpay":490}]}`, `{"soc":52,"series":[{"year":2025,"estpay":793}],"source":"x"}`, 0},
		{`{"soc":41}`, `{"soc":"41"}`, 1},
		{`{"soc":41,"title":"x"}`, `{"soc":41}`, 1},
		{`[{"soc":1,"add_titles":["a"]}]`, `[{"soc":2,"add_titles":[]},{"soc":3,"add_titles":[7]}]`, 1},
		{`[]`, `[{"anything":1}]`, 0},
		{`{"a":null}`, `{"a":3}`, 0},
		{`{"a":[1]}`, `{"a":{}}`, 1},
	} {
		var r, g any
		json.Unmarshal([]byte(tc.recorded), &r)
		json.Unmarshal([]byte(tc.got), &g)
		if errs := shapeErrors("$", r, g); len(errs) != tc.errs {
			t.Errorf("%s vs %s: %v", tc.recorded, tc.got, errs)
		}
	}
}
