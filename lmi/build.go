package lmi

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// csvTable is a CSV file read whole, with columns by name.
type csvTable struct {
	path string
	cols map[string]int
	rows [][]string
}

func readCSV(dir, rel string) (*csvTable, error) {
	p := filepath.Join(dir, rel)
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("lmi build: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("lmi build: %s: %w", p, err)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("lmi build: %s: empty file", p)
	}
	t := &csvTable{path: p, cols: map[string]int{}}
	for i, h := range all[0] {
		t.cols[strings.TrimPrefix(h, "\ufeff")] = i
	}
	t.rows = all[1:]
	return t, nil
}

// get returns the named column of row i ("" when the column or cell is absent).
func (t *csvTable) get(row []string, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (t *csvTable) need(cols ...string) error {
	for _, c := range cols {
		if _, ok := t.cols[c]; !ok {
			return fmt.Errorf("lmi build: %s: missing column %q", t.path, c)
		}
	}
	return nil
}

// num parses a published number; markers (x, .., :, -, empty) give nil.
func num(s string) *float64 {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func round(v float64, dp int) float64 {
	p := math.Pow(10, float64(dp))
	return math.Round(v*p) / p
}

// BuildOptions controls Build.
type BuildOptions struct {
	From string // the public data folder (../shared/data)
	Out  string // where to write the snapshot files
}

// Build reads the public source files and writes the snapshot: facts and figures only,
// deterministic (byte-identical on rebuild). It returns the files written.
func Build(ctx context.Context, opt BuildOptions) ([]string, error) {
	files, err := BuildFiles(ctx, opt.From)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, fmt.Errorf("lmi build: %w", err)
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(opt.Out, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, fmt.Errorf("lmi build: %w", err)
		}
	}
	return names, nil
}

// BuildFiles builds the snapshot in memory: file name -> bytes.
func BuildFiles(ctx context.Context, from string) (map[string][]byte, error) {
	b := &builder{from: from, units: map[string]*snapUnit{}}
	steps := []func() error{b.volume1, b.codingIndex, b.relationship, b.pay, b.pay2023, b.demand, b.profiles, b.geo, b.outlook, b.adverts, b.leo}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(); err != nil {
			return nil, err
		}
	}
	out, err := b.encode()
	if err != nil {
		return nil, err
	}
	if out[fileSOC2010], err = buildSOC2010Table(from); err != nil {
		return nil, err
	}
	return out, nil
}

type builder struct {
	from    string
	units   map[string]*snapUnit
	order   []string
	titles  bytes.Buffer
	geoSnap snapGeo
	outlk   []snapOutlookArea
	ads     snapAdverts
	leoRows []snapLEO
}

func (b *builder) volume1() error {
	t, err := readCSV(b.from, "ons_soc2020_volume1/soc2020_unit_groups.csv")
	if err != nil {
		return err
	}
	if err := t.need("soc2020", "title", "minor_group", "sub_major_group", "major_group", "entry_routes_and_qualifications", "related_job_titles"); err != nil {
		return err
	}
	for _, r := range t.rows {
		code := t.get(r, "soc2020")
		u := &snapUnit{
			SOC2020: code, Title: t.get(r, "title"),
			Minor: t.get(r, "minor_group"), MinorTitle: t.get(r, "minor_group_title"),
			SubMajor: t.get(r, "sub_major_group"), SubMajorTitle: t.get(r, "sub_major_group_title"),
			Major: t.get(r, "major_group"), MajorTitle: t.get(r, "major_group_title"),
			SOC2010: []string{}, Related: []string{}, Pay: map[string]snapFigures{},
			Entry: ExtractEntry(t.get(r, "entry_routes_and_qualifications")),
		}
		for _, rt := range strings.Split(t.get(r, "related_job_titles"), "|") {
			rt = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rt), "~"))
			if rt != "" {
				u.Related = append(u.Related, rt)
			}
		}
		b.units[code] = u
		b.order = append(b.order, code)
	}
	sort.Strings(b.order)
	if len(b.order) != 412 {
		return fmt.Errorf("lmi build: %s: %d unit groups, want 412", t.path, len(b.order))
	}
	// the reviewed entry table replaces the rules' facts for its unit groups
	reviewed, err := parseReviewed(reviewedTSV, ReviewedEntryFile)
	if err != nil {
		return fmt.Errorf("lmi build: %w", err)
	}
	for code, r := range reviewed {
		u := b.units[code]
		if u == nil {
			return fmt.Errorf("lmi build: %s:%d:1: %s is not a SOC 2020 unit group in %s", ReviewedEntryFile, r.line, code, t.path)
		}
		u.Entry = ApplyReviewed(u.Entry, r.entry)
	}
	return nil
}

