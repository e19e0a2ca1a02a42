package lmi

import (
	"bufio"
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// phrase is one entry of the title index; key is its normalised words.
type phrase struct {
	key     string
	display string // as written ("" = same as key)
	alias   bool   // from the curated aliases
	plain   bool   // a whole job title on its own (not only a qualified variant)
	ev      string // unit groups and their evidence, "5241:3,5231:1", best first
	wsum    string // summed IDF of its distinct words (parsed when needed)
}

func (p *phrase) shown() string {
	if p.display != "" {
		return p.display
	}
	return p.key
}

type vocabEntry struct {
	word string
	df   int
	post string // phrase ids, comma separated
}

type unitInfo struct {
	title   string
	soc2010 string
	minor   string
	entries int
}

// searchIndex is read straight from the snapshot's search table: phrases and
// vocabulary are sorted so lookups are binary searches, and posting lists and
// evidence are parsed only when a query needs them. Loading is one pass over the
// text, with no per-phrase maps.
type searchIndex struct {
	phrases []phrase
	vocab   []vocabEntry
	vocabAt map[string]int32 // word -> position in vocab
	units   map[string]*unitInfo
	n       float64

	postCache  sync.Map // word -> []int32
	corrCache  sync.Map // word -> []string
	headCache  sync.Map // word -> fieldHead (find_fields.go)
	nounCache  sync.Map // word -> []string, the groups of a field noun (find_fields.go)
	placeCache sync.Map // word -> []string, the groups of a place of work (find_workplace.go)
	corrN      atomic.Int64
	bktOnce    sync.Once
	buckets    map[bucketKey][]int32 // vocabulary by length and first or last letter
	masks      []uint32              // letters of each vocabulary word
	scratch    sync.Pool             // *partialScratch
	sounds     map[string][]int32    // vocabulary by soundKey
	hashOnce   sync.Once
	hash       *phraseHash // phrase keys by hash (search_hash.go)
}

type bucketKey struct {
	n    int
	c    byte
	last bool
}

func (idx *searchIndex) lookup(key string) (int32, bool) {
	return idx.hashed().findString(idx.phrases, key)
}

// lookupBytes is lookup for a key in a buffer (no string is made).
func (idx *searchIndex) lookupBytes(key []byte) (int32, bool) {
	return idx.hashed().find(idx.phrases, key)
}

// lookupSorted is lookupBytes by binary search of the sorted phrases (the hash
// index's reference in tests).
func (idx *searchIndex) lookupSorted(key []byte) (int32, bool) {
	i := sort.Search(len(idx.phrases), func(i int) bool { return idx.phrases[i].key >= string(key) })
	if i < len(idx.phrases) && idx.phrases[i].key == string(key) {
		return int32(i), true
	}
	return 0, false
}

// lookupPrefix reports whether some phrase starts with the words of prefix.
func (idx *searchIndex) lookupPrefix(prefix string) (int32, bool) {
	i := sort.Search(len(idx.phrases), func(i int) bool { return idx.phrases[i].key >= prefix })
	if i < len(idx.phrases) && strings.HasPrefix(idx.phrases[i].key, prefix) {
		return int32(i), true
	}
	return 0, false
}

func (idx *searchIndex) word(w string) (*vocabEntry, bool) {
	if idx.vocabAt != nil {
		if i, ok := idx.vocabAt[w]; ok {
			return &idx.vocab[i], true
		}
		return nil, false
	}
	i := sort.Search(len(idx.vocab), func(i int) bool { return idx.vocab[i].word >= w })
	if i < len(idx.vocab) && idx.vocab[i].word == w {
		return &idx.vocab[i], true
	}
	return nil, false
}

// knownBytes is known for a word in a buffer, without building the string when the
// index has its word map.
func (idx *searchIndex) knownBytes(b []byte) bool {
	if idx.vocabAt != nil {
		_, ok := idx.vocabAt[string(b)]
		return ok
	}
	return idx.known(string(b))
}

func (idx *searchIndex) known(w string) bool {
	_, ok := idx.word(w)
	return ok
}

func (idx *searchIndex) idf(w string) float64 {
	v, ok := idx.word(w)
	if !ok || v.df == 0 {
		return 0
	}
	return math.Log(1 + idx.n/float64(v.df))
}

func (idx *searchIndex) postings(w string) []int32 {
	if c, ok := idx.postCache.Load(w); ok {
		return c.([]int32)
	}
	v, ok := idx.word(w)
	if !ok {
		return nil
	}
	out := make([]int32, 0, v.df)
	n := int32(0)
	for i := 0; i < len(v.post); i++ {
		c := v.post[i]
		if c == ',' {
			out = append(out, n)
			n = 0
			continue
		}
		n = n*10 + int32(c-'0')
	}
	out = append(out, n)
	idx.postCache.Store(w, out)
	return out
}

func (idx *searchIndex) socs(id int32) []evidence {
	return idx.appendSOCs(make([]evidence, 0, 2), id)
}

// appendSOCs is socs appending to dst (a caller's buffer, so a scan makes none).
func (idx *searchIndex) appendSOCs(dst []evidence, id int32) []evidence {
	p := &idx.phrases[id]
	for rest := p.ev; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, ",")
		soc, w, ok := strings.Cut(f, ":")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(w, 64)
		if err != nil {
			continue
		}
		dst = append(dst, evidence{soc, v})
	}
	return dst
}

