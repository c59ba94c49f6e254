// Package workflows holds the case workflow: one durable workflow per case
// that runs the SOP — intake, acknowledgement, SLA clocks, escalation,
// follow-ups, resolution and the reopen window — and records every step.
package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/activities"
	"caseflow/mail"
	"caseflow/policy"
	"caseflow/sla"
)

// Case is the case workflow, registered as caseflow.CaseWorkflowName.
func Case(ctx workflow.Context, in Input) error {
	w, err := setup(ctx, in)
	if err != nil {
		return err
	}
	return w.run(ctx)
}

type caseWorkflow struct {
	*State
	eventsPerRun int
	runStart     int64 // Seq when this run began
	// drains take in pending signals before continue-as-new.
	drains []func(workflow.Context)
	intake *caseflow.Intake
	// changed wakes the main loop when a handler changed something it must look at.
	changed bool
}

var (
	// Activities heartbeat while they run, so a worker that dies mid-call is
	// noticed within HeartbeatTimeout and the call retried on another.
	recordOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		HeartbeatTimeout:    5 * time.Second,
		// The timeline must be written whatever it takes: retry until Postgres is back.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	}
	mailOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		HeartbeatTimeout:    5 * time.Second,
		// Providers throttle and fail for a while; keep trying with long
		// pauses. Permanent refusals come back as a result, not an error.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute},
	}
	policyOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: 10 * time.Second},
	}
)

