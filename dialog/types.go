package dialog

import "github.com/careersbot/careersbot/lmi"

// Intent names are a contract: they appear in JSON output and in rules.
const (
	IntentPay          = "pay"
	IntentBestPaid     = "best_paid"
	IntentEntry        = "entry"
	IntentDescribe     = "describe"
	IntentOutlook      = "outlook"
	IntentHours        = "hours"
	IntentSuggest      = "suggest"
	IntentCompare      = "compare"
	IntentVacancies    = "vacancies"
	IntentHandoff      = "handoff"
	IntentSafeguarding = "safeguarding"
	IntentGreet        = "greet"
	IntentHelp         = "help"
	IntentBye          = "bye"
	IntentThanks       = "thanks"
	IntentUnknown      = "unknown"
	IntentDeleteData   = "delete_data" // "delete my data": erasure, handled by the service
	IntentFeedback     = "feedback"    // an answer to "was this helpful?"
)

// Depths: how deep a reply goes, chosen from the age group.
const (
	DepthYoung   = "13_and_under"
	DepthTeen    = "14_16"
	DepthOlder   = "17_19"
	DepthAdult   = "20_plus"
	DepthAdviser = "adviser"
)

// Input is one user turn.
type Input struct {
	Text     string `json:"text"`
	Age      int    `json:"age,omitempty"`      // 0 = not given
	Location string `json:"location,omitempty"` // place text given out of band (profile, form)
	// Button is the Value of a button the user pressed, when the turn came from one.
	Button string `json:"button,omitempty"`
	// Command is a channel command: "start" (greet), "help", "adviser" (handoff),
	// "delete" (delete_data). It wins over Text.
	Command string `json:"command,omitempty"`
	// Adviser asks for the adviser depth (a console view), not a young person's reply.
	Adviser bool `json:"adviser,omitempty"`
}

// Button is a quick reply. Value is sent back as Input.Button (and as text where a
// platform has no buttons).
type Button struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Field is one labelled line of a card.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Card is a structured block (an occupation summary, one column of a compare).
type Card struct {
	Title    string  `json:"title"`
	Subtitle string  `json:"subtitle,omitempty"`
	Fields   []Field `json:"fields,omitempty"`
	Footer   string  `json:"footer,omitempty"` // sources
}

// Series is one named line or bar set of a chart.
type Series struct {
	Name   string    `json:"name"`
	Values []float64 `json:"values"`
}

// Chart is data for a picture: channels that can draw it do; others show AltText.
type Chart struct {
	Kind    string   `json:"kind"` // "bar" or "line"
	Title   string   `json:"title"`
	Labels  []string `json:"labels"`
	Series  []Series `json:"series"`
	Unit    string   `json:"unit,omitempty"` // "£ a year", "thousand jobs"
	AltText string   `json:"alt_text"`
	Source  string   `json:"source"`
}

// Reply is what the engine answers for one turn.
type Reply struct {
	Intent       string      `json:"intent"`
	Occupations  []lmi.Match `json:"occupations"`
	Region       string      `json:"region,omitempty"` // one of the 12 region names
	Depth        string      `json:"depth"`
	Text         string      `json:"reply"` // plain text, may contain newlines; never HTML
	Buttons      []Button    `json:"buttons,omitempty"`
	Cards        []Card      `json:"cards,omitempty"`
	Charts       []Chart     `json:"charts,omitempty"`
	Handoff      bool        `json:"handoff"`                // hand the conversation to an adviser
	Safeguarding bool        `json:"safeguarding,omitempty"` // flagged: an adviser must see it at once
	// Review is set when the reply checked in on a possible risk (tier 2): the
	// conversation should be flagged for an adviser's review, not escalated.
	Review bool `json:"review,omitempty"`
	// Clarify is set when the reply asks what was meant (buttons for the readings)
	// instead of answering a guess; Intent is then the best guess.
	Clarify bool `json:"clarify,omitempty"`
	// CheckIn is the tier-2 category checked in on ("sexting", "possible_risk", ...).
	CheckIn     string   `json:"check_in,omitempty"`
	Rule        string   `json:"rule,omitempty"`         // the rule that fired
	Sources     []string `json:"sources"`                // source ids used
	AskFeedback bool     `json:"ask_feedback,omitempty"` // "was this helpful?" was asked
	// Feedback is the person's answer to "was this helpful?" ("yes" or "no") when
	// Intent is IntentFeedback.
	Feedback string `json:"feedback,omitempty"`
	// Pending is the slot the reply asks for ("occupation", "place", ...), if any.
	Pending string `json:"pending,omitempty"`

	figs []figUse // the figures in Text with their own labels (checked by tests)
}
