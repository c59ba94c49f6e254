package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"caseflow"
)

// These tests check what the approvals endpoints decide before asking
// Temporal (input, roles) and what they read from the read model (the
// inbox); the e2e tests drive the workflows behind them.

func TestApprovalEndpointsNameEveryBadField(t *testing.T) {
	a := newTestAPI(t)
	const n = "/api/v1/cases/CS-2026-000001"
	for _, tc := range []struct {
		role       caseflow.Role
		path, body string
		fields     []string
	}{
		{caseflow.RoleAgent, n + "/recovery-actions", `{}`, []string{"action", "justification"}},
		{caseflow.RoleAgent, n + "/recovery-actions", `{"action":"hug","justification":"x"}`, []string{"action"}},
		{caseflow.RoleAgent, n + "/recovery-actions", `{"action":"discount","justification":"x"}`, []string{"percent"}},
		{caseflow.RoleAgent, n + "/recovery-actions", `{"action":"discount","percent":120,"justification":"x"}`, []string{"percent"}},
		{caseflow.RoleAgent, n + "/recovery-actions", `{"action":"complimentary","value":-5,"justification":"x"}`, []string{"value"}},
		{caseflow.RoleAgent, n + "/recovery-actions", `{"action":"refund","value":5,"percent":10}`, []string{"value", "percent", "justification"}},
		{caseflow.RoleAgent, n + "/exceptions", `{"kind":"x"}`, []string{"deviation", "justification"}},
		{caseflow.RoleAgent, n + "/exceptions/CS-2026-000001-1/form", `{}`, []string{"what_was_done", "why"}},
		{caseflow.RoleAgent, n + "/exceptions/CS-2026-000002-1/form", `{"what_was_done":"x","why":"y"}`, []string{"id"}},
		{caseflow.RoleTeamLead, n + "/approvals/CS-2026-000001-1/decision", `{"decision":"maybe"}`, []string{"decision"}},
		{caseflow.RoleTeamLead, n + "/approvals/CS-2026-000001-1/decision", `{"decision":"reject"}`, []string{"note"}},
		{caseflow.RoleTeamLead, n + "/approvals/1/decision", `{"decision":"approve"}`, []string{"id"}},
	} {
		t.Run(tc.path+" "+tc.body, func(t *testing.T) {
			namesFields(t, apiError(t, a.do(tc.role, http.MethodPost, tc.path, tc.body), http.StatusBadRequest), tc.fields...)
		})
	}
}

func TestApprovalEndpointsRoles(t *testing.T) {
	a := newTestAPI(t)
	const n = "/api/v1/cases/CS-2026-000001"
	for _, tc := range []struct {
		name         string
		role         caseflow.Role
		method, path string
		body         string
	}{
		{"qa may not ask for a recovery action", caseflow.RoleQA, http.MethodPost, n + "/recovery-actions", `{"action":"apology","justification":"x"}`},
		{"qa may not ask for an exception", caseflow.RoleQA, http.MethodPost, n + "/exceptions", `{"deviation":"x","justification":"y"}`},
		{"an agent may not decide", caseflow.RoleAgent, http.MethodPost, n + "/approvals/CS-2026-000001-1/decision", `{"decision":"approve"}`},
		{"qa may not decide", caseflow.RoleQA, http.MethodPost, n + "/approvals/CS-2026-000001-1/decision", `{"decision":"approve"}`},
		{"an agent has no approvals inbox", caseflow.RoleAgent, http.MethodGet, "/api/v1/approvals", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := apiError(t, a.do(tc.role, tc.method, tc.path, tc.body), http.StatusForbidden)
			if !strings.Contains(body.Error.Message, string(tc.role)) {
				t.Errorf("message %q does not name the caller's role", body.Error.Message)
			}
		})
	}
}

func TestInboxListsWhatTheCallersTierMayDecide(t *testing.T) {
	a := newTestAPI(t)
	base := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	put := func(number string, seq int, approvers []caseflow.Tier, due time.Duration, status caseflow.ApprovalStatus) string {
		d := base.Add(due)
		ap := caseflow.Approval{
			ID: caseflow.ApprovalID(number, seq), Number: number, Kind: caseflow.ApprovalRecovery,
			Action:  &caseflow.RecoveryAction{Kind: caseflow.RecoveryRefund},
			Summary: "a full refund", RequestedBy: caseflow.User{Email: "agent@example.com", Role: caseflow.RoleAgent},
			RequestedAt: base, Status: status, Approvers: approvers, Tier: approvers[0], Due: &d, Version: 1,
		}
		if err := a.db.PutApproval(t.Context(), ap); err != nil {
			t.Fatal(err)
		}
		return ap.ID
	}
	leadUp := []caseflow.Tier{caseflow.TierTeamLead, caseflow.TierSupervisor, caseflow.TierManager}
	supUp := []caseflow.Tier{caseflow.TierSupervisor, caseflow.TierManager}
	late := put("CS-2026-000001", 1, leadUp, 3*time.Hour, caseflow.ApprovalPending)
	refund := put("CS-2026-000002", 1, supUp, 2*time.Hour, caseflow.ApprovalPending)
	soon := put("CS-2026-000003", 1, leadUp, time.Hour, caseflow.ApprovalPending)
	rejected := put("CS-2026-000003", 2, leadUp, time.Hour, caseflow.ApprovalRejected)

	inbox := func(role caseflow.Role, query string) []string {
		t.Helper()
		rec := a.do(role, http.MethodGet, "/api/v1/approvals"+query, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", role, query, rec.Code, rec.Body)
		}
		var body struct {
			Approvals []caseflow.Approval `json:"approvals"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Approvals == nil {
			t.Fatalf("inbox body %s: %v", rec.Body, err)
		}
		var ids []string
		for _, ap := range body.Approvals {
			ids = append(ids, ap.ID)
		}
		return ids
	}
	for _, tc := range []struct {
		role  caseflow.Role
		query string
		want  []string
	}{
		{caseflow.RoleTeamLead, "", []string{soon, late}},
		{caseflow.RoleSupervisor, "", []string{soon, refund, late}},
		{caseflow.RoleAdmin, "", []string{soon, refund, late}}, // an admin acts as a manager
		{caseflow.RoleTeamLead, "?status=rejected", []string{rejected}},
		{caseflow.RoleTeamLead, "?status=pending,rejected&number=CS-2026-000003", []string{soon, rejected}},
		{caseflow.RoleSupervisor, "?limit=1", []string{soon}},
	} {
		if got := inbox(tc.role, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s%s: %v, want %v", tc.role, tc.query, got, tc.want)
		}
	}
	namesFields(t, apiError(t, a.do(caseflow.RoleTeamLead, http.MethodGet, "/api/v1/approvals?status=lost&number=x&tier=manager", ""), http.StatusBadRequest), "status", "number", "tier")
}
