package lmi

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Place resolution: the 12 regions, postcode districts (a full postcode is cut to its
// district at once and never kept), local authorities, post towns and localities,
// LSIP areas and everyday aliases ("brum", "up north"). Names are matched on whole
// lower-case words (not stemmed). In free text, a weak name (a place that is also an
// everyday word, or a small locality) needs a preposition before it ("in", "near",
// "around", "from") or a capital letter that does not start the sentence.

type placeEntry struct {
	kind     string
	name     string // display name
	region   int    // -1 for none / ambiguous
	district string
	area     string
	lsip     string
	weak     bool
	options  []int
	choices  []placeChoice // the places an ambiguous name can be
	rank     int
	size     int
}

type placeIndex struct {
	regions  []Region
	ratios   map[string]map[string]float64
	outcodes map[string]*snapOutcode
	names    map[string]*placeEntry
	maxWords int
	// firstWords holds, for each first word of a name, the most words of a name
	// starting with it, so a scan tries no window at a word that starts no name.
	firstWords map[string]int
	lsips      []string

	fuzzyOnce sync.Once
	fuzzyKeys map[byte][]string // strong one-word names by first letter, sorted
	// fuzzyBest keeps fuzzyWord's answer for a word (the name, "" for none): a
	// misspelt town is looked for in every message with a long unknown word after
	// "in" or "near", and the answer depends on the word alone. Bounded by fuzzyN.
	fuzzyBest sync.Map
	fuzzyN    atomic.Int64
}

func (e *Embedded) places() (*placeIndex, error) {
	e.geoOnce.Do(func() {
		raw := e.geoRaw
		if raw == "" {
			data, err := fs.ReadFile(e.fsys, fileGeo)
			if err != nil {
				e.geoErr = fmt.Errorf("lmi: snapshot %s: %w", fileGeo, err)
				return
			}
			raw = string(data)
		}
		g, err := decodeGeo(raw)
		if err != nil {
			e.geoErr = err
			return
		}
		e.geo = buildPlaceIndex(g)
	})
	return e.geo, e.geoErr
}

func (g *placeIndex) regionByName(name string) (Region, bool) {
	n := placeKey(name)
	for _, r := range g.regions {
		if placeKey(r.Name) == n {
			return r, true
		}
	}
	if p, ok := g.names[n]; ok && p.region >= 0 && !strings.Contains(p.kind, "ambig") {
		return g.regions[p.region], true
	}
	return Region{}, false
}

// placeKey lower-cases and joins the words of a name ("Bristol, City of" -> "bristol").
func placeKey(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range []string{", City of", ", County of"} {
		s = strings.TrimSuffix(s, suf)
	}
	toks := tokenize(s)
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.raw
	}
	return strings.Join(parts, " ")
}

// everyday words that are also UK place names: weak in free text
var weakPlaceWords = toSet(`ash barking barry bath battle bishop bridge bury chard cove crook deal denny diss eye fleet
gain grange grays harrow hayes holt hook hope hull hyde keith kyle leek leigh march mere mold moreton nelson over par
reading rugby rye sale sandy seal send shaw stone street ware washington wells welling wick wool cross green hill
park bank church castle market mill moor ford field wood water heath forest bottom end common staines sandwich wool
`)

