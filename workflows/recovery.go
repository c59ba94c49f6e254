package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/activities"
	"caseflow/mail"
)

// Service recovery and SOP exceptions on the case (SPEC steps 5 and 6). A
// recovery action within the requester's authority is granted at once; any
// other, and every exception beyond the requester's tier, starts an approval
// workflow (approval.go) and waits for what it reports. The case records
// every step on the timeline, writes the approvals read model, tells the
// customer what was granted, and keeps the exception form's deadline.

// ApprovalState is one of the case's approvals as the case workflow keeps it.
type ApprovalState struct {
	caseflow.Approval
	// Started is set once its approval workflow runs; a request granted at
	// once has none.
	Started bool `json:"started"`
	// Written is the last Version written to the approvals read model.
	Written int64 `json:"written"`
	// FormWarnAt is when the requester is reminded of the exception form
	// (at the policy's warn_at share of form_within); FormReminded once done.
	FormWarnAt   time.Time `json:"form_warn_at"`
	FormReminded bool      `json:"form_reminded"`
}

// ApprovalSignal is a message for an approval workflow, sent once the
// timeline holds event AfterSeq and the read model version AfterVersion of
// the approval: the answer to a decision it reported, or its withdrawal.
type ApprovalSignal struct {
	ID           string                     `json:"id"`
	Recorded     *caseflow.ApprovalRecorded `json:"recorded,omitempty"`
	Withdraw     *caseflow.Withdraw         `json:"withdraw,omitempty"`
	AfterSeq     int64                      `json:"after_seq,omitempty"`
	AfterVersion int64                      `json:"after_version,omitempty"`
}

// registerApprovals installs the recovery and exception updates, the
// listener for approval reports, and the loops that write the read model
// and signal the approval workflows.
func (w *caseWorkflow) registerApprovals(ctx workflow.Context) error {
	if err := updateAnswering(ctx, w, caseflow.UpdateRecovery, w.canRequestRecovery, w.requestRecovery); err != nil {
		return err
	}
	if err := updateAnswering(ctx, w, caseflow.UpdateException, w.canRequestException, w.requestException); err != nil {
		return err
	}
	if err := update(ctx, w, caseflow.UpdateExceptionForm, w.canCompleteForm, w.completeForm); err != nil {
		return err
	}
	w.drains = append(w.drains, onSignal(ctx, caseflow.SignalApprovalChanged, w.approvalChanged))
	workflow.Go(ctx, w.approvalWriter)
	workflow.Go(ctx, w.approvalSignaler)
	return nil
}

func requesterTier(u caseflow.User) (caseflow.Tier, error) {
	tier, ok := u.Role.Tier()
	if !ok {
		return "", errRejected(caseflow.EFORBIDDEN, "a %s does not work cases", u.Role)
	}
	return tier, nil
}

func (w *caseWorkflow) canRequestRecovery(in caseflow.RecoveryRequest) error {
	if err := w.mustBeOpen("request a recovery action on"); err != nil {
		return err
	}
	f := caseflow.Fields{}
	in.Action.Check(f)
	f.Check(strings.TrimSpace(in.Justification) != "", "justification", "is required")
	if err := f.Err(); err != nil {
		return errRejected(caseflow.EINVALID, "%s", fieldsText(f))
	}
	if _, err := requesterTier(in.By); err != nil {
		return err
	}
	if _, ok := w.Policy.LowestApprover(in.Action); !ok {
		return errRejected(caseflow.ECONFLICT, "the policy gives no tier the authority for %s", in.Action)
	}
	return nil
}

// requestRecovery grants the action when it is within the requester's
// authority, and otherwise asks the lowest tier that has it.
func (w *caseWorkflow) requestRecovery(ctx workflow.Context, in caseflow.RecoveryRequest) func(workflow.Context) (caseflow.RequestAnswer, error) {
	now := workflow.Now(ctx)
	tier, _ := requesterTier(in.By)
	act, actor := in.Action, in.By.Actor()
	data := map[string]any{"action": act.Kind, "summary": act.Summary(), "justification": in.Justification}
	if act.Percent > 0 {
		data["percent"] = act.Percent
	}
	if act.Value > 0 {
		data["value"] = act.Value
	}
	if act.Details != "" {
		data["details"] = act.Details
	}
	if w.Policy.Authorizes(tier, act) {
		data["status"], data["within_authority_of"] = caseflow.ApprovalGranted, tier
		w.record(ctx, actor, caseflow.EventRecoveryRequested, data)
		w.grantRecovery(ctx, actor, act, "")
		return w.answer(nil)
	}
	a := w.newApproval(now, caseflow.Approval{
		Kind: caseflow.ApprovalRecovery, Action: &act, Summary: act.Summary(), Justification: in.Justification,
		RequestedBy: in.By, Approvers: w.Policy.Approvers(act),
	})
	data["status"], data["approval_id"], data["tier"], data["decide_by"] = caseflow.ApprovalPending, a.ID, a.Tier, *a.Due
	seq := w.record(ctx, actor, caseflow.EventRecoveryRequested, data)
	w.askApprovers(now, seq, a, "")
	return w.startApproval(ctx, a)
}