// parseSearchTable reads the search table written by writeSearchTable.
func parseSearchTable(data string) (*searchIndex, error) {
	idx := &searchIndex{units: make(map[string]*unitInfo, 420)}
	nP, nV := strings.Count(data, "\nP\t"), strings.Count(data, "\nV\t")
	idx.phrases = make([]phrase, 0, nP+1)
	idx.vocab = make([]vocabEntry, 0, nV+1)
	line := 0
	for len(data) > 0 {
		line++
		var l string
		l, data, _ = strings.Cut(data, "\n")
		if len(l) < 2 {
			continue
		}
		kind, rest := l[0], l[2:]
		f := make([]string, 0, 5)
		for {
			a, b, ok := strings.Cut(rest, "\t")
			f = append(f, a)
			if !ok {
				break
			}
			rest = b
		}
		switch kind {
		case 'U':
			if len(f) != 5 {
				return nil, fmt.Errorf("lmi: search table line %d: want 5 fields", line)
			}
			n, _ := strconv.Atoi(f[3])
			idx.units[f[0]] = &unitInfo{soc2010: f[1], minor: f[2], entries: n, title: f[4]}
		case 'P':
			if len(f) != 5 {
				return nil, fmt.Errorf("lmi: search table line %d: want 5 fields", line)
			}
			idx.phrases = append(idx.phrases, phrase{key: f[0], display: f[1], alias: strings.Contains(f[2], "a"), plain: strings.Contains(f[2], "p"), ev: f[3], wsum: f[4]})
		case 'V':
			if len(f) != 3 {
				return nil, fmt.Errorf("lmi: search table line %d: want 3 fields", line)
			}
			n, _ := strconv.Atoi(f[1])
			idx.vocab = append(idx.vocab, vocabEntry{word: f[0], df: n, post: f[2]})
		default:
			return nil, fmt.Errorf("lmi: search table line %d: unknown row kind %q", line, kind)
		}
	}
	idx.n = float64(len(idx.phrases))
	idx.scratch.New = func() any { return &partialScratch{} }
	idx.vocabAt = make(map[string]int32, len(idx.vocab))
	for i := range idx.vocab {
		idx.vocabAt[idx.vocab[i].word] = int32(i)
	}
	return idx, nil
}

