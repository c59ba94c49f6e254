package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"caseflow"
)

// requestAnswer is the answer to a recovery action or an exception request.
type requestAnswer struct {
	Status     caseflow.ApprovalStatus `json:"status"`
	ApprovalID string                  `json:"approval_id"`
	Approval   *caseflow.Approval      `json:"approval"`
	Case       caseflow.Case           `json:"case"`
}

func (s *system) ask(role caseflow.Role, number, what string, body map[string]any) requestAnswer {
	s.t.Helper()
	var ans requestAnswer
	must(s.t, s.call(role, "POST", "/api/v1/cases/"+number+"/"+what, body), 200).json(s.t, &ans)
	return ans
}

// inbox is the IDs in a role's approvals inbox (with an optional query).
func (s *system) inbox(role caseflow.Role, query string) []string {
	s.t.Helper()
	var body struct {
		Approvals []caseflow.Approval `json:"approvals"`
	}
	must(s.t, s.call(role, "GET", "/api/v1/approvals"+query, nil), 200).json(s.t, &body)
	ids := []string{}
	for _, a := range body.Approvals {
		ids = append(ids, a.ID)
	}
	return ids
}

func (s *system) decide(role caseflow.Role, number, id, decision, note string) response {
	s.t.Helper()
	return s.call(role, "POST", "/api/v1/cases/"+number+"/approvals/"+id+"/decision", map[string]any{"decision": decision, "note": note})
}

// ofApproval is the timeline's approval events (and grants) of one approval.
func ofApproval(events []caseflow.Event, id string) []caseflow.EventType {
	var out []caseflow.EventType
	for _, e := range events {
		if e.Data["approval_id"] == id {
			out = append(out, e.Type)
		}
	}
	return out
}

