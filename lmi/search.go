package lmi

import (
	"bufio"
	"bytes"
	_ "embed"
	"math"
	"sort"
	"strings"
	"sync"
)

// The job-title index: every coding-index title (with its add and industry
// qualifiers), unit-group titles and their parts, Volume 1 related titles and the
// curated everyday names in aliases.tsv, each normalised to stemmed words. A query is
// looked up whole first (also through morphological variants, "nursing" -> "nurse",
// and spelling corrections); otherwise phrases sharing its words are scored by
// IDF-weighted overlap.

//go:embed aliases.tsv
var aliasesTSV []byte

type evidence struct {
	soc string
	w   float64
}

type phrase struct {
	key     string
	display string
	toks    []string
	socs    []evidence // best first
	alias   bool
	plain   bool // a whole job title on its own (not only a qualified variant)
}

type unitInfo struct {
	title   string
	soc2010 string
	minor   string
	entries int
}

type searchIndex struct {
	phrases []phrase
	byKey   map[string]int32
	post    map[string][]int32
	idf     map[string]float64
	units   map[string]*unitInfo

	delOnce sync.Once
	dels    map[string][]string
}

type phraseBuilder struct {
	byKey   map[string]int32
	phrases []phrase
	ev      []map[string]float64
}

func (pb *phraseBuilder) add(text, soc string, w float64, alias, plain bool) {
	key := normalize(text)
	if key == "" || soc == "" {
		return
	}
	id, ok := pb.byKey[key]
	if !ok {
		id = int32(len(pb.phrases))
		pb.byKey[key] = id
		pb.phrases = append(pb.phrases, phrase{key: key, display: strings.TrimSpace(text), toks: strings.Fields(key)})
		pb.ev = append(pb.ev, map[string]float64{})
	}
	p := &pb.phrases[id]
	if alias {
		p.alias = true
		p.display = strings.TrimSpace(text)
	}
	if plain {
		p.plain = true
	}
	pb.ev[id][soc] += w
}

// buildSearchIndex builds the index from the title table (titles.tsv) and unit data.
func buildSearchIndex(titles []byte, units []*snapUnit) *searchIndex {
	pb := &phraseBuilder{byKey: make(map[string]int32, 60000)}
	idx := &searchIndex{units: make(map[string]*unitInfo, len(units))}
	for _, u := range units {
		ui := &unitInfo{title: u.Title, minor: u.Minor, entries: u.Index}
		if len(u.SOC2010) > 0 {
			ui.soc2010 = u.SOC2010[0]
		}
		idx.units[u.SOC2020] = ui
	}
	// curated aliases dominate
	for _, line := range strings.Split(string(aliasesTSV), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.SplitN(line, "\t", 2)
		if len(f) != 2 {
			continue
		}
		for i, code := range strings.Split(f[1], "|") {
			code = strings.TrimSpace(code)
			if idx.units[code] == nil {
				continue
			}
			pb.add(f[0], code, 100/float64(i+1), true, true)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(titles))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 6 {
			continue
		}
		title, add, ind, soc, dflag := f[0], f[1], f[2], f[3], f[5]
		if idx.units[soc] == nil {
			continue
		}
		switch {
		case add == "" && ind == "" && dflag != "":
			pb.add(title, soc, 3, false, true)
		case add == "" && ind == "":
			pb.add(title, soc, 2, false, true)
		default:
			pb.add(title, soc, 1, false, false)
		}
		if a := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(add, "nos"), ":")); a != "" && len(strings.Fields(a)) <= 3 && !strings.ContainsAny(a, "()") {
			pb.add(a+" "+title, soc, 2, false, false)
		}
		if ind != "" && len(strings.Fields(ind)) <= 2 && !strings.ContainsAny(ind, ",()") {
			pb.add(ind+" "+title, soc, 1.5, false, false)
		}
	}
	for _, u := range units {
		pb.add(u.Title, u.SOC2020, 3, false, true)
		for _, part := range splitUnitTitle(u.Title) {
			pb.add(part, u.SOC2020, 2.5, false, true)
		}
		for _, rt := range u.Related {
			if i := strings.Index(rt, "("); i > 0 {
				pb.add(rt[:i], u.SOC2020, 1.5, false, true)
			}
			pb.add(rt, u.SOC2020, 2, false, true)
		}
	}
	idx.byKey = pb.byKey
	idx.phrases = pb.phrases
	idx.post = make(map[string][]int32, 16000)
	df := map[string]int{}
	for i := range idx.phrases {
		p := &idx.phrases[i]
		for soc, w := range pb.ev[i] {
			p.socs = append(p.socs, evidence{soc, w})
		}
		sort.Slice(p.socs, func(a, b int) bool {
			if p.socs[a].w != p.socs[b].w {
				return p.socs[a].w > p.socs[b].w
			}
			// equal evidence: the unit group with more index entries first
			ea, eb := idx.units[p.socs[a].soc].entries, idx.units[p.socs[b].soc].entries
			if ea != eb {
				return ea > eb
			}
			return p.socs[a].soc < p.socs[b].soc
		})
		seen := map[string]bool{}
		for _, t := range p.toks {
			if seen[t] {
				continue
			}
			seen[t] = true
			idx.post[t] = append(idx.post[t], int32(i))
			df[t]++
		}
	}
	idx.idf = make(map[string]float64, len(df))
	n := float64(len(idx.phrases))
	for t, c := range df {
		idx.idf[t] = math.Log(1 + n/float64(c))
	}
	return idx
}