// setup pins the policy on a new case (or takes the carried state) and
// registers every message handler before anything can block.
func setup(ctx workflow.Context, in Input) (*caseWorkflow, error) {
	w := &caseWorkflow{State: in.State, eventsPerRun: in.EventsPerRun, intake: in.Intake}
	if w.eventsPerRun <= 0 {
		w.eventsPerRun = DefaultEventsPerRun
	}
	if w.State == nil {
		if in.Intake == nil {
			return nil, temporal.NewNonRetryableApplicationError("a case starts with an intake", "invalid_input", nil)
		}
		w.State = &State{Policy: in.Policy}
	}
	w.runStart = w.Seq
	if err := w.register(ctx); err != nil {
		return nil, err
	}
	if w.Policy == nil {
		var a *activities.Activities
		actx := workflow.WithActivityOptions(ctx, policyOptions)
		if err := workflow.ExecuteActivity(actx, a.CurrentPolicy).Get(ctx, &w.Policy); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *caseWorkflow) run(ctx workflow.Context) error {
	workflow.Go(ctx, w.recorder)
	workflow.Go(ctx, w.mailer)
	if w.intake != nil && w.Case.Number == "" {
		w.open(ctx, *w.intake)
	}
	for {
		now := workflow.Now(ctx)
		w.onTime(ctx, now)
		w.syncSearch(ctx)
		if w.finished(now) {
			// Let every handler answer and every event and email go out first.
			return workflow.Await(ctx, func() bool { return w.idle() && workflow.AllHandlersFinished(ctx) })
		}
		if w.shouldContinueAsNew(ctx) {
			return w.continueAsNew(ctx)
		}
		w.changed = false
		wake := func() bool { return w.changed }
		if next := w.nextDeadline(now); next.IsZero() {
			if err := workflow.Await(ctx, wake); err != nil {
				return err
			}
		} else if _, err := workflow.AwaitWithTimeout(ctx, next.Sub(now), wake); err != nil {
			return err
		}
	}
}

func (w *caseWorkflow) cal() *sla.Calendar { return w.Policy.Calendar() }

func (w *caseWorkflow) idle() bool { return len(w.Pending) == 0 && len(w.Mail) == 0 }

// finished: closed and past the reopen window, the survey settled, no
// close-the-loop task open, and nothing left to send.
func (w *caseWorkflow) finished(now time.Time) bool {
	return w.Case.Status == caseflow.StatusClosed && !now.Before(w.ReopenUntil) && len(w.Later) == 0 &&
		!w.surveyPending() && !slices.Contains(w.Case.Flags, caseflow.FlagCloseTheLoop) && w.approvalsSettled()
}

func (w *caseWorkflow) shouldContinueAsNew(ctx workflow.Context) bool {
	return workflow.GetInfo(ctx).GetContinueAsNewSuggested() || w.Seq-w.runStart >= int64(w.eventsPerRun)
}

func (w *caseWorkflow) continueAsNew(ctx workflow.Context) error {
	// Take in the signals that arrived, then finish in-flight work, so the
	// new run starts with the whole state and nothing half done.
	for _, drain := range w.drains {
		drain(ctx)
	}
	if err := workflow.Await(ctx, func() bool { return w.idle() && workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, Case, Input{State: w.State, EventsPerRun: w.eventsPerRun})
}

// record appends a timeline event and returns its sequence number.
func (w *caseWorkflow) record(ctx workflow.Context, actor string, typ caseflow.EventType, data map[string]any) int64 {
	now := workflow.Now(ctx)
	w.Seq++
	w.Case.Version = w.Seq
	w.Case.UpdatedAt = now
	w.Pending = append(w.Pending, caseflow.Event{Number: w.Case.Number, Seq: w.Seq, Type: typ, At: now, Actor: actor, Data: data})
	w.changed = true
	return w.Seq
}

// recorder writes pending events and the case snapshot to the read model,
// in order, one batch at a time.
func (w *caseWorkflow) recorder(ctx workflow.Context) {
	var a *activities.Activities
	actx := workflow.WithActivityOptions(ctx, recordOptions)
	for {
		if workflow.Await(ctx, func() bool { return len(w.Pending) > 0 }) != nil {
			return
		}
		batch := slices.Clone(w.Pending)
		snapshot := w.view(workflow.Now(ctx))
		if err := workflow.ExecuteActivity(actx, a.RecordEvents, activities.Record{Case: snapshot, Events: batch}).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("timeline not written; will try again", "error", err)
			continue
		}
		w.Pending = w.Pending[len(batch):]
		w.Recorded = batch[len(batch)-1].Seq
		w.changed = true
	}
}

// mailer sends queued emails in order; a slow provider never holds up the
// case's clocks.
func (w *caseWorkflow) mailer(ctx workflow.Context) {
	var a *activities.Activities
	actx := workflow.WithActivityOptions(ctx, mailOptions)
	for {
		if workflow.Await(ctx, func() bool { return len(w.Mail) > 0 }) != nil {
			return
		}
		m := w.Mail[0]
		var err error
		var res activities.SendResult
		switch {
		case m.Resend != "":
			err = workflow.ExecuteActivity(actx, a.ResendEmail, activities.Resend{Key: m.Key, Of: m.Resend}).Get(ctx, &res)
		case len(m.Roles) > 0:
			err = workflow.ExecuteActivity(actx, a.NotifyStaff, activities.StaffAlert{Key: m.Key, Number: w.Case.Number, Template: m.Template, Roles: m.Roles, Assignee: m.To, Data: m.Data}).Get(ctx, nil)
		default:
			err = workflow.ExecuteActivity(actx, a.SendEmail, activities.EmailRequest{Key: m.Key, Number: w.Case.Number, Template: m.Template, To: m.To, ToName: m.ToName, SurveyID: m.SurveyID, Data: m.Data}).Get(ctx, &res)
		}
		switch {
		case err != nil:
		case res.State == caseflow.EmailFailed:
			w.record(ctx, caseflow.ActorSystem, caseflow.EventEmailFailed, map[string]any{"template": m.Template, "key": m.Key, "error": res.Error})
		case res.State == caseflow.EmailUnknown:
			// A send cut off mid-way is never retried (it could arrive twice);
			// the timeline says so, so staff can check and resend.
			w.record(ctx, caseflow.ActorSystem, caseflow.EventEmailUncertain, map[string]any{"template": m.Template, "key": m.Key, "error": res.Error})
		}
		if err != nil {
			// The retry policy already retried what can succeed later; this
			// one cannot (a broken template, an email gone). Say so and go on.
			workflow.GetLogger(ctx).Error("email not sent", "key", m.Key, "error", err)
			w.record(ctx, caseflow.ActorSystem, caseflow.EventEmailFailed, map[string]any{"template": m.Template, "key": m.Key, "error": err.Error()})
		}
		w.Mail = w.Mail[1:]
		w.changed = true
	}
}

// emailCustomer queues a customer email keyed by the event that caused it.
func (w *caseWorkflow) emailCustomer(seq int64, template string, d mail.Data) {
	d = w.mailData(d)
	w.Mail = append(w.Mail, Outgoing{
		Key: fmt.Sprintf("%s/%d/%s", w.Case.Number, seq, template), Template: template,
		To: w.Case.Customer.Email, ToName: w.Case.Customer.Name, Data: d,
	})
}

// alertStaff queues an alert to the users of roles (or to the assignee when
// set and toAssignee). Out of business hours it waits for the next opening,
// unless the case is critical: the SOP says those are addressed at once.
func (w *caseWorkflow) alertStaff(now time.Time, seq int64, roles []caseflow.Role, toAssignee bool, d mail.Data) {
	o := Outgoing{Key: fmt.Sprintf("%s/%d/staff", w.Case.Number, seq), Template: mail.StaffAlert, Roles: roles, Data: w.mailData(d)}
	if toAssignee && w.Case.Assignee != "" {
		o.To = w.Case.Assignee
	}
	if open := w.cal().NextOpen(now); open.After(now) && w.Case.Priority != caseflow.PriorityCritical {
		o.At = open
		w.Later = append(w.Later, o)
		return
	}
	w.Mail = append(w.Mail, o)
}

func (w *caseWorkflow) mailData(d mail.Data) mail.Data {
	c := &w.Case
	d.Company = w.Policy.Company
	d.Number = c.Number
	d.CustomerName = c.Customer.Name
	d.Subject = c.Subject
	d.Priority = string(c.Priority)
	return d
}

func (w *caseWorkflow) when(t time.Time) string { return mail.FormatTime(t, w.Policy.Location()) }

// open runs intake: priority, start tier, clocks, acknowledgement.
func (w *caseWorkflow) open(ctx workflow.Context, in caseflow.Intake) {
	now := workflow.Now(ctx)
	p := w.Policy
	c := &w.Case
	*c = caseflow.Case{
		Number: in.Number, Status: caseflow.StatusNew, Channel: in.Channel, Category: in.Category,
		Customer: in.Customer, Subject: in.Subject, Description: in.Description, Amount: in.Amount,
		Assignee: in.Assignee, CreatedAt: now, PolicyVersion: p.Version, Tier: caseflow.TierAgent,
		Contacts: 1 + in.Contacts, Flags: []caseflow.Flag{}, RelatedTo: in.RelatedTo,
	}
	for _, f := range in.Flags {
		if !slices.Contains(c.Flags, f) {
			c.Flags = append(c.Flags, f)
		}
	}
	if in.Customer.VIP && !slices.Contains(c.Flags, caseflow.FlagVIP) {
		c.Flags = append(c.Flags, caseflow.FlagVIP)
	}
	actor := in.By.Actor()
	opened := map[string]any{
		"channel": c.Channel, "category": c.Category, "subject": c.Subject, "flags": c.Flags,
		"contacts": c.Contacts, "policy_version": p.Version,
	}
	if in.RelatedTo != "" {
		opened["related_to"] = in.RelatedTo
	}
	w.record(ctx, actor, caseflow.EventOpened, opened)

	if in.Priority != "" {
		c.Priority = in.Priority
		w.PriorityOverridden = true
		w.record(ctx, actor, caseflow.EventPrioritySet, map[string]any{"priority": c.Priority, "override": true, "reason": in.PriorityReason})
	} else {
		pr, rule := p.Priority(w.facts())
		c.Priority = pr
		data := map[string]any{"priority": pr, "rule": rule}
		if rule >= 0 {
			data["matched"] = p.PriorityRules[rule].Describe()
		} else {
			data["matched"] = "no rule matched: normal course"
		}
		w.record(ctx, caseflow.ActorSystem, caseflow.EventPrioritySet, data)
	}

	cal := w.cal()
	frDue := p.FirstResponseTarget(c.Channel).From(cal, now)
	if c.Channel.Live() {
		frDue = now
	}
	w.FirstResponse = newClock(cal, now, frDue, p.FirstResponseTarget(c.Channel).Business(), p.Targets.WarnAt)
	resDue, business := p.ResolutionDue(now, c.Channel, c.Priority)
	w.Resolution = newClock(cal, now, resDue, business, p.Targets.WarnAt)
	w.ExpectedBy = resDue
	if w.FirstResponse.State == caseflow.ClockMet {
		w.record(ctx, actor, caseflow.EventFirstResponseMet, map[string]any{"at_intake": true, "channel": c.Channel})
	}

	seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventAcknowledged, map[string]any{
		"first_response_due": w.FirstResponse.Due, "resolution_due": w.Resolution.Due,
	})
	c.Status = caseflow.StatusAcknowledged
	w.emailCustomer(seq, mail.Acknowledgement, mail.Data{
		FirstResponseBy: w.when(w.FirstResponse.Due), ResolveBy: w.when(resDue),
		FirstResponseDone: w.FirstResponse.State == caseflow.ClockMet,
	})

	if tier, why := p.StartTier(c.Priority, c.Category, c.Amount); tier != caseflow.TierAgent {
		c.Tier = tier
		c.Status = caseflow.StatusEscalated
		seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventRouted, map[string]any{"tier": tier, "reason": why})
		w.awaitAck(now, tier)
		headline := "New case for your tier"
		if c.Priority == caseflow.PriorityCritical {
			headline = "URGENT: critical case"
		}
		w.alertStaff(now, seq, rolesFor(tier), false, mail.Data{Headline: headline, Reason: why, DueBy: w.when(w.Ack.Due)})
	}
	w.checkTriggers(ctx, now, c.Flags, actor)
}

