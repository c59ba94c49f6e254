package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"caseflow"
)

// TestRecordHistories runs real cases through every part of the workflows and
// saves their histories for workflows/replay_test.go, which must keep
// replaying them. It records only when CASEFLOW_RECORD_HISTORIES names the
// folder to write to (`make histories`); a normal run has nothing to record.
func TestRecordHistories(t *testing.T) {
	dir := os.Getenv("CASEFLOW_RECORD_HISTORIES")
	if dir == "" {
		t.Skip("recording histories only with CASEFLOW_RECORD_HISTORIES set (make histories)")
	}
	s := startWith(t, surveyFirst) // sends the survey a second after resolution

	// A full lifecycle: work, waiting, survey, reopen, resolve again.
	a := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelPhone)), 201).caseBody(t).Number
	post := func(role caseflow.Role, number, path string, body map[string]any) {
		t.Helper()
		must(t, s.call(role, "POST", "/api/v1/cases/"+number+path, body), 200)
	}
	post(caseflow.RoleAgent, a, "/interactions", map[string]any{"kind": "reply", "body": "On it.", "handle_seconds": 120})
	post(caseflow.RoleAgent, a, "/interactions", map[string]any{"kind": "note", "body": "Checked the carrier."})
	post(caseflow.RoleAgent, a, "/assign", map[string]any{"assignee": s.users[caseflow.RoleAgent].Email})
	post(caseflow.RoleAgent, a, "/priority", map[string]any{"priority": "high", "reason": "travelling tomorrow"})
	post(caseflow.RoleAgent, a, "/wait", map[string]any{"reason": "Which address?"})
	post(caseflow.RoleAgent, a, "/customer-reply", map[string]any{"body": "The office."})
	post(caseflow.RoleAgent, a, "/resolve", map[string]any{"resolution": "Shipped again", "root_cause": "lost parcel"})
	eventually(t, 20*time.Second, "the survey", func() bool { return s.sent(a, "survey") == 1 })
	update(t, s, a, caseflow.UpdateSurveyAnswer, caseflow.SurveyAnswer{SurveyID: a + "/1", CSAT: 2, NPS: 5, Comment: "slow"})
	post(caseflow.RoleTeamLead, a, "/reopen", map[string]any{"reason": "it broke again"})
	post(caseflow.RoleAgent, a, "/resolve", map[string]any{"resolution": "Refunded", "root_cause": "faulty batch"})
	post(caseflow.RoleAgent, a, "/close", map[string]any{"reason": "customer confirmed"})

	// Escalation, acknowledgement, a recovery approval and an exception.
	b := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelEmail)), 201).caseBody(t).Number
	eventually(t, 20*time.Second, "the breach escalation", func() bool { return countType(s.timeline(b), caseflow.EventEscalated) == 1 })
	post(caseflow.RoleTeamLead, b, "/acknowledge-escalation", map[string]any{"note": "mine"})
	var asked struct {
		ApprovalID string `json:"approval_id"`
	}
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+b+"/recovery-actions",
		map[string]any{"action": "discount", "percent": 20, "justification": "late twice"}), 200).json(t, &asked)
	must(t, s.call(caseflow.RoleSupervisor, "POST", "/api/v1/cases/"+b+"/approvals/"+asked.ApprovalID+"/decision",
		map[string]any{"decision": "approve", "note": "fair"}), 200)
	post(caseflow.RoleAgent, b, "/flags", map[string]any{"flags": []string{"legal_threat"}, "reason": "mentioned a lawyer"})
	post(caseflow.RoleAgent, b, "/resolve", map[string]any{"resolution": "Discount applied", "root_cause": "carrier delays"})

	for name, id := range map[string]string{
		"lifecycle":  caseflow.WorkflowID(a),
		"escalation": caseflow.WorkflowID(b),
		"approval":   caseflow.ApprovalWorkflowID(asked.ApprovalID),
	} {
		saveHistory(t, s, id, filepath.Join(dir, name+".json"))
	}
}

func update(t *testing.T, s *system, number, name string, arg any) {
	t.Helper()
	h, err := s.temporal.UpdateWorkflow(context.Background(), clientUpdate(number, name, arg))
	if err == nil {
		err = h.Get(context.Background(), nil)
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func saveHistory(t *testing.T, s *system, workflowID, path string) {
	t.Helper()
	var h historypb.History
	iter := s.temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s: %d events", path, len(h.Events))
}

func clientUpdate(number, name string, arg any) client.UpdateWorkflowOptions {
	return client.UpdateWorkflowOptions{
		WorkflowID: caseflow.WorkflowID(number), UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
}
