package lmi

import (
	"sort"
	"strings"
)

// Places whose facts must agree, and names that are more than one place.
//
// A name's region, local authority and LSIP area come from one local authority: the
// one most of its postcode districts are in. (Counting each separately let
// "Kingston" take its region from one Kingston, its area from another and its LSIP
// from a third.) A name that is two or more real places in different regions
// ("Kingston" upon Thames or upon Hull, "Newport" in Wales or on the Isle of Wight,
// "Richmond" in London or North Yorkshire, "Newcastle" upon Tyne or under Lyme) is
// ambiguous: the match carries one Choice per place and the dialogue asks.

// ladFacts are a local authority's majority region and LSIP area and its first
// postcode district, from the postcode districts in it.
type ladFacts struct {
	region   int
	lsip     string
	district string
}

// placeChoice is one of the places an ambiguous name can be.
type placeChoice struct {
	label    string // "Newport, Isle of Wight"
	district string // a postcode district in it, which resolves to it exactly
	lad      string
	facts    ladFacts
}

func localAuthorityFacts(g *snapGeo) map[string]ladFacts {
	regions := map[string]map[int]int{}
	lsips := map[string]map[string]int{}
	first := map[string]string{}
	for _, o := range g.Outcodes {
		if o.LAD == "" || o.Region < 0 {
			continue
		}
		if regions[o.LAD] == nil {
			regions[o.LAD], lsips[o.LAD] = map[int]int{}, map[string]int{}
		}
		regions[o.LAD][o.Region]++
		if o.LSIP != "" {
			lsips[o.LAD][o.LSIP]++
		}
		if f, ok := first[o.LAD]; !ok || o.Outcode < f {
			first[o.LAD] = o.Outcode
		}
	}
	out := make(map[string]ladFacts, 2*len(regions))
	for lad, r := range regions {
		f := ladFacts{region: majorityInt(r), lsip: majorityStr(lsips[lad]), district: first[lad]}
		out[lad] = f
		if d := displayName(lad); d != lad {
			out[d] = f // named places carry the name without ", City of"
		}
	}
	return out
}

// alignToAuthority makes a named place's region and LSIP those of its local
// authority, so the three always agree.
func alignToAuthority(p *placeIndex, lads map[string]ladFacts) {
	for _, pe := range p.names {
		switch pe.kind {
		case "local_authority", "town", "locality", "area":
		default:
			continue
		}
		if f, ok := lads[pe.area]; ok {
			pe.region, pe.lsip = f.region, f.lsip
		}
	}
}

// joinWords name the second half of a place name that shares its first word with
// another place: "Kingston upon Hull", "Newcastle-under-Lyme", "Stoke-on-Trent".
var joinWords = map[string]bool{"upon": true, "under": true, "on": true}