// codingIndex writes the title table: natural title, add, ind, SOC 2020, SOC 2010,
// default flag; one line per index entry, in the index's order.
func (b *builder) codingIndex() error {
	t, err := readCSV(b.from, "ons_soc2020_coding_index/soc2020_coding_index.csv")
	if err != nil {
		return err
	}
	if err := t.need("soc2020", "soc2010", "indexocc_natural", "add", "ind", "d_flag"); err != nil {
		return err
	}
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s) }
	extra := map[string]int{}
	for _, r := range t.rows {
		soc := t.get(r, "soc2020")
		u := b.units[soc]
		if u == nil {
			continue // "}}}}" cross-references
		}
		u.Index++
		// the index's own default titles (no qualifiers) join the related titles
		if title := t.get(r, "indexocc_natural"); t.get(r, "d_flag") != "" && t.get(r, "add") == "" && t.get(r, "ind") == "" && extra[soc] < 12 && !containsFold(u.Related, title) {
			u.Related = append(u.Related, title)
			extra[soc]++
		}
		fmt.Fprintf(&b.titles, "%s\t%s\t%s\t%s\t%s\t%s\n", clean(t.get(r, "indexocc_natural")), clean(t.get(r, "add")), clean(t.get(r, "ind")), soc, t.get(r, "soc2010"), t.get(r, "d_flag"))
	}
	return nil
}

// relationship orders each unit group's SOC 2010 codes by the share of dual-coded
// records (LFS and Census, men and women, weighted by sample size).
func (b *builder) relationship() error {
	t, err := readCSV(b.from, "ons_soc2010_soc2020_relationship/soc2010_to_soc2020_relationship.csv")
	if err != nil {
		return err
	}
	type pair struct {
		soc2010 string
		w       float64
	}
	m := map[string][]pair{}
	for _, r := range t.rows {
		w := 0.0
		for _, p := range []string{"men_lfs", "men_census", "women_lfs", "women_census"} {
			n, s := num(t.get(r, p+"_n_2010")), num(t.get(r, p+"_share_to_2020"))
			if n != nil && s != nil {
				w += *n * *s
			}
		}
		m[t.get(r, "soc2020")] = append(m[t.get(r, "soc2020")], pair{t.get(r, "soc2010"), w})
	}
	for code, ps := range m {
		u := b.units[code]
		if u == nil {
			continue
		}
		sort.SliceStable(ps, func(i, j int) bool {
			if ps[i].w != ps[j].w {
				return ps[i].w > ps[j].w
			}
			return ps[i].soc2010 < ps[j].soc2010
		})
		for _, p := range ps {
			u.SOC2010 = append(u.SOC2010, p.soc2010)
		}
	}
	return nil
}

var payMeasures = map[string]string{
	"annual_gross_pay_gbp":    "annual",
	"weekly_gross_pay_gbp":    "weekly",
	"hourly_gross_pay_gbp":    "hourly",
	"paid_hours_total_weekly": "hours",
}

func figs(t *csvTable, r []string) snapFigures {
	var f snapFigures
	for i, c := range []string{"median", "mean", "p10", "p25", "p75", "p90"} {
		f[i] = num(t.get(r, c))
	}
	return f
}

func (b *builder) pay() error {
	t, err := readCSV(b.from, "ons_ashe_table14_2025/ashe2025p_table14_soc2020_unit_groups.csv")
	if err != nil {
		return err
	}
	if err := t.need("measure", "workers", "sex", "soc2020", "median", "mean", "p10", "p25", "p75", "p90"); err != nil {
		return err
	}
	for _, r := range t.rows {
		if t.get(r, "sex") != "all" {
			continue
		}
		m, ok := payMeasures[t.get(r, "measure")]
		u := b.units[t.get(r, "soc2020")]
		if !ok || u == nil {
			continue
		}
		u.Pay[m+"/"+t.get(r, "workers")] = figs(t, r)
	}
	return nil
}