// aliases for regions: everyday names, and ambiguous areas with their options
var placeAliases = []struct {
	name    string
	regions []string
	area    string
	// via names the local authorities the area is made of, comma-separated, for its
	// LSIP area (default: area): the alias takes an LSIP only when they all share one.
	via string
}{
	{"brum", []string{"West Midlands"}, "Birmingham", ""},
	{"mcr", []string{"North West"}, "Manchester", ""},
	{"manc", []string{"North West"}, "Manchester", ""},
	{"tyneside", []string{"North East"}, "Tyneside", "Newcastle upon Tyne,North Tyneside,Gateshead,South Tyneside"},
	{"the fens", []string{"East of England", "East Midlands"}, "", ""},
	{"fens", []string{"East of England", "East Midlands"}, "", ""},
	{"fenland", []string{"East of England"}, "Fenland", ""},
	{"the midlands", []string{"East Midlands", "West Midlands"}, "", ""},
	{"midlands", []string{"East Midlands", "West Midlands"}, "", ""},
	{"up north", []string{"North East", "North West", "Yorkshire and The Humber"}, "", ""},
	{"the north", []string{"North East", "North West", "Yorkshire and The Humber"}, "", ""},
	{"north of england", []string{"North East", "North West", "Yorkshire and The Humber"}, "", ""},
	{"down south", []string{"London", "South East", "South West", "East of England"}, "", ""},
	{"the south", []string{"London", "South East", "South West", "East of England"}, "", ""},
	{"south of england", []string{"London", "South East", "South West", "East of England"}, "", ""},
	{"ni", []string{"Northern Ireland"}, "", ""},
	{"norn iron", []string{"Northern Ireland"}, "", ""},
	{"n ireland", []string{"Northern Ireland"}, "", ""},
	{"the north east", []string{"North East"}, "", ""},
	{"north east england", []string{"North East"}, "", ""},
	{"northeast", []string{"North East"}, "", ""},
	{"northwest", []string{"North West"}, "", ""},
	{"the north west", []string{"North West"}, "", ""},
	{"southeast", []string{"South East"}, "", ""},
	{"southwest", []string{"South West"}, "", ""},
	{"yorkshire", []string{"Yorkshire and The Humber"}, "", ""},
	{"yorkshire and the humber", []string{"Yorkshire and The Humber"}, "", ""},
	{"yorks", []string{"Yorkshire and The Humber"}, "", ""},
	{"the humber", []string{"Yorkshire and The Humber"}, "", ""},
	{"east anglia", []string{"East of England"}, "", ""},
	{"the east", []string{"East of England"}, "", ""},
	{"east england", []string{"East of England"}, "", ""},
	{"east of england", []string{"East of England"}, "", ""},
	{"the east of england", []string{"East of England"}, "", ""},
	{"the south east", []string{"South East"}, "", ""},
	{"the south west", []string{"South West"}, "", ""},
	{"the west country", []string{"South West"}, "", ""},
	{"west country", []string{"South West"}, "", ""},
	{"the east midlands", []string{"East Midlands"}, "", ""},
	{"the west midlands", []string{"West Midlands"}, "", ""},
	{"the smoke", []string{"London"}, "London", ""},
	{"ldn", []string{"London"}, "London", ""},
	{"greater london", []string{"London"}, "London", ""},
	{"manc", []string{"North West"}, "Manchester", ""},
	{"manny", []string{"North West"}, "Manchester", ""},
	{"scouse", []string{"North West"}, "Liverpool", ""},
	{"newcastle", []string{"North East"}, "Newcastle upon Tyne", ""},
	{"toon", []string{"North East"}, "Newcastle upon Tyne", ""},
	{"the toon", []string{"North East"}, "Newcastle upon Tyne", ""},
	{"hull", []string{"Yorkshire and The Humber"}, "Kingston upon Hull", ""},
	{"stoke", []string{"West Midlands"}, "Stoke-on-Trent", ""},
	{"the valleys", []string{"Wales"}, "", ""},
	{"cymru", []string{"Wales"}, "", ""},
	{"alba", []string{"Scotland"}, "", ""},
	{"ulster", []string{"Northern Ireland"}, "", ""},
	// nicknames people use for towns and cities
	{"pompey", []string{"South East"}, "Portsmouth", ""},
	{"soton", []string{"South East"}, "Southampton", ""},
	{"brizzle", []string{"South West"}, "Bristol", ""},
	{"bristle", []string{"South West"}, "Bristol", ""},
	{"brizzol", []string{"South West"}, "Bristol", ""},
	{"donny", []string{"Yorkshire and The Humber"}, "Doncaster", ""},
	{"sheff", []string{"Yorkshire and The Humber"}, "Sheffield", ""},
	{"sheffield city", []string{"Yorkshire and The Humber"}, "Sheffield", ""},
	{"hudds", []string{"Yorkshire and The Humber"}, "Kirklees", ""},
	{"scunny", []string{"Yorkshire and The Humber"}, "North Lincolnshire", ""},
	{"boro", []string{"North East"}, "Middlesbrough", ""},
	{"the boro", []string{"North East"}, "Middlesbrough", ""},
	{"smoggy", []string{"North East"}, "Middlesbrough", ""},
	{"teesside", []string{"North East"}, "Teesside", "Middlesbrough,Stockton-on-Tees,Redcar and Cleveland,Hartlepool"},
	{"geordieland", []string{"North East"}, "Newcastle upon Tyne", ""},
	{"tyne and wear", []string{"North East"}, "Tyne and Wear", "Newcastle upon Tyne,North Tyneside,Gateshead,South Tyneside,Sunderland"},
	{"sunlun", []string{"North East"}, "Sunderland", ""},
	{"the black country", []string{"West Midlands"}, "Black Country", "Dudley,Sandwell,Walsall,Wolverhampton"},
	{"black country", []string{"West Midlands"}, "Black Country", "Dudley,Sandwell,Walsall,Wolverhampton"},
	{"the potteries", []string{"West Midlands"}, "Stoke-on-Trent", ""},
	{"bham", []string{"West Midlands"}, "Birmingham", ""},
	{"cov", []string{"West Midlands"}, "Coventry", ""},
	{"wolvo", []string{"West Midlands"}, "Wolverhampton", ""},
	{"notts", []string{"East Midlands"}, "Nottinghamshire", "Nottingham"},
	{"nottz", []string{"East Midlands"}, "Nottinghamshire", "Nottingham"},
	{"leics", []string{"East Midlands"}, "Leicestershire", "Leicester"},
	{"lincs", []string{"East Midlands"}, "Lincolnshire", "Lincoln"},
	{"mk", []string{"South East"}, "Milton Keynes", ""},
	{"kernow", []string{"South West"}, "Cornwall", ""},
	{"plymuff", []string{"South West"}, "Plymouth", ""},
	{"glesga", []string{"Scotland"}, "Glasgow City", ""},
	{"glesgae", []string{"Scotland"}, "Glasgow City", ""},
	{"glasgae", []string{"Scotland"}, "Glasgow City", ""},
	{"weegie", []string{"Scotland"}, "Glasgow City", ""},
	{"embra", []string{"Scotland"}, "City of Edinburgh", ""},
	{"edinbra", []string{"Scotland"}, "City of Edinburgh", ""},
	{"auld reekie", []string{"Scotland"}, "City of Edinburgh", ""},
	{"the granite city", []string{"Scotland"}, "Aberdeen City", ""},
	{"caerdydd", []string{"Wales"}, "Cardiff", ""},
	{"abertawe", []string{"Wales"}, "Swansea", ""},
	{"the big smoke", []string{"London"}, "London", ""},
	{"landan", []string{"London"}, "London", ""},
	{"londres", []string{"London"}, "London", ""},
	{"scouseland", []string{"North West"}, "Liverpool", ""},
	{"lpool", []string{"North West"}, "Liverpool", ""},
	{"mancunia", []string{"North West"}, "Manchester", ""},
	{"the lakes", []string{"North West"}, "Cumbria", "Westmorland and Furness,Cumberland"},
	{"the lake district", []string{"North West"}, "Cumbria", "Westmorland and Furness,Cumberland"},
	{"lancs", []string{"North West"}, "Lancashire", ""},
	{"the highlands", []string{"Scotland"}, "Highland", ""},
	{"the borders", []string{"Scotland"}, "Scottish Borders", ""},
	{"west mids", []string{"West Midlands"}, "", ""},
	{"the west mids", []string{"West Midlands"}, "", ""},
	{"east mids", []string{"East Midlands"}, "", ""},
	{"the east mids", []string{"East Midlands"}, "", ""},
	{"geordie land", []string{"North East"}, "Newcastle upon Tyne", ""},
	{"the cotswolds", []string{"South West"}, "Cotswold", ""},
	{"cotswolds", []string{"South West"}, "Cotswold", ""},
	{"the peak district", []string{"East Midlands"}, "Derbyshire Dales", ""},
	{"peak district", []string{"East Midlands"}, "Derbyshire Dales", ""},
	{"nireland", []string{"Northern Ireland"}, "", ""},
	{"the home counties", []string{"South East", "East of England"}, "", ""},
	{"home counties", []string{"South East", "East of England"}, "", ""},
	// counties and county nicknames the place list lacks
	{"nottinghamshire", []string{"East Midlands"}, "Nottinghamshire", "Nottingham"},
	{"leicestershire", []string{"East Midlands"}, "Leicestershire", "Leicester"},
	{"lincolnshire", []string{"East Midlands"}, "Lincolnshire", "Lincoln"},
	{"northamptonshire", []string{"East Midlands"}, "Northamptonshire", "West Northamptonshire"},
	{"northants", []string{"East Midlands"}, "Northamptonshire", "West Northamptonshire"},
	{"derbys", []string{"East Midlands"}, "Derbyshire", "Derby"},
	{"warwickshire", []string{"West Midlands"}, "Warwickshire", "Warwick"},
	{"warks", []string{"West Midlands"}, "Warwickshire", "Warwick"},
	{"staffs", []string{"West Midlands"}, "Staffordshire", "Stoke-on-Trent"},
	{"worcs", []string{"West Midlands"}, "Worcestershire", ""},
	{"gloucestershire", []string{"South West"}, "Gloucestershire", "Gloucester"},
	{"glos", []string{"South West"}, "Gloucestershire", "Gloucester"},
	{"wilts", []string{"South West"}, "Wiltshire", ""},
	{"devon", []string{"South West"}, "Devon", "Exeter"},
	{"hants", []string{"South East"}, "Hampshire", "Southampton"},
	{"oxon", []string{"South East"}, "Oxfordshire", ""},
	{"surrey", []string{"South East"}, "Surrey", "Guildford"},
	{"essex", []string{"East of England"}, "Essex", "Chelmsford"},
	{"cambridgeshire", []string{"East of England"}, "Cambridgeshire", "Cambridge"},
	{"cambs", []string{"East of England"}, "Cambridgeshire", "Cambridge"},
	{"herts", []string{"East of England"}, "Hertfordshire", ""},
	{"cheshire", []string{"North West"}, "Cheshire", "Cheshire East"},
	{"merseyside", []string{"North West"}, "Merseyside", "Liverpool"},
	{"county down", []string{"Northern Ireland"}, "County Down", "Newry, Mourne and Down"},
	{"co down", []string{"Northern Ireland"}, "County Down", "Newry, Mourne and Down"},
	{"tyrone", []string{"Northern Ireland"}, "County Tyrone", "Mid Ulster"},
	{"county tyrone", []string{"Northern Ireland"}, "County Tyrone", "Mid Ulster"},
	{"britain", []string{"England", "Wales", "Scotland"}, "", ""},
	{"england", nil, "", ""},
}

func toSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// placeNames aggregates the postcode districts into named places (local
// authorities, LSIP areas, Doogal areas, post towns and localities) at build time:
// each name gets its majority region, local authority and LSIP.
func placeNames(g *snapGeo) []snapPlace {
	type agg struct {
		regions map[int]int
		lads    map[string]int
		lsips   map[string]int
		n       int
	}
	groups := map[string]map[string]*agg{} // kind -> key -> agg
	display := map[string]string{}
	addAgg := func(kind, name string, o *snapOutcode) {
		k := placeKey(name)
		if k == "" {
			return
		}
		if groups[kind] == nil {
			groups[kind] = map[string]*agg{}
		}
		a := groups[kind][k]
		if a == nil {
			a = &agg{regions: map[int]int{}, lads: map[string]int{}, lsips: map[string]int{}}
			groups[kind][k] = a
			display[kind+"|"+k] = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(name), ", City of"), ", County of")
		}
		a.n++
		if o.Region >= 0 {
			a.regions[o.Region]++
		}
		if o.LAD != "" {
			a.lads[o.LAD]++
		}
		if o.LSIP != "" {
			a.lsips[o.LSIP]++
		}
	}
	for i := range g.Outcodes {
		o := &g.Outcodes[i]
		if o.LAD != "" {
			addAgg("local_authority", o.LAD, o)
		}
		if o.Doogal != "" {
			addAgg("area", o.Doogal, o)
		}
		if o.LSIP != "" {
			addAgg("lsip", o.LSIP, o)
		}
		if o.PostTown != "" {
			addAgg("town", o.PostTown, o)
		}
		for _, loc := range strings.Split(o.Places, ",") {
			loc = strings.TrimSpace(loc)
			if i := strings.Index(loc, "("); i > 0 {
				loc = strings.TrimSpace(loc[:i])
			}
			if loc != "" {
				addAgg("locality", loc, o)
			}
		}
	}
	best := map[string]snapPlace{}
	for _, kind := range []string{"local_authority", "lsip", "area", "town", "locality"} {
		for k, a := range groups[kind] {
			sp := snapPlace{Key: k, Kind: kind, Name: display[kind+"|"+k], Region: majorityInt(a.regions), LSIP: majorityStr(a.lsips), Rank: placeRank[kind], Size: a.n}
			sp.Area = sp.Name
			if kind == "lsip" {
				sp.LSIP = sp.Name
			} else if lad := majorityStr(a.lads); lad != "" && kind != "local_authority" {
				sp.Area = lad
			}
			if sp.Region < 0 {
				continue
			}
			if kind == "area" {
				sp.Kind = "local_authority"
			}
			if cur, ok := best[k]; ok && (cur.Rank < sp.Rank || (cur.Rank == sp.Rank && cur.Size >= sp.Size)) {
				continue
			}
			best[k] = sp
		}
	}
	out := make([]snapPlace, 0, len(best))
	for _, sp := range best {
		out = append(out, sp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

var placeRank = map[string]int{"region": 0, "alias": 1, "local_authority": 2, "lsip": 3, "area": 4, "town": 5, "locality": 6}

func buildPlaceIndex(g *snapGeo) *placeIndex {
	p := &placeIndex{regions: g.Regions, ratios: map[string]map[string]float64{}, outcodes: make(map[string]*snapOutcode, len(g.Outcodes)), names: make(map[string]*placeEntry, len(g.Names)+100), lsips: g.LSIPs}
	for _, r := range g.Ratios {
		p.ratios[r.Group] = r.Ratio
	}
	regIdx := map[string]int{}
	for i, r := range g.Regions {
		regIdx[r.Name] = i
	}
	for i := range g.Outcodes {
		p.outcodes[g.Outcodes[i].Outcode] = &g.Outcodes[i]
	}
	put := func(k string, pe *placeEntry) {
		if cur, ok := p.names[k]; ok {
			if cur.rank < pe.rank || (cur.rank == pe.rank && cur.size >= pe.size) {
				return
			}
		}
		p.names[k] = pe
		if n := strings.Count(k, " ") + 1; n > p.maxWords {
			p.maxWords = n
		}
	}
	for i, r := range g.Regions {
		put(placeKey(r.Name), &placeEntry{kind: "region", name: r.Name, region: i, rank: 0})
	}
	for _, a := range placeAliases {
		pe := &placeEntry{kind: "alias", name: a.name, region: -1, area: a.area, rank: 1, weak: weakPlaceWords[placeKey(a.name)] || len(a.name) <= 3}
		var opts []int
		for _, rn := range a.regions {
			if i, ok := regIdx[rn]; ok {
				opts = append(opts, i)
			}
		}
		if a.regions == nil { // England: all English regions
			for i, r := range g.Regions {
				if r.Country == "England" {
					opts = append(opts, i)
				}
			}
		}
		if len(opts) == 1 {
			pe.region = opts[0]
		} else {
			pe.options = opts
		}
		put(placeKey(a.name), pe)
	}
	entries := make([]placeEntry, len(g.Names))
	for i, sp := range g.Names {
		entries[i] = placeEntry{kind: sp.Kind, name: sp.Name, region: sp.Region, area: sp.Area, lsip: sp.LSIP, rank: sp.Rank, size: sp.Size,
			weak: sp.Rank == placeRank["locality"] || sp.Word || weakPlaceWords[sp.Key] || len(sp.Key) <= 2}
		put(sp.Key, &entries[i])
	}
	// a nickname for a town takes the town's LSIP area (for outlook and adverts)
	laLSIPs := authorityLSIPs(g)
	for _, a := range placeAliases {
		via := a.via
		if via == "" {
			via = a.area
		}
		if via == "" {
			continue
		}
		pe := p.names[placeKey(a.name)]
		if pe == nil || pe.kind != "alias" || pe.lsip != "" {
			continue
		}
		pe.lsip = sharedLSIP(laLSIPs, strings.Split(via, ","), pe.region)
	}
	lads := localAuthorityFacts(g)
	alignToAuthority(p, lads)
	firstWordNames(p, lads)
	for k, cs := range ambiguousPlaces(g, lads) {
		pe := &placeEntry{kind: "town", name: titleWords(k), region: -1, rank: placeRank["alias"], choices: cs}
		if cur := p.names[k]; cur != nil {
			pe.weak = cur.weak
		}
		seen := map[int]bool{}
		for _, c := range cs {
			if !seen[c.facts.region] {
				seen[c.facts.region] = true
				pe.options = append(pe.options, c.facts.region)
			}
		}
		p.names[k] = pe
	}
	p.firstWords = make(map[string]int, len(p.names))
	for k := range p.names {
		first, _, _ := strings.Cut(k, " ")
		p.firstWords[first] = max(p.firstWords[first], strings.Count(k, " ")+1)
	}
	return p
}

// windowWords is the most words a name starting with the word w may have (0: none
// starts with it), capped at left, the words left in the text.
func (g *placeIndex) windowWords(w string, left int) int {
	if g.firstWords == nil {
		return min(g.maxWords, left)
	}
	return min(g.firstWords[w], left)
}

func majorityInt(m map[int]int) int {
	best, bn := -1, 0
	for k, n := range m {
		if n > bn || (n == bn && k < best) {
			best, bn = k, n
		}
	}
	return best
}

func majorityStr(m map[string]int) string {
	best, bn := "", 0
	for k, n := range m {
		if n > bn || (n == bn && k < best) {
			best, bn = k, n
		}
	}
	return best
}

var (
	reFullPostcode = regexp.MustCompile(`(?i)\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b`)
	reOutcode      = regexp.MustCompile(`(?i)\b([A-Z]{1,2}[0-9][A-Z0-9]?)\b`)
)

// findFullPostcodes is reFullPostcode.FindAllStringSubmatchIndex(text, 4), without
// running the regexp on text that cannot hold a full postcode: one needs two digits
// (outward and inward code), and most messages have none.
func findFullPostcodes(text string) [][]int {
	digits := 0
	for i := 0; i < len(text) && digits < 2; i++ {
		if text[i] >= '0' && text[i] <= '9' {
			digits++
		}
	}
	if digits < 2 {
		return nil
	}
	return reFullPostcode.FindAllStringSubmatchIndex(text, 4)
}

var placePrepositions = toSet("in near around from at to round nr within outside live lives living based")

func (g *placeIndex) match(pe *placeEntry, text string, start, end int) PlaceMatch {
	m := PlaceMatch{Text: text[start:end], Kind: pe.kind, Area: pe.area, LSIP: pe.lsip, Start: start, End: end}
	if pe.kind == "region" {
		m.Area = ""
	}
	if pe.region >= 0 {
		m.Region = g.regions[pe.region]
	}
	if len(pe.options) > 0 {
		m.Ambiguous = true
		for _, i := range pe.options {
			m.Options = append(m.Options, g.regions[i])
		}
	}
	for _, c := range pe.choices {
		m.Choices = append(m.Choices, PlaceMatch{Text: c.label, Kind: "local_authority", Region: g.regions[c.facts.region],
			District: c.district, Area: displayName(c.lad), LSIP: c.facts.lsip})
	}
	return m
}

func (g *placeIndex) outcodeMatch(oc string, text string, start, end int) (PlaceMatch, bool) {
	o, ok := g.outcodes[strings.ToUpper(oc)]
	if !ok || o.Region < 0 {
		return PlaceMatch{}, false
	}
	area := displayName(o.LAD)
	return PlaceMatch{Text: o.Outcode, Kind: "postcode_district", Region: g.regions[o.Region], District: o.Outcode, Area: area, LSIP: o.LSIP, Start: start, End: end}, true
}

// find scans text for the best place mention.
func (g *placeIndex) find(text string) (PlaceMatch, bool) {
	return g.findTokens(text, tokenize(text))
}

// findTokens is find over the words of text, already tokenized (not modified).
func (g *placeIndex) findTokens(text string, toks []token) (PlaceMatch, bool) {
	type cand struct {
		m     PlaceMatch
		score int
	}
	var best cand
	found := false
	var seen []PlaceMatch // every place mentioned, to settle an ambiguous one
	consider := func(m PlaceMatch, score int) {
		seen = append(seen, m)
		if !found || score > best.score {
			best, found = cand{m, score}, true
		}
	}
	// full postcodes first: only the district is kept
	for _, loc := range findFullPostcodes(text) {
		if m, ok := g.outcodeMatch(text[loc[2]:loc[3]], text, loc[0], loc[1]); ok {
			consider(m, 10)
		}
	}
	var keyBuf [64]byte
	key := keyBuf[:0] // the candidate name, rebuilt for each window in one buffer
	for i := 0; i < len(toks); i++ {
		prep := i > 0 && toks[i-1].rawIn(inPlacePrepositions)
		if i > 1 && toks[i-1].raw == "the" && toks[i-2].rawIn(inPlacePrepositions) {
			prep = true
		}
		for n := g.windowWords(toks[i].raw, len(toks)-i); n >= 1; n-- {
			key = key[:0]
			for j := 0; j < n; j++ {
				if j > 0 {
					key = append(key, ' ')
				}
				key = append(key, toks[i+j].raw...)
			}
			pe, ok := g.names[string(key)] // no allocation: the compiler looks up the bytes
			if !ok {
				continue
			}
			if pe.weak {
				capital := toks[i].capital && i > 0 && !allCapitals(text)
				if !prep && !capital {
					continue
				}
			}
			score := 5 - min(pe.rank, 4)
			if prep {
				score += 3
			}
			if pe.weak {
				score--
			}
			consider(g.match(pe, text, toks[i].start, toks[i+n-1].end), score)
			i += n - 1
			break
		}
		// a postcode district on its own ("M1", "ls6") after a preposition or the word postcode
		if !found || best.score < 10 {
			t := toks[i]
			ctx := prep || (i > 0 && (toks[i-1].raw == "postcode" || toks[i-1].raw == "district")) || len(toks) == 1 || bareOutcode(toks, i)
			if ctx && reOutcode.MatchString(t.raw) && len(t.raw) <= 4 && hasDigit(t.raw) {
				if m, ok := g.outcodeMatch(t.raw, text, t.start, t.end); ok {
					consider(m, 9)
				}
			}
		}
	}
	if !found {
		return PlaceMatch{}, false
	}
	if len(best.m.Choices) > 0 {
		if c, ok := settleChoice(best.m, seen); ok {
			return c, true
		}
	}
	// "kingston in london": the region settles the town, and the town is the
	// more exact place.
	for _, m := range seen {
		if len(m.Choices) == 0 || best.m.Ambiguous {
			continue
		}
		if c, ok := settleChoice(m, seen); ok && !c.Ambiguous && c.Region.Name == best.m.Region.Name {
			return c, true
		}
	}
	return best.m, true
}

// settleChoice picks one of an ambiguous town's places when another place in the
// same message names its area or region ("Newport, Isle of Wight", "Kingston in
// London"). When several fit ("Newport, Wales": two Newports in Wales) it returns
// the town still ambiguous with only those choices, and ok is false when it
// narrowed nothing.
func settleChoice(amb PlaceMatch, seen []PlaceMatch) (PlaceMatch, bool) {
	var fit []PlaceMatch
	for _, c := range amb.Choices {
		for _, m := range seen {
			if m.Ambiguous || m.Start == amb.Start && m.End == amb.End {
				continue
			}
			if m.Area != "" && m.Area == c.Area || m.Kind == "region" && m.Region.Name == c.Region.Name ||
				m.LSIP != "" && m.LSIP == c.LSIP && m.Kind != "postcode_district" {
				fit = append(fit, c)
				break
			}
		}
	}
	switch {
	case len(fit) == 1:
		out := fit[0]
		out.Start, out.End = amb.Start, amb.End
		return out, true
	case len(fit) > 1 && len(fit) < len(amb.Choices):
		out := amb
		out.Choices = fit
		out.Options = nil
		for _, c := range fit {
			if !slices.ContainsFunc(out.Options, func(r Region) bool { return r.Name == c.Region.Name }) {
				out.Options = append(out.Options, c.Region)
			}
		}
		return out, true
	}
	return PlaceMatch{}, false
}

// findMisspelt looks for a misspelt town after "in", "near"... ("jobs in birmingam",
// "salary in edinburg"), for a word that is no known word (known: the job-title
// index's vocabulary, so "jobs in beauty" is never Beauly and "working" never Woking).
func (g *placeIndex) findMisspelt(text string, known func(string) bool) (PlaceMatch, bool) {
	return g.findMisspeltTokens(text, tokenize(text), known)
}

// findMisspeltTokens is findMisspelt over the words of text, already tokenized.
func (g *placeIndex) findMisspeltTokens(text string, toks []token, known func(string) bool) (PlaceMatch, bool) {
	for i := 1; i < len(toks) && i < 200; i++ {
		t := toks[i]
		if !toks[i-1].rawIn(inPlacePrepositions) || len(t.raw) < 6 || hasDigit(t.raw) || t.rawIn(inPlaceCommon) || known(t.raw) || known(t.norm) {
			continue
		}
		if m, ok := g.fuzzyWord(t.raw, text, t.start, t.end); ok {
			return m, true
		}
	}
	return PlaceMatch{}, false
}

// words that follow "in" and the like but are not places, kept from spelling fixes
var placeCommonWords = toSet(`school college university retail finance business london hospital hospitals
marketing nursing engineering construction healthcare science computing teaching design media education
general future summer winter person england scotland britain charge between advance return`)

// maxFuzzyCached bounds fuzzyWord's answers kept: arbitrary user words must not grow
// memory for ever.
const maxFuzzyCached = 20000

// fuzzyWord accepts a one-letter slip (two in long names) in a strong one-word place
// name: a local authority, an LSIP area or a post town.
func (g *placeIndex) fuzzyWord(w, text string, start, end int) (PlaceMatch, bool) {
	maxD := 1
	if len(w) >= 9 {
		maxD = 2
	}
	g.fuzzyOnce.Do(func() {
		g.fuzzyKeys = map[byte][]string{}
		for name, pe := range g.names {
			if !pe.weak && pe.rank <= 5 && name != "" && strings.IndexByte(name, ' ') < 0 {
				g.fuzzyKeys[name[0]] = append(g.fuzzyKeys[name[0]], name)
			}
		}
		for _, l := range g.fuzzyKeys {
			sort.Strings(l)
		}
	})
	if k, ok := g.fuzzyBest.Load(w); ok {
		if k.(string) == "" {
			return PlaceMatch{}, false
		}
		return g.match(g.names[k.(string)], text, start, end), true
	}
	var bestKey string
	bestD, bestRank := 99, 99
	for _, name := range g.fuzzyKeys[w[0]] {
		if d := len(name) - len(w); d > maxD || -d > maxD {
			continue
		}
		d := editDistance(w, name, maxD)
		if d > maxD {
			continue
		}
		pe := g.names[name] // looked up only for a name near enough
		if d < bestD || (d == bestD && (pe.rank < bestRank || (pe.rank == bestRank && name < bestKey))) {
			bestKey, bestD, bestRank = name, d, pe.rank
		}
	}
	if g.fuzzyN.Add(1) <= maxFuzzyCached {
		g.fuzzyBest.Store(strings.Clone(w), bestKey)
	}
	if bestKey == "" {
		return PlaceMatch{}, false
	}
	return g.match(g.names[bestKey], text, start, end), true
}

// words around a letters-and-digits token that make it a grade, level, year or
// product rather than a postcode district ("got a B2", "B1 level", "year 10")
var (
	outcodeBlockPrev = toSet("level levels grade grades got get getting year yr band size room form class vitamin page chapter mark marks score scored a an the model version my type on drive drives driving love")
	outcodeBlockNext = toSet("level levels grade grades vitamin bomber road motorway form class")
)

// bareOutcode reports whether token i, a possible postcode district with no "in" or
// "near" before it, reads as one: written in capitals with two letters or two digits
// ("roofer pay LS6", "wages BT7", "carers needed near BS5"), or any short district
// at the very end of the message ("electrician salary ne6", "jobs M1"), and never
// beside a grade or level word.
func bareOutcode(toks []token, i int) bool {
	t := toks[i]
	if (i > 0 && toks[i-1].rawIn(inOutcodeBlockPrev)) || (i+1 < len(toks) && toks[i+1].rawIn(inOutcodeBlockNext)) {
		return false
	}
	letters := 0
	for letters < len(t.raw) && t.raw[letters] >= 'a' && t.raw[letters] <= 'z' {
		letters++
	}
	if letters == 0 || letters > 2 {
		return false
	}
	last := i == len(toks)-1
	switch {
	case t.upper && len(t.raw) >= 3:
		return true
	case t.upper:
		return last && i > 0
	default: // lower case: two letters and digits, at the end ("ls6", "ne6")
		return last && i > 0 && letters == 2 && len(t.raw) >= 3
	}
}

func hasDigit(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}

func allCapitals(s string) bool {
	letters := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			return false
		}
		if r >= 'A' && r <= 'Z' {
			letters++
		}
	}
	return letters > 0
}