type phraseBuilder struct {
	byKey   map[string]int32
	phrases []phrase
	toks    [][]string
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
		pb.phrases = append(pb.phrases, phrase{key: key, display: strings.TrimSpace(text)})
		pb.toks = append(pb.toks, strings.Fields(key))
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

// writeSearchTable builds the title index at snapshot build time from the coding
// index (titles.tsv rows), the unit groups and the curated aliases, and writes it as
// sorted text rows: U (unit groups), P (phrases with evidence), V (words with their
// posting lists).
func writeSearchTable(titles []byte, units []*snapUnit) []byte {
	pb := &phraseBuilder{byKey: make(map[string]int32, 60000)}
	info := make(map[string]*unitInfo, len(units))
	for _, u := range units {
		ui := &unitInfo{title: u.Title, minor: u.Minor, entries: u.Index}
		if len(u.SOC2010) > 0 {
			ui.soc2010 = u.SOC2010[0]
		}
		info[u.SOC2020] = ui
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
			if info[code] == nil {
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
		if info[soc] == nil {
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
	// order phrases by key; ids in posting lists are positions in that order
	order := make([]int, len(pb.phrases))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return pb.phrases[order[a]].key < pb.phrases[order[b]].key })
	pos := make([]int, len(order))
	for newID, old := range order {
		pos[old] = newID
	}
	var buf bytes.Buffer
	codes := make([]string, 0, len(info))
	for c := range info {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(s) }
	for _, c := range codes {
		u := info[c]
		fmt.Fprintf(&buf, "U\t%s\t%s\t%s\t%d\t%s\n", c, u.soc2010, u.minor, u.entries, clean(u.title))
	}
	post := map[string][]int{}
	for _, old := range order {
		seen := map[string]bool{}
		for _, t := range pb.toks[old] {
			if !seen[t] {
				seen[t] = true
				post[t] = append(post[t], pos[old])
			}
		}
	}
	nPhrases := float64(len(order))
	for _, old := range order {
		p := pb.phrases[old]
		ev := make([]evidence, 0, len(pb.ev[old]))
		for soc, w := range pb.ev[old] {
			ev = append(ev, evidence{soc, w})
		}
		sort.Slice(ev, func(a, b int) bool {
			if ev[a].w != ev[b].w {
				return ev[a].w > ev[b].w
			}
			// equal evidence: the unit group with more index entries first
			ea, eb := info[ev[a].soc].entries, info[ev[b].soc].entries
			if ea != eb {
				return ea > eb
			}
			return ev[a].soc < ev[b].soc
		})
		parts := make([]string, len(ev))
		for i, e := range ev {
			parts[i] = e.soc + ":" + strconv.FormatFloat(e.w, 'g', -1, 64)
		}
		flags := ""
		if p.alias {
			flags += "a"
		}
		if p.plain {
			flags += "p"
		}
		disp := clean(p.display)
		if disp == p.key {
			disp = ""
		}
		// the summed IDF of the phrase's distinct words, for partial-match scoring
		var wsum float64
		seen := map[string]bool{}
		for _, t := range pb.toks[old] {
			if !seen[t] {
				seen[t] = true
				wsum += math.Log(1 + nPhrases/float64(len(post[t])))
			}
		}
		fmt.Fprintf(&buf, "P\t%s\t%s\t%s\t%s\t%s\n", p.key, disp, flags, strings.Join(parts, ","), strconv.FormatFloat(wsum, 'f', 4, 64))
	}
	words := make([]string, 0, len(post))
	for w := range post {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		ids := post[w]
		sort.Ints(ids)
		strs := make([]string, len(ids))
		for i, id := range ids {
			strs[i] = strconv.Itoa(id)
		}
		fmt.Fprintf(&buf, "V\t%s\t%d\t%s\n", w, len(ids), strings.Join(strs, ","))
	}
	return buf.Bytes()
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
			// keep only fragments that name people ("plumbers", "ventilating
			// installers"), not bare adjectives ("electrical", "skilled metal")
			last := p
			if i := strings.LastIndexByte(p, ' '); i >= 0 {
				last = p[i+1:]
			}
			if p != "" && p != t && (strings.HasSuffix(last, "s") || agentive(strings.ToLower(last))) {
				out = append(out, p)
			}
		}
	}
	return out
}

