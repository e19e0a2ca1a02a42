package bot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// OfficeHours says when advisers work: opening spans per weekday in a time zone, less
// bank holidays. The zero of *OfficeHours (nil) is always open.
type OfficeHours struct {
	loc      *time.Location
	days     [7][]span // by time.Weekday
	holidays map[string]bool
}

type span struct{ from, to int } // minutes after midnight, to > from

// ParseOfficeHours reads a week ({"mon": "09:00-17:00", "sat": "closed", "fri":
// "09:00-12:30,13:30-16:00"}; days not named are closed), a time zone (default
// Europe/London) and bank holidays as dates (2026-12-25).
func ParseOfficeHours(zone string, week map[string]string, holidays []string) (*OfficeHours, error) {
	if zone == "" {
		zone = "Europe/London"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", zone, err)
	}
	o := &OfficeHours{loc: loc, holidays: map[string]bool{}}
	names := map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
		"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	for day, spec := range week {
		wd, ok := names[strings.ToLower(day)]
		if !ok {
			return nil, fmt.Errorf("office hours: unknown day %q (want mon, tue, wed, thu, fri, sat or sun)", day)
		}
		spec = strings.TrimSpace(spec)
		if spec == "" || spec == "closed" {
			continue
		}
		for _, part := range strings.Split(spec, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
			from, err1 := clockMinutes(a)
			to, err2 := clockMinutes(b)
			if !ok || err1 != nil || err2 != nil || to <= from {
				return nil, fmt.Errorf("office hours: %s %q: want e.g. 09:00-17:00", day, part)
			}
			o.days[wd] = append(o.days[wd], span{from, to})
		}
		sort.Slice(o.days[wd], func(i, j int) bool { return o.days[wd][i].from < o.days[wd][j].from })
	}
	for _, h := range holidays {
		if _, err := time.Parse("2006-01-02", h); err != nil {
			return nil, fmt.Errorf("bank holiday %q: want a date like 2026-12-25", h)
		}
		o.holidays[h] = true
	}
	return o, nil
}

func clockMinutes(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return hh*60 + mm, nil
}

// Open says whether advisers work at t.
func (o *OfficeHours) Open(t time.Time) bool {
	if o == nil {
		return true
	}
	t = t.In(o.loc)
	if o.holidays[t.Format("2006-01-02")] {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	for _, sp := range o.days[t.Weekday()] {
		if m >= sp.from && m < sp.to {
			return true
		}
	}
	return false
}

// NextOpen is the next time at or after t when advisers work (zero when never in
// the next 60 days).
func (o *OfficeHours) NextOpen(t time.Time) time.Time {
	if o == nil {
		return t
	}
	if o.Open(t) {
		return t.In(o.loc)
	}
	t = t.In(o.loc)
	for d := 0; d < 60; d++ {
		day := time.Date(t.Year(), t.Month(), t.Day()+d, 0, 0, 0, 0, o.loc)
		if o.holidays[day.Format("2006-01-02")] {
			continue
		}
		for _, sp := range o.days[day.Weekday()] {
			// Wall-clock times, so days when the clocks change are right.
			at := time.Date(day.Year(), day.Month(), day.Day(), sp.from/60, sp.from%60, 0, 0, o.loc)
			if !at.Before(t) {
				return at
			}
			end := time.Date(day.Year(), day.Month(), day.Day(), sp.to/60, sp.to%60, 0, 0, o.loc)
			if t.Before(end) {
				return t
			}
		}
	}
	return time.Time{}
}

// BackText words when advisers are back, relative to now: "at 9:00 today",
// "tomorrow at 9:00", "on Monday at 9:00", "on 2 January at 9:00".
func (o *OfficeHours) BackText(now time.Time) string {
	at := o.NextOpen(now)
	if at.IsZero() {
		return "soon"
	}
	now = now.In(at.Location())
	clock := at.Format("15:04")
	y1, m1, d1 := now.Date()
	days := int(time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case days == 0:
		return "today at " + clock
	case days == 1:
		return "tomorrow at " + clock
	case days < 7:
		return "on " + at.Weekday().String() + " at " + clock
	default:
		return "on " + at.Format("Monday 2 January") + " at " + clock
	}
}