func (w *caseWorkflow) facts() policy.Facts {
	c := &w.Case
	// A vip flag makes the customer a VIP for the rules, whoever raised it.
	vip := c.Customer.VIP || c.HasFlag(caseflow.FlagVIP)
	return policy.Facts{Category: c.Category, Channel: c.Channel, Flags: c.Flags, Amount: c.Amount, VIP: vip, Contacts: c.Contacts}
}

// checkTriggers escalates once for newly raised flags that call for it, and
// once when the customer has come back more often than the SOP allows.
func (w *caseWorkflow) checkTriggers(ctx workflow.Context, now time.Time, raised []caseflow.Flag, actor string) {
	var hit []caseflow.Flag
	for _, f := range raised {
		if w.Policy.EscalatesOn(f) {
			hit = append(hit, f)
		}
	}
	if len(hit) > 0 {
		w.escalate(ctx, now, actor, "flag", fmt.Sprintf("flag raised: %v", hit))
	}
	if !w.RepeatEscalated && w.Case.Contacts > w.Policy.Escalation.RepeatContacts && w.Case.Status.Open() {
		w.RepeatEscalated = true
		w.escalate(ctx, now, caseflow.ActorSystem, "repeat_contacts",
			fmt.Sprintf("the customer has made %d contacts without a resolution", w.Case.Contacts))
	}
}

