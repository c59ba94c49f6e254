package workflows

import (
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/policy"
)

// The approval workflow (SPEC steps 5 and 6): one small durable workflow per
// request that needs more authority than its requester has, a child of its
// case with a readable ID (approval-CS-2026-000123-1), so operators see
// every pending approval in the Temporal Web UI. It waits for a decision
// from the tier asked; at each deadline the next tier with the authority is
// asked, and past the last one's the request expires. The case keeps the
// timeline and the read model: the approval reports every change to it, and
// answers a decision only once the case has recorded it.

// ApprovalInput starts an approval: the request as its case recorded it, and
// the policy the case pinned (its calendar and decide_within).
type ApprovalInput struct {
	Approval caseflow.Approval `json:"approval"`
	Policy   *policy.Policy    `json:"policy"`
}

// Approval is the approval workflow, registered as
// caseflow.ApprovalWorkflowName. It returns the request as it ended.
func Approval(ctx workflow.Context, in ApprovalInput) (caseflow.Approval, error) {
	w := &approvalWorkflow{a: in.Approval, policy: in.Policy, recorded: map[int]caseflow.ApprovalRecorded{}}
	if p := workflow.GetInfo(ctx).ParentWorkflowExecution; p != nil {
		w.caseID = p.ID // no run ID: the case's current run, whatever continued as new
	}
	if err := w.register(ctx); err != nil {
		return w.a, err
	}
	for w.a.Status == caseflow.ApprovalPending && w.a.Due != nil {
		if wait := w.a.Due.Sub(workflow.Now(ctx)); wait > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return w.a.Status != caseflow.ApprovalPending }); err != nil {
				return w.a, err
			}
		}
		if w.a.Status == caseflow.ApprovalPending && !workflow.Now(ctx).Before(*w.a.Due) {
			w.climb(ctx)
		}
	}
	// A decision still waiting for the case to record it answers first.
	err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return w.a, err
}

type approvalWorkflow struct {
	a      caseflow.Approval
	policy *policy.Policy
	caseID string
	// step numbers the reports to the case; recorded holds its answers.
	step     int
	recorded map[int]caseflow.ApprovalRecorded
}

func (w *approvalWorkflow) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, caseflow.QueryApproval, func() (caseflow.Approval, error) { return w.a, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, caseflow.UpdateDecide, w.decide,
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, d caseflow.Decision) error { return w.canDecide(d) }},
	); err != nil {
		return err
	}
	// The approval never continues as new: nothing to drain.
	onSignal(ctx, caseflow.SignalApprovalRecorded, func(_ workflow.Context, r caseflow.ApprovalRecorded) {
		w.recorded[r.Step] = r
	})
	onSignal(ctx, caseflow.SignalWithdraw, func(_ workflow.Context, r caseflow.Withdraw) {
		// A decision already taken stands until the case refuses it.
		if w.a.Status == caseflow.ApprovalPending {
			w.withdrawn(r.Reason)
		}
	})
	return nil
}

// canDecide refuses, before anything changes, a decider without the
// authority (403) and a request that is no longer pending (409).
func (w *approvalWorkflow) canDecide(d caseflow.Decision) error {
	if e := w.a.CheckDecider(d.By); e != nil {
		return errRejected(e.Code, "%s", e.Message)
	}
	if !slices.Contains(caseflow.DecisionKinds, d.Decision) {
		return errRejected(caseflow.EINVALID, "decision %q is not approve or reject", d.Decision)
	}
	if d.Decision == caseflow.DecisionReject && strings.TrimSpace(d.Note) == "" {
		return errRejected(caseflow.EINVALID, "a rejection needs a note: the requester must learn why")
	}
	return nil
}

// decide takes the decision, reports it to the case and answers once the
// case has recorded it, so the decider's next look at the timeline (or the
// inbox) shows it.
func (w *approvalWorkflow) decide(ctx workflow.Context, d caseflow.Decision) (caseflow.Approval, error) {
	if err := w.canDecide(d); err != nil {
		return caseflow.Approval{}, err // two decisions validated together: the first one won
	}
	now := workflow.Now(ctx)
	w.a.Status = caseflow.ApprovalApproved
	if d.Decision == caseflow.DecisionReject {
		w.a.Status = caseflow.ApprovalRejected
	}
	by := d.By
	w.a.DecidedBy, w.a.DecidedAt, w.a.Note = &by, &now, d.Note
	step, sent := w.report(ctx)
	if err := sent.Get(ctx, nil); err != nil {
		w.withdrawn("the case is no longer running")
		return caseflow.Approval{}, w.refusal()
	}
	if err := workflow.Await(ctx, func() bool { _, ok := w.recorded[step]; return ok }); err != nil {
		return caseflow.Approval{}, err
	}
	r := w.recorded[step]
	if r.Refused != "" {
		w.withdrawn(r.Refused)
		return caseflow.Approval{}, w.refusal()
	}
	if r.Approval != nil {
		return *r.Approval, nil // as the case and the inbox now show it
	}
	return w.a, nil
}

func (w *approvalWorkflow) withdrawn(reason string) {
	w.a.Status, w.a.Note = caseflow.ApprovalWithdrawn, reason
	w.a.DecidedBy, w.a.DecidedAt = nil, nil
}

func (w *approvalWorkflow) refusal() error {
	e := w.a.NotPending()
	return errRejected(e.Code, "%s", e.Message)
}

// climb asks the next tier with the authority once the deadline passed,
// with a new deadline; past the last tier's deadline the request expires.
func (w *approvalWorkflow) climb(ctx workflow.Context) {
	now := workflow.Now(ctx)
	if i := slices.Index(w.a.Approvers, w.a.Tier); i >= 0 && i+1 < len(w.a.Approvers) {
		due := w.policy.Authority.DecideWithin.From(w.policy.Calendar(), now)
		w.a.Tier, w.a.Due = w.a.Approvers[i+1], &due
		w.a.Climbs++
	} else {
		w.a.Status = caseflow.ApprovalExpired
	}
	if _, sent := w.report(ctx); sent.Get(ctx, nil) != nil {
		workflow.GetLogger(ctx).Warn("approval change not reported: the case is no longer running", "approval", w.a.ID)
	}
}

// report tells the case how the request now stands.
func (w *approvalWorkflow) report(ctx workflow.Context) (int, workflow.Future) {
	w.step++
	return w.step, workflow.SignalExternalWorkflow(ctx, w.caseID, "", caseflow.SignalApprovalChanged,
		caseflow.ApprovalChanged{Approval: w.a, Step: w.step})
}
