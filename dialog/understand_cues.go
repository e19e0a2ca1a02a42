package dialog

// Intent cues (the data is in nlu/data/intents.yaml): weighted phrase patterns (syntax in understand_phrase.go) matched over the
// message's normalised words, where every occupation mention found by the LMI store is
// collapsed into the single word OCC and every place mention into PLACE. Each matched cue
// adds its weight to its intent; flags gate a cue on the occupations found.

// Cue flags.
const (
	ucNeedOcc  uint32 = 1 << iota // counts only when an occupation is mentioned
	ucNoOcc                       // counts only when no occupation is mentioned
	ucNeed2Occ                    // counts only when two or more occupations are mentioned
)

// ucIntentPrecedence breaks ties between equal scores: earlier wins. Safety and the
// person's explicit requests first (safeguarding, delete_data, handoff), then the more
// specific careers questions before the general ones (compare needs two jobs, best_paid
// and vacancies are narrower than pay, entry/hours/outlook are narrower than describe),
// then social messages, which only win when nothing else scored.
var ucIntentPrecedence = []string{
	IntentSafeguarding, IntentDeleteData, IntentHandoff, IntentCompare, IntentBestPaid,
	IntentVacancies, IntentEntry, IntentHours, IntentOutlook, IntentPay, IntentDescribe,
	IntentSuggest, IntentHelp, IntentThanks, IntentBye, IntentGreet,
}

// ucNegatedCue reports whether the cue at ctoks[start] is negated: "do not want to be a
// vet", "never become a", "not want to go into". A negated entry or "want to be" cue says
// what the person does not want, so it does not count.
func ucNegatedCue(ctoks []ucToken, start int) bool {
	at := func(i int) string {
		if i < 0 || i >= len(ctoks) {
			return ""
		}
		return ctoks[i].s
	}
	neg := func(s string) bool { return s == "not" || s == "never" }
	p1, p2, p3 := at(start-1), at(start-2), at(start-3)
	switch {
	case neg(p1):
		return true
	case (p1 == "a" || p1 == "an" || p1 == "as" || p1 == "be") && neg(p2):
		return true // "not a vet or a zookeeper"
	case (p1 == "want" || p1 == "like" || p1 == "going" || p1 == "planning") && neg(p2):
		return true
	case p1 == "to" && (p2 == "want" || p2 == "like" || p2 == "going" || p2 == "planning") && neg(p3):
		return true
	}
	return false
}