// resolve treats the whole text as a place.
func (g *placeIndex) resolve(text string) (PlaceMatch, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return PlaceMatch{}, fmt.Errorf("lmi: empty place: %w", ErrNotFound)
	}
	if loc := reFullPostcode.FindStringSubmatchIndex(t); loc != nil && loc[0] == 0 && loc[1] == len(t) {
		if m, ok := g.outcodeMatch(t[loc[2]:loc[3]], t, 0, len(t)); ok {
			return m, nil
		}
	}
	if m, ok := g.outcodeMatch(strings.ReplaceAll(t, " ", ""), t, 0, len(t)); ok && hasDigit(t) {
		return m, nil
	}
	k := placeKey(t)
	for _, pre := range []string{"", "in ", "near ", "around ", "from "} {
		if pre != "" && !strings.HasPrefix(k, pre) {
			continue
		}
		kk := strings.TrimPrefix(k, pre)
		if pe, ok := g.names[kk]; ok {
			return g.match(pe, t, 0, len(t)), nil
		}
		if pe, ok := g.names["the "+kk]; ok {
			return g.match(pe, t, 0, len(t)), nil
		}
		if strings.HasPrefix(kk, "the ") {
			if pe, ok := g.names[strings.TrimPrefix(kk, "the ")]; ok {
				return g.match(pe, t, 0, len(t)), nil
			}
		}
	}
	if m, ok := g.find(t); ok {
		return m, nil
	}
	if m, ok := g.fuzzy(k, t); ok {
		return m, nil
	}
	return PlaceMatch{}, fmt.Errorf("lmi: place %q: %w", truncate(t, 60), ErrNotFound)
}