// grantRecovery records a granted action and, when it changes what the
// customer gets, tells them what was done.
func (w *caseWorkflow) grantRecovery(ctx workflow.Context, actor string, act caseflow.RecoveryAction, approvalID string) {
	data := map[string]any{"action": act.Kind, "summary": act.Summary()}
	if approvalID != "" {
		data["approval_id"] = approvalID
	}
	data["customer_emailed"] = act.Kind.AffectsCustomer()
	seq := w.record(ctx, actor, caseflow.EventRecoveryGranted, data)
	if act.Kind.AffectsCustomer() {
		w.emailCustomer(seq, mail.RecoveryGranted, mail.Data{Body: customerText(act)})
	}
}

// customerText says to the customer what was done for them.
func customerText(a caseflow.RecoveryAction) string {
	var s string
	switch a.Kind {
	case caseflow.RecoveryRefund:
		s = "We have refunded your order in full."
	case caseflow.RecoveryDiscount:
		s = "We have given you a " + strings.TrimPrefix(a.String(), "a ") + "."
	case caseflow.RecoveryComplimentary:
		s = fmt.Sprintf("We are sending you a complimentary product or service worth $%.2f, at no cost to you.", a.Value)
	case caseflow.RecoveryExpeditedShipping:
		s = "We have upgraded your delivery to expedited shipping, at no cost to you."
	default:
		s = "We have arranged " + a.String() + "."
	}
	if strings.TrimSpace(a.Details) != "" {
		s += "\n\n" + strings.TrimSpace(a.Details)
	}
	return s
}

func (w *caseWorkflow) canRequestException(in caseflow.ExceptionRequest) error {
	if err := w.mustBeOpen("request an SOP exception on"); err != nil {
		return err
	}
	f := caseflow.Fields{}
	f.Check(strings.TrimSpace(in.Deviation) != "", "deviation", "is required")
	f.Check(strings.TrimSpace(in.Justification) != "", "justification", "is required")
	if err := f.Err(); err != nil {
		return errRejected(caseflow.EINVALID, "%s", fieldsText(f))
	}
	_, err := requesterTier(in.By)
	return err
}

// requestException asks the policy's exception approver (or above) to
// approve a deviation from the SOP; one asked by such an approver is
// granted at once, with them as its approver. Either way its form falls due.
func (w *caseWorkflow) requestException(ctx workflow.Context, in caseflow.ExceptionRequest) func(workflow.Context) (caseflow.RequestAnswer, error) {
	now := workflow.Now(ctx)
	tier, _ := requesterTier(in.By)
	label := in.Kind
	if strings.TrimSpace(label) == "" {
		label = in.Deviation
	}
	a := w.newApproval(now, caseflow.Approval{
		Kind: caseflow.ApprovalException, Deviation: in.Deviation, ExceptionKind: caseflow.ExceptionKindOf(label),
		Summary: "an exception to the SOP: " + truncate(in.Deviation, 200), Justification: in.Justification,
		RequestedBy: in.By, Approvers: w.Policy.ExceptionApprovers(),
	})
	data := map[string]any{
		"approval_id": a.ID, "deviation": in.Deviation, "justification": in.Justification, "exception_kind": a.ExceptionKind,
	}
	if w.Policy.ApprovesExceptions(tier) {
		by := in.By
		a.Status, a.Tier, a.Due, a.DecidedBy, a.DecidedAt = caseflow.ApprovalGranted, tier, nil, &by, &now
		w.startForm(now, a)
		data["status"], data["within_authority_of"], data["form_due"] = caseflow.ApprovalGranted, tier, *a.FormDue
		w.record(ctx, in.By.Actor(), caseflow.EventExceptionRequested, data)
		return w.answer(a)
	}
	data["status"], data["tier"], data["decide_by"] = caseflow.ApprovalPending, a.Tier, *a.Due
	seq := w.record(ctx, in.By.Actor(), caseflow.EventExceptionRequested, data)
	w.askApprovers(now, seq, a, "")
	return w.startApproval(ctx, a)
}

