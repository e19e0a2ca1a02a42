package lmi

import (
	"context"
	"strings"
)

// FindOccupations scans a whole message for job-title mentions. It tries the longest
// runs of words first (up to 5) against the title index (exactly, or through plural,
// morphological and spelling variants), never starts or ends a mention on a filler
// word, and keeps at most 3 mentions in text order. Single words must be real job
// names: everyday words that are also job titles ("care", "sales", "IT") only count
// next to a work word ("care jobs", "work in sales", "get into IT").

// words that never form (or start or end) a mention
var findStop = toSet(`a an the and or of to for in on at by with from into as is are was be been being am do does did
doing done i me my you your we our they them their he she it its this that these those what which who whom whose when
where why how can could would should will shall may might must need needs want wants like likes liked love enjoy
job jobs work works working worked career careers pay paid pays salary salaries wage wages money earn earns earning
best top good well high highest more most much many lot lots help helping people person someone somebody anyone
human humans adviser advisor advisers advisors job's course courses training train degree degrees level levels
apprenticeship apprenticeships school college university uni year years day days week hour hours time future
industry sector field area areas get getting become becoming qualified qualification qualifications subject subjects
near me here there any some all no not yes ok okay please thanks thank hello hi hey just really very so too also
about than then if but because new old big small long short full part make makes made go going take takes
compare vs versus or better worse difference between same different demand future growing dying
requirement requirements entry route routes way ways start starting student students trainee
vacancy vacancies role roles position positions opportunity opportunities option options choice choices
team leader member partner owner user customer fan general head private major professional official
extra genius monitor page reader runner guide counter boiler changer killer witness brother sister
mate hand help helper supporter follower lover viewer speaker player sitter sleeper
a level a levels gcse gcses btec nvq t level
`)

// single-word aliases that are everyday words: they need a work word next to them
var findWeak = toSet(`care caring sales sale security building construction business art music sport sports film
law finance science dance drama cooking fashion banking cleaning marketing advertising admin retail hospitality beauty
coach cook porter driver manager assistant worker officer operator technician consultant specialist analyst director
pa pt ta ot pr hr kp it dev spark cop marine sailor navy army military forces gamer bar raf marines qs model
boxer doc
computing engineering teaching nursing coding programming accounting accountancy economics psychology
physics chemistry biology photography animation journalism`)

// work words that make a weak word a field of work
var findWorkNext = toSet(`job jobs work worker workers career careers industry sector course courses apprenticeship
apprenticeships role roles vacancy vacancies salary salaries pay wage wages degree trade field profession
earn earns earning paid make makes`)

// field nouns that may come before the kind of work ("engineering aerospace",
// "nursing children", "teaching primary")
var findFieldHeads = toSet(`engineering engineer nursing nurse teaching teacher science scientist design designer
law lawyer medicine doctor management manager technician`)

var findThings = toSet(`plant restaurant garment badger buffer paper newspaper water timer scanner popper fritter freezer
wrapper filler flasher sniffer swinger stunner tracer photocopier wicker domestic process fitness graphic critic
president spider`)

var findDoNext = toSet(`do earn make get need have work study train start`)

var findWorkPrev = toSet(`into as become becoming study studying in join joining joined`)

// filler words that may still begin a longer title ("train driver", "head teacher",
// "private investigator", "general practitioner", "human resources officer")
var findLeadOK = toSet(`careers career train training head team general private human customer model student trainee fan care make it
security sales support new`)

// fields that are strong enough on their own when the message is about work
var findStrongFields = toSet(`nursing coding programming engineering teaching accountancy accounting physiotherapy
architecture economics retail dentistry pharmacy midwifery plumbing carpentry joinery hairdressing journalism
psychology law medicine policing`)

// FindOccupations scans text for job-title mentions, in text order.
func (e *Embedded) FindOccupations(ctx context.Context, text string) ([]Mention, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	idx, err := e.index()
	if err != nil {
		return nil, err
	}
	if len(text) > 20000 {
		text = text[:20000]
	}
	g, _ := e.places() // without places, job titles are still found
	return idx.find(text, g), nil
}