// fuzzy accepts a one-letter slip in a strong place name of 6 or more letters.
func (g *placeIndex) fuzzy(k, t string) (PlaceMatch, bool) {
	if len(k) < 6 || len(k) > 40 {
		return PlaceMatch{}, false
	}
	var bestKey string
	bestRank := 99
	for name, pe := range g.names {
		if pe.weak || pe.kind == "alias" || pe.rank > 5 || len(name) < 6 {
			continue
		}
		if editDistance(k, name, 1) <= 1 {
			if pe.rank < bestRank || (pe.rank == bestRank && name < bestKey) {
				bestKey, bestRank = name, pe.rank
			}
		}
	}
	if bestKey == "" {
		return PlaceMatch{}, false
	}
	return g.match(g.names[bestKey], t, 0, len(t)), true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// ResolvePlace finds the UK place a text names.
func (e *Embedded) ResolvePlace(ctx context.Context, text string) (PlaceMatch, error) {
	if err := ctx.Err(); err != nil {
		return PlaceMatch{}, err
	}
	if len(text) > 300 {
		return PlaceMatch{}, fmt.Errorf("lmi: place text too long (%d bytes): %w", len(text), ErrNotFound)
	}
	g, err := e.places()
	if err != nil {
		return PlaceMatch{}, err
	}
	return g.resolve(text)
}

// FindPlace scans a whole message for the best place mention.
func (e *Embedded) FindPlace(ctx context.Context, text string) (PlaceMatch, bool) {
	if ctx.Err() != nil {
		return PlaceMatch{}, false
	}
	g, err := e.places()
	if err != nil {
		return PlaceMatch{}, false
	}
	if len(text) > 20000 {
		text = text[:20000]
	}
	if m, ok := g.find(text); ok {
		return m, true
	}
	idx, err := e.index()
	if err != nil {
		return PlaceMatch{}, false
	}
	return g.findMisspelt(text, idx.known)
}

// ScanText is FindOccupations and FindPlace in one pass over the words of text (one
// tokenization shared by both): the job-title mentions in text order and the place
// named, if any. A failure reads as nothing found, as FindPlace does.
func (e *Embedded) ScanText(ctx context.Context, text string) (mentions []Mention, place PlaceMatch, placeOK bool) {
	if ctx.Err() != nil {
		return nil, PlaceMatch{}, false
	}
	if len(text) > 20000 {
		text = text[:20000]
	}
	var tokBuf [32]token // a message of ordinary length is tokenized on the stack
	toks := appendTokens(tokBuf[:0], text)
	g, gerr := e.places()
	idx, err := e.index()
	if err != nil {
		idx = nil
	}
	if idx != nil {
		mentions = idx.findTokens(text, toks, g)
	}
	if gerr != nil {
		return mentions, PlaceMatch{}, false
	}
	if m, ok := g.findTokens(text, toks); ok {
		return mentions, m, true
	}
	if idx == nil {
		return mentions, PlaceMatch{}, false
	}
	place, placeOK = g.findMisspeltTokens(text, toks, idx.known)
	return mentions, place, placeOK
}

// Regions lists the 12 UK countries and English regions.
func (e *Embedded) Regions(ctx context.Context) ([]Region, error) {
	g, err := e.places()
	if err != nil {
		return nil, err
	}
	return append([]Region{}, g.regions...), nil
}

// LSIPs lists the English Local Skills Improvement Plan areas known to the store.
func (e *Embedded) LSIPs(ctx context.Context) ([]string, error) {
	g, err := e.places()
	if err != nil {
		return nil, err
	}
	return append([]string{}, g.lsips...), nil
}

// sharedLSIP is the LSIP area of the named local authorities in a region when they
// all have the same one and all are found, else "": an alias spanning two LSIP
// areas ("Tyne and Wear") takes none rather than the wrong one.
// laLSIPs (from authorityLSIPs) gives each local authority's LSIP by name and region.
func sharedLSIP(authorityLSIPs map[authorityInRegion]string, authorities []string, region int) string {
	lsip := ""
	for _, name := range authorities {
		found := authorityLSIPs[authorityInRegion{name, region}]
		if found == "" || lsip != "" && found != lsip {
			return ""
		}
		lsip = found
	}
	return lsip
}

type authorityInRegion struct {
	name   string
	region int
}

// authorityLSIPs maps each local authority name and region to the LSIP of its first
// entry in g.Names.
func authorityLSIPs(g *snapGeo) map[authorityInRegion]string {
	out := make(map[authorityInRegion]string, 512)
	for _, sp := range g.Names {
		if sp.Kind != "local_authority" {
			continue
		}
		k := authorityInRegion{sp.Name, sp.Region}
		if _, ok := out[k]; !ok {
			out[k] = sp.LSIP
		}
	}
	return out
}