// newApproval numbers a request of the case and keeps it, pending at the
// lowest of its approvers until decide_within from now.
func (w *caseWorkflow) newApproval(now time.Time, a caseflow.Approval) *ApprovalState {
	a.ID = caseflow.ApprovalID(w.Case.Number, len(w.Approvals)+1)
	a.Number, a.RequestedAt, a.Status, a.Version = w.Case.Number, now, caseflow.ApprovalPending, 1
	a.Tier = a.Approvers[0]
	due := w.Policy.Authority.DecideWithin.From(w.cal(), now)
	a.Due = &due
	st := &ApprovalState{Approval: a}
	w.Approvals = append(w.Approvals, st)
	return st
}

func (w *caseWorkflow) approval(id string) *ApprovalState {
	for _, a := range w.Approvals {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// askApprovers alerts the tier an approval waits on; why says, when it
// climbed, why that tier is asked now.
func (w *caseWorkflow) askApprovers(now time.Time, seq int64, a *ApprovalState, why string) {
	reason := fmt.Sprintf("%s asks for %s.\nJustification: %s\nDecide in your approvals inbox (approval %s).", a.RequestedBy.Actor(), a.Summary, a.Justification, a.ID)
	if why != "" {
		reason = why + "\n\n" + reason
	}
	w.alertStaff(now, seq, rolesFor(a.Tier), false, mail.Data{Headline: "Approval needed: " + a.Summary, Reason: reason, DueBy: w.when(*a.Due)})
}

// alertUser emails one member of staff at once (the requester, say).
func (w *caseWorkflow) alertUser(seq int64, u caseflow.User, d mail.Data) {
	if u.Email == "" {
		return
	}
	w.Mail = append(w.Mail, Outgoing{
		Key: fmt.Sprintf("%s/%d/staff", w.Case.Number, seq), Template: mail.StaffAlert,
		Roles: []caseflow.Role{u.Role}, To: u.Email, Data: w.mailData(d),
	})
}

// startApproval starts the approval's workflow and answers pending once the
// request is on the timeline and in the approvals inbox.
func (w *caseWorkflow) startApproval(ctx workflow.Context, a *ApprovalState) func(workflow.Context) (caseflow.RequestAnswer, error) {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: caseflow.ApprovalWorkflowID(a.ID),
		// Abandon, not terminate: the case continues as new every so many
		// events, which closes its run, and a pending approval must keep its
		// deadline through that. The case ends its approvals itself: it
		// withdraws them when it resolves.
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		// An approval ID names one request forever.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		// Operators find a case's approvals by its number.
		TypedSearchAttributes: temporal.NewSearchAttributes(searchNumber.ValueSet(w.Case.Number)),
	})
	err := workflow.ExecuteChildWorkflow(cctx, caseflow.ApprovalWorkflowName, ApprovalInput{Approval: a.Approval, Policy: w.Policy}).
		GetChildWorkflowExecution().Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Error("approval workflow not started", "approval", a.ID, "error", err)
		if a.Status == caseflow.ApprovalPending {
			w.withdraw(ctx, a, "its approval could not be started; ask again")
		}
		return func(workflow.Context) (caseflow.RequestAnswer, error) {
			return caseflow.RequestAnswer{}, errRejected(caseflow.ECONFLICT, "approval %s could not be started; ask again", a.ID)
		}
	}
	a.Started = true
	if a.Status == caseflow.ApprovalWithdrawn {
		// The case resolved while the approval started: it is not needed.
		w.ApprovalSignals = append(w.ApprovalSignals, ApprovalSignal{ID: a.ID, Withdraw: &caseflow.Withdraw{Reason: a.Note}})
	}
	return w.answer(a)
}

