package dialog

import (
	"context"
	"slices"
	"strings"
)

// dropNegatedLikes removes the filler "people" in "jobs for people who like ...".
// Likes the person negates ("bad at maths") the Understander has already moved to
// Understanding.Dislikes. What is left is what they said they like.
func dropNegatedLikes(u *Understanding) {
	u.Interests = dropFillerPeople(u.Text, u.Interests)
	// "people" kept on its own means liking people: the store's word for it is
	// "talking to people" (unless "helping people" already says it).
	if i := slices.Index(u.Interests, "people"); i >= 0 {
		if slices.Contains(u.Interests, "helping people") || slices.Contains(u.Interests, "talking to people") {
			u.Interests = slices.Delete(slices.Clone(u.Interests), i, i+1)
		} else {
			u.Interests = slices.Clone(u.Interests)
			u.Interests[i] = "talking to people"
		}
	}
}

// dropDisliked returns likes without the ones the Understander found disliked (a new
// slice when any is dropped; the input is never changed).
func dropDisliked(likes, dislikes []string) []string {
	if len(likes) == 0 || len(dislikes) == 0 {
		return likes
	}
	out := likes
	for i := len(out) - 1; i >= 0; i-- {
		if slices.Contains(dislikes, out[i]) {
			out = slices.Delete(slices.Clone(out), i, i+1)
		}
	}
	return out
}

// dropFillerPeople drops "people" when the message uses it only as a filler ("jobs for
// people who like animals"), not as liking people (a new slice when dropped; the input
// is never changed).
func dropFillerPeople(text string, likes []string) []string {
	i := slices.Index(likes, "people")
	if i < 0 {
		return likes
	}
	t := " " + strings.ToLower(text) + " "
	for _, c := range []string{"with people", "to people", "like people", "love people", "helping people", "help people", "meeting people", "people person"} {
		if strings.Contains(t, c) {
			return likes
		}
	}
	return slices.Delete(slices.Clone(likes), i, i+1)
}

// riasecWords are the O*NET interest names a suggestion's reasons may carry in
// brackets ("hands-on (Realistic) work"): jargon below adviser depth.
var riasecJargon = []string{" (Realistic)", " (Investigative)", " (Artistic)", " (Social)", " (Enterprising)", " (Conventional)"}

func stripJargon(s string) string {
	if strings.Contains(s, " (") {
		for _, j := range riasecJargon {
			s = strings.ReplaceAll(s, j, "")
		}
	}
	// Doubled words where the store's phrases meet ("mostly hands-on work work").
	if strings.Contains(s, " work work") || strings.Contains(s, "mostly work ") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, " work work", " work"), "mostly work ", "mostly ")
	}
	// "this job is creative work and it is mostly creative work": say it once.
	if i := strings.LastIndex(s, " and it is mostly "); i > 0 {
		kind := strings.TrimSuffix(s[i+len(" and it is mostly "):], " work")
		if strings.Contains(s[:i], kind+" work") {
			s = s[:i]
		}
	}
	return s
}

// suitsSuggestion says whether a suggested job is a sensible idea for the person:
// chief executives and directors are not a first job for anyone asking what suits
// them, and no manager or proprietor job is shown to under-17s.
func suitsSuggestion(soc string, depth string) bool {
	if strings.HasPrefix(soc, "11") {
		return false
	}
	if (depth == DepthYoung || depth == DepthTeen) && strings.HasPrefix(soc, "1") {
		return false
	}
	return true
}

// bestFilterIn finds what kind of jobs a best-paid question asks about:
// "apprenticeship" ("highest paying apprenticeships"), "trade" ("best paid trades")
// or "".
func bestFilterIn(text string) string {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "apprentice"):
		return "apprenticeship"
	case strings.Contains(t, "trade") || strings.Contains(t, "tradesm") || strings.Contains(t, "tradie"):
		return "trade"
	}
	return ""
}

