package transcripts

import (
	"regexp"
	"strings"
)

// Redactor removes personal details from free text before it is stored: email
// addresses, UK phone numbers, full postcodes (the district is kept), names given
// ("my name is Sam"), street addresses and full dates (dates of birth). It is safe for
// concurrent use. It deliberately leaves ages ("I'm 15"), school years ("year 10"),
// money ("£35,000") and SOC codes alone.
type Redactor struct {
	email    *regexp.Regexp
	dateNum  *regexp.Regexp
	dateDMY  *regexp.Regexp
	dateMDY  *regexp.Regexp
	bornOn   *regexp.Regexp
	phone    *regexp.Regexp
	postcode *regexp.Regexp
	address  *regexp.Regexp
	name     *regexp.Regexp
}

const months = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

const streetSuffixes = `(?:street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|place|pl|court|ct|grove|gardens|gdns|terrace|hill|park|view|square|sq|walk|row|mews|rise|parade|green|vale|boulevard)`

// NewRedactor compiles the patterns.
func NewRedactor() *Redactor {
	return &Redactor{
		email:   regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`),
		dateNum: regexp.MustCompile(`\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b`),
		dateDMY: regexp.MustCompile(`(?i)\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `\b,?\s*\d{4}\b`),
		dateMDY: regexp.MustCompile(`(?i)\b` + months + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`),
		bornOn:  regexp.MustCompile(`(?i)\b(born on(?: the)?|born|birthday is(?: on)?(?: the)?|birthday's|dob is|dob:?|d\.o\.b\.?:?)\s+(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `|` + months + `\s+\d{1,2}(?:st|nd|rd|th)?)\b`),
		// A UK number: +44 / 0044 / 0 then 9-10 more digits, spaces, dashes or brackets between.
		phone:    regexp.MustCompile(`(?:(?:\+|\b00)44[\s\-]?(?:\(0\)[\s\-]?)?|\(?\b0)(?:\d[\s\-()]{0,2}){8,10}\d\b`),
		postcode: regexp.MustCompile(`(?i)\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[ABD-HJLNP-UW-Z]{2})\b`),
		address:  regexp.MustCompile(`(?i)\b\d{1,4}[a-z]?,?\s+(?:[a-z'\-]+\s+){1,3}` + streetSuffixes + `\b\.?`),
		name:     regexp.MustCompile(`(?i)\b(my name is|my name's|my names|i'm called|im called|i am called|call me|they call me|name's)\s+([a-z][a-z'\-]*)(\s+[A-Z][a-z'\-]+)?`),
	}
}

// notNames are words that follow "call me" and the like without being a name.
var notNames = map[string]bool{
	"back": true, "later": true, "if": true, "when": true, "please": true, "a": true, "an": true,
	"the": true, "maybe": true, "now": true, "on": true, "at": true, "tomorrow": true, "not": true,
	"and": true, "but": true, "so": true, "because": true, "what": true, "whatever": true, "anything": true,
	"again": true, "soon": true, "today": true, "tonight": true, "asap": true, "sometime": true,
}

// addressStop are words that show "5 days on the road" is not an address.
var addressStop = map[string]bool{
	"the": true, "a": true, "an": true, "on": true, "in": true, "at": true, "of": true, "to": true,
	"for": true, "per": true, "days": true, "day": true, "hours": true, "hour": true, "years": true,
	"year": true, "weeks": true, "week": true, "months": true, "month": true, "times": true, "miles": true,
	"minutes": true, "my": true, "your": true, "and": true, "or": true, "is": true, "are": true,
	"people": true, "jobs": true, "job": true, "k": true, "pounds": true, "grand": true, "from": true,
	"by": true, "off": true, "down": true, "up": true, "near": true, "around": true, "round": true,
}

// Redact returns text with personal details replaced by [email], [phone],
// "<district> [postcode]", [name], [address] and [date].
func (r *Redactor) Redact(text string) string {
	if text == "" {
		return text
	}
	// Cheap tests first: most messages have no digit, no @ and no name phrase.
	// Each pattern runs only when the message has the digits it needs (counted once):
	// "I'm 15" cannot hold a date, a phone number or a year.
	lower := strings.ToLower(text)
	nd, run := digitCounts(text)
	digits := nd > 0
	if strings.IndexByte(text, '@') >= 0 {
		text = r.email.ReplaceAllString(text, "[email]")
	}
	if nd >= 4 { // d/m/yy at least
		text = r.dateNum.ReplaceAllString(text, "[date]")
	}
	if run >= 4 { // a four-digit year
		text = r.dateDMY.ReplaceAllString(text, "[date]")
		text = r.dateMDY.ReplaceAllString(text, "[date]")
	}
	if strings.Contains(lower, "born") || strings.Contains(lower, "birthday") || strings.Contains(lower, "dob") || strings.Contains(lower, "d.o.b") {
		text = r.bornOn.ReplaceAllString(text, "$1 [date]")
	}
	if !digits {
		return r.redactName(text, lower)
	}
	if nd >= 10 { // redactPhone keeps a match of fewer digits
		text = r.phone.ReplaceAllStringFunc(text, redactPhone)
	}
	if nd >= 2 { // A9 9AA at least
		text = r.postcode.ReplaceAllString(text, "${1} [postcode]")
	}
	text = r.address.ReplaceAllStringFunc(text, func(m string) string {
		fields := strings.Fields(m)
		// fields[0] is the house number, the last is the suffix.
		for _, w := range fields[1 : len(fields)-1] {
			if addressStop[strings.ToLower(strings.Trim(w, ",."))] {
				return m
			}
		}
		return "[address]"
	})
	return r.redactName(text, lower)
}

// digitCounts returns how many ASCII digits text has and its longest run of them.
func digitCounts(text string) (n, longest int) {
	run := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			n++
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return n, longest
}

func (r *Redactor) redactName(text, lower string) string {
	if !strings.Contains(lower, "name") && !strings.Contains(lower, "call") {
		return text
	}
	return r.name.ReplaceAllStringFunc(text, func(m string) string {
		sub := r.name.FindStringSubmatch(m)
		if notNames[strings.ToLower(sub[2])] {
			return m
		}
		return sub[1] + " [name]"
	})
}

// redactPhone replaces a candidate phone number when its digit count fits a UK number
// (10 or 11 digits nationally; +44 and 0044 forms with or without "(0)"). A longer run
// (a number followed by another figure) is cut after the last digit that fits.
func redactPhone(m string) string {
	intl := strings.HasPrefix(m, "+44") || strings.HasPrefix(m, "0044")
	lo, hi := 10, 11
	if intl {
		lo, hi = 11, 12
		if strings.HasPrefix(m, "0044") {
			lo, hi = 13, 14
		}
		if strings.Contains(m, "(0)") {
			lo, hi = lo+1, hi+1
		}
	}
	n, cut := 0, -1
	for i := 0; i < len(m); i++ {
		if m[i] >= '0' && m[i] <= '9' {
			n++
			if n == lo || n == hi {
				cut = i + 1
			}
		}
	}
	if n < lo || cut < 0 {
		return m
	}
	return "[phone]" + m[cut:]
}