// answer is how a request is answered once recorded: granted (a is nil for
// a recovery action granted at once), or as the approval stands, once the
// approvals inbox shows it; with the case.
func (w *caseWorkflow) answer(a *ApprovalState) func(workflow.Context) (caseflow.RequestAnswer, error) {
	return func(ctx workflow.Context) (caseflow.RequestAnswer, error) {
		ans := caseflow.RequestAnswer{Status: caseflow.ApprovalGranted}
		if a != nil {
			version := a.Version
			if err := workflow.Await(ctx, func() bool { return a.Written >= version }); err != nil {
				return ans, err
			}
			view := a.Approval
			ans.Status, ans.ApprovalID, ans.Approval = a.Status, a.ID, &view
		}
		ans.Case = w.view(workflow.Now(ctx))
		return ans, nil
	}
}

// approvalChanged takes in what an approval workflow reported: it climbed a
// tier, expired, or was decided. A decision is answered once recorded; one
// on a request the case has withdrawn meanwhile is refused.
func (w *caseWorkflow) approvalChanged(ctx workflow.Context, c caseflow.ApprovalChanged) {
	a, got := w.approval(c.Approval.ID), c.Approval
	if a == nil {
		workflow.GetLogger(ctx).Warn("report from an unknown approval", "approval", got.ID)
		return
	}
	decided := got.Status == caseflow.ApprovalApproved || got.Status == caseflow.ApprovalRejected
	if a.Status != caseflow.ApprovalPending {
		if decided {
			w.ApprovalSignals = append(w.ApprovalSignals, ApprovalSignal{ID: a.ID, Recorded: &caseflow.ApprovalRecorded{Step: c.Step, Refused: a.Note}})
		}
		return
	}
	now := workflow.Now(ctx)
	a.Version++
	switch {
	case got.Status == caseflow.ApprovalPending && got.Tier != a.Tier:
		from := a.Tier
		a.Tier, a.Due, a.Climbs = got.Tier, got.Due, got.Climbs
		seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventApprovalEscalated, map[string]any{
			"approval_id": a.ID, "summary": a.Summary, "from": from, "to": a.Tier, "decide_by": *a.Due,
		})
		w.askApprovers(now, seq, a, fmt.Sprintf("The %s did not decide in time, so it now comes to you.", tierLabel(from)))
		w.alertStaff(now, seq, rolesFor(from), false, mail.Data{
			Headline: "Reminder: approval still waiting: " + a.Summary,
			Reason:   fmt.Sprintf("Nobody decided by the deadline, so approval %s also went to the %s. You can still decide it in your approvals inbox.", a.ID, tierLabel(a.Tier)),
			DueBy:    w.when(*a.Due),
		})
	case got.Status == caseflow.ApprovalExpired:
		a.Status = caseflow.ApprovalExpired
		seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventApprovalExpired, map[string]any{
			"approval_id": a.ID, "summary": a.Summary, "tier": a.Tier,
		})
		w.alertUser(seq, a.RequestedBy, mail.Data{
			Headline: "Approval expired: " + a.Summary,
			Reason:   fmt.Sprintf("Nobody with the authority decided on approval %s in time, up to the %s.", a.ID, tierLabel(a.Tier)),
		})
	case decided && got.DecidedBy != nil:
		by := *got.DecidedBy
		a.Status, a.DecidedBy, a.DecidedAt, a.Note = got.Status, &by, got.DecidedAt, got.Note
		data := map[string]any{"approval_id": a.ID, "kind": a.Kind, "summary": a.Summary, "decision": a.Status, "note": a.Note}
		if a.Status == caseflow.ApprovalApproved && a.Kind == caseflow.ApprovalException {
			w.startForm(now, a)
			data["form_due"] = *a.FormDue
		}
		seq := w.record(ctx, by.Actor(), caseflow.EventApprovalDecided, data)
		if a.Status == caseflow.ApprovalApproved && a.Kind == caseflow.ApprovalRecovery {
			w.grantRecovery(ctx, by.Actor(), *a.Action, a.ID)
		}
		outcome := fmt.Sprintf("%s %s approval %s", by.Actor(), a.Status, a.ID)
		if a.Note != "" {
			outcome += ": " + a.Note
		}
		w.alertUser(seq, a.RequestedBy, mail.Data{Headline: fmt.Sprintf("Approval %s: %s", a.Status, a.Summary), Reason: outcome})
		recorded := a.Approval
		w.ApprovalSignals = append(w.ApprovalSignals, ApprovalSignal{
			ID: a.ID, Recorded: &caseflow.ApprovalRecorded{Step: c.Step, Approval: &recorded}, AfterSeq: w.Seq, AfterVersion: a.Version,
		})
	default:
		a.Version-- // nothing changed
	}
}

