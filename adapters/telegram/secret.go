package telegram

import "crypto/subtle"

// secretOK compares the webhook secret header in constant time. An empty expected
// secret never matches: webhook mode requires one.
func secretOK(got, want string) bool {
	if want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
