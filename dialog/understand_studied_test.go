package dialog

import "testing"

// TestStudiedSubject: the subject of a degree or course is found wherever the message
// puts it, and nothing is found where no course is named.
func TestStudiedSubject(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"what jobs can you do after a degree in biochemistry", "biochemistry"},
		{"what can i do with a sports science degree", "sports science"},
		{"what careers can i go into after a degree in biochemistry besides research", "biochemistry"},
		{"what can you do with a languages degree", "languages"},
		{"what can i do with a degree in criminology", "criminology"},
		{"im studying marine biology at uni, what jobs are there", "marine biology"},
		{"what can i do with a business management degree", "business management"},
		{"i got a 2:1 in history, what jobs can i get with my degree", ""},
		{"what can i do with a physics degree other than teach", "physics"},
		{"how much do nurses earn", ""},
		{"do i need a degree to be a vet", ""},
		{"can u become a teacher without a degree", ""},
	} {
		if got := ucStudied(ucNormalise(tc.text)); got != tc.want {
			t.Errorf("%q: studied %q, want %q", tc.text, got, tc.want)
		}
	}
}