// withdrawApprovals withdraws every pending approval, for reason: a resolved
// case needs no more decisions.
func (w *caseWorkflow) withdrawApprovals(ctx workflow.Context, reason string) {
	for _, a := range w.Approvals {
		if a.Status == caseflow.ApprovalPending {
			w.withdraw(ctx, a, reason)
		}
	}
}

func (w *caseWorkflow) withdraw(ctx workflow.Context, a *ApprovalState, reason string) {
	a.Status, a.Note = caseflow.ApprovalWithdrawn, reason
	a.Version++
	w.record(ctx, caseflow.ActorSystem, caseflow.EventApprovalWithdrawn, map[string]any{
		"approval_id": a.ID, "summary": a.Summary, "reason": reason,
	})
	if a.Started {
		w.ApprovalSignals = append(w.ApprovalSignals, ApprovalSignal{ID: a.ID, Withdraw: &caseflow.Withdraw{Reason: reason}})
	}
}

// startForm sets the exception form's deadline (form_within from now) and
// its reminder (at the policy's warn_at share of it, as the SLA clocks).
func (w *caseWorkflow) startForm(now time.Time, a *ApprovalState) {
	within := w.Policy.Exceptions.FormWithin
	due := within.From(w.cal(), now)
	a.FormDue = &due
	a.FormWarnAt = newClock(w.cal(), now, due, within.Business(), w.Policy.Targets.WarnAt).WarnAt
}

// formDeadline is the next reminder or deadline of an exception form after
// now, or zero.
func (w *caseWorkflow) formDeadline(now time.Time) time.Time {
	var next time.Time
	for _, a := range w.Approvals {
		if a.FormDue == nil || a.Form != nil {
			continue
		}
		for _, t := range []time.Time{a.FormWarnAt, *a.FormDue} {
			if t.After(now) && (next.IsZero() || t.Before(next)) {
				next = t
			}
		}
	}
	return next
}

// formsOnTime reminds the requester of an exception form before it is due,
// and once it is late records it overdue and flags the case.
func (w *caseWorkflow) formsOnTime(ctx workflow.Context, now time.Time) {
	for _, a := range w.Approvals {
		if a.FormDue == nil || a.Form != nil || a.FormOverdue {
			continue
		}
		due := *a.FormDue
		if !a.FormReminded && !now.Before(a.FormWarnAt) && now.Before(due) {
			a.FormReminded = true
			seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventExceptionFormReminder, map[string]any{"approval_id": a.ID, "form_due": due})
			w.alertUser(seq, a.RequestedBy, mail.Data{
				Headline: "Reminder: exception form due",
				Reason:   fmt.Sprintf("The form for %s (approval %s) is due: what was done, and why.", a.Summary, a.ID),
				DueBy:    w.when(due),
			})
		}
		if now.Before(due) {
			continue
		}
		a.FormReminded, a.FormOverdue = true, true
		a.Version++
		if !w.Case.HasFlag(caseflow.FlagExceptionFormOverdue) {
			w.Case.Flags = append(w.Case.Flags, caseflow.FlagExceptionFormOverdue)
		}
		seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventExceptionFormOverdue, map[string]any{"approval_id": a.ID, "form_due": due})
		d := mail.Data{
			Headline: "Exception form overdue",
			Reason:   fmt.Sprintf("The form for %s (approval %s) was due and has not been completed.", a.Summary, a.ID),
			DueBy:    w.when(due),
		}
		w.alertUser(seq, a.RequestedBy, d)
		if a.DecidedBy != nil && !strings.EqualFold(a.DecidedBy.Email, a.RequestedBy.Email) {
			w.alertUser(seq, *a.DecidedBy, d)
		}
	}
}

func (w *caseWorkflow) canCompleteForm(in caseflow.ExceptionForm) error {
	a := w.approval(in.ApprovalID)
	switch {
	case a == nil || a.Kind != caseflow.ApprovalException:
		return errRejected(caseflow.ECONFLICT, "the case has no SOP exception %s", in.ApprovalID)
	case a.Form != nil:
		return errRejected(caseflow.ECONFLICT, "the form of exception %s was already completed by %s", a.ID, a.Form.By.Actor())
	case a.FormDue == nil:
		return errRejected(caseflow.ECONFLICT, "exception %s is %s: its form is due once it is approved", a.ID, a.Status)
	case strings.TrimSpace(in.WhatWasDone) == "" || strings.TrimSpace(in.Why) == "":
		return errRejected(caseflow.EINVALID, "the exception form needs what was done and why")
	}
	return nil
}

