package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/postgres"
)

// The dashboard: the SOP's service metrics against its targets (seed 002
// §6), trend charts drawn here as SVG, and the backlog. The numbers come from
// the same ServiceMetrics as GET /api/v1/metrics/service.

// SOP targets (seed 002 §6).
const (
	targetFCR        = 0.85
	targetCSAT       = 0.90
	targetNPS        = 50
	targetAHT        = 8 * time.Minute
	targetEmailFirst = 4 * time.Hour // business time
	trendWeeks       = 12
)

// dashboardRanges are the periods the dashboard offers, in days.
var dashboardRanges = []int{7, 30, 90}

type dashboardPage struct {
	page
	Days        int
	Ranges      []int
	Period      string
	KPIs        []kpi
	Charts      []chart
	Backlog     int64
	ByStatus    []barRow
	ByTier      []barRow
	CasesOpened int64
	Resolved    int64
}

// kpi is one metric's tile.
type kpi struct {
	Name, Value, Target, Detail string
	Tone, Verdict               string
}

// barRow is one row of the backlog, with its bar drawn to scale.
type barRow struct {
	Label string
	Count int64
	Width float64 // of 100
}

// dashboard is GET /ui/dashboard?days=7|30|90.
func (u *ui) dashboard(c echo.Context) error {
	days := 30
	if d, err := strconv.Atoi(c.QueryParam("days")); err == nil {
		for _, r := range dashboardRanges {
			if r == d {
				days = d
			}
		}
	}
	zone := u.policy.Location()
	now := u.now()
	today := time.Date(now.In(zone).Year(), now.In(zone).Month(), now.In(zone).Day(), 0, 0, 0, 0, zone)
	ctx := c.Request().Context()
	daily, err := u.store.ServiceMetrics(ctx, postgres.MetricsQuery{
		From: today.AddDate(0, 0, 1-days), To: now, Group: "day", Zone: zone,
	})
	if err != nil {
		return err
	}
	weekly, err := u.store.ServiceMetrics(ctx, postgres.MetricsQuery{
		From: today.AddDate(0, 0, -7*trendWeeks+1), To: now, Group: "week", Zone: zone,
	})
	if err != nil {
		return err
	}

	p := dashboardPage{Days: days, Ranges: dashboardRanges}
	p.page = u.newPage(c, "Dashboard")
	p.Period = daily.From.In(zone).Format("2 Jan") + " – " + now.In(zone).Format("2 Jan 2006")
	m := daily.Overall
	p.CasesOpened, p.Resolved = m.CasesOpened, m.CasesResolved
	email := daily.ByChannel[caseflow.ChannelEmail]
	if email == nil {
		email = &postgres.Metrics{}
	}
	p.KPIs = []kpi{
		rateKPI("First-contact resolution", m.FCR, targetFCR, true, "resolved"),
		rateKPI("CSAT", m.CSAT, targetCSAT, true, "answers"),
		npsKPI(m.NPS),
		meanKPI("Average handle time", m.AHT, targetAHT, "interactions"),
		meanKPI("Email first response", email.FirstResponseTime, targetEmailFirst, "emails answered"),
		meanKPI("First response, all channels", m.FirstResponseTime, 0, "cases answered"),
		rateKPI("SLA met: first response", m.SLA.FirstResponse, 0, true, "clocks decided"),
		rateKPI("SLA met: resolution", m.SLA.Resolution, 0, true, "clocks decided"),
		rateKPI("Escalation rate", m.EscalationRate, 0, false, "cases opened"),
		rateKPI("Reopen rate", m.ReopenRate, 0, false, "resolutions"),
	}

	var (
		dayStarts []time.Time
		opened    []*float64
		solved    []*float64
		fcr       []*float64
		weeks     []time.Time
		csat      []*float64
		slaRes    []*float64
		aht       []*float64
		slaResp   []*float64
	)
	for _, d := range daily.ByPeriod {
		dayStarts = append(dayStarts, d.Start.In(zone))
		opened = append(opened, new(float64(d.CasesOpened)))
		solved = append(solved, new(float64(d.CasesResolved)))
		fcr = append(fcr, percent(d.FCR.Rate))
	}
	for _, w := range weekly.ByPeriod {
		weeks = append(weeks, w.Start.In(zone))
		csat = append(csat, percent(w.CSAT.Rate))
		slaRes = append(slaRes, percent(w.SLA.Resolution.Rate))
		slaResp = append(slaResp, percent(w.SLA.FirstResponse.Rate))
		if w.AHT.Seconds != nil {
			aht = append(aht, new(*w.AHT.Seconds/60))
		} else {
			aht = append(aht, nil)
		}
	}
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", v) }
	minutes := func(v float64) string { return fmt.Sprintf("%.0f min", v) }
	count := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	p.Charts = []chart{
		barChart("volume", "Cases opened and resolved, by day", dayStarts, []series{
			{"Opened", "a", opened}, {"Resolved", "b", solved},
		}, count),
		lineChart("fcr", "First-contact resolution, by day", dayStarts, []series{{"FCR", "a", fcr}},
			100, pct, new(100*targetFCR), "target 85%"),
		lineChart("quality", "CSAT and resolution SLA met, by week", weeks, []series{
			{"CSAT", "a", csat}, {"Resolution SLA met", "b", slaRes}, {"First response SLA met", "c", slaResp},
		}, 100, pct, new(100*targetCSAT), "CSAT target 90%"),
		lineChart("aht", "Average handle time, by week", weeks, []series{{"AHT", "a", aht}},
			math.Max(12, maxOf(aht)*1.2), minutes, new(targetAHT.Minutes()), "target 8 min"),
	}

	if b := daily.Overall.Backlog; b != nil {
		p.Backlog = b.Total
		var top int64 = 1
		for _, n := range b.ByStatus {
			top = max(top, n)
		}
		for _, n := range b.ByTier {
			top = max(top, n)
		}
		for _, s := range caseflow.Statuses {
			if s.Open() {
				p.ByStatus = append(p.ByStatus, barRow{label(string(s)), b.ByStatus[s], 100 * float64(b.ByStatus[s]) / float64(top)})
			}
		}
		for _, t := range caseflow.Tiers {
			p.ByTier = append(p.ByTier, barRow{label(string(t)), b.ByTier[t], 100 * float64(b.ByTier[t]) / float64(top)})
		}
	}
	return u.render(c, http.StatusOK, "dashboard", p)
}

