package lmiforall

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/lmi/lmiforall/lmiforalltest"
)

func TestRecordedResponses(t *testing.T) {
	// The recorded responses are in ../shared, not committed: third-party recordings.
	dir := lmiforalltest.SharedFixtures(t, 2)
	if dir == "" {
		t.Skip("LMI for All fixtures not found in ../shared/data/lmiforall-fixtures (set CAREERSBOT_SHARED)")
	}
	c, err := New(lmiforalltest.New(t, dir).URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	res, err := c.SearchSOC(ctx, "plumber")
	if err != nil || len(res) == 0 || res[0].SOC != 5314 || !strings.HasPrefix(res[0].Title, "Plumbers") || len(res[0].AddTitles) == 0 {
		t.Fatalf("search plumber: %v %v", res, err)
	}
	if res, err := c.SearchSOC(ctx, "gobbledygook"); err != nil || len(res) != 0 || res == nil {
		t.Errorf("no match: %#v %v", res, err)
	}
	if _, err := c.SearchSOC(ctx, "  "); err == nil {
		t.Error("empty query: no error")
	}

	s, err := c.SOCCode(ctx, "4135")
	if err != nil || s.Code() != "4135" || s.Title != "Library clerks and assistants" || len(s.TaskList()) < 2 {
		t.Fatalf("soc 4135: %+v %v", s, err)
	}
	if _, err := c.SOCCode(ctx, "7777"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := c.SOCCode(ctx, "12345"); err == nil {
		t.Error("bad code: no error")
	}

	pay, err := c.EstimatePay(ctx, "4135", true)
	if err != nil || pay.SOC != 41 || len(pay.Series) != 2 {
		t.Fatalf("pay: %+v %v", pay, err)
	}
	if p, ok := pay.Latest(); !ok || p.Year != 2015 || p.Value != 490 {
		t.Errorf("latest pay %+v", p)
	}
	hrs, err := c.EstimateHours(ctx, "8211", true)
	if p, ok := hrs.Latest(); err != nil || !ok || p.Value != 47 || hrs.SOC != 82 {
		t.Errorf("hours: %+v %v", hrs, err)
	}
	years, err := c.HESACourses(ctx, "3113")
	if err != nil || len(years) == 0 || years[0].Year != "2011/12" || len(years[0].Courses) == 0 {
		t.Fatalf("hesa: %v %v", years, err)
	}
	for _, y := range years {
		for i := 1; i < len(y.Courses); i++ {
			if y.Courses[i].Percentage > y.Courses[i-1].Percentage {
				t.Errorf("%s courses not sorted", y.Year)
			}
		}
	}
}

// TestErrorsAndSigning uses a server of our own for the cases no recording covers.
func TestErrorsAndSigning(t *testing.T) {
	var gotAuth, gotDate string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotDate = r.Header.Get("Authorization"), r.Header.Get("Date")
		switch r.URL.Path {
		case "/busy":
			w.WriteHeader(503)
		case "/soc/search":
			w.Write([]byte(`[{"soc":5241,`)) // cut short
		case "/soc/code/1111":
			w.Write([]byte(`{"soc":0,"title":"Missing"}`))
		case "/wf/predict":
			w.Write([]byte(`{"soc":5241,"predictedEmployment":[{"year":2027,"employment":210000},{"year":2024,"employment":200000}]}`))
		case "/lfs/unemployment":
			w.Write([]byte(`{"error":"Not enough data"}`))
		default:
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	c, err := New(srv.URL, WithHMAC("key-1", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return time.Date(2017, 2, 20, 10, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	var out any
	if err := c.get(ctx, "/busy", nil, &out); !errors.Is(err, ErrRateLimited) {
		t.Errorf("503: %v", err)
	}
	if gotDate != "Mon, 20 Feb 2017 10:00:00 GMT" || !strings.HasPrefix(gotAuth, `Signature keyId="key-1",algorithm="hmac-sha1",signature="`) {
		t.Errorf("signing headers: %q %q", gotDate, gotAuth)
	}
	// base64(HMAC-SHA1("secret", "Mon, 20 Feb 2017 10:00:00 GMT")), computed independently with Python's hmac module
	if !strings.HasSuffix(gotAuth, `signature="pTljvmBRx2h3WienikLAdtjNMII="`) {
		t.Errorf("signature: %q", gotAuth)
	}
	if _, err := c.SearchSOC(ctx, "electrician"); err == nil || !strings.Contains(err.Error(), "bad JSON") {
		t.Errorf("truncated body: %v", err)
	}
	if _, err := c.SOCCode(ctx, "1111"); !errors.Is(err, ErrNotFound) {
		t.Errorf("placeholder record: %v", err)
	}
	p, err := c.Predict(ctx, "5241", 2024, 2027)
	if err != nil || len(p.Years) != 2 || p.Years[0].Year != 2024 {
		t.Errorf("predict: %+v %v", p, err)
	}
	if err := c.get(ctx, "/lfs/unemployment", nil, &out); err == nil || !strings.Contains(err.Error(), "Not enough data") {
		t.Errorf("200 with error body: %v", err)
	}
	if _, err := New("ftp://x"); err == nil {
		t.Error("bad base URL accepted")
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.SearchSOC(ctx2, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
