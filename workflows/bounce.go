package workflows

import (
	"go.temporal.io/sdk/workflow"

	"caseflow"
)

// A customer email the provider could not deliver goes on the timeline, so
// the agent sees it and reaches the customer another way. The delivery
// webhook sends it as a signal: nobody waits for an answer.

// registerBounces starts the receiver of SignalEmailBounced.
func (w *caseWorkflow) registerBounces(ctx workflow.Context) {
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, caseflow.SignalEmailBounced)
		for {
			var b caseflow.EmailBounce
			ch.Receive(ctx, &b)
			w.emailBounced(ctx, b)
		}
	})
}

// drainBounces takes in bounces that arrived but were not received yet, so
// continue-as-new does not lose them.
func (w *caseWorkflow) drainBounces(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, caseflow.SignalEmailBounced)
	var b caseflow.EmailBounce
	for ch.ReceiveAsync(&b) {
		w.emailBounced(ctx, b)
		b = caseflow.EmailBounce{}
	}
}

func (w *caseWorkflow) emailBounced(ctx workflow.Context, b caseflow.EmailBounce) {
	state := b.State
	if state == "" {
		state = caseflow.EmailBounced
	}
	w.record(ctx, caseflow.ActorSystem, caseflow.EventEmailBounced, map[string]any{
		"email": b.Email, "reason": truncate(b.Reason, 500), "template": b.Template, "state": state,
	})
}