func percent(r *float64) *float64 {
	if r == nil {
		return nil
	}
	return new(*r * 100)
}

func maxOf(vs []*float64) float64 {
	m := 0.0
	for _, v := range vs {
		if v != nil {
			m = math.Max(m, *v)
		}
	}
	return m
}

// rateKPI is a share against a target (0: none); higher says whether more is better.
func rateKPI(name string, r postgres.Rate, target float64, higher bool, of string) kpi {
	k := kpi{Name: name, Value: "–", Tone: toneNeutral, Verdict: "No data yet", Detail: fmt.Sprintf("%d of %d %s", r.Count, r.Of, of)}
	if target > 0 {
		k.Target = fmt.Sprintf("Target above %.0f%%", target*100)
	}
	if r.Rate == nil {
		return k
	}
	k.Value = fmt.Sprintf("%.0f%%", *r.Rate*100)
	k.Verdict = ""
	if target > 0 {
		k.Tone, k.Verdict = verdict(*r.Rate > target == higher)
	}
	return k
}

func npsKPI(n postgres.NPS) kpi {
	k := kpi{Name: "NPS", Value: "–", Tone: toneNeutral, Verdict: "No data yet", Target: fmt.Sprintf("Target above %d", targetNPS),
		Detail: fmt.Sprintf("%d promoters, %d detractors of %d", n.Promoters, n.Detractors, n.Answers)}
	if n.Score == nil {
		return k
	}
	k.Value = fmt.Sprintf("%+.0f", *n.Score)
	k.Tone, k.Verdict = verdict(*n.Score > targetNPS)
	return k
}

// meanKPI is a mean time against a ceiling (0: none).
func meanKPI(name string, m postgres.Mean, ceiling time.Duration, of string) kpi {
	k := kpi{Name: name, Value: "–", Tone: toneNeutral, Verdict: "No data yet", Detail: fmt.Sprintf("over %d %s", m.Count, of)}
	if ceiling > 0 {
		k.Target = "Target under " + duration(ceiling)
	}
	if m.Seconds == nil {
		return k
	}
	d := time.Duration(*m.Seconds * float64(time.Second))
	k.Value, k.Verdict = duration(d), ""
	if ceiling > 0 {
		k.Tone, k.Verdict = verdict(d < ceiling)
	}
	return k
}

func verdict(met bool) (tone, words string) {
	if met {
		return toneOK, "On target"
	}
	return toneBreach, "Off target"
}

// series is one line or set of bars; a nil value is a period without data.
type series struct {
	Name, Class string
	Values      []*float64
}

// chart is an SVG chart with every coordinate computed here, so the template
// only places elements (and html/template escapes every attribute).
type chart struct {
	ID, Title, Desc string
	Width, Height   int
	Left, Right     float64 // the plot's x bounds
	Grid            []gridLine
	XLabels         []xLabel
	Bars            []rect
	Lines           []polyline
	Dots            []dot
	Target          *gridLine
	Legend          []series
}

