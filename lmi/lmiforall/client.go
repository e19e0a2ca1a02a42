// Package lmiforall is a client for the LMI for All API
// (https://api.lmiforall.org.uk/api/v1): SOC 2010 search and descriptions, ASHE pay
// and hours estimates, Working Futures projections and HESA courses. careersbot's own
// store is built from public files (package lmi); this client lets a careers service
// that has LMI for All access compare or top up those figures.
//
// Occupations are keyed by SOC 2010 4-digit codes. With coarse=true the ASHE
// endpoints answer for the 2-digit sub-major group (the response's soc says which).
package lmiforall

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is the public v1 API.
const DefaultBaseURL = "https://api.lmiforall.org.uk/api/v1"

// Errors a caller can test for with errors.Is.
var (
	ErrNotFound    = errors.New("lmiforall: not found")
	ErrRateLimited = errors.New("lmiforall: too many requests, try again later")
)

// APIError is a non-2xx answer from the API.
type APIError struct {
	Status  int
	Message string // the body's "error" field, when there is one
	URL     string
}

func (e *APIError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("lmiforall: %s: HTTP %d: %s", e.URL, e.Status, e.Message)
	}
	return fmt.Sprintf("lmiforall: %s: HTTP %d", e.URL, e.Status)
}

func (e *APIError) Unwrap() error {
	switch e.Status {
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		return ErrRateLimited
	}
	return nil
}

