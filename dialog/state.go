package dialog

// State is a conversation's memory between turns. It is plain data, serialised as JSON
// by the service, so a restart carries on where the conversation was.
type State struct {
	Profile Profile `json:"profile"`
	// Slots hold values rules set or ask for ("occupation", "place", ...).
	Slots map[string]string `json:"slots,omitempty"`
	// LastOccupations are the occupations last discussed, so "and how much do they
	// earn?" after "what does a paramedic do?" works.
	LastOccupations []string `json:"last_occupations,omitempty"` // SOC 2020 codes
	LastIntent      string   `json:"last_intent,omitempty"`
	// Pending is a clarification the bot asked and is waiting for.
	Pending *Pending `json:"pending,omitempty"`
	// Fallbacks counts misunderstandings in a row.
	Fallbacks int `json:"fallbacks"`
	Turns     int `json:"turns"`
	// ExplainedTerms records terms ("median") already explained to this person.
	ExplainedTerms []string `json:"explained_terms,omitempty"`
	// LastOccupationNames are the words the person used for LastOccupations (same
	// order), so a young reader's follow-up answer names the job as they did.
	LastOccupationNames []string `json:"last_occupation_names,omitempty"`
	// Answers counts informative answers (LMI facts) given so far.
	Answers int `json:"answers,omitempty"`
	// FeedbackAsked is set once "was this helpful?" has been asked.
	FeedbackAsked bool `json:"feedback_asked,omitempty"`
	// Offered are the buttons of the last reply, so typing "2" on a channel that
	// shows them as a numbered list presses the second.
	Offered []Button `json:"offered,omitempty"`
}

// Profile is what the person has told us about themselves.
type Profile struct {
	Age       int      `json:"age,omitempty"`
	AgeGroup  string   `json:"age_group,omitempty"` // a Depth* value
	Region    string   `json:"region,omitempty"`    // one of the 12 region names
	District  string   `json:"district,omitempty"`  // postcode district, never a full postcode
	Place     string   `json:"place,omitempty"`     // town or area name
	Interests []string `json:"interests,omitempty"`
	Subjects  []string `json:"subjects,omitempty"`
	Skills    []string `json:"skills,omitempty"`
	QualLevel string   `json:"qual_level,omitempty"` // "gcse","a_level","degree","no_degree",...
}

// Pending is an open question: which slot it fills and the intent to resume.
type Pending struct {
	Slot    string   `json:"slot"`              // "occupation", "place", "age", "region_choice"
	Intent  string   `json:"intent"`            // the intent to answer once filled
	Options []string `json:"options,omitempty"` // e.g. SOC codes offered as buttons
}