// splitUnitTitle splits "Plumbers and heating and ventilating installers and
// repairers" style titles into job names: "plumbers", "heating and ventilating
// installers"... Only the simple comma/"and" lists are split.
func splitUnitTitle(t string) []string {
	t = strings.TrimSuffix(strings.TrimSpace(t), " n.e.c.")
	var out []string
	for _, part := range strings.Split(t, ",") {
		for _, p := range strings.Split(part, " and ") {
			p = strings.TrimSpace(p)
			if p != "" && p != t {
				out = append(out, p)
			}
		}
	}
	return out
}

// query words that carry no job meaning at the edges of a search
var searchEdgeWords = map[string]bool{"a": true, "an": true, "the": true, "job": true, "career": true, "role": true, "position": true, "work": false}

type scored struct {
	soc     string
	score   float64
	matched string
}

// search ranks unit groups for a query.
func (idx *searchIndex) search(query string, limit int) []Match {
	toks := tokenize(query)
	if len(toks) > 12 {
		toks = toks[:12]
	}
	words := make([]string, 0, len(toks))
	for _, t := range toks {
		words = append(words, t.norm)
	}
	for len(words) > 1 && searchEdgeWords[words[0]] {
		words = words[1:]
	}
	for len(words) > 1 && searchEdgeWords[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return []Match{}
	}
	best := map[string]scored{}
	idx.collect(words, best)
	return idx.rank(best, limit)
}

func (idx *searchIndex) rank(best map[string]scored, limit int) []Match {
	list := make([]scored, 0, len(best))
	for _, s := range best {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		return list[i].soc < list[j].soc
	})
	if limit <= 0 {
		limit = 10
	}
	if len(list) > limit {
		list = list[:limit]
	}
	out := make([]Match, 0, len(list))
	for _, s := range list {
		u := idx.units[s.soc]
		out = append(out, Match{SOC2020: s.soc, SOC2010: u.soc2010, Title: u.title, Score: round(s.score, 3), Matched: s.matched})
	}
	return out
}

func put(best map[string]scored, soc string, score float64, matched string) {
	if cur, ok := best[soc]; !ok || score > cur.score {
		best[soc] = scored{soc, score, matched}
	}
}

// addPhrase scores every unit group of an exactly matched phrase.
func (idx *searchIndex) addPhrase(best map[string]scored, id int32, base float64) {
	p := &idx.phrases[id]
	if !p.alias && !p.plain {
		base *= 0.95
	}
	top := p.socs[0].w
	for i, e := range p.socs {
		s := base * math.Sqrt(e.w/top)
		if i > 0 {
			s *= 0.95
		}
		put(best, e.soc, s, p.display)
	}
}

