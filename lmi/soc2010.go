package lmi

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
)

// fileSOC2010 is the SOC 2010 <-> SOC 2020 table built from the ONS relationship
// file: one line per (SOC 2010, SOC 2020) pair with the shares of dual-coded records.
const fileSOC2010 = "soc2010.tsv.gz"

// SOCLink is one pair of the ONS relationship between SOC 2010 and SOC 2020 unit groups.
// Share is the part of the SOC 2010 group's dual-coded records that ONS coded to this SOC
// 2020 group; Back is the part of the SOC 2020 group's records that came from this SOC
// 2010 group. Both are weighted over the LFS and Census samples for men and women.
type SOCLink struct {
	SOC2010      string  `json:"soc2010"`
	SOC2010Title string  `json:"soc2010_title"`
	SOC2020      string  `json:"soc2020"`
	Share        float64 `json:"share"` // 0..1 of the SOC 2010 group
	Back         float64 `json:"back"`  // 0..1 of the SOC 2020 group
}

// SplitCaveat says, for a figure published for a SOC 2010 group and shown for a SOC 2020
// group, how well the two match ("" when they match one to one).
func (l SOCLink) SplitCaveat() string {
	if l.Share >= 0.995 && l.Back >= 0.995 {
		return ""
	}
	return fmt.Sprintf("published for SOC 2010 group %s (%s): ONS coded %.0f%% of that group to SOC 2020 group %s, which takes %.0f%% of its people from it",
		l.SOC2010, l.SOC2010Title, l.Share*100, l.SOC2020, l.Back*100)
}

// SOCMapper translates between SOC 2010 and SOC 2020 unit groups. The embedded store
// implements it; stores keyed by SOC 2010 (LMI for All) need one.
type SOCMapper interface {
	// SOC2010For lists the SOC 2010 groups a SOC 2020 group came from, largest Back first.
	SOC2010For(ctx context.Context, soc2020 string) ([]SOCLink, error)
	// SOC2020For lists the SOC 2020 groups a SOC 2010 group went to, largest Share first.
	SOC2020For(ctx context.Context, soc2010 string) ([]SOCLink, error)
}

var _ SOCMapper = (*Embedded)(nil)

type socTable struct {
	by2010 map[string][]SOCLink
	by2020 map[string][]SOCLink
}

func (e *Embedded) socLinks() (*socTable, error) {
	e.socOnce.Do(func() {
		data, err := fs.ReadFile(e.fsys, fileSOC2010)
		if err != nil {
			e.socErr = fmt.Errorf("lmi: snapshot %s: %w", fileSOC2010, err)
			return
		}
		raw, err := gunzipBytes(data)
		if err != nil {
			e.socErr = fmt.Errorf("lmi: snapshot %s: %w", fileSOC2010, err)
			return
		}
		e.soc, e.socErr = parseSOCTable(string(raw))
	})
	return e.soc, e.socErr
}

func parseSOCTable(raw string) (*socTable, error) {
	t := &socTable{by2010: map[string][]SOCLink{}, by2020: map[string][]SOCLink{}}
	for n, line := range strings.Split(raw, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("lmi: snapshot %s:%d: %d fields, want 5", fileSOC2010, n+1, len(f))
		}
		share, err1 := strconv.ParseFloat(f[3], 64)
		back, err2 := strconv.ParseFloat(f[4], 64)
		if err1 != nil || err2 != nil || !validSOC(f[0]) || !validSOC(f[2]) {
			return nil, fmt.Errorf("lmi: snapshot %s:%d: bad line %q", fileSOC2010, n+1, line)
		}
		l := SOCLink{SOC2010: f[0], SOC2010Title: f[1], SOC2020: f[2], Share: share, Back: back}
		t.by2010[l.SOC2010] = append(t.by2010[l.SOC2010], l)
		t.by2020[l.SOC2020] = append(t.by2020[l.SOC2020], l)
	}
	for _, ls := range t.by2010 {
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].Share > ls[j].Share })
	}
	for _, ls := range t.by2020 {
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].Back > ls[j].Back })
	}
	return t, nil
}

