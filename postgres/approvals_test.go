package postgres_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"caseflow"
	"caseflow/postgres"
)

var (
	teamLeadUp   = []caseflow.Tier{caseflow.TierTeamLead, caseflow.TierSupervisor, caseflow.TierManager}
	supervisorUp = []caseflow.Tier{caseflow.TierSupervisor, caseflow.TierManager}
)

// pendingApproval is case seq's n-th approval, pending at the first of
// approvers until due.
func pendingApproval(seq, n int, approvers []caseflow.Tier, due time.Time) caseflow.Approval {
	number := caseflow.CaseNumber(2025, seq)
	return caseflow.Approval{
		ID: caseflow.ApprovalID(number, n), Number: number, Kind: caseflow.ApprovalRecovery,
		Action:  &caseflow.RecoveryAction{Kind: caseflow.RecoveryDiscount, Percent: 10},
		Summary: "a 10% discount", Justification: "late twice",
		RequestedBy: caseflow.User{Email: "alice@example.com", Role: caseflow.RoleAgent},
		RequestedAt: base.Truncate(time.Microsecond),
		Status:      caseflow.ApprovalPending, Approvers: approvers, Tier: approvers[0], Due: &due, Version: 1,
	}
}

func ids(approvals []caseflow.Approval) []string {
	out := make([]string, len(approvals))
	for i, a := range approvals {
		out[i] = a.ID
	}
	return out
}

func TestPutApprovalNeverGoesBackwards(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	a := pendingApproval(1, 1, teamLeadUp, base.Add(4*time.Hour).Truncate(time.Microsecond))
	decided := a
	now := base.Add(time.Hour).Truncate(time.Microsecond)
	decided.Status, decided.DecidedAt, decided.Version = caseflow.ApprovalApproved, &now, 2
	decided.DecidedBy = &caseflow.User{Email: "tom@example.com", Role: caseflow.RoleTeamLead}
	// A retried write, then a late retry of the first one.
	for _, w := range []caseflow.Approval{a, decided, decided, a} {
		if err := db.PutApproval(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.GetApproval(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, decided) {
		t.Fatalf("GetApproval = %+v, %v\nwant %+v", got, err, decided)
	}
	_, err = db.GetApproval(ctx, "CS-2025-000009-1")
	wantCode(t, err, caseflow.ENOTFOUND)
}

func TestListApprovalsIsTheInboxOfATier(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour).Truncate(time.Microsecond) }
	late := pendingApproval(1, 1, teamLeadUp, at(6))
	soon := pendingApproval(2, 1, teamLeadUp, at(2))
	refund := pendingApproval(2, 2, supervisorUp, at(4))
	done := pendingApproval(3, 1, teamLeadUp, at(1))
	done.Status, done.DecidedAt = caseflow.ApprovalRejected, new(at(1))
	for _, a := range []caseflow.Approval{late, soon, refund, done} {
		if err := db.PutApproval(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    postgres.ApprovalFilter
		want []string
	}{
		{"a team lead's pending, oldest deadline first", postgres.ApprovalFilter{Tier: caseflow.TierTeamLead, Statuses: []caseflow.ApprovalStatus{caseflow.ApprovalPending}}, []string{soon.ID, late.ID}},
		{"a supervisor's pending", postgres.ApprovalFilter{Tier: caseflow.TierSupervisor, Statuses: []caseflow.ApprovalStatus{caseflow.ApprovalPending}}, []string{soon.ID, refund.ID, late.ID}},
		{"an agent decides nothing", postgres.ApprovalFilter{Tier: caseflow.TierAgent}, []string{}},
		{"decided", postgres.ApprovalFilter{Tier: caseflow.TierTeamLead, Statuses: []caseflow.ApprovalStatus{caseflow.ApprovalRejected}}, []string{done.ID}},
		{"one case", postgres.ApprovalFilter{Number: soon.Number}, []string{soon.ID, refund.ID}},
	} {
		got, err := db.ListApprovals(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ids(got), tc.want)
		}
	}
}

func TestExceptionCountsGroupRepeatsByKind(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	exception := func(seq, n int, label string, status caseflow.ApprovalStatus, at time.Time) caseflow.Approval {
		a := pendingApproval(seq, n, supervisorUp, at.Add(4*time.Hour))
		a.Kind, a.Action, a.Deviation, a.ExceptionKind = caseflow.ApprovalException, nil, label, caseflow.ExceptionKindOf(label)
		a.Status, a.RequestedAt = status, at
		return a
	}
	day := base.Truncate(24 * time.Hour)
	for _, a := range []caseflow.Approval{
		exception(1, 1, "Refund without a receipt.", caseflow.ApprovalApproved, day.Add(1*time.Hour)),
		exception(2, 1, "refund  without a RECEIPT", caseflow.ApprovalGranted, day.Add(2*time.Hour)),
		exception(2, 2, "Refund without a receipt", caseflow.ApprovalRejected, day.Add(3*time.Hour)),
		exception(3, 1, "Replacement shipped before return", caseflow.ApprovalWithdrawn, day.Add(4*time.Hour)),
		exception(4, 1, "Refund without a receipt", caseflow.ApprovalApproved, day.Add(30*time.Hour)), // the next day
		pendingApproval(5, 1, teamLeadUp, day.Add(5*time.Hour)),                                       // a recovery approval, not an exception
	} {
		if err := db.PutApproval(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.ExceptionCounts(ctx, day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []postgres.ExceptionCount{
		{Kind: "refund_without_a_receipt", Count: 3, Approved: 2, Cases: 2},
		{Kind: "replacement_shipped_before_return", Count: 1, Withdrawn: 1, Cases: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exception counts %+v\nwant %+v", got, want)
	}
}
