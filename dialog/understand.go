package dialog

import (
	"context"

	"github.com/careersbot/careersbot/lmi"
)

// Understander finds intents and entities in one message. Safe for concurrent use.
type Understander struct {
	store lmi.Store
}

// NewUnderstander returns an Understander that finds occupations and places with store.
func NewUnderstander(store lmi.Store) *Understander {
	return &Understander{store: store}
}

// Understand reads one message without any conversation state.
func (u *Understander) Understand(ctx context.Context, text string) Understanding {
	out := Understanding{Text: text, Intent: IntentUnknown}
	toks := ucNormalise(text)
	if f := sgCheckTokens(text, toks); f != nil {
		out.Safeguarding = f
		out.Intent = IntentSafeguarding
		out.Confidence = 1
	}
	return out
}
