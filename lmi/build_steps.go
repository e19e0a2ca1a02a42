package lmi

// The importer's steps after the unit groups and pay (build.go): O*NET profiles,
// places and regions, regional pay ratios, projections, adverts and graduate outcomes,
// each read from its public source file.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// profiles builds each unit group's O*NET profile from the top-weighted candidates of
// the derived UK SOC to O*NET crosswalk that have O*NET ratings.
func (b *builder) profiles() error {
	cw, err := readCSV(b.from, "occupation_crosswalks/uk_soc_to_onetsoc_via_isco08.csv")
	if err != nil {
		return err
	}
	ri, err := readCSV(b.from, "onet_29_3/interests_riasec.csv")
	if err != nil {
		return err
	}
	sk, err := readCSV(b.from, "onet_29_3/skills.csv")
	if err != nil {
		return err
	}
	kn, err := readCSV(b.from, "onet_29_3/knowledge.csv")
	if err != nil {
		return err
	}
	jz, err := readCSV(b.from, "onet_29_3/job_zones.csv")
	if err != nil {
		return err
	}
	ed, err := readCSV(b.from, "onet_29_3/education_required_level.csv")
	if err != nil {
		return err
	}
	cats, err := readCSV(b.from, "onet_29_3/education_training_experience_categories.csv")
	if err != nil {
		return err
	}
	riasec := map[string][6]float64{}
	for _, r := range ri.rows {
		var v [6]float64
		for i, c := range []string{"realistic", "investigative", "artistic", "social", "enterprising", "conventional"} {
			if p := num(ri.get(r, c)); p != nil {
				v[i] = *p
			}
		}
		riasec[ri.get(r, "onetsoc_code")] = v
	}
	ratings := func(t *csvTable) map[string]map[string]float64 {
		m := map[string]map[string]float64{}
		for _, r := range t.rows {
			if t.get(r, "not_relevant") == "Y" || t.get(r, "importance_recommend_suppress") == "Y" {
				continue
			}
			p := num(t.get(r, "importance_1to5"))
			if p == nil {
				continue
			}
			code := t.get(r, "onetsoc_code")
			if m[code] == nil {
				m[code] = map[string]float64{}
			}
			m[code][t.get(r, "element_name")] = *p
		}
		return m
	}
	skills, knowledge := ratings(sk), ratings(kn)
	zones := map[string]float64{}
	for _, r := range jz.rows {
		if p := num(jz.get(r, "job_zone")); p != nil {
			zones[jz.get(r, "onetsoc_code")] = *p
		}
	}
	edu := map[string]map[string]float64{}
	for _, r := range ed.rows {
		code := ed.get(r, "onetsoc_code")
		if p := num(ed.get(r, "percent_of_respondents")); p != nil {
			if edu[code] == nil {
				edu[code] = map[string]float64{}
			}
			edu[code][ed.get(r, "category")] += *p
		}
	}
	catName := map[string]string{}
	for _, r := range cats.rows {
		if cats.get(r, "scale_id") == "RL" {
			catName[cats.get(r, "category")] = cats.get(r, "category_description")
		}
	}
	type cand struct {
		code string
		w    float64
	}
	bySOC := map[string][]cand{}
	for _, r := range cw.rows {
		if cw.get(r, "uk_soc_version") != "SOC2020" {
			continue
		}
		w := num(cw.get(r, "weight"))
		if w == nil {
			continue
		}
		bySOC[cw.get(r, "uk_soc")] = append(bySOC[cw.get(r, "uk_soc")], cand{cw.get(r, "onetsoc_code"), *w})
	}
	letters := []string{"R", "I", "A", "S", "E", "C"}
	names := []string{"Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional"}
	for _, code := range b.order {
		cs := bySOC[code]
		sort.SliceStable(cs, func(i, j int) bool {
			if cs[i].w != cs[j].w {
				return cs[i].w > cs[j].w
			}
			return cs[i].code < cs[j].code
		})
		var used []cand
		for _, c := range cs {
			if _, ok := riasec[c.code]; !ok || skills[c.code] == nil {
				continue
			}
			used = append(used, c)
			if len(used) == 3 {
				break
			}
		}
		if len(used) == 0 {
			continue
		}
		p := &Profile{RIASEC: map[string]float64{}, SourceID: "onet"}
		var tw float64
		var rs [6]float64
		skillSum, knowSum := map[string]float64{}, map[string]float64{}
		eduSum := map[string]float64{}
		var zoneSum, zoneW float64
		for _, c := range used {
			p.ONetCodes = append(p.ONetCodes, c.code)
			w := c.w
			if w <= 0 {
				w = 1e-6
			}
			tw += c.w
			v := riasec[c.code]
			for i := range rs {
				rs[i] += w * v[i]
			}
			for k, s := range skills[c.code] {
				skillSum[k] += w * s
			}
			for k, s := range knowledge[c.code] {
				knowSum[k] += w * s
			}
			if z, ok := zones[c.code]; ok {
				zoneSum += w * z
				zoneW += w
			}
			for k, s := range edu[c.code] {
				eduSum[k] += w * s
			}
		}
		var wsum float64
		for _, c := range used {
			w := c.w
			if w <= 0 {
				w = 1e-6
			}
			wsum += w
		}
		type sc struct {
			i int
			v float64
		}
		var order []sc
		for i := range rs {
			v := round(rs[i]/wsum, 2)
			p.RIASEC[letters[i]] = v
			order = append(order, sc{i, v})
		}
		sort.SliceStable(order, func(i, j int) bool { return order[i].v > order[j].v })
		for k, o := range order {
			if k < 3 && (k == 0 || o.v >= 4.0) {
				p.Interests = append(p.Interests, names[o.i])
			}
		}
		p.Skills = topSkills(skillSum, wsum, 8)
		p.Knowledge = topSkills(knowSum, wsum, 6)
		if zoneW > 0 {
			p.JobZone = int(zoneSum/zoneW + 0.5)
		}
		best, bestV := "", -1.0
		var keys []string
		for k := range eduSum {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return atoi(keys[i]) < atoi(keys[j]) })
		for _, k := range keys {
			if eduSum[k] > bestV {
				best, bestV = k, eduSum[k]
			}
		}
		p.Education = catName[best]
		p.Weight = round(tw, 4)
		p.Caveats = []string{fmt.Sprintf("US O*NET occupations matched to this UK group through ISCO-08 (a derived, unofficial crosswalk; the %d occupations used carry %.0f%% of its weight)", len(used), 100*tw)}
		b.units[code].Profile = p
	}
	return nil
}

