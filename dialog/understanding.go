package dialog

import "github.com/careersbot/careersbot/lmi"

// Understanding is what one message says, found without any conversation state: the
// intent, the entities and the safeguarding check. It is pure data, used by the rules
// (as `u` in their expressions) and shown in `careersbot ask --json`.
type Understanding struct {
	Text       string  `json:"text"`
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"` // 0..1
	// Safeguarding is set when the message may show a young person at risk. Recall
	// matters more than precision.
	Safeguarding *SafeguardingFlag `json:"safeguarding,omitempty"`
	// Risk is a tier-2 safeguarding flag (a possible risk, not a clear disclosure): the
	// reply checks in gently, answers the careers part and flags the conversation for
	// an adviser's review. Nil when Safeguarding is set.
	Risk        *SafeguardingFlag `json:"risk,omitempty"`
	Occupations []lmi.Mention     `json:"occupations,omitempty"` // up to 3, in the order written
	Place       *lmi.PlaceMatch   `json:"place,omitempty"`
	NearMe      bool              `json:"near_me,omitempty"` // "near me", "round here", "local"
	Age         int               `json:"age,omitempty"`     // "I'm 15", "year 10" (=> 14)
	// AgeAsked is an age said of someone in general inside a question ("how long can a
	// 15 year old work?"): it is about young workers, not the person's profile.
	AgeAsked  int      `json:"age_asked,omitempty"`
	QualLevel string   `json:"qual_level,omitempty"`
	NoDegree  bool     `json:"no_degree,omitempty"` // "without a degree", "no uni"
	Interests []string `json:"interests,omitempty"` // normalised: "animals", "sport", "art", "computers", "helping people", "fixing things", "science", "maths", ...
	Subjects  []string `json:"subjects,omitempty"`  // school subjects: "maths", "art", "biology", ...
	// Studied is the subject of a degree or course the message names ("a degree in
	// biochemistry", "a sports science degree", "studying criminology"), as written.
	Studied string   `json:"studied,omitempty"`
	Skills  []string `json:"skills,omitempty"`
	// Dislikes are interests, subjects and skills the person says they dislike or are
	// bad at ("actually i'm bad at maths"), normalised like Interests and Subjects.
	Dislikes []string `json:"dislikes,omitempty"`
	// PayUnit is the pay period asked for: "hour", "week", "month" or "" (yearly).
	PayUnit string `json:"pay_unit,omitempty"`
	// Without is what the person asks to do without: "degree", "college", "a_level" or "".
	Without string `json:"without,omitempty"`
	// Apprentice says the message asks about apprentices (apprentice pay).
	Apprentice bool `json:"apprentice,omitempty"`
	Yes        bool `json:"yes,omitempty"` // "yes", "yeah", "it was"
	No         bool `json:"no,omitempty"`  // "no", "nope", "not really"
	// Choice is a 1-based pick from offered options ("the first one", "2"), 0 when none.
	Choice int `json:"choice,omitempty"`
	// Alternatives are the two best intents, best first, when they were too close to
	// call: the reply asks which was meant (empty otherwise).
	Alternatives []string `json:"alternatives,omitempty"`
	// Cues say what decided the intent ("pay: salary", "safeguarding: kill myself"), so
	// `careersbot ask --json` can show why.
	Cues []string `json:"cues,omitempty"`
}

// SafeguardingFlag says why a message was flagged.
type SafeguardingFlag struct {
	// Category: "suicide", "self_harm", "abuse", "grooming", "exploitation", "bullying",
	// "running_away", "danger".
	Category string `json:"category"`
	Matched  string `json:"matched"` // the words that triggered it
	// Tier is 1 for a clear disclosure (escalate at once) or 2 for a possible risk (check
	// in gently, answer the careers part, flag for an adviser's review).
	Tier int `json:"tier"`
}
