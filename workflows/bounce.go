package workflows

import (
	"go.temporal.io/sdk/workflow"

	"caseflow"
)

// A customer email the provider could not deliver goes on the timeline, so
// the agent sees it and reaches the customer another way. The delivery
// webhook sends it as a signal: nobody waits for an answer.

func (w *caseWorkflow) emailBounced(ctx workflow.Context, b caseflow.EmailBounce) {
	state := b.State
	if state == "" {
		state = caseflow.EmailBounced
	}
	w.record(ctx, caseflow.ActorSystem, caseflow.EventEmailBounced, map[string]any{
		"email": b.Email, "reason": truncate(b.Reason, 500), "template": b.Template, "state": state,
	})
}