// query words that carry no job meaning at the edges of a search
var searchEdgeWords = map[string]bool{"a": true, "an": true, "the": true, "job": true, "career": true, "role": true, "position": true, "work": false}

// startsTitle reports whether some title begins with the given words.
func (idx *searchIndex) startsTitle(words []string) bool {
	k := strings.Join(words, " ")
	if _, ok := idx.lookup(k); ok {
		return true
	}
	_, ok := idx.lookupPrefix(k + " ")
	return ok
}

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
	// "careers adviser", "job centre worker": a filler that begins a title stays
	for len(words) > 1 && searchEdgeWords[words[0]] && !idx.startsTitle(words[:2]) {
		words = words[1:]
	}
	for len(words) > 1 && searchEdgeWords[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	content := 0
	for _, w := range words {
		if !partialSkip[w] {
			content++
		}
	}
	if len(words) == 0 || content == 0 {
		return []Match{}
	}
	best := map[string]scored{}
	idx.collect(words, best, false) // whole titles first; word overlap only if nothing better turns up
	// "nurse at the hospital", "waiter in a restaurant": the job is what comes before
	// the preposition
	if topScore(best) < 0.9 {
		for k := 1; k < len(words); k++ {
			if placePreps[words[k]] {
				sub := map[string]scored{}
				idx.collect(words[:k], sub, true)
				for soc, sc := range sub {
					put(best, soc, sc.score*0.9, sc.matched)
				}
				break
			}
		}
	}
	// "apprentice electrician", "trainee accountant", "senior chef": the job without
	// its grade or stage, when the whole title was not found as it is
	if topScore(best) < 0.9 && len(words) > 1 {
		var core []string
		for _, w := range words {
			if !titleModifiers[w] {
				core = append(core, w)
			}
		}
		if len(core) > 0 && len(core) < len(words) {
			sub := map[string]scored{}
			idx.collect(core, sub, true)
			for soc, sc := range sub {
				put(best, soc, sc.score*0.92, sc.matched)
			}
		}
	}
	if topScore(best) < 0.85 {
		idx.collect(words, best, true)
	}
	return idx.rank(best, limit)
}

var placePreps = toSet("at in for with from on")

// function words left out of partial matching
var partialSkip = toSet("a an the at in on for with from to of my as by and or")

// words that grade a job rather than name it
var titleModifiers = toSet(`apprentice apprenticeship trainee training junior senior qualified student newly experienced
freelance self employed part time full temporary temp locum graduate entry level assistant-to deputy`)

func (idx *searchIndex) rank(best map[string]scored, limit int) []Match {
	var buf [16]scored
	list := buf[:0]
	for _, s := range best {
		list = append(list, s)
	}
	// a total order (one entry per code), so the order is the same whatever the sort
	slices.SortFunc(list, func(a, b scored) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return strings.Compare(a.soc, b.soc)
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
		out = append(out, Match{SOC2020: s.soc, SOC2010: u.soc2010, Title: u.title, Score: math.Max(0.001, math.Min(1, round(s.score, 3))), Matched: s.matched})
	}
	return out
}

func put(best map[string]scored, soc string, score float64, matched string) {
	if cur, ok := best[soc]; !ok || score > cur.score || (score == cur.score && matched < cur.matched) {
		best[soc] = scored{soc, score, matched}
	}
}

// addPhrase scores every unit group of an exactly matched phrase.
func (idx *searchIndex) addPhrase(best map[string]scored, id int32, base float64) {
	p := &idx.phrases[id]
	if !p.alias && !p.plain {
		base *= 0.95
	}
	idx.spread(best, id, base)
}

