package dialog

// RuleEnv is what a rule's when: condition can see. Field names (the expr tags) are
// the vocabulary of the rules files; docs/rules.md lists them.
type RuleEnv struct {
	// U is what this message says on its own (see Understanding).
	U Understanding `expr:"u"`
	// State is the conversation state before this turn; Profile is the person's profile
	// after this turn's updates.
	State   State   `expr:"state"`
	Profile Profile `expr:"profile"`

	// Intent is this turn's intent after context (a pressed button, a pending question,
	// a follow-up): what the person is asking now.
	Intent string `expr:"intent"`
	// Occupations is how many occupations the answer is about (from the message, a
	// pending choice, or the last answer for a follow-up).
	Occupations int `expr:"occupations"`
	// NeedsOccupation is set for intents that are about a job (pay, entry, describe,
	// outlook, hours, compare, vacancies).
	NeedsOccupation bool `expr:"needs_occupation"`
	// Ambiguous is set when a job title fits several occupations and none was picked.
	Ambiguous bool `expr:"ambiguous"`
	// FollowUp is set when the occupations came from the previous answer.
	FollowUp bool `expr:"follow_up"`

	Age      int    `expr:"age"`       // 0 when unknown
	AgeGroup string `expr:"age_group"` // a depth name, "" when the age is unknown
	Depth    string `expr:"depth"`     // the depth the reply is written at
	Adviser  bool   `expr:"adviser"`   // adviser console view

	Region         string `expr:"region"`           // region used for this answer ("" none)
	Country        string `expr:"country"`          // England, Wales, Scotland, Northern Ireland
	HasPlace       bool   `expr:"has_place"`        // a region is known (message or profile)
	PlaceInMessage bool   `expr:"place_in_message"` // this message named a place
	PlaceAmbiguous bool   `expr:"place_ambiguous"`  // "up north": which region?
	NearMe         bool   `expr:"near_me"`          // "near me", "round here"

	Fallbacks int `expr:"fallbacks"` // misunderstandings in a row before this turn
	// Misses counts misunderstandings in a row including this turn (an unknown
	// intent or a question asked last turn left unanswered).
	Misses int `expr:"misses"`
	// Told is set when the message only told us about the person ("i live in
	// leeds", "i'm 15") and asked nothing.
	Told      bool   `expr:"told"`
	Pending   string `expr:"pending"`  // slot the bot asked for last turn ("" none)
	Answered  string `expr:"answered"` // slot this message answered ("" none)
	Failed    string `expr:"failed"`   // slot asked last turn that this message did not fill
	Yes       bool   `expr:"yes"`
	No        bool   `expr:"no"`
	Button    string `expr:"button"`  // value of a pressed button
	Command   string `expr:"command"` // channel command (start, help, adviser, delete)
	Turns     int    `expr:"turns"`   // turns so far, this one included
	Answers   int    `expr:"answers"` // informative answers given before this turn
	Interests int    `expr:"interests"`
	NoDegree  bool   `expr:"no_degree"`
	// GeneralWork is set for a question about work in general for young people
	// ("part time jobs for 15 year olds", "saturday jobs"), with no job named.
	GeneralWork bool `expr:"general_work"`
	// Clarify is set when a job was named with no clear question, or the two best
	// readings of the message were too close to call: the reply asks which, with
	// buttons, instead of guessing.
	Clarify bool `expr:"clarify"`
}
