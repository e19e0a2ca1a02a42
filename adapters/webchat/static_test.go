package webchat_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/adapters/webchat"
)

func TestStaticRoutes(t *testing.T) {
	a, err := webchat.New(webchat.Options{Title: `Ask "us" <script>window.__xss=1</script>`, AgePrompt: "How old are you?", PrimaryColour: "#005ea5"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Mount(mux)
	base := newServer(t, mux)
	tests := []struct {
		path, ctype string
		status      int
		contains    []string
	}{
		{"/", "text/html; charset=utf-8", 200, []string{
			`<script src="/chat/widget.js" data-title="Ask &#34;us&#34; &lt;script&gt;window.__xss=1&lt;/script&gt;"`,
			`data-primary-colour="#005ea5"`, `data-age-prompt="true"`, `data-age-question="How old are you?"`}},
		{"/chat/widget.js", "text/javascript; charset=utf-8", 200, []string{"attachShadow", "textContent", "createElementNS"}},
		{"/chat/widget.css", "text/css; charset=utf-8", 200, []string{":host", "prefers-reduced-motion"}},
		{"/nope", "", 404, nil},
		{"/chat/ws", "", 426, nil}, // not an upgrade
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := http.Get(base + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("content type %q", resp.Header.Get("Content-Type"))
			}
			for _, s := range tt.contains {
				if !strings.Contains(string(body), s) {
					t.Errorf("body lacks %q", s)
				}
			}
		})
	}
	// The JS never puts message data in as HTML.
	resp, _ := http.Get(base + "/chat/widget.js")
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(string(js), bad) {
			t.Errorf("widget.js uses %s", bad)
		}
	}
	// Conditional GET.
	req, _ := http.NewRequest("GET", base+"/chat/widget.js", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", resp2.StatusCode)
	}
}