// escalate moves the case one tier up the chain, tells the new tier and the
// customer, and starts the acknowledgement deadline. At the top of the chain
// it reminds the top tier instead.
func (w *caseWorkflow) escalate(ctx workflow.Context, now time.Time, actor, trigger, reason string) {
	c := &w.Case
	next, ok := w.Policy.NextTier(c.Tier)
	if !ok {
		seq := w.record(ctx, actor, caseflow.EventEscalationReminder, map[string]any{"tier": c.Tier, "trigger": trigger, "reason": reason})
		w.awaitAck(now, c.Tier)
		w.alertStaff(now, seq, rolesFor(c.Tier), false, mail.Data{Headline: "Reminder: this case needs the top tier", Reason: reason, DueBy: w.when(w.Ack.Due)})
		return
	}
	w.escalateTo(ctx, now, actor, next, trigger, reason)
}

// escalateIfPriorityCalls sends the case straight to the tier its priority
// starts at when that is above its own: a case that turns critical after
// intake goes to a manager at once, as a critical intake does.
func (w *caseWorkflow) escalateIfPriorityCalls(ctx workflow.Context, now time.Time, actor string) bool {
	pr := w.Case.Priority
	tier := w.Policy.Targets.Priorities[pr].StartTier
	if tier == "" || tier.Rank() <= w.Case.Tier.Rank() {
		return false
	}
	w.escalateTo(ctx, now, actor, tier, "priority", fmt.Sprintf("%s priority goes straight to %s", pr, tier))
	return true
}