type gridLine struct {
	Y     float64
	Label string
}

type xLabel struct {
	X     float64
	Label string
}

type rect struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type polyline struct {
	Points string
	Class  string
}

type dot struct {
	X, Y  float64
	Class string
	Title string
}

const (
	chartW, chartH = 560, 220
	padL, padR     = 48.0, 12.0
	padT, padB     = 12.0, 30.0
)

func newChart(id, title string, periods []time.Time, ymax float64, format func(float64) string) chart {
	c := chart{ID: id, Title: title, Width: chartW, Height: chartH, Left: padL, Right: chartW - padR}
	for i := 0; i <= 4; i++ {
		v := ymax * float64(i) / 4
		c.Grid = append(c.Grid, gridLine{Y: yOf(v, ymax), Label: format(v)})
	}
	step := max(1, (len(periods)+6)/7) // at most about seven labels
	for i, t := range periods {
		if i%step == 0 {
			c.XLabels = append(c.XLabels, xLabel{X: xOf(i, len(periods)), Label: t.Format("2 Jan")})
		}
	}
	if len(periods) > 0 {
		c.Desc = fmt.Sprintf("From %s to %s.", periods[0].Format("2 Jan"), periods[len(periods)-1].Format("2 Jan 2006"))
	}
	return c
}

func xOf(i, n int) float64 {
	band := (chartW - padL - padR) / float64(max(n, 1))
	return round1(padL + band*(float64(i)+0.5))
}

func yOf(v, ymax float64) float64 {
	if ymax <= 0 {
		ymax = 1
	}
	plot := chartH - padT - padB
	return round1(padT + plot*(1-math.Min(v, ymax)/ymax))
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// lineChart draws each series as a line broken where data is missing, with
// an optional target line.
func lineChart(id, title string, periods []time.Time, ss []series, ymax float64, format func(float64) string, target *float64, targetLabel string) chart {
	c := newChart(id, title, periods, ymax, format)
	c.Legend = ss
	for _, s := range ss {
		pts := ""
		flush := func() {
			if pts != "" {
				c.Lines = append(c.Lines, polyline{Points: pts, Class: s.Class})
			}
			pts = ""
		}
		for i, v := range s.Values {
			if v == nil {
				flush()
				continue
			}
			x, y := xOf(i, len(periods)), yOf(*v, ymax)
			pts += fmt.Sprintf("%g,%g ", x, y)
			c.Dots = append(c.Dots, dot{X: x, Y: y, Class: s.Class,
				Title: fmt.Sprintf("%s %s: %s", s.Name, periods[i].Format("2 Jan"), format(*v))})
		}
		flush()
	}
	if target != nil {
		c.Target = &gridLine{Y: yOf(*target, ymax), Label: targetLabel}
	}
	c.Desc += describe(ss, format)
	return c
}

// barChart draws the series side by side in each period.
func barChart(id, title string, periods []time.Time, ss []series, format func(float64) string) chart {
	top := 0.0
	for _, s := range ss {
		top = math.Max(top, maxOf(s.Values))
	}
	ymax := math.Max(4, math.Ceil(top/4)*4)
	c := newChart(id, title, periods, ymax, format)
	c.Legend = ss
	band := (chartW - padL - padR) / float64(max(len(periods), 1))
	w := band * 0.8 / float64(len(ss))
	for i := range periods {
		x0 := padL + band*float64(i) + band*0.1
		for j, s := range ss {
			if s.Values[i] == nil || *s.Values[i] == 0 {
				continue
			}
			y := yOf(*s.Values[i], ymax)
			c.Bars = append(c.Bars, rect{X: round1(x0 + w*float64(j)), Y: y, W: round1(math.Max(w-1, 1)), H: round1(chartH - padB - y),
				Class: s.Class, Title: fmt.Sprintf("%s %s: %s", s.Name, periods[i].Format("2 Jan"), format(*s.Values[i]))})
		}
	}
	c.Desc += describe(ss, format)
	return c
}

// describe says in words what a chart shows, for screen readers.
func describe(ss []series, format func(float64) string) string {
	out := ""
	for _, s := range ss {
		var last *float64
		n := 0
		for _, v := range s.Values {
			if v != nil {
				last = v
				n++
			}
		}
		if last == nil {
			out += " " + s.Name + ": no data."
			continue
		}
		out += fmt.Sprintf(" %s: %d periods with data, latest %s.", s.Name, n, format(*last))
	}
	return out
}
