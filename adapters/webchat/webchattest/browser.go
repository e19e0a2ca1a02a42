package webchattest

import (
	"fmt"

	"github.com/chromedp/chromedp"

	"github.com/careersbot/careersbot/internal/browsertest"
)

// W is a JavaScript expression for the first element matching the CSS selector sel
// inside the widget's shadow root, for chromedp.JSPath and Evaluate.
func W(sel string) string {
	return fmt.Sprintf("document.querySelector('[data-careersbot]').shadowRoot.querySelector(%q)", sel)
}

// WAll is W for every match, as an array.
func WAll(sel string) string {
	return fmt.Sprintf("Array.from(document.querySelector('[data-careersbot]').shadowRoot.querySelectorAll(%q))", sel)
}

// WidgetLoaded is an expression true once the page has the widget and its launcher.
func WidgetLoaded() string {
	return "!!document.querySelector('[data-careersbot]') && !!" + W(".launcher")
}

// OpenWidget loads the page at url in p, waits for the widget's launcher and clicks it.
func OpenWidget(p browsertest.Page, url string) {
	p.T.Helper()
	p.Do("open "+url, chromedp.Navigate(url))
	p.Wait("widget", WidgetLoaded())
	p.Do("open widget", chromedp.Click(chromedp.JSPath(W(".launcher"))))
}