// escalateTo moves the case up to tier next, tells that tier and the
// customer, and starts the acknowledgement deadline.
func (w *caseWorkflow) escalateTo(ctx workflow.Context, now time.Time, actor string, next caseflow.Tier, trigger, reason string) {
	c := &w.Case
	from := c.Tier
	c.Tier = next
	if c.Status.Open() && c.Status != caseflow.StatusWaitingOnCustomer {
		c.Status = caseflow.StatusEscalated
	}
	w.awaitAck(now, next)
	seq := w.record(ctx, actor, caseflow.EventEscalated, map[string]any{
		"from": from, "to": next, "trigger": trigger, "reason": reason, "acknowledge_by": w.Ack.Due,
	})
	headline := "Escalated to you"
	if c.Priority == caseflow.PriorityCritical {
		headline = "URGENT: critical case escalated to you"
	}
	w.alertStaff(now, seq, rolesFor(next), false, mail.Data{Headline: headline, Reason: reason, DueBy: w.when(w.Ack.Due)})
	// The customer hears at once, whatever the hour, with the time we now promise.
	expected := w.Resolution.Due
	if w.Resolution.State == caseflow.ClockPaused {
		// Waiting on the customer: the time left counts from their answer,
		// so promise it from now rather than from before the pause.
		expected = w.Resolution.add(w.cal(), now, w.Resolution.Left)
	}
	if !expected.After(now) {
		expected = w.Policy.Targets.Priorities[c.Priority].Resolution.From(w.cal(), now)
	}
	w.ExpectedBy = expected
	w.emailCustomer(seq, mail.EscalationNotice, mail.Data{TierLabel: tierLabel(next), ResolveBy: w.when(expected)})
}

func (w *caseWorkflow) awaitAck(now time.Time, tier caseflow.Tier) {
	climbs := 0
	if w.Ack != nil {
		climbs = w.Ack.Climbs
	}
	w.Ack = &PendingAck{Tier: tier, Since: now, Due: w.Policy.Escalation.AcknowledgeWithin[tier].From(w.cal(), now), Climbs: climbs}
}

func rolesFor(t caseflow.Tier) []caseflow.Role { return []caseflow.Role{caseflow.Role(t)} }

func tierLabel(t caseflow.Tier) string {
	switch t {
	case caseflow.TierTeamLead:
		return "team leads"
	case caseflow.TierSupervisor:
		return "supervisors"
	case caseflow.TierManager:
		return "customer service managers"
	}
	return "support agents"
}

// nextDeadline is the earliest moment after now the case must act on its
// own. onTime has just handled everything due up to now, so anything not
// after now is already done (a closed case's past window, say).
func (w *caseWorkflow) nextDeadline(now time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, c := range []*Clock{&w.FirstResponse, &w.Resolution} {
		if c.Running() {
			if !c.Warned {
				consider(c.WarnAt)
			}
			consider(c.Due)
		}
	}
	if w.Ack != nil {
		consider(w.Ack.Due)
	}
	if w.Wait != nil {
		consider(w.followUpAt())
	}
	if !w.Case.Status.Open() {
		consider(w.ReopenUntil)
	}
	for _, o := range w.Later {
		consider(o.At)
	}
	consider(w.surveyDeadline())
	consider(w.formDeadline(now))
	return next
}

// followUpAt is when the next reminder (or, after the last, the
// auto-resolution) falls due.
func (w *caseWorkflow) followUpAt() time.Time {
	f := w.Policy.FollowUp
	cal := w.cal()
	if w.Wait.Reminders < len(f.Reminders) {
		return f.Reminders[w.Wait.Reminders].From(cal, w.Wait.Since)
	}
	last := f.Reminders[len(f.Reminders)-1].From(cal, w.Wait.Since)
	return f.AutoResolveAfter.From(cal, last)
}