// spread scores every unit group of phrase id: s for the group with the most evidence,
// less for the others by the square root of their share, and a little less again.
func (idx *searchIndex) spread(best map[string]scored, id int32, s float64) {
	var evBuf [8]evidence
	ev := idx.appendSOCs(evBuf[:0], id)
	if len(ev) == 0 {
		return
	}
	shown := idx.phrases[id].shown()
	top := ev[0].w
	for i, e := range ev {
		ss := s * math.Sqrt(e.w/top)
		if i > 0 {
			ss *= 0.95
		}
		put(best, e.soc, ss, shown)
	}
}

// collect fills best with candidates for the words of a query.
// partialOK allows scoring by word overlap when no whole title matched.
func (idx *searchIndex) collect(words []string, best map[string]scored, partialOK bool) {
	key := strings.Join(words, " ")
	if id, ok := idx.lookup(key); ok {
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
				if id, ok := idx.lookup(k); ok {
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
	// two words written apart that the index has as one: "police woman" -> "policewoman"
	for i := 0; i+1 < len(words) && len(words) <= 6; i++ {
		j := words[i] + words[i+1]
		if !idx.known(j) {
			continue
		}
		joined := append(append(append([]string{}, words[:i]...), j), words[i+2:]...)
		if id, ok := idx.lookup(strings.Join(joined, " ")); ok {
			base := 0.95
			if idx.phrases[id].alias {
				base = 1
			}
			idx.addPhrase(best, id, base*0.95)
		}
	}
	if !partialOK || (len(best) > 0 && topScore(best) >= 0.85) {
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
	return idx.appendAlternatives(nil, w)
}

// appendAlternatives is alternatives appending to dst (a scan's one buffer for all its
// words' variants).
func (idx *searchIndex) appendAlternatives(dst []alt, w string) []alt {
	out := dst
	start := len(dst)
	known := idx.known(w)
	if known {
		out = append(out, alt{w, 1})
	}
	// a plural the stemmer keeps whole: "paramedics", "mechanics", "medics"
	if n := len(w); n > 5 && strings.HasSuffix(w, "ics") && idx.known(w[:n-1]) {
		out = append(out, alt{w[:n-1], 0.99})
	}
	for _, v := range abbreviations[w] {
		if idx.known(strings.Fields(v)[0]) {
			out = append(out, alt{v, 0.95})
		}
	}
	var forms [24]morphForm
	var buf [64]byte
	for _, f := range morphVariants(w, forms[:0]) {
		b := append(append(buf[:0], w[:len(w)-f.cut]...), f.suf...)
		if string(b) != w && idx.knownBytes(b) {
			out = append(out, alt{string(b), 0.92})
		}
	}
	// a compound written as one word: "forklift" -> "fork lift"
	if len(w) >= 6 {
		for i := 3; i <= len(w)-3; i++ {
			if idx.known(w[:i]) && idx.known(w[i:]) && idx.idf(w[:i]) > 0 {
				if _, ok := idx.lookupPrefix(w[:i] + " " + w[i:]); ok {
					out = append(out, alt{w[:i] + " " + w[i:], 0.95})
				}
			}
		}
	}
	if !known && len(out) == start {
		out = append(out, idx.corrections(w)...)
	}
	if len(out) == start {
		out = append(out, alt{w, 1})
	}
	return out
}

// abbreviations people use in job titles, expanded as alternatives.
var abbreviations = map[string][]string{
	"tech": {"technician"}, "techie": {"technician"}, "dev": {"developer"}, "eng": {"engineer"}, "engr": {"engineer"},
	"admin": {"administrator", "administrative"}, "asst": {"assistant"}, "assist": {"assistant"}, "mgr": {"manager"},
	"exec": {"executive"}, "rep": {"representative"}, "sec": {"secretary"}, "ops": {"operation"}, "vet": {"veterinary"},
	"physio": {"physiotherapist"}, "maths": {"mathematics"}, "math": {"mathematics"}, "pe": {"physical education"},
	"mech": {"mechanical"}, "elec": {"electrical"}, "sen": {"special needs"}, "send": {"special needs"}, "ta": {"teaching assistant"},
	"hca": {"healthcare assistant"}, "sw": {"social worker"}, "dr": {"doctor"}, "prof": {"professor"}, "uni": {"university"},
	"govt": {"government"}, "gov": {"government"}, "intl": {"international"}, "dept": {"department"}, "snr": {"senior"}, "jnr": {"junior"},
}

// morphForm is one job-title form of a word: the word less its last cut bytes, then suf.
type morphForm struct {
	cut int
	suf string
}

// morphVariants derives job-title forms from field or activity nouns:
// "nursing" -> "nurse", "physiotherapy" -> "physiotherapist", "economics" ->
// "economist", "architecture" -> "architect", "plumbing" -> "plumber". The forms are
// appended to v (a caller's buffer) as cuts and suffixes, so no string is built for
// the many that are no known word.
func morphVariants(w string, v []morphForm) []morphForm {
	n := len(w)
	if n < 4 || describingAdjectives[w] {
		return v // "a physical job" is no physician
	}
	// cut("x") in the rules below is w less the suffix x (all of w when x is as long)
	cut := func(suf string) int {
		if len(suf) >= n {
			return 0
		}
		return len(suf)
	}
	add := func(c int, suf string) { v = append(v, morphForm{c, suf}) }
	if strings.HasSuffix(w, "ing") && n > 5 {
		c := cut("ing")
		add(c, "er")
		add(c, "e")
		add(c, "")
		add(c, "ant")
		add(c, "or")
		add(c, "ist")
	}
	if strings.HasSuffix(w, "ing") && n > 6 && w[n-4] == w[n-5] { // "shopping" -> "shopper"... "programming" -> "programmer"
		add(cut("ing"), "er")
		add(4, "er")
	}
	if strings.HasSuffix(w, "ry") && n > 5 {
		add(cut("ry"), "er")
		add(cut("ry"), "")
		add(cut("y"), "ist")
	}
	if strings.HasSuffix(w, "y") && !strings.HasSuffix(w, "ry") {
		add(cut("y"), "ist")
		add(cut("y"), "er")
		add(cut("y"), "ian")
	}
	if strings.HasSuffix(w, "ics") {
		add(cut("ics"), "ist")
		add(cut("s"), "ist")
		add(cut("ics"), "ician")
		add(cut("s"), "ian")
	}
	if strings.HasSuffix(w, "ure") {
		add(cut("ure"), "")
		add(cut("ure"), "er")
	}
	if strings.HasSuffix(w, "ical") {
		add(cut("ical"), "ician") // electrical -> electrician
	}
	// field adjectives and nouns: "dental" -> "dentist", "medical" -> "medic",
	// "mechanical" -> "mechanic", "medicine" -> "medic"
	if strings.HasSuffix(w, "al") && n > 5 {
		add(cut("al"), "") // "-ical" less "al" is already "-ic"
		if !strings.HasSuffix(w, "ical") {
			add(cut("al"), "ist")
		}
	}
	if strings.HasSuffix(w, "icine") {
		add(cut("ine"), "")
	}
	if strings.HasSuffix(w, "ence") && n > 6 {
		add(cut("ce"), "tist") // "science" -> "scientist" ("forensic science")
	}
	if strings.HasSuffix(w, "ment") {
		add(cut("ment"), "er")
	}
	if strings.HasSuffix(w, "ism") {
		add(cut("ism"), "ist")
	}
	if strings.HasSuffix(w, "ancy") {
		add(cut("ancy"), "ant")
	}
	if strings.HasSuffix(w, "ion") {
		add(cut("ion"), "or")
		add(cut("ion"), "er")
		add(cut("ation"), "er")
	}
	if strings.HasSuffix(w, "ery") {
		add(cut("ery"), "er")
	}
	if !strings.HasSuffix(w, "er") && !strings.HasSuffix(w, "ist") && !strings.HasSuffix(w, "or") {
		add(0, "er")
		add(0, "ist")
		add(0, "r")
	}
	return v
}

// corrections finds index words within a small edit distance of w (1, or 2 for long
// words), most common first. Short words must keep their first letter.
func (idx *searchIndex) corrections(w string) []alt {
	if len(w) < 4 || len(w) > 30 {
		return nil
	}
	if c, ok := idx.corrCache.Load(w); ok {
		return c.([]alt)
	}
	idx.bktOnce.Do(func() {
		idx.buckets = make(map[bucketKey][]int32, 1024)
		idx.masks = make([]uint32, len(idx.vocab))
		idx.sounds = make(map[string][]int32, len(idx.vocab))
		for i := range idx.vocab {
			v := idx.vocab[i].word
			idx.masks[i] = letterMask(v)
			if len(v) >= 5 {
				k := soundKey(v)
				idx.sounds[k] = append(idx.sounds[k], int32(i))
			}
			idx.buckets[bucketKey{len(v), v[0], false}] = append(idx.buckets[bucketKey{len(v), v[0], false}], int32(i))
			idx.buckets[bucketKey{len(v), v[len(v)-1], true}] = append(idx.buckets[bucketKey{len(v), v[len(v)-1], true}], int32(i))
		}
	})
	maxD := 1
	if len(w) >= 8 {
		maxD = 2
	}
	type cd struct {
		w  string
		d  int
		df int
	}
	var list []cd
	wm := letterMask(w)
	var wc [26]int8 // letter counts, for the bag-distance bound
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'a' && c <= 'z' {
			wc[c-'a']++
		}
	}
	for n := len(w) - maxD; n <= len(w)+maxD; n++ {
		keys := []bucketKey{{n, w[0], false}}
		if len(w) >= 6 {
			keys = append(keys, bucketKey{n, w[len(w)-1], true}) // one end must agree
		}
		for _, k := range keys {
			for _, i := range idx.buckets[k] {
				v := &idx.vocab[i]
				if k.last && v.word[0] == w[0] {
					continue // already seen in the first-letter bucket
				}
				if bits.OnesCount32(wm^idx.masks[i]) > 2*maxD || bagDistance(&wc, v.word) > maxD {
					continue
				}
				if d := editDistance(w, v.word, maxD); d <= maxD {
					list = append(list, cd{v.word, d, v.df})
				}
			}
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
	out := []alt{}
	// words that sound the same come first ("soljer" -> "soldier", not "solder"),
	// the most common of them, and count a little more than other spellings
	if len(w) >= 5 {
		var snd []cd
		for _, i := range idx.sounds[soundKey(w)] {
			v := &idx.vocab[i]
			if d := editDistance(w, v.word, 4); d <= 4 && v.word != w {
				snd = append(snd, cd{v.word, d, v.df})
			}
		}
		sort.Slice(snd, func(i, j int) bool {
			if snd[i].df != snd[j].df {
				return snd[i].df > snd[j].df
			}
			return snd[i].w < snd[j].w
		})
		for i := 0; i < len(snd) && i < 2; i++ {
			out = append(out, alt{snd[i].w, 0.89})
		}
	}
	for i, c := range list {
		if i == 3 || c.d > list[0].d || len(out) >= 3 {
			break
		}
		if !slices.ContainsFunc(out, func(a alt) bool { return a.word == c.w }) {
			out = append(out, alt{c.w, 0.88})
		}
	}
	if idx.corrN.Add(1) < 20000 { // bounded: arbitrary user words must not grow memory for ever
		idx.corrCache.Store(w, out)
	}
	return out
}

// partial scores phrases that share words with the query: matched IDF is summed
// over posting lists, and the phrase's own words it does not share count against it
// through the IDF total stored for each phrase.
func (idx *searchIndex) partial(words []string, alts [][]alt, best map[string]scored) {
	qw := map[string]float64{} // index word -> factor
	var qIDF float64
	for i := range words {
		if partialSkip[words[i]] && len(words) > 1 {
			continue // "cashier at tesco": function words neither match nor count
		}
		m := 0.0
		for _, a := range alts[i] {
			for _, part := range strings.Fields(a.word) {
				if f, ok := qw[part]; !ok || a.factor > f {
					qw[part] = a.factor
				}
				if v := idx.idf(part); v > m {
					m = v
				}
			}
		}
		if m == 0 {
			m = 1.5 // an unknown word (a shop's name...) still counts a little against coverage
		}
		qIDF += m
	}
	heads := map[string]bool{words[len(words)-1]: true}
	for _, a := range alts[len(words)-1] {
		for _, part := range strings.Fields(a.word) {
			heads[part] = true
		}
	}
	qwords := make([]string, 0, len(qw))
	for w := range qw {
		qwords = append(qwords, w)
	}
	sort.Strings(qwords)
	sc := idx.scratch.Get().(*partialScratch)
	defer idx.putScratch(sc)
	if len(sc.accs) < len(idx.phrases) {
		sc.accs = make([]partialAcc, len(idx.phrases))
	}
	for _, w := range qwords {
		idf := idx.idf(w)
		f := qw[w]
		post := idx.postings(w)
		if len(post) > 3000 {
			post = post[:3000]
		}
		for _, id := range post {
			a := &sc.accs[id]
			if !a.used {
				a.used = true
				sc.touched = append(sc.touched, id)
			}
			a.matched += idf * f
			a.raw += idf
			if heads[w] {
				a.head = true
			}
		}
	}
	// touched in posting order: put keeps the best score, ties broken by text
	for _, id := range sc.touched {
		a := &sc.accs[id]
		// quick bound: even with no extra words the score cannot reach the cut-off
		if a.matched/qIDF*0.85 < 0.2 {
			continue
		}
		p := &idx.phrases[id]
		wsum, _ := strconv.ParseFloat(p.wsum, 64)
		extra := math.Max(0, wsum-a.raw)
		s := math.Min(1, a.matched/(qIDF+0.5*extra))
		if !a.head {
			s *= 0.5
		}
		if !p.plain && !p.alias {
			s *= 0.95
		}
		s *= 0.85
		if a.matched < 0.999*qIDF {
			// some query word matched nothing here: never a confident answer
			s = math.Min(s, 0.6)
		}
		if s < 0.2 {
			continue
		}
		idx.spread(best, id, s)
	}
}

// bagDistance is a lower bound of the edit distance: the larger of the letters w
// (given by its counts) has that v lacks and the letters v has that w lacks.
func bagDistance(wc *[26]int8, v string) int {
	c := *wc
	for i := 0; i < len(v); i++ {
		if x := v[i]; x >= 'a' && x <= 'z' {
			c[x-'a']--
		}
	}
	pos, neg := 0, 0
	for _, n := range c {
		if n > 0 {
			pos += int(n)
		} else {
			neg -= int(n)
		}
	}
	return max(pos, neg)
}

// partialScratch holds one partial match's running sums per phrase, reused between
// queries so a search allocates nothing per phrase it touches.
type partialScratch struct {
	accs    []partialAcc
	touched []int32
}

type partialAcc struct {
	matched, raw float64
	head, used   bool
}

func (idx *searchIndex) putScratch(sc *partialScratch) {
	for _, id := range sc.touched {
		sc.accs[id] = partialAcc{}
	}
	sc.touched = sc.touched[:0]
	idx.scratch.Put(sc)
}
