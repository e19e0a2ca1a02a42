package webchat

// HasHandler reports whether Run has given the adapter its handler (tests wait for it).
func HasHandler(a *Adapter) bool { return a.currentHandler() != nil }
