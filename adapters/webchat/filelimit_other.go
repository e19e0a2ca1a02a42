//go:build !unix

package webchat

// openFileLimit is unknown here: only MaxConnections caps the sockets.
func openFileLimit() int { return 0 }