// placeSpansIn marks the words of toks that name a place: block (a place after "in",
// "near", "from"... that is no job name itself, as in "nurse jobs in stoke" or
// "chef jobs in stoke-on-trent": never part of a job mention) and noFix (a strong
// place name, or any place after such a word: never spelling-corrected into a job
// title, so "stoke" is never "stoker"). "jobs in law" keeps law, a job field that
// is also a Scottish locality.
//
// marks (2 per word, all false) is the caller's buffer for both.
func (idx *searchIndex) placeSpansIn(marks []bool, g *placeIndex, toks []token) (block, noFix []bool) {
	block, noFix = marks[:len(toks):len(toks)], marks[len(toks):]
	if g == nil {
		return block, noFix
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
			if !ok || (pe.weak && !prep) {
				continue
			}
			for j := i; j < i+n; j++ {
				noFix[j] = true
			}
			if prep && !(pe.weak && !toks[i].rawIn(inPlaceOverField) && idx.jobPhrase(normWords(toks[i:i+n]))) {
				for j := i; j < i+n; j++ {
					block[j] = true
				}
			}
			i += n - 1
			break
		}
	}
	return block, noFix
}

// normWords is the normalised words of toks.
func normWords(toks []token) []string {
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.norm
	}
	return words
}

// weak place names that are also job words but after "in" mean the place ("retail
// jobs in sale")
var placeOverField = toSet("sale deans dent whitesmith")

// jobPhrase reports whether words are a job title or field as written (no
// spelling fixes): "law", "sale", "glass".
func (idx *searchIndex) jobPhrase(words []string) bool {
	best := map[string]scored{}
	idx.exact(words, nil, best, len(words) == 1, true, false)
	return len(best) > 0 && topScore(best) >= 0.9
}

func (idx *searchIndex) find(text string, g *placeIndex) []Mention {
	return idx.findTokens(text, tokenize(text), g)
}

