package webchat

// HasHandler reports whether Run has given the adapter its handler (tests wait for it).
func HasHandler(a *Adapter) bool { return a.currentHandler() != nil }

// DropAll cuts every live socket without a close handshake, as a lost network does.
func DropAll(a *Adapter) {
	for _, s := range a.allSockets() {
		s.closeNow()
	}
}