// SOC2010For lists the SOC 2010 groups a SOC 2020 unit group came from, largest first.
func (e *Embedded) SOC2010For(ctx context.Context, soc2020 string) ([]SOCLink, error) {
	t, err := e.socLinks()
	if err != nil {
		return nil, err
	}
	ls, ok := t.by2020[strings.TrimSpace(soc2020)]
	if !ok {
		return nil, fmt.Errorf("lmi: SOC 2020 %q: %w", soc2020, ErrNotFound)
	}
	return append([]SOCLink(nil), ls...), nil
}

// SOC2020For lists the SOC 2020 unit groups a SOC 2010 group went to, largest first.
func (e *Embedded) SOC2020For(ctx context.Context, soc2010 string) ([]SOCLink, error) {
	t, err := e.socLinks()
	if err != nil {
		return nil, err
	}
	ls, ok := t.by2010[strings.TrimSpace(soc2010)]
	if !ok {
		return nil, fmt.Errorf("lmi: SOC 2010 %q: %w", soc2010, ErrNotFound)
	}
	return append([]SOCLink(nil), ls...), nil
}

// buildSOC2010Table writes the relationship table: the shares are the dual-coded
// records of the four samples (LFS and Census, men and women) weighted by their size.
func buildSOC2010Table(from string) ([]byte, error) {
	t, err := readCSV(from, "ons_soc2010_soc2020_relationship/soc2010_to_soc2020_relationship.csv")
	if err != nil {
		return nil, err
	}
	if err := t.need("soc2010", "soc2010_title", "soc2020"); err != nil {
		return nil, err
	}
	type pair struct {
		soc2010, title, soc2020 string
		w, n                    float64
	}
	var pairs []pair
	total2010 := map[string]float64{}
	total2020 := map[string]float64{}
	for _, r := range t.rows {
		p := pair{soc2010: t.get(r, "soc2010"), title: t.get(r, "soc2010_title"), soc2020: t.get(r, "soc2020")}
		for _, s := range []string{"men_lfs", "men_census", "women_lfs", "women_census"} {
			n, sh := num(t.get(r, s+"_n_2010")), num(t.get(r, s+"_share_to_2020"))
			if n != nil && sh != nil {
				p.w += *n * *sh
				p.n += *n
			}
		}
		if !validSOC(p.soc2010) || !validSOC(p.soc2020) {
			continue
		}
		pairs = append(pairs, p)
		total2020[p.soc2020] += p.w
	}
	// the SOC 2010 group's size is the same n on each of its rows: take it once per sample
	seen := map[string]bool{}
	for _, p := range pairs {
		if !seen[p.soc2010] {
			seen[p.soc2010] = true
			total2010[p.soc2010] = p.n
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i].soc2010 != pairs[j].soc2010 {
			return pairs[i].soc2010 < pairs[j].soc2010
		}
		return pairs[i].soc2020 < pairs[j].soc2020
	})
	var b bytes.Buffer
	b.WriteString("# soc2010\tsoc2010_title\tsoc2020\tshare_of_soc2010\tshare_of_soc2020 (ONS relationship, LFS+Census dual coding)\n")
	for _, p := range pairs {
		share, back := 0.0, 0.0
		if n := total2010[p.soc2010]; n > 0 {
			share = p.w / n
		}
		if n := total2020[p.soc2020]; n > 0 {
			back = p.w / n
		}
		if share == 0 && back == 0 {
			continue // a pair no record took
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", p.soc2010, p.title, p.soc2020, strconv.FormatFloat(round(math.Min(share, 1), 4), 'f', -1, 64), strconv.FormatFloat(round(math.Min(back, 1), 4), 'f', -1, 64))
	}
	return gzipBytes(b.Bytes())
}
