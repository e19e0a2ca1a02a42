package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// APIKey is one careers service app's credential for the REST channel. The secret is
// shown once, when the key is made; only its SHA-256 is stored (the secret is 32 random
// bytes, so a fast hash is enough: there is nothing to guess).
type APIKey struct {
	ID      string    `json:"id"` // public part, 8 hex digits; prefixes the app's conversation ids
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// Active says whether the key still works.
func (k APIKey) Active() bool { return k.Revoked.IsZero() }

// APIKeyStore keeps REST API keys.
type APIKeyStore interface {
	// CreateAPIKey makes a key and returns the token to give the app (shown once).
	CreateAPIKey(ctx context.Context, name string) (token string, k APIKey, err error)
	APIKeys(ctx context.Context) ([]APIKey, error)
	// RevokeAPIKey stops a key working; ErrNoAPIKey when there is no such key.
	RevokeAPIKey(ctx context.Context, id string) error
	// APIKeyByID returns a key and the SHA-256 of its secret.
	APIKeyByID(ctx context.Context, id string) (k APIKey, hash []byte, ok bool, err error)
}

// ErrNoAPIKey is returned for an unknown API key id.
var ErrNoAPIKey = errors.New("bot: no such API key")

// NewAPIToken makes a token "cbk_<id>_<secret>" and the SHA-256 of its secret.
func NewAPIToken() (token, id string, hash []byte, err error) {
	b := make([]byte, 4+32)
	if _, err := rand.Read(b); err != nil {
		return "", "", nil, fmt.Errorf("bot: random: %w", err)
	}
	id = hex.EncodeToString(b[:4])
	secret := base64.RawURLEncoding.EncodeToString(b[4:])
	sum := sha256.Sum256([]byte(secret))
	return "cbk_" + id + "_" + secret, id, sum[:], nil
}

// parseAPIToken splits a token into id and secret.
func parseAPIToken(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, "cbk_")
	if !ok {
		return "", "", false
	}
	id, secret, ok = strings.Cut(rest, "_")
	if !ok || len(id) != 8 || secret == "" {
		return "", "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", "", false
	}
	return id, secret, true
}

// CheckAPIToken returns the active key a token belongs to.
func CheckAPIToken(ctx context.Context, ks APIKeyStore, token string) (APIKey, bool, error) {
	id, secret, ok := parseAPIToken(token)
	if !ok {
		return APIKey{}, false, nil
	}
	k, hash, ok, err := ks.APIKeyByID(ctx, id)
	if err != nil || !ok {
		return APIKey{}, false, err
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], hash) != 1 || !k.Active() {
		return APIKey{}, false, nil
	}
	return k, true, nil
}

// bearer is the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) string {
	a := r.Header.Get("Authorization")
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

// restScope decides which conversation a REST request names. With API keys each app's
// conversations live in its own namespace ("<key id>@<id>"), so another app's key, a
// wrong key or no key can never reach them. In open mode (rest.open, for local
// development) the id is used as it is. It writes the error itself and returns ok=false.
func (h *httpAPI) restScope(w http.ResponseWriter, r *http.Request, id string) (conversation string, ok bool) {
	if h.o.OpenREST {
		return id, true
	}
	token := bearer(r)
	if token == "" || h.o.APIKeys == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="careersbot"`)
		writeError(w, http.StatusUnauthorized, "an API key is required: Authorization: Bearer <key> (careersbot apikeys add)")
		return "", false
	}
	k, ok, err := CheckAPIToken(r.Context(), h.o.APIKeys, token)
	if err != nil {
		h.s.log.Error("API key check", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return "", false
	}
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="careersbot", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "unknown or revoked API key")
		return "", false
	}
	return k.ID + "@" + id, true
}