// Client calls the API. The zero value is not usable; use New. It retries transient
// failures with jittered backoff, stops calling for a while after repeated failures
// (circuit breaker), caches answers per series and merges identical concurrent calls.
type Client struct {
	base    string
	http    *http.Client
	keyID   string
	secret  []byte
	now     func() time.Time
	res     Resilience
	cache   *cache
	breaker *breaker
	flight  flight
	n       counters
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (default: one with a 15 s timeout; each attempt
// is also bounded by Resilience.Timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithHMAC signs requests as registered clients do: a Date header and
// `Authorization: Signature keyId="…",algorithm="hmac-sha1",signature="…"` where the
// signature is base64(HMAC-SHA1(secret, Date header value)).
func WithHMAC(keyID, secret string) Option {
	return func(c *Client) { c.keyID, c.secret = keyID, []byte(secret) }
}

// WithResilience sets timeouts, retries, the breaker and the cache.
func WithResilience(r Resilience) Option { return func(c *Client) { c.res = r } }

// New returns a client for baseURL ("" for DefaultBaseURL).
func New(baseURL string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("lmiforall: bad base URL %q", baseURL)
	}
	c := &Client{base: strings.TrimRight(baseURL, "/"), http: &http.Client{Timeout: 15 * time.Second}, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	c.res = c.res.withDefaults()
	c.cache = newCache(c.res.CacheEntries, func() time.Time { return c.now() })
	c.breaker = &breaker{limit: c.res.BreakerFailures, cooldown: c.res.BreakerCooldown, now: func() time.Time { return c.now() }}
	return c, nil
}

// Stats returns the client's counters and breaker state.
func (c *Client) Stats() Stats {
	return Stats{CacheHits: c.n.hits.Load(), CacheMisses: c.n.misses.Load(), Shared: c.n.shared.Load(),
		Requests: c.n.requests.Load(), Retries: c.n.retries.Load(), Failures: c.n.failures.Load(),
		ShortCircuit: c.n.short.Load(), Breaker: c.breaker.state()}
}

func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	body, err := c.fetch(ctx, path, q)
	if err != nil {
		return err
	}
	// LFS and others answer 200 with an "error" key when data are too thin
	if len(body) > 0 && body[0] == '{' {
		var eb struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
			return &APIError{Status: http.StatusOK, URL: path, Message: eb.Error}
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("lmiforall: %s: bad JSON: %w", path, err)
	}
	return nil
}

// fetch returns a 2xx body that is valid JSON, from the cache or the API.
func (c *Client) fetch(ctx context.Context, path string, q url.Values) ([]byte, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	if b, status, ok := c.cache.get(u); ok {
		c.n.hits.Add(1)
		if status != http.StatusOK {
			return nil, apiError(path, status, b)
		}
		return b, nil
	}
	c.n.misses.Add(1)
	body, shared, err := c.flight.do(ctx, u, func() ([]byte, error) { return c.call(ctx, path, u) })
	if shared {
		c.n.shared.Add(1)
	}
	return body, err
}

// call asks the API, retrying transient failures, through the breaker.
func (c *Client) call(ctx context.Context, path, u string) ([]byte, error) {
	if !c.breaker.allow() {
		c.n.short.Add(1)
		return nil, fmt.Errorf("lmiforall: %s: %w", path, ErrCircuitOpen)
	}
	caller := ctx
	ctx, cancel := context.WithTimeout(ctx, c.res.Budget)
	defer cancel()
	for attempt := 0; ; attempt++ {
		c.n.requests.Add(1)
		body, resp, err := c.attempt(ctx, u)
		if caller.Err() != nil {
			c.breaker.done(true) // the caller gave up: not the service's fault
			return nil, fmt.Errorf("lmiforall: %s: %w", path, caller.Err())
		}
		var failure error
		switch {
		case err != nil:
			failure = fmt.Errorf("lmiforall: %s: %w", path, err)
		case resp.StatusCode >= 200 && resp.StatusCode <= 299:
			if json.Valid(body) {
				c.breaker.done(true)
				c.cache.put(u, body, http.StatusOK, c.res.ttlFor(path))
				return body, nil
			}
			var je error = errors.New("truncated or malformed body")
			var tmp any
			if e := json.Unmarshal(body, &tmp); e != nil {
				je = e
			}
			failure = fmt.Errorf("lmiforall: %s: bad JSON: %w", path, je)
		default:
			ae := apiError(path, resp.StatusCode, body)
			if !ae.temporary() {
				c.breaker.done(true) // the service answered: a 4xx is about the request
				if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusBadRequest {
					c.cache.put(u, body, resp.StatusCode, c.res.negativeTTL(path))
				}
				return nil, ae
			}
			failure = ae
		}
		retry, after := true, time.Duration(0)
		if resp != nil {
			retry, after = retryable(nil, resp)
			if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
				retry = true // a body cut short may be transient
			}
		}
		if !retry || attempt >= c.res.Retries || after > c.res.MaxBackoff || ctx.Err() != nil {
			c.n.failures.Add(1)
			c.breaker.done(false)
			return nil, failure
		}
		delay := c.res.backoff(attempt)
		if after > 0 {
			delay = after
		}
		c.n.retries.Add(1)
		if err := sleep(ctx, delay); err != nil {
			if caller.Err() != nil {
				c.breaker.done(true)
				return nil, fmt.Errorf("lmiforall: %s: %w", path, caller.Err())
			}
			c.n.failures.Add(1)
			c.breaker.done(false)
			return nil, fmt.Errorf("%w (gave up after %v)", failure, c.res.Budget)
		}
	}
}

// attempt sends one request bounded by the attempt timeout and reads the body.
func (c *Client) attempt(ctx context.Context, u string) ([]byte, *http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.res.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if c.keyID != "" {
		date := c.now().UTC().Format(http.TimeFormat)
		mac := hmac.New(sha1.New, c.secret)
		mac.Write([]byte(date))
		req.Header.Set("Date", date)
		req.Header.Set("Authorization", fmt.Sprintf(`Signature keyId="%s",algorithm="hmac-sha1",signature="%s"`, c.keyID, base64.StdEncoding.EncodeToString(mac.Sum(nil))))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, resp, fmt.Errorf("reading body: %w", err)
	}
	return body, resp, nil
}