// onTime acts on every deadline that has come.
func (w *caseWorkflow) onTime(ctx workflow.Context, now time.Time) {
	if w.Case.Number == "" {
		return
	}
	cal := w.cal()
	for _, c := range []struct {
		name string
		clk  *Clock
	}{{"first_response", &w.FirstResponse}, {"resolution", &w.Resolution}} {
		clk := c.clk
		if !clk.Running() {
			continue
		}
		if !clk.Warned && !now.Before(clk.WarnAt) && now.Before(clk.Due) {
			clk.Warned = true
			seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventSLAWarning, map[string]any{
				"clock": c.name, "due": clk.Due, "remaining_seconds": int64(clk.Remaining(cal, now) / time.Second),
			})
			w.alertStaff(now, seq, rolesFor(w.Case.Tier), true, mail.Data{Headline: "SLA warning: " + label(c.name) + " due soon", DueBy: w.when(clk.Due)})
		}
		if !now.Before(clk.Due) {
			clk.Warned = true
			clk.State = caseflow.ClockBreached
			at := clk.Due
			clk.BreachedAt = &at
			w.record(ctx, caseflow.ActorSystem, caseflow.EventSLABreached, map[string]any{"clock": c.name, "due": clk.Due})
			w.escalate(ctx, now, caseflow.ActorSystem, "sla_breach", label(c.name)+" target breached")
		}
	}
	if w.Ack != nil && !now.Before(w.Ack.Due) {
		w.Ack.Climbs++
		w.escalate(ctx, now, caseflow.ActorSystem, "not_acknowledged",
			fmt.Sprintf("the %s tier did not acknowledge the escalation in time", w.Ack.Tier))
	}
	if w.Wait != nil && !now.Before(w.followUpAt()) {
		w.followUp(ctx, now)
	}
	if !w.Case.Status.Open() && !w.ReopenUntil.IsZero() && !now.Before(w.ReopenUntil) && w.Case.Status == caseflow.StatusResolved {
		w.close(ctx, now, caseflow.ActorSystem, "the reopen window ended")
	}
	w.surveyOnTime(ctx, now)
	w.formsOnTime(ctx, now)
	kept := w.Later[:0]
	for _, o := range w.Later {
		if now.Before(o.At) {
			kept = append(kept, o)
		} else {
			w.Mail = append(w.Mail, o)
		}
	}
	w.Later = kept
}

func label(clock string) string {
	if clock == "first_response" {
		return "first response"
	}
	return "resolution"
}

// followUp sends the next reminder, or auto-resolves after the last one.
func (w *caseWorkflow) followUp(ctx workflow.Context, now time.Time) {
	f := w.Policy.FollowUp
	if w.Wait.Reminders < len(f.Reminders) {
		w.Wait.Reminders++
		final := w.Wait.Reminders == len(f.Reminders)
		seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventFollowUpSent, map[string]any{"reminder": w.Wait.Reminders, "final": final})
		d := mail.Data{Body: w.Wait.Reason, Final: final}
		if final {
			d.ResolveBy = w.when(w.followUpAt())
		}
		w.emailCustomer(seq, mail.FollowUp, d)
		return
	}
	w.resolve(ctx, now, caseflow.ActorSystem, "Resolved automatically: no reply from the customer after our follow-ups.", "no customer response", true)
}

// resolve resolves the case and opens the reopen window.
func (w *caseWorkflow) resolve(ctx workflow.Context, now time.Time, actor, resolution, rootCause string, auto bool) {
	c := &w.Case
	w.Resolution.Meet(now)
	w.FirstResponse.Meet(now)
	w.Ack, w.Wait = nil, nil
	c.Status = caseflow.StatusResolved
	c.ResolvedAt = &now
	c.Resolution, c.RootCause = resolution, rootCause
	w.ReopenUntil = w.Policy.ReopenWindow.From(w.cal(), now)
	c.ReopenUntil = &w.ReopenUntil
	c.AutoResolved = auto
	seq := w.record(ctx, actor, caseflow.EventResolved, map[string]any{
		"resolution": resolution, "root_cause": rootCause, "auto": auto, "reopen_until": w.ReopenUntil,
		"resolution_clock": w.Resolution.State,
	})
	w.emailCustomer(seq, mail.Resolution, mail.Data{Resolution: resolution, ReopenUntil: w.when(w.ReopenUntil)})
	w.scheduleSurvey(now, auto)
	w.withdrawApprovals(ctx, "the case was resolved")
}