// ambiguousPlaces finds the names that are two or more places in different
// regions: a post town found in separate postcode areas (Newport: NP, PO, TF), and
// the first word of local authorities named "X upon Y" (Kingston upon Thames,
// Kingston upon Hull). Each place is represented by its local authority.
func ambiguousPlaces(g *snapGeo, lads map[string]ladFacts) map[string][]placeChoice {
	type cluster struct {
		lads  map[string]int
		name  string
		first map[string]string // LAD -> its first postcode district in the cluster
	}
	clusters := map[string]map[string]*cluster{} // name key -> cluster id -> cluster
	add := func(key, id, lad, name, outcode string) {
		if clusters[key] == nil {
			clusters[key] = map[string]*cluster{}
		}
		c := clusters[key][id]
		if c == nil {
			c = &cluster{lads: map[string]int{}, name: name, first: map[string]string{}}
			clusters[key][id] = c
		}
		c.lads[lad]++
		if f, ok := c.first[lad]; !ok || outcode < f {
			c.first[lad] = outcode
		}
	}
	townKeys := make(map[string]string, 2048) // post towns repeat over their districts
	for _, o := range g.Outcodes {
		if o.PostTown == "" || o.LAD == "" {
			continue
		}
		area := o.Outcode // the postcode area: the letters before the first digit
		if i := strings.IndexAny(o.Outcode, "0123456789"); i > 0 {
			area = o.Outcode[:i]
		}
		for _, town := range strings.Split(o.PostTown, ",") { // "Newport, Yarmouth"
			k, ok := townKeys[town]
			if !ok {
				k = placeKey(town)
				townKeys[town] = k
			}
			add(k, "area:"+area, o.LAD, "", o.Outcode)
		}
	}
	for lad := range lads {
		if displayName(lad) == lad && lads[lad+", City of"] != (ladFacts{}) {
			continue // the display copy of "X, City of": the original is added
		}
		words := strings.Fields(placeKey(lad))
		if len(words) >= 3 && joinWords[words[1]] {
			add(words[0], "lad:"+lad, lad, lad, lads[lad].district)
		}
	}
	out := map[string][]placeChoice{}
	for key, cs := range clusters {
		if len(cs) < 2 {
			continue
		}
		seen := map[string]bool{}
		var choices []placeChoice
		regionsSeen := map[int]bool{}
		ids := make([]string, 0, len(cs))
		for id := range cs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			c := cs[id]
			lad := majorityStr(c.lads)
			f, ok := lads[lad]
			if !ok || seen[lad] {
				continue
			}
			seen[lad] = true
			regionsSeen[f.region] = true
			choices = append(choices, placeChoice{lad: lad, facts: f, district: c.first[lad], label: choiceLabel(key, displayName(lad), g.Regions[f.region].Name)})
		}
		if len(choices) >= 2 && len(regionsSeen) >= 2 {
			sort.Slice(choices, func(i, j int) bool { return choices[i].label < choices[j].label })
			out[key] = choices
		}
	}
	return out
}

// displayName drops ONS's ", City of" from an authority's name.
func displayName(lad string) string {
	return strings.TrimSuffix(strings.TrimSuffix(lad, ", City of"), ", County of")
}

// choiceLabel names one of an ambiguous name's places for a button: the local
// authority when it has the name in it ("Kingston upon Hull"), else the name with
// its authority or region ("Newport, Isle of Wight"; "Newport, Wales").
func choiceLabel(key, lad, region string) string {
	lk := placeKey(lad)
	switch {
	case lk == key:
		return lad + ", " + region
	case strings.HasPrefix(lk, key+" "):
		return lad
	}
	return titleWords(key) + ", " + lad
}

// titleWords capitalises each word of a place key ("st ives" -> "St Ives").
func titleWords(s string) string {
	w := strings.Fields(s)
	for i, x := range w {
		w[i] = strings.ToUpper(x[:1]) + x[1:]
	}
	return strings.Join(w, " ")
}

// firstWordNames lets the first word of a local authority's name find it when no
// other place has that name: "Merthyr" for Merthyr Tydfil, "Tunbridge" for
// Tunbridge Wells. Such names are weak in free text (they need "in" or a capital).
func firstWordNames(p *placeIndex, lads map[string]ladFacts) {
	firsts := map[string][]string{}
	for lad := range lads {
		if displayName(lad) != lad {
			continue // counted under its display name
		}
		words := strings.Fields(placeKey(lad))
		if len(words) >= 2 && len(words[0]) >= 5 && !joinWords[words[1]] {
			firsts[words[0]] = append(firsts[words[0]], lad)
		}
	}
	for w, ls := range firsts {
		if len(ls) != 1 || weakPlaceWords[w] || placeCommonWords[w] {
			continue
		}
		if _, taken := p.names[w]; taken {
			continue
		}
		f := lads[ls[0]]
		p.names[w] = &placeEntry{kind: "local_authority", name: displayName(ls[0]), region: f.region, area: displayName(ls[0]), lsip: f.lsip, rank: placeRank["local_authority"], weak: true}
	}
}
