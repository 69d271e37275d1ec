package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/trustmap/trustmap/report"
)

// The history section of report.html (report.History, from the history
// store): what is new and what was resolved since the last scan, a trend
// chart per account as inline SVG, and the age of every entry point. It
// is its own template ("history"), called from html.tmpl.

//go:embed history.tmpl
var historyHTML string

// The HTML history section is its own template ("history"), called from
// html.tmpl.
var _ = template.Must(htmlTmpl.Funcs(template.FuncMap{
	"trendChart": trendChart,
	"kindWord":   report.KindWord,
	"dateOnly":   func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"dateTime":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"epSubject": func(r *report.Report, id string) string {
		for _, ep := range r.EntryPoints {
			if ep.ID == id {
				return ep.ResourceARN + " via " + ep.Via.String()
			}
		}
		return ""
	},
}).New("history").Parse(historyHTML))

// trendView is one account's trend chart, laid out for the template.
type trendView struct {
	Account      string
	W, H         int
	Left, Bottom int
	Right, Top   int
	Series       []trendSeries
	YTicks       []trendTick
	XLabels      []trendTick
}

type trendSeries struct {
	Name, Class string
	Points      string // polyline points
	Dots        []trendDot
}

type trendDot struct {
	X, Y  int
	Title string
}

type trendTick struct {
	X, Y  int
	Label string
}

// trendChart lays out the counts of public, cross-account and
// unrecognized entry points per scan as lines on a small chart.
func trendChart(t report.AccountTrend) trendView {
	v := trendView{Account: t.Account, W: 520, H: 170, Left: 40, Bottom: 140, Right: 500, Top: 14}
	hi := 1
	for _, p := range t.Points {
		hi = max(hi, p.Public, p.CrossAccount, p.Unrecognized)
	}
	n := len(t.Points)
	x := func(i int) int {
		if n == 1 {
			return (v.Left + v.Right) / 2
		}
		return v.Left + 10 + i*(v.Right-v.Left-20)/(n-1)
	}
	y := func(c int) int { return v.Bottom - c*(v.Bottom-v.Top)/hi }
	for _, c := range []int{0, (hi + 1) / 2, hi} {
		v.YTicks = append(v.YTicks, trendTick{X: v.Left - 6, Y: y(c), Label: fmt.Sprint(c)})
	}
	for i, p := range t.Points {
		if i == 0 || i == n-1 || (n > 4 && i == n/2) {
			v.XLabels = append(v.XLabels, trendTick{X: x(i), Y: v.Bottom + 18, Label: p.ScannedAt.UTC().Format("01-02")})
		}
	}
	for _, s := range []struct {
		name, class string
		get         func(report.TrendPoint) int
	}{
		{"public", "t-public", func(p report.TrendPoint) int { return p.Public }},
		{"cross-account", "t-cross", func(p report.TrendPoint) int { return p.CrossAccount }},
		{"unrecognized", "t-unrec", func(p report.TrendPoint) int { return p.Unrecognized }},
	} {
		ser := trendSeries{Name: s.name, Class: s.class}
		var pts []string
		for i, p := range t.Points {
			pts = append(pts, fmt.Sprintf("%d,%d", x(i), y(s.get(p))))
			title := fmt.Sprintf("%s: %d %s (scan %s)", p.ScannedAt.UTC().Format("2006-01-02 15:04"), s.get(p), s.name, p.ScanID)
			if !p.Complete {
				title += ", incomplete"
			}
			ser.Dots = append(ser.Dots, trendDot{X: x(i), Y: y(s.get(p)), Title: title})
		}
		ser.Points = strings.Join(pts, " ")
		v.Series = append(v.Series, ser)
	}
	return v
}