// findTokens is find over the words of text, already tokenized (not modified).
func (idx *searchIndex) findTokens(text string, toks []token, g *placeIndex) []Mention {
	if len(toks) > 400 {
		toks = toks[:400]
	}
	out := []Mention{} // no allocation while it is empty
	var marksBuf [64]bool
	marks := marksBuf[:0]
	if 2*len(toks) <= len(marksBuf) {
		marks = marksBuf[:2*len(toks)]
	} else {
		marks = make([]bool, 2*len(toks))
	}
	block, noFix := idx.placeSpansIn(marks, g, toks)
	// each word's variants are worked out once per message, not once per window, into
	// one buffer (it may grow; on the stack for a message of ordinary length); a word's
	// are arena[from:to] (to 0: not yet worked out). Offsets, not slices, are kept, so
	// the buffer need not be on the heap.
	type altSpan struct{ from, to int32 }
	var spanBuf [32]altSpan
	altSpans := spanBuf[:0]
	if len(toks) <= len(spanBuf) {
		altSpans = spanBuf[:len(toks)]
	} else {
		altSpans = make([]altSpan, len(toks))
	}
	var arenaBuf [64]alt
	arena := arenaBuf[:0]
	if n := 3*len(toks) + 4; n > len(arenaBuf) {
		arena = make([]alt, 0, n)
	}
	altsAt := func(j int) []alt {
		if altSpans[j].to == 0 {
			from := len(arena)
			arena = idx.appendAlternatives(arena, toks[j].norm)
			if noFix[j] {
				// a place name keeps its own spelling: only word forms and itself
				kept := arena[:from]
				for _, a := range arena[from:] {
					if a.factor >= 0.9 {
						kept = append(kept, a)
					}
				}
				if len(kept) == from {
					kept = append(kept, alt{toks[j].norm, 1})
				}
				arena = kept
			}
			altSpans[j] = altSpan{int32(from), int32(len(arena))}
		}
		sp := altSpans[j]
		return arena[sp.from:sp.to:sp.to]
	}
	// buffers for the windows tried (at most 5 words), reused: each window starts empty
	var wordsBuf [5]string
	var waBuf [5][]alt
	var keyBuf [96]byte
	best := map[string]scored{}
	for i := 0; i < len(toks) && len(out) < 3; i++ {
		minN := 1
		if toks[i].eitherIn(inStop) && !(toks[i].raw == "it" && toks[i].upper) {
			if !toks[i].rawIn(inLeadOK) {
				continue
			}
			minN = 2 // "train driver", never "train" alone
		}
		found := false
		maxN := min(5, len(toks)-i)
		if maxN > 1 && !idx.startsPhrase(toks[i].norm, altsAt(i)) {
			maxN = 1 // no title starts with this word (in any of its forms)
		}
		for n := maxN; n >= minN; n-- {
			if spans(block, i, n) {
				continue
			}
			if (toks[i].norm == "career") && askingForAdviser(toks, i) {
				continue // "can i speak to a careers adviser": a hand-off, not a job asked about
			}
			last := toks[i+n-1]
			words := wordsBuf[:n]
			for j := 0; j < n; j++ {
				words[j] = toks[i+j].norm
			}
			if n > 1 && last.eitherIn(inStop) {
				if id, ok := idx.lookupBytes(appendKey(keyBuf[:0], words, -1, "")); !ok || !idx.phrases[id].alias {
					continue
				}
			}
			single := n == 1
			if single && !idx.singleOK(toks, i) {
				continue
			}
			clear(best)
			for j := 0; j < n; j++ {
				waBuf[j] = altsAt(i + j) // into the array itself: a store through a slice would put arena on the heap
			}
			wa := waBuf[:n]
			morphOK := single && (hasWorkContext(toks, i) || toks[i].rawIn(inStrongFields))
			idx.exact(words, wa, best, single, morphOK, morphOK || (single && jobQuestion(toks, i)))
			// a field adjective before a work word: "a legal apprenticeship" (find_fields.go)
			if len(best) == 0 && single && morphOK {
				idx.fieldHead(words[0], best)
			}
			// a field noun several kinds of job work in: "radiology" (find_fields.go)
			if single && len(best) > 0 {
				idx.fieldNounGroups(words[0], best)
			}
			// a field named before its kind: "engineering aerospace" is aerospace engineering
			if len(best) == 0 && n == 2 && !toks[i+1].rawIn(inStop) && toks[i].rawIn(inFieldHeads) {
				sw := []string{words[1], words[0]}
				idx.exact(sw, [][]alt{wa[1], wa[0]}, best, false, false, false)
			}
			// a place of work instead of a job: "work at a zoo" (find_workplace.go)
			workplaceAmbiguous, atWork, within := false, single && joinsThe(toks, i), false
			if single && len(best) > 0 && workplaceShop(toks, i) && workplaceContext(toks, i) {
				clear(best) // "a job at a vets": the place, not the vet
			}
			if len(best) == 0 && single {
				if ok, jobNoun := workplaceContextWord(toks, i); ok {
					if i+1 < len(toks) && !findStop[toks[i+1].raw] && !findStop[toks[i+1].norm] && workplaceContext(toks, i+1) && len(idx.workplaceGroups(toks[i+1].norm)) > 0 {
						continue // the place is the word after: "a hospital lab"
					}
					workplaceAmbiguous = idx.workplace(words[0], best)
					atWork, within = true, jobNoun
				}
			}
			if len(best) == 0 {
				continue
			}
			matches := idx.rank(best, 5)
			if matches[0].Score < 0.8 {
				continue
			}
			m := Mention{Text: text[toks[i].start:last.end], Start: toks[i].start, End: last.end, Candidates: matches, AtWork: atWork, Within: within}
			if len(matches) > 1 && matches[0].Score-matches[1].Score < 0.05 && idx.units[matches[0].SOC2020].minor != idx.units[matches[1].SOC2020].minor {
				m.Ambiguous = true
			}
			// a curated everyday name that covers genuinely different work ("engineer":
			// professional engineers and trades fitters) is ambiguous too
			if idx.aliasSpansGroups(appendKey(keyBuf[:0], words, -1, "")) {
				m.Ambiguous = true
			}
			if workplaceAmbiguous {
				m.Ambiguous = true // "work in a nursery": nursery nurses or nursery teachers
			}
			out = append(out, m)
			i += n - 1
			found = true
			break
		}
		_ = found
	}
	return out
}

var speakVerbs = toSet("speak talk chat speaking talking chatting contact message see ask get want need")

// askingForAdviser reports whether the words before i ask for a person ("speak to a",
// "talk with my", "see a", "need a").
func askingForAdviser(toks []token, i int) bool {
	j := i - 1
	if j >= 0 && (toks[j].raw == "a" || toks[j].raw == "an" || toks[j].raw == "the" || toks[j].raw == "my" || toks[j].raw == "our") {
		j--
	}
	if j >= 0 && (toks[j].raw == "to" || toks[j].raw == "with") {
		j--
	}
	return j >= 0 && toks[j].rawIn(inSpeakVerbs)
}