// SOC is one SOC 2010 unit group as the API describes it.
type SOC struct {
	SOC            int      `json:"soc"`
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Qualifications string   `json:"qualifications"`
	Tasks          string   `json:"tasks"`
	AddTitles      []string `json:"add_titles"`
}

// Code is the 4-digit code as text.
func (s SOC) Code() string { return fmt.Sprintf("%04d", s.SOC) }

// TaskList splits Tasks (one string, items separated by ";\n").
func (s SOC) TaskList() []string {
	var out []string
	for _, t := range strings.Split(s.Tasks, ";") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// CleanTitle strips " n.e.c." from the title.
func (s SOC) CleanTitle() string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s.Title), "n.e.c."))
}

// SearchSOC searches unit groups by free text. An empty query is an error (the API
// answers 400); no match is an empty slice.
func (c *Client) SearchSOC(ctx context.Context, q string) ([]SOC, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, errors.New("lmiforall: empty search")
	}
	var out []SOC
	if err := c.get(ctx, "/soc/search", url.Values{"q": {q}}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []SOC{}
	}
	return out, nil
}

// SOCCode returns one unit group. Unknown codes give ErrNotFound (the API may answer
// 400, 404 or a placeholder titled "Missing").
func (c *Client) SOCCode(ctx context.Context, code string) (*SOC, error) {
	n, err := socInt(code)
	if err != nil {
		return nil, err
	}
	var out SOC
	if err := c.get(ctx, "/soc/code/"+strconv.Itoa(n), nil, &out); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusBadRequest {
			return nil, fmt.Errorf("lmiforall: SOC %s: %w", code, ErrNotFound)
		}
		return nil, err
	}
	if out.SOC == 0 || out.Title == "Missing" {
		return nil, fmt.Errorf("lmiforall: SOC %s: %w", code, ErrNotFound)
	}
	return &out, nil
}

func socInt(code string) (int, error) {
	code = strings.TrimSpace(code)
	n, err := strconv.Atoi(code)
	if err != nil || n <= 0 || n > 9999 || len(code) > 4 {
		return 0, fmt.Errorf("lmiforall: bad SOC code %q", code)
	}
	return n, nil
}

// Point is one year's value in an ASHE series.
type Point struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// Estimate is an ASHE series for a SOC code. SOC is the code the API answered for:
// with coarse=true it is the 2-digit sub-major group.
type Estimate struct {
	SOC    int     `json:"soc"`
	Series []Point `json:"series"` // by year, oldest first
}

// Latest returns the most recent point; ok is false for an empty series.
func (e Estimate) Latest() (Point, bool) {
	if len(e.Series) == 0 {
		return Point{}, false
	}
	return e.Series[len(e.Series)-1], true
}

// EstimatePay returns weekly gross pay (£) by year. Annual pay is about 52 times it.
func (c *Client) EstimatePay(ctx context.Context, code string, coarse bool) (Estimate, error) {
	return c.estimate(ctx, "/ashe/estimatePay", "estpay", code, EstimateQuery{Coarse: coarse})
}

// EstimateHours returns weekly hours by year.
func (c *Client) EstimateHours(ctx context.Context, code string, coarse bool) (Estimate, error) {
	return c.estimate(ctx, "/ashe/estimateHours", "hours", code, EstimateQuery{Coarse: coarse})
}

// EstimateQuery narrows an ASHE estimate.
type EstimateQuery struct {
	Coarse bool // answer for the 2-digit sub-major group
	// Filters restricts the estimate, "name:value|name:value" with the names and
	// codings of /ashe/filters/all (e.g. "status:1" full-time, "region:11").
	Filters string
}

// EstimatePayFor is EstimatePay with filters.
func (c *Client) EstimatePayFor(ctx context.Context, code string, q EstimateQuery) (Estimate, error) {
	return c.estimate(ctx, "/ashe/estimatePay", "estpay", code, q)
}