// completeForm records the exception form and clears the overdue flag once
// no other form is late.
func (w *caseWorkflow) completeForm(ctx workflow.Context, in caseflow.ExceptionForm) {
	now := workflow.Now(ctx)
	a := w.approval(in.ApprovalID)
	form := in
	form.At = &now
	a.Form = &form
	a.Version++
	w.record(ctx, in.By.Actor(), caseflow.EventExceptionFormCompleted, map[string]any{
		"approval_id": a.ID, "what_was_done": in.WhatWasDone, "why": in.Why, "late": a.FormOverdue,
	})
	if !slices.ContainsFunc(w.Approvals, func(x *ApprovalState) bool { return x.FormOverdue && x.Form == nil }) {
		w.Case.Flags = slices.DeleteFunc(w.Case.Flags, func(f caseflow.Flag) bool { return f == caseflow.FlagExceptionFormOverdue })
	}
}

// approvalsSettled reports whether nothing about approvals is left to do
// before the case may end: every change written and signalled, and no
// exception form still inside its deadline.
func (w *caseWorkflow) approvalsSettled() bool {
	if len(w.ApprovalSignals) > 0 {
		return false
	}
	return !slices.ContainsFunc(w.Approvals, func(a *ApprovalState) bool {
		return a.Written < a.Version || a.Status == caseflow.ApprovalPending || (a.FormDue != nil && a.Form == nil && !a.FormOverdue)
	})
}

// approvalViews is the case's approvals as the API shows them.
func (w *caseWorkflow) approvalViews() []caseflow.Approval {
	if len(w.Approvals) == 0 {
		return nil
	}
	out := make([]caseflow.Approval, len(w.Approvals))
	for i, a := range w.Approvals {
		out[i] = a.Approval
	}
	return out
}

// approvalWriter writes changed approvals to the read model, oldest request
// first; the write is idempotent and versioned, so retries are safe.
func (w *caseWorkflow) approvalWriter(ctx workflow.Context) {
	var acts *activities.Activities
	actx := workflow.WithActivityOptions(ctx, recordOptions)
	for {
		var next *ApprovalState
		if workflow.Await(ctx, func() bool {
			i := slices.IndexFunc(w.Approvals, func(a *ApprovalState) bool { return a.Written < a.Version })
			if i >= 0 {
				next = w.Approvals[i]
			}
			return i >= 0
		}) != nil {
			return
		}
		snapshot := next.Approval
		if err := workflow.ExecuteActivity(actx, acts.RecordApproval, snapshot).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("approval not written; will try again", "approval", snapshot.ID, "error", err)
			continue
		}
		next.Written = max(next.Written, snapshot.Version)
	}
}

// approvalSignaler sends the approval workflows their signals in order,
// each once what it waits for is done. An approval that has ended needs no
// signal, so a failed one is dropped.
func (w *caseWorkflow) approvalSignaler(ctx workflow.Context) {
	ready := func(s ApprovalSignal) bool {
		a := w.approval(s.ID)
		return a == nil || (a.Started && w.Recorded >= s.AfterSeq && a.Written >= s.AfterVersion)
	}
	for {
		if workflow.Await(ctx, func() bool { return len(w.ApprovalSignals) > 0 && ready(w.ApprovalSignals[0]) }) != nil {
			return
		}
		s := w.ApprovalSignals[0]
		id := caseflow.ApprovalWorkflowID(s.ID)
		var sent workflow.Future
		if s.Recorded != nil {
			sent = workflow.SignalExternalWorkflow(ctx, id, "", caseflow.SignalApprovalRecorded, *s.Recorded)
		} else {
			sent = workflow.SignalExternalWorkflow(ctx, id, "", caseflow.SignalWithdraw, *s.Withdraw)
		}
		if err := sent.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Info("approval not signalled: it has ended", "approval", s.ID, "error", err)
		}
		w.ApprovalSignals = w.ApprovalSignals[1:]
	}
}

// fieldsText joins validation failures into one message, fields in order.
func fieldsText(f caseflow.Fields) string {
	names := workflow.DeterministicKeys(f)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + " " + f[name]
	}
	return strings.Join(parts, "; ")
}
