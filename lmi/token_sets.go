package lmi

// The word sets the title and place scans ask about a token (findStop, findWeak,
// placePrepositions, ...) are looked up once per token, when it is made: a token
// carries a bit per set for its raw and its stemmed word (rawSets, normSets). The
// scans asked each set of each token and its neighbours again, some ten map
// look-ups a word.

type tokenSet uint32

const (
	inStop tokenSet = 1 << iota
	inLeadOK
	inWeak
	inThings
	inWorkNext
	inWorkPrev
	inStrongFields
	inFieldHeads
	inDoNext
	inSpeakVerbs
	inPossessives
	inPlacePrepositions
	inPlaceOverField
	inPlaceCommon
	inOutcodeBlockPrev
	inOutcodeBlockNext
)

// tokenSetTable is the sets a token carries, with their bits.
func tokenSetTable() []struct {
	set   map[string]bool
	which tokenSet
} {
	return []struct {
		set   map[string]bool
		which tokenSet
	}{
		{findStop, inStop}, {findLeadOK, inLeadOK}, {findWeak, inWeak}, {findThings, inThings},
		{findWorkNext, inWorkNext}, {findWorkPrev, inWorkPrev}, {findStrongFields, inStrongFields},
		{findFieldHeads, inFieldHeads}, {findDoNext, inDoNext}, {speakVerbs, inSpeakVerbs},
		{possessives, inPossessives}, {placePrepositions, inPlacePrepositions},
		{placeOverField, inPlaceOverField}, {placeCommonWords, inPlaceCommon},
		{outcodeBlockPrev, inOutcodeBlockPrev}, {outcodeBlockNext, inOutcodeBlockNext},
	}
}

// tokenSetWords is every word of the sets with its bits (read-only after init).
var tokenSetWords = func() map[string]tokenSet {
	m := map[string]tokenSet{}
	for _, s := range tokenSetTable() {
		for w, ok := range s.set {
			if ok {
				m[w] |= s.which
			}
		}
	}
	return m
}()

// wordSets is the sets w is in.
func wordSets(w string) tokenSet { return tokenSetWords[w] }

// rawIn reports whether the token as written is in one of the sets s.
func (t *token) rawIn(s tokenSet) bool { return t.rawSets&s != 0 }

// normIn reports whether the token's stemmed word is in one of the sets s.
func (t *token) normIn(s tokenSet) bool { return t.normSets&s != 0 }

// eitherIn reports whether the token as written or stemmed is in one of the sets s.
func (t *token) eitherIn(s tokenSet) bool { return (t.rawSets|t.normSets)&s != 0 }