// spans reports whether any of the n words from i is marked.
func spans(marks []bool, i, n int) bool {
	for j := i; j < i+n; j++ {
		if marks[j] {
			return true
		}
	}
	return false
}

// singleOK says whether the single word at i may be a mention by itself.
func (idx *searchIndex) singleOK(toks []token, i int) bool {
	t := toks[i]
	if len(t.raw) < 2 {
		return false
	}
	if t.raw == "it" && !t.upper {
		return false
	}
	if t.eitherIn(inWeak) {
		return t.rawIn(inStrongFields) || hasWorkContext(toks, i) || idx.coordinated(toks, i) || capsAbbreviation(toks, i)
	}
	// everyday things whose names the index also has as job titles ("plants", "a
	// restaurant", "water", "paper"): only next to a work word
	if t.eitherIn(inThings) {
		return hasWorkContext(toks, i)
	}
	// "my teacher said...", "her doctor": a person the user knows, not a job asked about
	if i > 0 && toks[i-1].rawIn(inPossessives) && !hasWorkContext(toks, i) {
		return false
	}
	return true
}

var possessives = toSet("my our his her their your ur")

// capsAbbreviation reports whether the word at i is a short abbreviation written in
// capitals ("what does an OT do", "what do PAs earn") in a message not written all in
// capitals: the writer means the abbreviation, not an everyday word ("pa", "ta"). "IT"
// keeps needing a work word ("I'm good at IT" is a subject), as does one after "my"
// ("my OT said"): a person the user knows.
func capsAbbreviation(toks []token, i int) bool {
	t := toks[i]
	if !t.upper || len(t.norm) < 2 || len(t.norm) > 4 || t.norm == "it" {
		return false
	}
	if i > 0 && possessives[toks[i-1].raw] {
		return false
	}
	for j, o := range toks {
		if j != i && !o.upper && !isDigits(o.raw) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// coordinated reports whether the weak word at i is joined by "or"/"and" to a word
// that is a job name on its own ("police or army", "army or police", "nurse and
// carer"): the pair makes it a job too.
func (idx *searchIndex) coordinated(toks []token, i int) bool {
	strong := func(j int) bool {
		if j < 0 || j >= len(toks) {
			return false
		}
		t := toks[j]
		if t.eitherIn(inStop|inWeak) || len(t.raw) < 3 {
			return false
		}
		best := map[string]scored{}
		idx.exact([]string{t.norm}, nil, best, true, false, false)
		return len(best) > 0 && topScore(best) >= 0.9
	}
	conj := func(j int) bool { return j >= 0 && j < len(toks) && (toks[j].raw == "or" || toks[j].raw == "and") }
	return (conj(i-1) && strong(i-2)) || (conj(i+1) && strong(i+2))
}

// hasWorkContext reports whether the word at i sits next to a work word ("care
// jobs", "work in sales", "get into IT", "become a coach").
func hasWorkContext(toks []token, i int) bool {
	if i+1 < len(toks) && toks[i+1].rawIn(inWorkNext) {
		return true
	}
	if i > 0 && toks[i-1].rawIn(inWorkPrev) && !(toks[i-1].raw == "in" && !(i > 1 && toks[i-2].rawIn(inWorkNext))) {
		return true
	}
	if i > 1 && (toks[i-1].raw == "a" || toks[i-1].raw == "an") && (toks[i-2].raw == "be" || toks[i-2].raw == "become" || toks[i-2].raw == "as" || toks[i-2].raw == "being" || toks[i-2].raw == "becoming") {
		return true
	}
	// "join the army", "get into the navy", "work in the police"
	if i > 1 && toks[i-1].raw == "the" && (toks[i-2].raw == "join" || toks[i-2].raw == "joining" || toks[i-2].raw == "into" || toks[i-2].raw == "joined") {
		return true
	}
	return false
}

// joinsThe reports whether the word at i follows "join the" or "into the" ("join the
// army", "get into the police"): an organisation someone would work for.
func joinsThe(toks []token, i int) bool {
	if i < 2 || toks[i-1].raw != "the" {
		return false
	}
	switch toks[i-2].raw {
	case "join", "joining", "joined", "into":
		return true
	}
	return false
}

// jobQuestion reports whether the word at i sits where questions put a job ("what
// does a plumbr do", "what do plumbrs do", "is being a vet hard"): enough to accept a
// misspelt job name, not to read an everyday word as one by word form.
func jobQuestion(toks []token, i int) bool {
	if i > 1 && (toks[i-1].raw == "a" || toks[i-1].raw == "an") && (toks[i-2].raw == "does" || toks[i-2].raw == "being" || toks[i-2].raw == "becoming") {
		return true
	}
	return i > 0 && i+1 < len(toks) && (toks[i-1].raw == "do" || toks[i-1].raw == "does") && toks[i+1].rawIn(inDoNext)
}

// exact looks the words up as a whole phrase (directly or through variants) only.
// alts holds each word's variants when the caller has them (nil: worked out here).
// morphOK allows word-form variants and plain titles for a single word, spellOK
// spelling fixes of shorter words.
func (idx *searchIndex) exact(words []string, alts [][]alt, best map[string]scored, single, morphOK, spellOK bool) {
	// keys are built in one buffer and looked up without making strings
	var kb [96]byte
	key := appendKey(kb[:0], words, -1, "")
	if id, ok := idx.lookupBytes(key); ok {
		p := &idx.phrases[id]
		if single && !p.alias && !agentive(string(key)) && !(morphOK && p.plain) {
			return // an everyday noun, unless next to a work word ("become a clown")
		}
		if p.alias || p.plain || len(words) > 1 {
			base := 0.95
			if p.alias {
				base = 1
			}
			idx.addPhrase(best, id, base)
			return
		}
	}
	// variants, one word changed at a time
	for i, w := range words {
		var as []alt
		if alts != nil {
			as = alts[i]
		} else {
			as = idx.alternatives(w)
		}
		for _, a := range as {
			if a.word == w {
				continue
			}
			if single && a.factor < 0.9 && (len(w) < 7 && !(spellOK && len(w) >= 5) || a.word[0] != w[0]) {
				continue // spelling fixes only for longer words in free text, or next to a work word ("become a plumer")
			}
			if single && a.factor >= 0.9 && a.factor < 0.99 && !morphOK {
				continue // "driving" is not "driver" unless the message is about that work
			}
			k := appendKey(kb[:0], words, i, a.word)
			if id, ok := idx.lookupBytes(k); ok {
				p := &idx.phrases[id]
				if !(p.alias || p.plain) {
					continue
				}
				if single && !p.alias && !agentive(string(k)) {
					continue
				}
				base := 0.95
				if p.alias {
					base = 1
				}
				idx.addPhrase(best, id, base*a.factor)
			}
		}
	}
}

// appendKey appends words joined by single spaces to b, with words[at] replaced by
// with (at < 0: none replaced).
func appendKey(b []byte, words []string, at int, with string) []byte {
	for j, w := range words {
		if j > 0 {
			b = append(b, ' ')
		}
		if j == at {
			w = with
		}
		b = append(b, w...)
	}
	return b
}

// agentive reports whether a single word looks like the name of a person doing a
// job ("plumber", "florist", "technician"), as opposed to an everyday noun.
func agentive(w string) bool {
	if strings.HasSuffix(w, "ics") {
		w = w[:len(w)-1] // "paramedics", "mechanics": plurals the stemmer keeps
	}
	if len(w) < 5 {
		return false
	}
	for _, suf := range []string{"er", "or", "ist", "ian", "man", "ant", "ent", "eer", "ess", "ee", "wright", "smith", "monger", "ic", "ologist", "ee"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// aliasSpansGroups reports whether key is a curated alias whose unit groups fall in
// more than one sub-major group.
func (idx *searchIndex) aliasSpansGroups(key []byte) bool {
	id, ok := idx.lookupBytes(key)
	if !ok || !idx.phrases[id].alias {
		return false
	}
	var evBuf [8]evidence
	first := ""
	for _, e := range idx.appendSOCs(evBuf[:0], id) {
		if e.w >= 25 { // the alias's own codes (weights 100, 50, 33, 25), not index extras
			g := idx.units[e.soc].minor[:2]
			if first == "" {
				first = g
			} else if g != first {
				return true
			}
		}
	}
	return false
}

// startsPhrase reports whether some title of two or more words begins with w or one
// of its variants.
func (idx *searchIndex) startsPhrase(w string, alts []alt) bool {
	h := idx.hashed()
	if h.startsWith(idx.phrases, w) {
		return true
	}
	for _, a := range alts {
		first, _, _ := strings.Cut(a.word, " ")
		if h.startsWith(idx.phrases, first) {
			return true
		}
	}
	return false
}