// collect fills best with candidates for the words of a query.
func (idx *searchIndex) collect(words []string, best map[string]scored) {
	key := strings.Join(words, " ")
	if id, ok := idx.byKey[key]; ok {
		base := 0.95
		if idx.phrases[id].alias {
			base = 1
		}
		idx.addPhrase(best, id, base)
	}
	// variants: morphology ("nursing" -> "nurse") and spelling ("electrican")
	alts := make([][]alt, len(words))
	anyAlt := false
	for i, w := range words {
		alts[i] = idx.alternatives(w)
		if len(alts[i]) > 1 || alts[i][0].word != w {
			anyAlt = true
		}
	}
	if anyAlt && len(words) <= 4 {
		combos := 0
		var walk func(i int, acc []string, pen float64)
		walk = func(i int, acc []string, pen float64) {
			if combos > 32 {
				return
			}
			if i == len(words) {
				combos++
				k := strings.Join(acc, " ")
				if k == key {
					return
				}
				if id, ok := idx.byKey[k]; ok {
					base := 0.95
					if idx.phrases[id].alias {
						base = 1
					}
					idx.addPhrase(best, id, base*pen)
				}
				return
			}
			for _, a := range alts[i] {
				walk(i+1, append(acc, a.word), pen*a.factor)
			}
		}
		walk(0, make([]string, 0, len(words)), 1)
	}
	if len(best) > 0 && topScore(best) >= 0.85 {
		return
	}
	idx.partial(words, alts, best)
}

func topScore(best map[string]scored) float64 {
	m := 0.0
	for _, s := range best {
		if s.score > m {
			m = s.score
		}
	}
	return m
}

type alt struct {
	word   string
	factor float64
}

// alternatives lists the forms a query word may take in the index: itself when
// known, morphological variants that are known, and close spellings.
func (idx *searchIndex) alternatives(w string) []alt {
	var out []alt
	_, known := idx.post[w]
	if known {
		out = append(out, alt{w, 1})
	}
	for _, v := range morphVariants(w) {
		if _, ok := idx.post[v]; ok && v != w {
			out = append(out, alt{v, 0.92})
		}
	}
	if !known && len(out) == 0 {
		for _, c := range idx.corrections(w) {
			out = append(out, alt{c, 0.88})
		}
	}
	if len(out) == 0 {
		out = append(out, alt{w, 1})
	}
	return out
}

// morphVariants derives job-title forms from field or activity nouns:
// "nursing" -> "nurse", "physiotherapy" -> "physiotherapist", "economics" ->
// "economist", "architecture" -> "architect", "plumbing" -> "plumber".
func morphVariants(w string) []string {
	var v []string
	addIf := func(cond bool, s ...string) {
		if cond {
			v = append(v, s...)
		}
	}
	n := len(w)
	if n < 4 {
		return nil
	}
	cut := func(suf string) string {
		if len(suf) >= n {
			return w
		}
		return w[:n-len(suf)]
	}
	addIf(strings.HasSuffix(w, "ing") && n > 5, cut("ing")+"er", cut("ing")+"e", cut("ing"), cut("ing")+"ant", cut("ing")+"or", cut("ing")+"ist")
	if strings.HasSuffix(w, "ing") && n > 6 && w[n-4] == w[n-5] { // "shopping" -> "shopper"... "programming" -> "programmer"
		v = append(v, cut("ing")+"er", w[:n-4]+"er")
	}
	addIf(strings.HasSuffix(w, "ry") && n > 5, cut("ry")+"er", cut("ry"), cut("y")+"ist")
	addIf(strings.HasSuffix(w, "y") && !strings.HasSuffix(w, "ry"), cut("y")+"ist", cut("y")+"er", cut("y")+"ian")
	addIf(strings.HasSuffix(w, "ics"), cut("ics")+"ist", cut("s")+"ist", cut("ics")+"ician", cut("s")+"ian")
	addIf(strings.HasSuffix(w, "ure"), cut("ure"), cut("ure")+"er")
	addIf(strings.HasSuffix(w, "ment"), cut("ment")+"er")
	addIf(strings.HasSuffix(w, "ism"), cut("ism")+"ist")
	addIf(strings.HasSuffix(w, "ancy"), cut("ancy")+"ant")
	addIf(strings.HasSuffix(w, "ion"), cut("ion")+"or", cut("ion")+"er", cut("ation")+"er")
	addIf(strings.HasSuffix(w, "ery"), cut("ery")+"er")
	addIf(!strings.HasSuffix(w, "er") && !strings.HasSuffix(w, "ist") && !strings.HasSuffix(w, "or"), w+"er", w+"ist", w+"r")
	return v
}

