package layered_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/lmi"
	"github.com/careersbot/careersbot/lmi/layered"
	"github.com/careersbot/careersbot/lmi/lmiforall"
	"github.com/careersbot/careersbot/lmi/lmiforall/lmiforalltest"
)

type fixture struct {
	emb  *lmi.Embedded
	live *lmiforall.Store
	fake *lmiforalltest.Server
}

func setup(t *testing.T) fixture {
	t.Helper()
	dirs := []string{"../lmiforall/testdata/bodies"}
	if d := lmiforalltest.SharedFixtures(t, 2); d != "" {
		dirs = append(dirs, d)
	}
	fake := lmiforalltest.New(t, dirs...)
	c, err := lmiforall.New(fake.URL, lmiforall.WithResilience(lmiforall.Resilience{
		Timeout: 200 * time.Millisecond, Retries: 1, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, BreakerFailures: 3, BreakerCooldown: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	emb, err := lmi.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return fixture{emb: emb, live: lmiforall.NewStore(c, emb), fake: fake}
}

func (f fixture) store(t *testing.T, liveFirst bool) *layered.Store {
	ls := []layered.Layer{{Name: "careersbot's embedded snapshot", Store: f.emb}, {Name: "LMI for All", Store: f.live}}
	if liveFirst {
		ls[0], ls[1] = ls[1], ls[0]
	}
	s, err := layered.New(nil, ls...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func caveat(f lmi.Figure, sub string) bool {
	for _, c := range f.Caveats {
		if strings.Contains(c, sub) {
			return true
		}
	}
	return false
}

func TestEmbeddedFirst(t *testing.T) {
	f := setup(t)
	s := f.store(t, false)
	ctx := context.Background()
	// the snapshot has electricians' pay: it answers, LMI for All fills the texts
	o, err := s.Occupation(ctx, "5241")
	if err != nil {
		t.Fatal(err)
	}
	if a := o.Pay.AnnualFullTime.Median; a.SourceID != "ashe2025p" || a.Missing {
		t.Errorf("annual from %+v, want the snapshot", a)
	}
	if o.Texts == nil || o.Texts.SourceID != lmiforall.SourceSOC {
		t.Errorf("texts %+v, want LMI for All's", o.Texts)
	}
	if o.Outlook == nil || o.Outlook.Employment2035K.SourceID != "skills2035" {
		t.Errorf("outlook %+v", o.Outlook)
	}
	// ONS suppressed dentists' pay in the snapshot: LMI for All fills it, labelled
	o, err = s.Occupation(ctx, "2253")
	if err != nil {
		t.Fatal(err)
	}
	a := o.Pay.AnnualFullTime.Median
	if a.Missing || a.SourceID != lmiforall.SourceASHE || a.Year != "2019" || a.Value != 85800 {
		t.Errorf("dentists' annual %+v", a)
	}
	if caveat(a, "did not answer") {
		t.Errorf("a filled gap reads as an outage: %q", a.Caveats)
	}
	if p := o.Pay.AnnualFullTime.P90; !p.Missing && p.SourceID != "ashe2025p" {
		t.Errorf("p90 %+v", p)
	}
	// the service goes down: the snapshot still answers, the gap stays a gap
	f.fake.SetMode(lmiforalltest.Down)
	o, err = s.Occupation(ctx, "2462")
	if err != nil || o.Title == "" {
		t.Fatalf("with LMI for All down: %v", err)
	}
	layers, ready := s.Health(ctx)
	if !ready || layers[0].OK != true || layers[1].OK || layers[1].Failed == 0 {
		t.Errorf("health %+v ready %v", layers, ready)
	}
}

func TestLiveFirst(t *testing.T) {
	f := setup(t)
	s := f.store(t, true)
	ctx := context.Background()
	o, err := s.Occupation(ctx, "5241")
	if err != nil {
		t.Fatal(err)
	}
	if a := o.Pay.AnnualFullTime.Median; a.SourceID != lmiforall.SourceASHE || a.Value != 36500 {
		t.Errorf("annual %+v, want LMI for All's", a)
	}
	if p := o.Pay.AnnualFullTime.P25; !p.Missing {
		t.Errorf("p25 %+v: the snapshot's percentiles mixed into LMI for All's distribution", p)
	}
	if h := o.Pay.HourlyFullTime.Median; h.Missing || h.SourceID != "ashe2025p" {
		t.Errorf("hourly %+v, want the snapshot's (LMI for All has none)", h)
	}
	regions := map[string]string{}
	for _, r := range o.RegionalPay {
		regions[r.Region] = r.Median.SourceID
	}
	if regions["London"] != lmiforall.SourceASHE || regions["Wales"] != "ashe2025p_region" || len(regions) != 12 {
		t.Errorf("regional sources %v", regions)
	}
	if o.Outlook == nil || o.Demand == nil || o.Entry.SourceID == "" {
		t.Error("snapshot sections not filled")
	}

	f.fake.SetMode(lmiforalltest.Down)
	for _, code := range []string{"2136", "2231", "5241", "9223"} {
		o, err := s.Occupation(ctx, code)
		if err != nil {
			t.Fatalf("%s with LMI for All down: %v", code, err)
		}
		a := o.Pay.AnnualFullTime.Median
		if code == "5241" {
			continue // cached from before the outage: still LMI for All's
		}
		if a.SourceID != "ashe2025p" || !caveat(a, "LMI for All did not answer, so this is from careersbot's embedded snapshot") {
			t.Errorf("%s annual %+v", code, a)
		}
	}
	ms, err := s.SearchOccupations(ctx, "electrician", 3)
	if err != nil || len(ms) == 0 || ms[0].SOC2020 != "5241" {
		t.Errorf("search with LMI for All down: %+v %v", ms, err)
	}
	if _, err := s.RegionalMedian(ctx, "2136", "London"); err != nil {
		t.Errorf("regional median with LMI for All down: %v", err)
	}
	layers, ready := s.Health(ctx)
	if !ready || layers[0].OK || !strings.Contains(layers[0].Error, "circuit open") {
		t.Errorf("health %+v ready %v", layers, ready)
	}
	only, _ := layered.New(nil, layered.Layer{Name: "LMI for All", Store: f.live})
	if _, ready := only.Health(ctx); ready {
		t.Error("LMI for All alone and down, but ready")
	}
}

func TestNew(t *testing.T) {
	if _, err := layered.New(nil); err == nil {
		t.Error("no layers accepted")
	}
	if _, err := layered.New(nil, layered.Layer{Name: "x"}); err == nil {
		t.Error("nil store accepted")
	}
}