func (b *builder) pay2023() error {
	t, err := readCSV(b.from, "ons_ashe_table14/ashe_table14_soc2020.csv")
	if err != nil {
		return err
	}
	for _, r := range t.rows {
		if t.get(r, "year") != "2023" || t.get(r, "level") != "unit" {
			continue
		}
		m, ok := payMeasures[t.get(r, "measure")]
		u := b.units[t.get(r, "code")]
		if !ok || u == nil {
			continue
		}
		key := m + "/" + t.get(r, "workers")
		if cur, ok := u.Pay[key]; ok && cur[0] != nil {
			continue
		}
		if v := num(t.get(r, "median")); v != nil {
			if u.Median2023 == nil {
				u.Median2023 = map[string]float64{}
			}
			u.Median2023[key] = *v
		}
	}
	return nil
}

func (b *builder) demand() error {
	t, err := readCSV(b.from, "ons_online_job_adverts/england_online_job_adverts_soc2020_unit_monthly.csv")
	if err != nil {
		return err
	}
	for _, r := range t.rows {
		u := b.units[t.get(r, "soc2020")]
		if u == nil {
			continue
		}
		month := t.get(r, "month")
		if u.Demand == nil {
			u.Demand = &snapDemand{}
		}
		d := u.Demand
		if month >= d.Month {
			d.Month, d.Adverts3m = month, num(t.get(r, "adverts_3m_avg"))
		}
		if v := num(t.get(r, "adverts_3m_avg")); v != nil {
			if d.avg3m == nil {
				d.avg3m = map[string]float64{}
			}
			d.avg3m[month] = *v
		}
		if p := num(t.get(r, "adverts_12m_per_100_employed")); p != nil && month >= d.Per100Month {
			d.Per100Month, d.Per100 = month, p
		}
	}
	// the change over the last 12 months, from the 3-month averages (the source's
	// own growth figure is since January 2021, a lockdown month: see Demand)
	for _, u := range b.units {
		d := u.Demand
		if d == nil || d.Adverts3m == nil {
			continue
		}
		if base, ok := d.avg3m[monthsBefore(d.Month, 12)]; ok && base >= 20 {
			g := math.Round((*d.Adverts3m/base-1)*1000) / 10
			d.Growth12m = &g
		}
		d.avg3m = nil
	}
	return nil
}

// monthsBefore returns the "YYYY-MM" month n months before m ("" if m is not one).
func monthsBefore(m string, n int) string {
	var y, mo int
	if _, err := fmt.Sscanf(m, "%4d-%2d", &y, &mo); err != nil {
		return ""
	}
	k := y*12 + (mo - 1) - n
	return fmt.Sprintf("%04d-%02d", k/12, k%12+1)
}

func (b *builder) encode() (map[string][]byte, error) {
	out := map[string][]byte{}
	units := make([]*snapUnit, 0, len(b.order))
	for _, c := range b.order {
		units = append(units, b.units[c])
	}
	add := func(name string, v any) error {
		data, err := encodeJSONGz(v)
		if err != nil {
			return fmt.Errorf("lmi build: %s: %w", name, err)
		}
		out[name] = data
		return nil
	}
	var ub bytes.Buffer
	for _, u := range units {
		line, err := json.Marshal(u)
		if err != nil {
			return nil, fmt.Errorf("lmi build: %s: %w", fileUnits, err)
		}
		ub.Write(line)
		ub.WriteByte('\n')
	}
	// the unit groups, the search table and the place table are kept uncompressed:
	// the binary embeds them as strings and the loaders slice them in place, so a
	// process pays no decompression and keeps no second copy on its heap
	out[fileUnits] = ub.Bytes()
	out[fileSearch] = writeSearchTable(b.titles.Bytes(), units)
	gz, err := encodeGeo(&b.geoSnap)
	if err != nil {
		return nil, fmt.Errorf("lmi build: %s: %w", fileGeo, err)
	}
	out[fileGeo] = gz
	if err := add(fileOutlook, b.outlk); err != nil {
		return nil, err
	}
	if err := add(fileAdverts, b.ads); err != nil {
		return nil, err
	}
	if err := add(fileLEO, b.leoRows); err != nil {
		return nil, err
	}
	meta := map[string]any{"format": 1, "unit_groups": len(units), "titles": bytes.Count(b.titles.Bytes(), []byte("\n")), "note": "Generated by `careersbot data build` from the public sources listed in lmi/sources.go; facts and figures only."}
	mb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return nil, err
	}
	out[snapshotMeta] = append(mb, '\n')
	return out, nil
}

var _ = io.EOF

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