// EstimateHoursFor is EstimateHours with filters.
func (c *Client) EstimateHoursFor(ctx context.Context, code string, q EstimateQuery) (Estimate, error) {
	return c.estimate(ctx, "/ashe/estimateHours", "hours", code, q)
}

func (c *Client) estimate(ctx context.Context, path, field, code string, eq EstimateQuery) (Estimate, error) {
	n, err := socInt(code)
	if err != nil {
		return Estimate{}, err
	}
	var raw struct {
		SOC    int                          `json:"soc"`
		Series []map[string]json.RawMessage `json:"series"`
	}
	q := url.Values{"soc": {strconv.Itoa(n)}, "coarse": {strconv.FormatBool(eq.Coarse)}}
	if eq.Filters != "" {
		q.Set("filters", eq.Filters)
	}
	if err := c.get(ctx, path, q, &raw); err != nil {
		return Estimate{}, err
	}
	e := Estimate{SOC: raw.SOC}
	for _, p := range raw.Series {
		var year int
		var v float64
		if json.Unmarshal(p["year"], &year) != nil || json.Unmarshal(p[field], &v) != nil {
			continue // a point without the figure (e.g. a breakdown) is skipped
		}
		e.Series = append(e.Series, Point{Year: year, Value: v})
	}
	sort.Slice(e.Series, func(i, j int) bool { return e.Series[i].Year < e.Series[j].Year })
	return e, nil
}

// Course is a HESA subject and the share of graduates entering the SOC group.
type Course struct {
	Name       string  `json:"name"`
	Percentage float64 `json:"percentage"`
}

// CourseYear is one academic year of HESA courses.
type CourseYear struct {
	Year    string   `json:"year"`
	Courses []Course `json:"courses"`
}

// HESACourses returns which degree subjects lead into a SOC group, by academic year.
func (c *Client) HESACourses(ctx context.Context, code string) ([]CourseYear, error) {
	n, err := socInt(code)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Years []CourseYear `json:"years"`
	}
	if err := c.get(ctx, "/hesa/courses/"+strconv.Itoa(n), nil, &raw); err != nil {
		return nil, err
	}
	for _, y := range raw.Years {
		sort.SliceStable(y.Courses, func(i, j int) bool { return y.Courses[i].Percentage > y.Courses[j].Percentage })
	}
	return raw.Years, nil
}

// Projection is Working Futures predicted employment by year.
type Projection struct {
	SOC   int     `json:"soc"`
	Years []Point `json:"years"`
}

// Predict returns Working Futures employment projections for a SOC code.
func (c *Client) Predict(ctx context.Context, code string, minYear, maxYear int) (Projection, error) {
	n, err := socInt(code)
	if err != nil {
		return Projection{}, err
	}
	q := url.Values{"soc": {strconv.Itoa(n)}}
	if minYear > 0 {
		q.Set("minYear", strconv.Itoa(minYear))
	}
	if maxYear > 0 {
		q.Set("maxYear", strconv.Itoa(maxYear))
	}
	var raw struct {
		SOC  int `json:"soc"`
		Pred []struct {
			Year       int     `json:"year"`
			Employment float64 `json:"employment"`
		} `json:"predictedEmployment"`
	}
	if err := c.get(ctx, "/wf/predict", q, &raw); err != nil {
		return Projection{}, err
	}
	p := Projection{SOC: raw.SOC}
	for _, y := range raw.Pred {
		p.Years = append(p.Years, Point{Year: y.Year, Value: y.Employment})
	}
	sort.Slice(p.Years, func(i, j int) bool { return p.Years[i].Year < p.Years[j].Year })
	return p, nil
}

// apiError is the error for a non-2xx answer, with the body's "error" message.
func apiError(path string, status int, body []byte) *APIError {
	ae := &APIError{Status: status, URL: path}
	var eb struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil {
		ae.Message = eb.Error
	}
	return ae
}