func (w *caseWorkflow) close(ctx workflow.Context, now time.Time, actor, reason string) {
	w.Case.Status = caseflow.StatusClosed
	w.Case.ClosedAt = &now
	w.record(ctx, actor, caseflow.EventClosed, map[string]any{"reason": reason})
}

// customerReplied records a customer contact: it resumes a waiting case,
// reopens a resolved one inside its window, and counts toward the
// repeat-contact rule.
func (w *caseWorkflow) customerReplied(ctx workflow.Context, r caseflow.CustomerReply) {
	now := workflow.Now(ctx)
	c := &w.Case
	if !c.Status.Open() {
		if now.Before(w.ReopenUntil) {
			w.reopen(ctx, now, actorOr(r.By, caseflow.ActorCustomer), "the customer replied: "+truncate(r.Body, 200))
		} else {
			w.record(ctx, caseflow.ActorCustomer, caseflow.EventCustomerReplied, map[string]any{"via": r.Via, "body": r.Body, "after_close": true})
			return
		}
	}
	c.Contacts++
	w.record(ctx, actorOr(r.By, caseflow.ActorCustomer), caseflow.EventCustomerReplied, map[string]any{"via": r.Via, "body": r.Body, "contacts": c.Contacts})
	if c.Status == caseflow.StatusWaitingOnCustomer {
		w.resume(ctx, now, "the customer replied")
	}
	w.checkTriggers(ctx, now, nil, caseflow.ActorSystem)
}

func (w *caseWorkflow) resume(ctx workflow.Context, now time.Time, why string) {
	cal := w.cal()
	w.FirstResponse.Resume(cal, now, w.Policy.Targets.WarnAt)
	w.Resolution.Resume(cal, now, w.Policy.Targets.WarnAt)
	w.Wait = nil
	w.Case.Status = caseflow.StatusInProgress
	if w.Ack != nil {
		w.Case.Status = caseflow.StatusEscalated
	}
	w.record(ctx, caseflow.ActorSystem, caseflow.EventClocksResumed, map[string]any{
		"reason": why, "first_response_due": w.FirstResponse.Due, "resolution_due": w.Resolution.Due,
	})
}

func (w *caseWorkflow) reopen(ctx workflow.Context, now time.Time, actor, reason string) {
	c := &w.Case
	c.Reopened++
	c.Status = caseflow.StatusReopened
	c.ClosedAt, c.ResolvedAt, c.ReopenUntil = nil, nil, nil
	c.AutoResolved = false
	w.cancelSurvey(ctx)
	w.ReopenUntil = time.Time{}
	w.RepeatEscalated = false
	due, business := w.Policy.ResolutionDue(now, c.Channel, c.Priority)
	w.Resolution = newClock(w.cal(), now, due, business, w.Policy.Targets.WarnAt)
	w.ExpectedBy = due
	seq := w.record(ctx, actor, caseflow.EventReopened, map[string]any{"reason": reason, "resolution_due": due, "times": c.Reopened})
	w.emailCustomer(seq, mail.Reopened, mail.Data{ResolveBy: w.when(due), Reason: reason})
}

func actorOr(u caseflow.User, fallback string) string {
	if u.Email != "" {
		return u.Actor()
	}
	return fallback
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// view is the case as the API shows it at now.
func (w *caseWorkflow) view(now time.Time) caseflow.Case {
	c := w.Case
	c.Flags = slices.Clone(c.Flags)
	if c.Survey != nil {
		s := *c.Survey
		c.Survey = &s
	}
	cal := w.cal()
	c.Clocks = caseflow.Clocks{FirstResponse: w.FirstResponse.View(cal, now), Resolution: w.Resolution.View(cal, now)}
	if !w.ExpectedBy.IsZero() {
		t := w.ExpectedBy
		c.ExpectedBy = &t
	}
	if w.Ack != nil {
		c.AwaitingAck = &caseflow.AwaitingAck{Tier: w.Ack.Tier, Due: w.Ack.Due}
	}
	c.Approvals = w.approvalViews()
	return c
}

// errRejected builds the error an update validator returns; its type is the
// application error code the API maps to an HTTP status.
func errRejected(code, format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), code)
}
