package console

import (
	"slices"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// Profile is the card an adviser reads before answering: who the young person is (as
// far as they said), what they asked about, what the bot told them and from which
// sources, and any safeguarding flags.
type Profile struct {
	Channel      string     `json:"channel"`
	Age          int        `json:"age,omitempty"`
	AgeGroup     string     `json:"age_group,omitempty"`
	Region       string     `json:"region,omitempty"`
	Place        string     `json:"place,omitempty"`
	Interests    []string   `json:"interests"`
	Subjects     []string   `json:"subjects"`
	Jobs         []string   `json:"jobs"`
	Intents      []string   `json:"intents"`
	BotSaid      []BotSaid  `json:"bot_said"`
	Safeguarding []Flag     `json:"safeguarding"`
	Priority     bool       `json:"priority"`
	Trigger      string     `json:"trigger,omitempty"`
	QueuedAt     *time.Time `json:"queued_at,omitempty"`
}

// BotSaid is one bot answer with its sources.
type BotSaid struct {
	Seq     int64    `json:"seq"`
	Text    string   `json:"text"`
	Sources []string `json:"sources"`
}

// Flag is a message the safeguarding gate flagged.
type Flag struct {
	Seq  int64     `json:"seq"`
	Time time.Time `json:"time"`
	Text string    `json:"text"`
}

func profileOf(c bot.Conversation, evs []transcripts.Event) Profile {
	p := c.Dialog.Profile
	out := Profile{Channel: c.Channel, Age: p.Age, AgeGroup: p.AgeGroup, Region: p.Region, Place: p.Place,
		Interests: nonNil(p.Interests), Subjects: nonNil(p.Subjects), Jobs: []string{}, Intents: []string{},
		BotSaid: []BotSaid{}, Safeguarding: []Flag{}, Priority: c.Flagged, Trigger: c.Handoff.Trigger}
	if !c.QueuedAt.IsZero() {
		q := c.QueuedAt
		out.QueuedAt = &q
	}
	if out.Place == "" {
		out.Place = p.District
	}
	add := func(list []string, s string) []string {
		if s != "" && !slices.Contains(list, s) {
			return append(list, s)
		}
		return list
	}
	for _, n := range c.Dialog.LastOccupationNames {
		out.Jobs = add(out.Jobs, n)
	}
	for _, e := range evs {
		switch e.Kind {
		case transcripts.KindUser:
			if e.Safeguarding {
				out.Safeguarding = append(out.Safeguarding, Flag{Seq: e.Seq, Time: e.Time, Text: e.Text})
			}
			if e.Intent != "" && e.Intent != dialog.IntentUnknown {
				out.Intents = add(out.Intents, e.Intent)
			}
		case transcripts.KindBot:
			if len(e.Sources) > 0 {
				out.BotSaid = append(out.BotSaid, BotSaid{Seq: e.Seq, Text: e.Text, Sources: e.Sources})
			}
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