func atoi(s string) int { v, _ := strconv.Atoi(s); return v }

func topSkills(sum map[string]float64, w float64, n int) []Skill {
	var out []Skill
	for k, v := range sum {
		out = append(out, Skill{Name: k, Importance: round(v/w, 2)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Importance != out[j].Importance {
			return out[i].Importance > out[j].Importance
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (b *builder) geo() error {
	rt, err := readCSV(b.from, "uk_geography/uk_regions.csv")
	if err != nil {
		return err
	}
	idx := map[string]int{}
	for _, r := range rt.rows {
		idx[rt.get(r, "name")] = len(b.geoSnap.Regions)
		b.geoSnap.Regions = append(b.geoSnap.Regions, Region{Code: rt.get(r, "gss_code"), Name: rt.get(r, "name"), Country: rt.get(r, "country")})
	}
	if len(b.geoSnap.Regions) != 12 {
		return fmt.Errorf("lmi build: %s: %d regions, want 12", rt.path, len(b.geoSnap.Regions))
	}
	pd, err := readCSV(b.from, "uk_geography/postcode_districts.csv")
	if err != nil {
		return err
	}
	type pdRow struct{ town, places, la, region string }
	pds := map[string]pdRow{}
	for _, r := range pd.rows {
		pds[pd.get(r, "outcode")] = pdRow{pd.get(r, "post_town"), pd.get(r, "town_area"), pd.get(r, "local_authority"), pd.get(r, "uk_region")}
	}
	ol, err := readCSV(b.from, "uk_geography/outcode_to_lad23.csv")
	if err != nil {
		return err
	}
	lsips := map[string]bool{}
	seen := map[string]bool{}
	for _, r := range ol.rows {
		o := strings.ToUpper(ol.get(r, "outcode"))
		seen[o] = true
		p := pds[o]
		reg := ol.get(r, "uk_region")
		if reg == "" {
			reg = p.region
		}
		ri, ok := idx[reg]
		if !ok {
			ri = -1
		}
		oc := snapOutcode{Outcode: o, Region: ri, LAD: ol.get(r, "lad23nm"), LADCode: ol.get(r, "lad23cd"), LSIP: ol.get(r, "lsip23nm"), PostTown: p.town, Places: p.places}
		if p.places == "Non-geographic" {
			oc.Places = ""
		}
		if p.la != "" && !strings.EqualFold(p.la, oc.LAD) {
			oc.Doogal = p.la
		}
		if oc.LSIP != "" {
			lsips[oc.LSIP] = true
		}
		b.geoSnap.Outcodes = append(b.geoSnap.Outcodes, oc)
	}
	sort.Slice(b.geoSnap.Outcodes, func(i, j int) bool { return b.geoSnap.Outcodes[i].Outcode < b.geoSnap.Outcodes[j].Outcode })
	for l := range lsips {
		b.geoSnap.LSIPs = append(b.geoSnap.LSIPs, l)
	}
	sort.Strings(b.geoSnap.LSIPs)
	b.geoSnap.Names = placeNames(&b.geoSnap)
	words, err := b.englishWords()
	if err != nil {
		return err
	}
	for i := range b.geoSnap.Names {
		n := &b.geoSnap.Names[i]
		if !strings.Contains(n.Key, " ") && words[n.Key] {
			n.Word = true
		}
	}
	return b.ratios()
}

// ratios computes regional pay ratios (regional full-time annual median / UK median)
// for sub-major groups, major groups and all occupations, from ASHE 2025 Table 3.
func (b *builder) ratios() error {
	mg, err := readCSV(b.from, "ons_ashe_2025_region_occupation/ashe2025p_region_by_major_group.csv")
	if err != nil {
		return err
	}
	uk := map[string]float64{}
	reg := map[string]map[string]float64{}
	for _, r := range mg.rows {
		if mg.get(r, "measure") != "annual_gross_pay_gbp" || mg.get(r, "workers") != "full_time" || mg.get(r, "sex") != "all" {
			continue
		}
		v := num(mg.get(r, "median"))
		if v == nil {
			continue
		}
		g := mg.get(r, "soc2020_major_group")
		if mg.get(r, "area_code") == "K02000001" {
			uk[g] = *v
			continue
		}
		if reg[g] == nil {
			reg[g] = map[string]float64{}
		}
		reg[g][mg.get(r, "area_name")] = *v
	}
	var out []snapRatio
	var groups []string
	for g := range reg {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		if uk[g] == 0 {
			continue
		}
		sr := snapRatio{Group: g, Ratio: map[string]float64{}}
		for name, v := range reg[g] {
			sr.Ratio[name] = round(v/uk[g], 4)
		}
		out = append(out, sr)
	}
	// sub-major groups: ONS gives no UK row here, so the UK figure is approximated by
	// the job-weighted mean of the regional medians.
	sm, err := readCSV(b.from, "ons_ashe_2025_region_occupation/ashe2025p_region_by_sub_major_group_ft_annual.csv")
	if err != nil {
		return err
	}
	type cell struct {
		region string
		med    float64
		jobs   float64
	}
	cells := map[string][]cell{}
	for _, r := range sm.rows {
		if sm.get(r, "sex") != "all" {
			continue
		}
		g := sm.get(r, "soc2020_sub_major_group")
		m, j := num(sm.get(r, "median_r100")), num(sm.get(r, "jobs_approx"))
		if g == "" || m == nil || j == nil || *j <= 0 {
			continue
		}
		cells[g] = append(cells[g], cell{sm.get(r, "area_name"), *m, *j})
	}
	groups = groups[:0]
	for g := range cells {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		cs := cells[g]
		if len(cs) < 10 { // too few regions published to approximate a UK figure without bias
			continue
		}
		var s, w float64
		for _, c := range cs {
			s += c.med * c.jobs
			w += c.jobs
		}
		ukApprox := s / w
		sr := snapRatio{Group: g, Ratio: map[string]float64{}}
		for _, c := range cs {
			sr.Ratio[c.region] = round(c.med/ukApprox, 4)
		}
		out = append(out, sr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	b.geoSnap.Ratios = out
	return nil
}

func (b *builder) outlook() error {
	t, err := readCSV(b.from, "skills_imperative_2035/skills_imperative_2035_occupation_projections.csv")
	if err != nil {
		return err
	}
	byArea := map[string]*snapOutlookArea{}
	var codes []string
	for _, r := range t.rows {
		if t.get(r, "sex") != "all" {
			continue
		}
		code := t.get(r, "area_code")
		a := byArea[code]
		if a == nil {
			a = &snapOutlookArea{Code: code, Name: t.get(r, "area_name")}
			byArea[code] = a
			codes = append(codes, code)
		}
		row := snapOutlookRow{Group: t.get(r, "soc2020_sub_major_group"), Title: t.get(r, "occupation")}
		for i, c := range []string{"employment_2020_k", "employment_2035_k", "net_change_2020_2035_k", "replacement_demand_2020_2035_k", "total_requirement_2020_2035_k"} {
			if v := num(t.get(r, c)); v != nil {
				row.V[i] = round(*v, 3)
			}
		}
		a.Rows = append(a.Rows, row)
	}
	sort.Strings(codes)
	for _, c := range codes {
		sort.SliceStable(byArea[c].Rows, func(i, j int) bool { return byArea[c].Rows[i].Group < byArea[c].Rows[j].Group })
		b.outlk = append(b.outlk, *byArea[c])
	}
	if len(b.outlk) == 0 {
		return fmt.Errorf("lmi build: %s: no England or LSIP rows", t.path)
	}
	return nil
}

func (b *builder) adverts() error {
	t, err := readCSV(b.from, "ons_online_job_adverts/online_job_adverts_jul2025_by_area_soc2020.csv")
	if err != nil {
		return err
	}
	byKey := map[string]*snapAdvertArea{}
	var keys []string
	for _, r := range t.rows {
		code := t.get(r, "soc2020_code")
		if code == "" {
			continue
		}
		b.ads.Month = t.get(r, "month")
		k := t.get(r, "area_type") + "|" + t.get(r, "area_name")
		a := byKey[k]
		if a == nil {
			a = &snapAdvertArea{Name: t.get(r, "area_name"), Type: t.get(r, "area_type"), Code: t.get(r, "area_code"), Counts: map[string]float64{}}
			byKey[k] = a
			keys = append(keys, k)
		}
		if v := num(t.get(r, "online_job_adverts")); v != nil {
			a.Counts[code] = *v
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.ads.Areas = append(b.ads.Areas, *byKey[k])
	}
	return nil
}

func (b *builder) leo() error {
	t, err := readCSV(b.from, "dfe_leo_graduate_industry/leo_subject_to_industry_3yag.csv")
	if err != nil {
		return err
	}
	for _, r := range t.rows {
		row := snapLEO{Subject: t.get(r, "subject"), Qualification: t.get(r, "qualification"), Industry: t.get(r, "industry_section_3yag")}
		if v := num(t.get(r, "graduates_count")); v != nil {
			row.Graduates = *v
		}
		if v := num(t.get(r, "percent_of_subject_qualification")); v != nil {
			row.Percent = *v
		}
		b.leoRows = append(b.leoRows, row)
	}
	return nil
}

// englishWords collects the words written in lower case in O*NET task statements: a
// plain-English vocabulary used to spot place names that are also everyday words.
func (b *builder) englishWords() (map[string]bool, error) {
	t, err := readCSV(b.from, "onet_29_3/task_statements.csv")
	if err != nil {
		return nil, err
	}
	words := map[string]bool{}
	for _, r := range t.rows {
		for _, w := range strings.FieldsFunc(t.get(r, "task"), func(c rune) bool { return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') }) {
			if w[0] >= 'a' && w[0] <= 'z' {
				words[w] = true
			}
		}
	}
	return words, nil
}
