package lmiforall_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/lmi"
	"github.com/careersbot/careersbot/lmi/lmiforall"
	"github.com/careersbot/careersbot/lmi/lmiforall/lmiforalltest"
)

var testRes = lmiforall.Resilience{Timeout: 200 * time.Millisecond, Retries: 1, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, BreakerFailures: 50}

// newStore starts a fake over the committed synthetic bodies (and the recorded
// fixtures when ../shared is there) and returns a Store over it.
func newStore(t *testing.T) (*lmiforall.Store, *lmiforalltest.Server, bool) {
	t.Helper()
	dirs := []string{"testdata/bodies"}
	shared := lmiforalltest.SharedFixtures(t, 2)
	if shared != "" {
		dirs = append(dirs, shared)
	}
	fake := lmiforalltest.New(t, dirs...)
	c, err := lmiforall.New(fake.URL, lmiforall.WithResilience(testRes))
	if err != nil {
		t.Fatal(err)
	}
	emb, err := lmi.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return lmiforall.NewStore(c, emb), fake, shared != ""
}

func hasCaveat(f lmi.Figure, sub string) bool {
	for _, c := range f.Caveats {
		if strings.Contains(c, sub) {
			return true
		}
	}
	return false
}

func TestStoreOccupation(t *testing.T) {
	st, _, _ := newStore(t)
	ctx := context.Background()
	o, err := st.Occupation(ctx, "5241")
	if err != nil {
		t.Fatal(err)
	}
	a := o.Pay.AnnualFullTime.Median
	if a.Missing || a.Value != 36500 || a.Year != "2019" || a.SourceID != lmiforall.SourceASHE || !a.Estimate {
		t.Errorf("annual median %+v", a)
	}
	if !hasCaveat(a, "SOC 2010 group 5241") || !hasCaveat(a, "times 52") {
		t.Errorf("annual caveats %q", a.Caveats)
	}
	if w := o.Pay.WeeklyFullTime.Median; w.Value != 701 {
		t.Errorf("weekly %+v", w)
	}
	if h := o.Pay.PaidHoursFullTime.Median; h.Value != 41.5 || h.Year != "2019" {
		t.Errorf("hours %+v", h)
	}
	if !o.Pay.AnnualFullTime.P90.Missing || !o.Pay.HourlyAll.Median.Missing {
		t.Error("figures LMI for All lacks are not Missing")
	}
	got := map[string]float64{}
	for _, r := range o.RegionalPay {
		got[r.Region] = r.Median.Value
		if r.Median.Year != "2019" || !r.Median.Estimate {
			t.Errorf("regional %+v", r)
		}
	}
	if got["London"] != 42600 || got["Scotland"] != 35900 || got["North East"] != 31700 || len(got) != 3 {
		t.Errorf("regional pay %v", got)
	}
	if o.Texts == nil || o.Texts.SourceID != lmiforall.SourceSOC || len(o.Texts.Tasks) != 3 {
		t.Errorf("texts %+v", o.Texts)
	}
	if o.Title != "Electricians and electrical fitters" || o.SubMajorGroup != "52" {
		t.Errorf("classification %q %q", o.Title, o.SubMajorGroup)
	}
	r, err := st.RegionalMedian(ctx, "5241", "london")
	if err != nil || r.Median.Value != 42600 {
		t.Errorf("regional median %+v %v", r, err)
	}
	if _, err := st.RegionalMedian(ctx, "5241", "Wales"); !errors.Is(err, lmi.ErrNotFound) {
		t.Errorf("no Wales figure: %v", err)
	}
	if _, err := st.Occupation(ctx, "0000"); !errors.Is(err, lmi.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
}

func TestStoreRecordedFixtures(t *testing.T) {
	st, fake, shared := newStore(t)
	if !shared {
		t.Skip("LMI for All fixtures not found in ../shared/data/lmiforall-fixtures (set CAREERSBOT_SHARED)")
	}
	ctx := context.Background()
	// 4135: no 4-digit estimate recorded, so the 2-digit coarse one answers
	o, err := st.Occupation(ctx, "4135")
	if err != nil {
		t.Fatal(err)
	}
	a := o.Pay.AnnualFullTime.Median
	if a.Value != 25500 || a.Year != "2015" || !hasCaveat(a, "sub-major group 41") {
		t.Errorf("4135 annual %+v", a)
	}
	if hasCaveat(a, "ONS coded") {
		t.Errorf("4135 maps one to one, but has a split caveat: %q", a.Caveats)
	}
	if h := o.Pay.PaidHoursFullTime.Median; h.Value != 39 {
		t.Errorf("4135 hours %+v", h)
	}
	var sawCoarse bool
	for _, u := range fake.Log() {
		sawCoarse = sawCoarse || strings.Contains(u, "coarse=true") && strings.Contains(u, "soc=4135")
	}
	if !sawCoarse {
		t.Errorf("no coarse=true request: %v", fake.Log())
	}
	// search: SOC 2010 results mapped to SOC 2020
	ms, err := st.SearchOccupations(ctx, "plumber", 5)
	if err != nil || len(ms) == 0 || ms[0].SOC2020 != "5315" || ms[0].SOC2010 != "5314" || ms[0].Score >= lmi.ConfidentScore {
		t.Errorf("plumber: %+v %v", ms, err)
	}
	for _, q := range []string{"gobbledygook", "", "   "} {
		if ms, err := st.SearchOccupations(ctx, q, 5); err != nil || len(ms) != 0 || ms == nil {
			t.Errorf("%q: %#v %v", q, ms, err)
		}
	}
	cs, err := st.Courses(ctx, "3113", 10)
	if err != nil || len(cs) == 0 || cs[0].Percent.Year != "2014/15" || cs[0].Percent.SourceID != lmiforall.SourceHESA {
		t.Errorf("courses: %+v %v", cs, err)
	}
	for _, c := range cs {
		if c.Percent.Value < 10 {
			t.Errorf("course under 10%%: %+v", c)
		}
	}
}

func TestStoreSeries(t *testing.T) {
	st, _, _ := newStore(t)
	ctx := context.Background()
	p, err := st.Projection(ctx, "5241")
	if err != nil || len(p.Employment) != 3 || p.Employment[0].Year != "2021" || p.Replacement == nil || p.Replacement.Value != 58900 || p.Period != "2021-2027" {
		t.Fatalf("projection %+v %v", p, err)
	}
	if p.Employment[2].Figure.SourceID != lmiforall.SourceWF || !hasCaveat(p.Employment[2].Figure, "projection") {
		t.Errorf("projection labels %+v", p.Employment[2].Figure)
	}
	u, err := st.Unemployment(ctx, "5241")
	if err != nil || len(u) != 2 || u[1].Year != "2021" || u[1].Figure.Value != 3.4 {
		t.Errorf("unemployment %+v %v", u, err)
	}
	sk, err := st.Skills(ctx, "5241")
	if err != nil || len(sk) != 2 || sk[0].Name != "Troubleshooting" {
		t.Errorf("skills %+v %v", sk, err)
	}
	bd, err := st.ProjectionBreakdown(ctx, "5241", "region")
	if err != nil || len(bd["2027"]) != 2 || bd["2027"][0].Name != "London" || bd["2027"][0].Figure.Year != "2027" || len(bd["2021"]) != 1 {
		t.Errorf("breakdown %+v %v", bd, err)
	}
	if _, err := st.ProjectionBreakdown(ctx, "5241", "shoe size"); err == nil {
		t.Error("unknown breakdown accepted")
	}
	if _, err := st.ONet(ctx, "5241", "interests"); err == nil || !strings.Contains(err.Error(), "bad interests list") {
		t.Errorf("interests with a wrong-typed value: %v", err)
	}
	if _, err := st.ONet(ctx, "5241", "knowledge"); err == nil {
		t.Error("unknown O*NET descriptor accepted")
	}
	rd, err := st.Client().Replacement(ctx, "2136") // the nested shape
	if err != nil || rd.Openings != 61000 || rd.EndYear != 2027 || rd.SOC != 2136 {
		t.Errorf("nested replacement %+v %v", rd, err)
	}
	if _, err := st.Client().EstimatePay(ctx, "9999", false); err == nil || !strings.Contains(err.Error(), "bad JSON") {
		t.Errorf("wrong types: %v", err)
	}
	srcs, _ := st.Sources(ctx)
	var n int
	for _, s := range srcs {
		if strings.HasPrefix(s.ID, "lmiforall_") && s.Attribution != "" {
			n++
		}
	}
	if n != 7 {
		t.Errorf("%d LMI for All sources", n)
	}
}

func TestStoreOutage(t *testing.T) {
	for _, m := range []lmiforalltest.Mode{lmiforalltest.Down, lmiforalltest.RateLimited, lmiforalltest.Slow, lmiforalltest.Truncated, lmiforalltest.Off} {
		st, fake, _ := newStore(t)
		fake.SetDelay(time.Second)
		fake.SetMode(m)
		_, err := st.Occupation(context.Background(), "5241")
		if err == nil || !lmiforall.Transient(err) {
			t.Errorf("mode %d: %v (transient %v)", m, err, lmiforall.Transient(err))
		}
		if err := st.Health(context.Background()); err == nil {
			t.Errorf("mode %d: healthy", m)
		}
	}
}

// TestStoreWithoutStatusFilter: a service that rejects the full-time filter still
// gives pay, for all employees, filed and labelled as such.
func TestStoreWithoutStatusFilter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("filters") != "" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"Unknown filter"}`))
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", "bodies", lmiforalltest.FileName(r.URL.Path, r.URL.Query())))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	c, _ := lmiforall.New(srv.URL, lmiforall.WithResilience(testRes))
	emb, _ := lmi.LoadEmbedded()
	o, err := lmiforall.NewStore(c, emb).Occupation(context.Background(), "5241")
	if err != nil {
		t.Fatal(err)
	}
	if !o.Pay.AnnualFullTime.Median.Missing {
		t.Errorf("full-time median filled from an unfiltered estimate: %+v", o.Pay.AnnualFullTime.Median)
	}
	a := o.Pay.AnnualAll.Median
	if a.Value != 36500 || !hasCaveat(a, "all employees") {
		t.Errorf("all-employee median %+v", a)
	}
	if h := o.Pay.PaidHoursAll.Median; h.Value != 41.5 {
		t.Errorf("all-employee hours %+v", h)
	}
}
