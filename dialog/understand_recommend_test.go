package dialog

import (
	"context"
	"testing"
)

// TestRecommendationObject: asking for a recommendation is a careers question when it is
// for work, study or the person, or names nothing else; a film or a series is not.
func TestRecommendationObject(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct{ text, intent string }{
		{"can you recommend a good netflix series", IntentUnknown},
		{"can you recommend a good book", IntentUnknown},
		{"can you suggest a job for me", IntentSuggest},
		{"suggest some jobs for someone who likes art", IntentSuggest},
		{"i like art, what would you recommend?", IntentSuggest},
		{"what apprenticeships would you recommend", IntentSuggest},
		{"suggest", IntentSuggest},
		{"no clue what to do with my life, any suggestions?", IntentSuggest},
	}
	for _, tt := range tests {
		if got := u.Understand(context.Background(), tt.text); got.Intent != tt.intent {
			t.Errorf("%q: intent %s (cues %v), want %s", tt.text, got.Intent, got.Cues, tt.intent)
		}
	}
}