// corrections finds index words within a small edit distance of w (1, or 2 for long
// words), most common first.
func (idx *searchIndex) corrections(w string) []string {
	if len(w) < 4 || len(w) > 30 {
		return nil
	}
	idx.delOnce.Do(idx.buildDeletes)
	maxD := 1
	if len(w) >= 8 {
		maxD = 2
	}
	cands := map[string]int{}
	try := func(k string) {
		for _, c := range idx.dels[k] {
			if _, ok := cands[c]; !ok {
				cands[c] = editDistance(w, c, maxD)
			}
		}
	}
	try(w)
	for i := 0; i < len(w); i++ {
		d := w[:i] + w[i+1:]
		try(d)
		if maxD == 2 {
			for j := i; j < len(d); j++ {
				try(d[:j] + d[j+1:])
			}
		}
	}
	type cd struct {
		w  string
		d  int
		df int
	}
	var list []cd
	for c, d := range cands {
		if len(w) < 6 && c[0] != w[0] {
			continue // short words: keep the first letter
		}
		if d <= maxD {
			list = append(list, cd{c, d, len(idx.post[c])})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].d != list[j].d {
			return list[i].d < list[j].d
		}
		if list[i].df != list[j].df {
			return list[i].df > list[j].df
		}
		return list[i].w < list[j].w
	})
	var out []string
	for i, c := range list {
		if i == 3 || c.d > list[0].d {
			break
		}
		out = append(out, c.w)
	}
	return out
}

// buildDeletes indexes every index word and its one-letter deletions (and, for long
// words, two-letter deletions) for spelling correction.
func (idx *searchIndex) buildDeletes() {
	idx.dels = make(map[string][]string, len(idx.post)*10)
	for w := range idx.post {
		if len(w) < 3 {
			continue
		}
		idx.dels[w] = append(idx.dels[w], w)
		seen := map[string]bool{}
		for i := 0; i < len(w); i++ {
			d := w[:i] + w[i+1:]
			if !seen[d] {
				seen[d] = true
				idx.dels[d] = append(idx.dels[d], w)
			}
			if len(w) >= 7 {
				for j := i; j < len(d); j++ {
					d2 := d[:j] + d[j+1:]
					if !seen[d2] {
						seen[d2] = true
						idx.dels[d2] = append(idx.dels[d2], w)
					}
				}
			}
		}
	}
}

// partial scores phrases that share words with the query.
func (idx *searchIndex) partial(words []string, alts [][]alt, best map[string]scored) {
	qw := map[string]float64{} // index word -> factor
	var qIDF float64
	for i := range words {
		m := 0.0
		for _, a := range alts[i] {
			if f, ok := qw[a.word]; !ok || a.factor > f {
				qw[a.word] = a.factor
			}
			if v := idx.idf[a.word]; v > m {
				m = v
			}
		}
		if m == 0 {
			m = 3 // an unknown word still counts against coverage
		}
		qIDF += m
	}
	head := words[len(words)-1]
	headAlts := alts[len(words)-1]
	seen := map[int32]bool{}
	for w := range qw {
		post := idx.post[w]
		if len(post) > 3000 {
			post = post[:3000]
		}
		for _, id := range post {
			if seen[id] {
				continue
			}
			seen[id] = true
			p := &idx.phrases[id]
			var matched, extra float64
			headHit := false
			for _, t := range p.toks {
				if f, ok := qw[t]; ok {
					matched += idx.idf[t] * f
					if t == head {
						headHit = true
					}
					for _, a := range headAlts {
						if a.word == t {
							headHit = true
						}
					}
				} else {
					extra += idx.idf[t]
				}
			}
			s := matched / (qIDF + 0.5*extra)
			if !headHit {
				s *= 0.75
			}
			if !p.plain && !p.alias {
				s *= 0.95
			}
			s *= 0.85
			if s < 0.2 {
				continue
			}
			top := p.socs[0].w
			for i, e := range p.socs {
				ss := s * math.Sqrt(e.w/top)
				if i > 0 {
					ss *= 0.95
				}
				put(best, e.soc, ss, p.display)
			}
		}
	}
}
