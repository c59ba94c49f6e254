package caseflow

import (
	"strings"
	"testing"
	"time"
)

func TestExceptionKindOfCountsRepeatsAsOneKind(t *testing.T) {
	for in, want := range map[string]string{
		"Refund without a receipt.":    "refund_without_a_receipt",
		"refund  without a RECEIPT":    "refund_without_a_receipt",
		"  Refund—without (a) receipt": "refund_without_a_receipt",
		"Échange après 30 jours":       "échange_après_30_jours",
		"":                             "unspecified",
		"!!!":                          "unspecified",
		strings.Repeat("ab ", 40):      strings.Repeat("ab_", 21) + "a", // at most 64 characters
	} {
		if got := ExceptionKindOf(in); got != want {
			t.Errorf("ExceptionKindOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecoveryActionSaysWhatItIs(t *testing.T) {
	for _, tc := range []struct {
		a    RecoveryAction
		want string
	}{
		{RecoveryAction{Kind: RecoveryDiscount, Percent: 12.5}, "a 12.5% discount"},
		{RecoveryAction{Kind: RecoveryComplimentary, Value: 150, Details: "headphones"}, "a complimentary product or service worth $150.00"},
		{RecoveryAction{Kind: RecoveryRefund}, "a full refund"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%+v says %q, want %q", tc.a, got, tc.want)
		}
	}
	if got := (RecoveryAction{Kind: RecoveryComplimentary, Value: 150, Details: "headphones"}).Summary(); got != "a complimentary product or service worth $150.00 (headphones)" {
		t.Errorf("summary %q", got)
	}
	f := Fields{}
	RecoveryAction{Kind: RecoveryApology, Value: 5}.Check(f)
	if _, ok := f["value"]; !ok || len(f) != 1 {
		t.Errorf("an apology with a value: %v", f)
	}
	if RecoveryApology.AffectsCustomer() || !RecoveryExpeditedShipping.AffectsCustomer() {
		t.Error("only an apology leaves what the customer gets unchanged")
	}
}

func TestCheckDeciderNamesTheTierNeededThenTheFirstDecision(t *testing.T) {
	at := time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC)
	a := Approval{
		ID: "CS-2026-000001-1", Kind: ApprovalRecovery, Action: &RecoveryAction{Kind: RecoveryDiscount, Percent: 20, Details: "for Carla Customer"},
		Status: ApprovalPending, Approvers: []Tier{TierSupervisor, TierManager},
	}
	lead := User{Email: "tom@example.com", Role: RoleTeamLead}
	sue := User{Email: "sue@example.com", Role: RoleSupervisor}
	if e := a.CheckDecider(lead); e == nil || e.Code != EFORBIDDEN || e.Message != "deciding on a 20% discount needs a supervisor or above; your role is team_lead" {
		t.Errorf("team lead: %v", e)
	}
	if e := a.CheckDecider(User{Role: RoleQA}); e == nil || e.Code != EFORBIDDEN {
		t.Errorf("qa: %v", e)
	}
	if e := a.CheckDecider(User{Role: RoleAdmin}); e != nil {
		t.Errorf("an admin decides as a manager: %v", e)
	}
	if e := a.CheckDecider(sue); e != nil {
		t.Errorf("supervisor: %v", e)
	}
	a.Status, a.DecidedBy, a.DecidedAt = ApprovalApproved, &sue, &at
	if e := a.CheckDecider(User{Role: RoleManager}); e == nil || e.Code != ECONFLICT || e.Message != "approval CS-2026-000001-1 was already approved by sue@example.com at 2026-12-01T15:30:00Z" {
		t.Errorf("second decision: %v", e)
	}
	for id, want := range map[string]string{"CS-2026-000001-12": "CS-2026-000001", "CS-2026-000001": "", "CS-2026-000001-0": "", "x-1": ""} {
		if got := ApprovalOf(id); got != want {
			t.Errorf("ApprovalOf(%q) = %q, want %q", id, got, want)
		}
	}
}
