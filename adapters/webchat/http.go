package webchat

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"time"
)

//go:embed static/widget.js static/widget.css static/demo.html
var static embed.FS

var demoTemplate = template.Must(template.ParseFS(static, "static/demo.html"))

// asset is one embedded file served with a content hash as its ETag.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

func loadAsset(name, contentType string) asset {
	b, err := static.ReadFile(name)
	if err != nil {
		// The files are embedded at build time; a missing one is a build error.
		panic("webchat: embedded asset missing: " + name)
	}
	sum := sha256.Sum256(b)
	return asset{body: b, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

func (as asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", as.contentType)
	h.Set("ETag", as.etag)
	// Short: a careers service's pages pick up a new widget within minutes.
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	// The widget is loaded by other sites' pages.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(as.body))
}

// Mount serves the demo page at GET /, the widget's script and style, and the socket.
func (a *Adapter) Mount(mux *http.ServeMux) {
	js := loadAsset("static/widget.js", "text/javascript; charset=utf-8")
	css := loadAsset("static/widget.css", "text/css; charset=utf-8")
	mux.HandleFunc("GET /{$}", a.serveDemo)
	mux.HandleFunc("GET /chat/widget.js", js.serve)
	mux.HandleFunc("GET /chat/widget.css", css.serve)
	mux.HandleFunc("GET /chat/ws", a.serveWS)
}

func (a *Adapter) serveDemo(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	err := demoTemplate.Execute(&buf, struct {
		Title, Colour, AgeQuestion string
		AgePrompt                  bool
	}{a.opts.Title, a.opts.PrimaryColour, a.opts.AgePrompt, a.opts.AgePrompt != ""})
	if err != nil {
		a.log.Error("webchat: demo page", "err", err)
		http.Error(w, "demo page failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	_, _ = w.Write(buf.Bytes())
}