// Service recovery and SOP exceptions through the HTTP API with a user of
// every role: what is granted at once, what each role's inbox holds, who may
// decide, and the timeline after each decision.
func TestRecoveryApprovalsOverHTTP(t *testing.T) {
	s := start(t)
	n := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelPhone)), 201).caseBody(t).Number
	user := func(r caseflow.Role) string { return s.users[r].Email }

	// Within an agent's authority: granted at once, on the timeline, no approval.
	apology := s.ask(caseflow.RoleAgent, n, "recovery-actions", map[string]any{"action": "apology", "justification": "we missed the promised date"})
	if apology.Status != caseflow.ApprovalGranted || apology.ApprovalID != "" {
		t.Fatalf("apology: %+v", apology)
	}
	// Beyond it: a 10% discount goes to team leads, a full refund and an SOP
	// exception to supervisors; several are pending at once.
	discount := s.ask(caseflow.RoleAgent, n, "recovery-actions", map[string]any{"action": "discount", "percent": 10, "justification": "second late delivery"})
	refund := s.ask(caseflow.RoleAgent, n, "recovery-actions", map[string]any{"action": "refund", "justification": "the customer wants out"})
	exception := s.ask(caseflow.RoleAgent, n, "exceptions", map[string]any{"deviation": "Refund without a receipt", "kind": "no receipt", "justification": "the store lost it"})
	for i, ans := range []requestAnswer{discount, refund, exception} {
		if want := caseflow.ApprovalID(n, i+1); ans.Status != caseflow.ApprovalPending || ans.ApprovalID != want {
			t.Fatalf("request %d: %+v, want pending as %s", i+1, ans, want)
		}
	}
	d, r, e := discount.ApprovalID, refund.ApprovalID, exception.ApprovalID
	if discount.Approval.Tier != caseflow.TierTeamLead || refund.Approval.Tier != caseflow.TierSupervisor || exception.Approval.Tier != caseflow.TierSupervisor {
		t.Errorf("asked tiers: %s, %s, %s", discount.Approval.Tier, refund.Approval.Tier, exception.Approval.Tier)
	}
	c := must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+n, nil), 200).caseBody(t)
	if len(c.Approvals) != 3 || c.Approvals[0].Status != caseflow.ApprovalPending || c.Approvals[2].ExceptionKind != "no_receipt" {
		t.Errorf("the case shows approvals %+v", c.Approvals)
	}

	// Each role's inbox: what it may decide, oldest deadline first.
	for _, tc := range []struct {
		role caseflow.Role
		want []string
	}{
		{caseflow.RoleTeamLead, []string{d}},
		{caseflow.RoleSupervisor, []string{d, r, e}},
		{caseflow.RoleManager, []string{d, r, e}},
		{caseflow.RoleAdmin, []string{d, r, e}},
	} {
		if got := s.inbox(tc.role, ""); !slices.Equal(got, tc.want) {
			t.Errorf("%s's inbox %v, want %v", tc.role, got, tc.want)
		}
	}
	must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/approvals", nil), 403)
	must(t, s.call(caseflow.RoleQA, "GET", "/api/v1/approvals", nil), 403)

	// The wrong role: an agent may not decide at all, a team lead not a
	// refund (403 naming the tier needed), and nothing changes.
	before := s.timeline(n)
	must(t, s.decide(caseflow.RoleAgent, n, d, "approve", ""), 403)
	var eb errorBody
	must(t, s.decide(caseflow.RoleTeamLead, n, r, "approve", "ok"), 403).json(t, &eb)
	if !strings.Contains(eb.Error.Message, "needs a supervisor or above") {
		t.Errorf("403: %s", eb.Error.Message)
	}
	if after := s.timeline(n); len(after) != len(before) {
		t.Errorf("a refused decision changed the timeline: %d events, then %d", len(before), len(after))
	}

	// The team lead approves the discount: the answer comes once the
	// timeline has it, and the customer is told what was done.
	var approved caseflow.Approval
	must(t, s.decide(caseflow.RoleTeamLead, n, d, "approve", "a fair gesture"), 200).json(t, &approved)
	if approved.Status != caseflow.ApprovalApproved || approved.DecidedBy.Email != user(caseflow.RoleTeamLead) {
		t.Errorf("approved: %+v", approved)
	}
	events := s.timeline(n)
	if got := ofApproval(events, d); !slices.Equal(got, []caseflow.EventType{caseflow.EventRecoveryRequested, caseflow.EventApprovalDecided, caseflow.EventRecoveryGranted}) {
		t.Errorf("timeline of %s after its approval: %v", d, got)
	}
	// A second decision is a conflict that names the first.
	must(t, s.decide(caseflow.RoleSupervisor, n, d, "reject", "no"), 409).json(t, &eb)
	if !strings.Contains(eb.Error.Message, "already approved by "+user(caseflow.RoleTeamLead)) {
		t.Errorf("409: %s", eb.Error.Message)
	}

	// The supervisor rejects the refund: on the timeline, and no email.
	must(t, s.decide(caseflow.RoleSupervisor, n, r, "reject", "the parcel was found"), 200)
	events = s.timeline(n)
	if got := ofApproval(events, r); !slices.Equal(got, []caseflow.EventType{caseflow.EventRecoveryRequested, caseflow.EventApprovalDecided}) {
		t.Errorf("timeline of %s after its rejection: %v", r, got)
	}
	for _, ev := range events {
		if ev.Type == caseflow.EventApprovalDecided && ev.Data["approval_id"] == r &&
			(ev.Actor != user(caseflow.RoleSupervisor) || ev.Data["decision"] != "rejected" || ev.Data["note"] != "the parcel was found") {
			t.Errorf("rejection event: %+v", ev)
		}
	}

	// The manager approves the exception; its form is then due, and done.
	var exc caseflow.Approval
	must(t, s.decide(caseflow.RoleManager, n, e, "approve", "once"), 200).json(t, &exc)
	if exc.FormDue == nil || exc.Form != nil {
		t.Errorf("approved exception: %+v", exc)
	}
	done := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/exceptions/"+e+"/form", map[string]any{"what_was_done": "refunded without a receipt", "why": "store error"}), 200).caseBody(t)
	if done.Approvals[2].Form == nil {
		t.Errorf("the form is not on the case: %+v", done.Approvals[2])
	}
	if got := ofApproval(s.timeline(n), e); !slices.Equal(got, []caseflow.EventType{caseflow.EventExceptionRequested, caseflow.EventApprovalDecided, caseflow.EventExceptionFormCompleted}) {
		t.Errorf("timeline of %s: %v", e, got)
	}

	// Inboxes afterwards: nothing pending; the decided ones by status.
	if got := s.inbox(caseflow.RoleSupervisor, ""); len(got) != 0 {
		t.Errorf("supervisor's pending after every decision: %v", got)
	}
	if got := s.inbox(caseflow.RoleTeamLead, "?status=approved"); !slices.Equal(got, []string{d}) {
		t.Errorf("team lead's approved: %v", got)
	}
	if got := s.inbox(caseflow.RoleManager, "?status=approved,rejected"); !slices.Equal(got, []string{e, r, d}) {
		t.Errorf("manager's decided, newest first: %v", got)
	}

	// A 30% discount waits for a manager; resolving the case withdraws it,
	// and a decision after that is a conflict.
	big := s.ask(caseflow.RoleAgent, n, "recovery-actions", map[string]any{"action": "discount", "percent": 30, "justification": "third failure"})
	if big.Approval.Tier != caseflow.TierManager || !slices.Equal(s.inbox(caseflow.RoleManager, ""), []string{big.ApprovalID}) {
		t.Errorf("a 30%% discount: %+v", big.Approval)
	}
	resolved := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve", map[string]any{"resolution": "discounted", "root_cause": "carrier"}), 200).caseBody(t)
	if a := resolved.Approvals[3]; a.Status != caseflow.ApprovalWithdrawn {
		t.Errorf("after the resolution: %+v", a)
	}
	must(t, s.decide(caseflow.RoleManager, n, big.ApprovalID, "approve", "ok"), 409).json(t, &eb)
	if !strings.Contains(eb.Error.Message, "withdrawn") {
		t.Errorf("409 for a withdrawn approval: %s", eb.Error.Message)
	}
	if got := s.inbox(caseflow.RoleManager, ""); len(got) != 0 {
		t.Errorf("manager's inbox after the resolution: %v", got)
	}

	// The customer heard once, about the discount: not the apology (the
	// agent gives it), not the rejected refund, not the withdrawn discount.
	eventually(t, 10*time.Second, "the recovery email", func() bool { return s.sent(n, "recovery_granted") == 1 })
	time.Sleep(500 * time.Millisecond)
	if got := s.sent(n, "recovery_granted"); got != 1 {
		t.Errorf("%d recovery emails, want 1", got)
	}
	var outbox struct {
		Emails []caseflow.Email `json:"emails"`
	}
	must(t, s.call(caseflow.RoleAdmin, "GET", "/api/v1/outbox?number="+n, nil), 200).json(t, &outbox)
	for _, m := range outbox.Emails {
		if m.Template == "recovery_granted" && !strings.Contains(m.Text, "10% discount") {
			t.Errorf("recovery email:\n%s", m.Text)
		}
	}
}