// bestPaidFits says whether a best-paid row fits what was asked: a trade (SOC major
// group 5), a job with an apprenticeship route, and, when the list is filtered or for
// young readers, no chief executive or director jobs (major group 1), which take
// years of experience whatever the route.
func (e *Engine) bestPaidFits(ctx context.Context, soc string, v *View) bool {
	if strings.HasPrefix(soc, "1") {
		return false
	}
	switch v.BestFilter {
	case "trade":
		return strings.HasPrefix(soc, "5")
	case "apprenticeship":
		o, err := e.occupation(ctx, soc)
		return err == nil && o != nil && slices.Contains(o.Entry.Routes, "apprenticeship")
	}
	return true
}

// generalWorkIn says whether a message asks about work in general for young people
// (part-time, Saturday or summer jobs, jobs at a given age) rather than about a job.
func generalWorkIn(text string) bool {
	t := strings.ToLower(text)
	for _, c := range []string{"part time job", "part-time job", "parttime job", "saturday job", "weekend job", "summer job",
		"holiday job", "jobs for teenagers", "job for a teenager", "jobs for kids", "first job", "jobs at my age", "job at my age",
		"jobs can i get at", "job can i get at", "year olds", "year old can", "jobs for under 16", "jobs for under 18"} {
		if strings.Contains(t, c) {
			return true
		}
	}
	return false
}

// refersToAll says whether a follow-up is about all the jobs just compared ("what
// hours do they work", "how do i get into both").
func refersToAll(text string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
		switch w {
		case "they", "them", "both", "each", "those", "these", "all":
			return true
		}
	}
	return false
}

// alsoCues are words that ask one of the job questions, for spotting a second
// question in one message ("how much do nurses earn and how do i become one").
var alsoCues = []struct{ intent, words string }{
	{IntentPay, "earn|salary|paid|wage|wages|how much money|the pay"},
	{IntentEntry, "become|get into|qualifications|how do i get in|train to|what to study|what do i need"},
	{IntentHours, "hours|shifts|weekends"},
	{IntentOutlook, "future|demand|will there be jobs|in short supply"},
	{IntentDescribe, "what does|what do they do|what is it like|day to day"},
}

// alsoAsked finds a second job question in a message that joins two ("... and ...",
// two question marks): the intent of the first cue that is not the main intent, or
// "".
func alsoAsked(text, main string) string {
	t := strings.ToLower(text)
	if !strings.Contains(t, " and ") && !strings.Contains(t, " also ") && strings.Count(t, "?") < 2 {
		return ""
	}
	best, at := "", len(t)+1
	for _, c := range alsoCues {
		if c.intent == main {
			continue
		}
		for _, w := range strings.Split(c.words, "|") {
			if i := strings.Index(t, w); i >= 0 && i < at {
				best, at = c.intent, i
			}
		}
	}
	return best
}

// alsoWords name a second question in a reply.
var alsoWords = map[string][2]string{
	IntentPay:      {"the pay", "What is the pay?"},
	IntentEntry:    {"how to get in", "How do I get in?"},
	IntentHours:    {"the hours", "What are the hours?"},
	IntentOutlook:  {"whether there will be jobs", "Will there be jobs?"},
	IntentDescribe: {"what the job is like", "What is the job like?"},
}

// notWanted lists the jobs a message says the person does not want ("i like animals
// but dont want to be a vet"): the top candidate of each mention after a negation.
func notWanted(u *Understanding) (codes, names []string) {
	t := strings.ToLower(u.Text)
	for _, m := range u.Occupations {
		if len(m.Candidates) == 0 || m.Start <= 0 || m.Start > len(t) {
			continue
		}
		before := t[max(0, m.Start-30):m.Start]
		for _, cue := range []string{"dont want", "don't want", "do not want", "not be", "not become", "not a ", "not an ", "hate", "rather not", "except", "apart from", "other than", "no "} {
			if strings.Contains(before, cue) {
				codes = append(codes, m.Candidates[0].SOC2020)
				names = append(names, m.Text)
				break
			}
		}
	}
	return codes, names
}
