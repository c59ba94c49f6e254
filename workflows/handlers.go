package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/mail"
)

// register installs the query and every update and signal handler. Each
// validator says no (with a code the API maps to 409, 403 or 400) before
// anything changes; each handler changes state, then answers once its events
// are on the timeline, so a caller reading the timeline next sees them.
func (w *caseWorkflow) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, caseflow.QueryCase, func() (caseflow.Case, error) {
		return w.view(workflow.Now(ctx)), nil
	}); err != nil {
		return err
	}
	if err := update(ctx, w, caseflow.UpdateIntake, func(struct{}) error { return nil },
		func(ctx workflow.Context, _ struct{}) {}); err != nil {
		return err
	}
	updates := []func() error{
		func() error {
			return update(ctx, w, caseflow.UpdateInteraction, w.canInteract, func(ctx workflow.Context, in caseflow.Interaction) {
				w.interact(ctx, in)
			})
		},
		func() error {
			return update(ctx, w, caseflow.UpdateAssign, func(in caseflow.Assign) error {
				if err := w.notClosed(); err != nil {
					return err
				}
				if strings.EqualFold(in.Assignee, w.Case.Assignee) {
					return errRejected(caseflow.ECONFLICT, "the case is already assigned to %s", in.Assignee)
				}
				return nil
			}, func(ctx workflow.Context, in caseflow.Assign) {
				from := w.Case.Assignee
				w.Case.Assignee = in.Assignee
				w.record(ctx, in.By.Actor(), caseflow.EventAssigned, map[string]any{"from": from, "to": in.Assignee})
			})
		},
		func() error {
			return update(ctx, w, caseflow.UpdatePriority, func(in caseflow.PriorityChange) error {
				if err := w.mustBeOpen("change the priority of"); err != nil {
					return err
				}
				if !in.Priority.Valid() {
					return errRejected(caseflow.EINVALID, "priority %q is not one of critical, high, medium, normal", in.Priority)
				}
				if strings.TrimSpace(in.Reason) == "" {
					return errRejected(caseflow.EINVALID, "a priority change needs a reason")
				}
				if in.Priority == w.Case.Priority {
					return errRejected(caseflow.ECONFLICT, "the case is already %s priority", in.Priority)
				}
				return nil
			}, w.changePriority)
		},
		func() error {
			return update(ctx, w, caseflow.UpdateFlags, func(in caseflow.RaiseFlags) error {
				if err := w.mustBeOpen("raise flags on"); err != nil {
					return err
				}
				for _, f := range in.Flags {
					if !f.Valid() {
						return errRejected(caseflow.EINVALID, "%q is not a flag", f)
					}
				}
				if len(w.newFlags(in.Flags)) == 0 {
					return errRejected(caseflow.ECONFLICT, "the case already carries every one of those flags")
				}
				return nil
			}, w.raiseFlags)
		},
		func() error {
			return update(ctx, w, caseflow.UpdateWait, func(in caseflow.Wait) error {
				if err := w.mustBeOpen("wait on the customer for"); err != nil {
					return err
				}
				if w.Case.Status == caseflow.StatusWaitingOnCustomer {
					return errRejected(caseflow.ECONFLICT, "the case is already waiting on the customer")
				}
				return nil
			}, w.wait)
		},
		func() error {
			return update(ctx, w, caseflow.UpdateCustomerReply, func(in caseflow.CustomerReply) error {
				if !w.Case.Status.Open() && !workflow.Now(ctx).Before(w.ReopenUntil) {
					return errRejected(caseflow.ECONFLICT, "the case is closed and its reopen window has ended; open a new case")
				}
				return nil
			}, w.customerReplied)
		},
		func() error {
			return update(ctx, w, caseflow.UpdateEscalate, func(in caseflow.Escalate) error {
				if err := w.mustBeOpen("escalate"); err != nil {
					return err
				}
				if strings.TrimSpace(in.Reason) == "" {
					return errRejected(caseflow.EINVALID, "an escalation needs a reason")
				}
				if _, ok := w.Policy.NextTier(w.Case.Tier); !ok {
					return errRejected(caseflow.ECONFLICT, "the case is already at the top of the chain (%s)", w.Case.Tier)
				}
				return nil
			}, func(ctx workflow.Context, in caseflow.Escalate) {
				w.escalate(ctx, workflow.Now(ctx), in.By.Actor(), "agent", in.Reason)
			})
		},
		func() error {
			return update(ctx, w, caseflow.UpdateAcknowledgeEscalation, func(in caseflow.Acknowledge) error {
				if w.Ack == nil {
					return errRejected(caseflow.ECONFLICT, "no escalation is waiting to be acknowledged")
				}
				if t, ok := in.By.Role.Tier(); !ok || t.Rank() < w.Ack.Tier.Rank() {
					return errRejected(caseflow.EFORBIDDEN, "this escalation is for the %s tier; a %s cannot acknowledge it", w.Ack.Tier, in.By.Role)
				}
				return nil
			}, w.acknowledge)
		},
		func() error {
			return update(ctx, w, caseflow.UpdateResolve, func(in caseflow.Resolve) error {
				if err := w.mustBeOpen("resolve"); err != nil {
					return err
				}
				if strings.TrimSpace(in.Resolution) == "" || strings.TrimSpace(in.RootCause) == "" {
					return errRejected(caseflow.EINVALID, "a resolution needs what was done and the root cause")
				}
				return nil
			}, func(ctx workflow.Context, in caseflow.Resolve) {
				w.resolve(ctx, workflow.Now(ctx), in.By.Actor(), in.Resolution, in.RootCause, false)
			})
		},
		func() error {
			return update(ctx, w, caseflow.UpdateReopen, func(in caseflow.Reopen) error {
				if w.Case.Status.Open() {
					return errRejected(caseflow.ECONFLICT, "the case is %s: only a resolved or closed case can be reopened", w.Case.Status)
				}
				if !workflow.Now(ctx).Before(w.ReopenUntil) {
					return errRejected(caseflow.ECONFLICT, "the reopen window ended at %s; open a new case", w.ReopenUntil.Format("2006-01-02 15:04 MST"))
				}
				return nil
			}, func(ctx workflow.Context, in caseflow.Reopen) {
				w.reopen(ctx, workflow.Now(ctx), in.By.Actor(), in.Reason)
			})
		},
		func() error {
			return update(ctx, w, caseflow.UpdateClose, func(in caseflow.Close) error {
				if w.Case.Status != caseflow.StatusResolved {
					return errRejected(caseflow.ECONFLICT, "the case is %s: only a resolved case can be closed", w.Case.Status)
				}
				return nil
			}, func(ctx workflow.Context, in caseflow.Close) {
				w.close(ctx, workflow.Now(ctx), in.By.Actor(), in.Reason)
			})
		},
	}
	for _, register := range updates {
		if err := register(); err != nil {
			return err
		}
	}
	if err := w.registerSurvey(ctx); err != nil {
		return err
	}
	if err := update(ctx, w, caseflow.UpdateResendEmail, func(in caseflow.ResendEmail) error {
		if !strings.HasPrefix(in.Key, w.Case.Number+"/") {
			return errRejected(caseflow.EINVALID, "that email is not one of this case's")
		}
		return nil
	}, func(ctx workflow.Context, in caseflow.ResendEmail) {
		seq := w.record(ctx, in.By.Actor(), caseflow.EventEmailResent, map[string]any{"of": in.Key})
		w.Mail = append(w.Mail, Outgoing{Key: fmt.Sprintf("%s/%d/resend", w.Case.Number, seq), Resend: in.Key})
	}); err != nil {
		return err
	}
	w.drains = append(w.drains, onSignal(ctx, caseflow.SignalEmailBounced, w.emailBounced))
	if err := w.registerApprovals(ctx); err != nil {
		return err
	}
	// Replies that arrive by email are fire-and-forget.
	w.drains = append(w.drains, onSignal(ctx, caseflow.SignalCustomerReply, w.customerReplied))
	return nil
}

// onSignal handles each name signal as it arrives, and returns what takes in
// those that arrived but were not received yet, so continue-as-new loses none.
func onSignal[T any](ctx workflow.Context, name string, handle func(workflow.Context, T)) (drain func(workflow.Context)) {
	ch := workflow.GetSignalChannel(ctx, name)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var v T
			ch.Receive(ctx, &v)
			handle(ctx, v)
		}
	})
	return func(ctx workflow.Context) {
		for {
			var v T // fresh each time: a payload never inherits the last one's fields
			if !ch.ReceiveAsync(&v) {
				return
			}
			handle(ctx, v)
		}
	}
}

// update registers one update: validate, change, wait until recorded, answer
// with the case as it now stands.
func update[T any](ctx workflow.Context, w *caseWorkflow, name string, validate func(T) error, apply func(workflow.Context, T)) error {
	return updateAnswering(ctx, w, name, validate, func(ctx workflow.Context, in T) func(workflow.Context) (caseflow.Case, error) {
		apply(ctx, in)
		return func(ctx workflow.Context) (caseflow.Case, error) { return w.view(workflow.Now(ctx)), nil }
	})
}

// updateAnswering registers an update whose answer is more than the case:
// apply changes the state and returns how to answer once its events are
// recorded (the answer may wait for more, or refuse after all).
func updateAnswering[T, R any](ctx workflow.Context, w *caseWorkflow, name string, validate func(T) error, apply func(workflow.Context, T) func(workflow.Context) (R, error)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (R, error) {
			var none R
			// Intake first: an update that races the start waits for the case to exist.
			if err := workflow.Await(ctx, func() bool { return w.Case.Number != "" }); err != nil {
				return none, err
			}
			if err := validate(in); err != nil {
				return none, err // it raced intake; judged now the case exists
			}
			answer := apply(ctx, in)
			seq := w.Seq
			if err := workflow.Await(ctx, func() bool { return w.Recorded >= seq }); err != nil {
				return none, err
			}
			return answer(ctx)
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			if w.Case.Number == "" {
				return nil // intake still running; the handler waits for it
			}
			return validate(in)
		}},
	)
}

func (w *caseWorkflow) mustBeOpen(doing string) error {
	if !w.Case.Status.Open() {
		return errRejected(caseflow.ECONFLICT, "the case is %s: reopen it to %s it", w.Case.Status, doing)
	}
	return nil
}

func (w *caseWorkflow) notClosed() error {
	if w.Case.Status == caseflow.StatusClosed {
		return errRejected(caseflow.ECONFLICT, "the case is closed")
	}
	return nil
}

func (w *caseWorkflow) canInteract(in caseflow.Interaction) error {
	if !slices.Contains(caseflow.InteractionKinds, in.Kind) {
		return errRejected(caseflow.EINVALID, "interaction kind %q is not one of reply, note, call, chat", in.Kind)
	}
	if in.Kind == caseflow.InteractionNote {
		return w.notClosed() // notes may document a resolved case
	}
	return w.mustBeOpen(string(in.Kind) + " on")
}

func (w *caseWorkflow) interact(ctx workflow.Context, in caseflow.Interaction) {
	now := workflow.Now(ctx)
	c := &w.Case
	c.Interactions++
	c.HandleSeconds += in.HandleSeconds
	seq := w.record(ctx, in.By.Actor(), caseflow.EventInteraction, map[string]any{
		"kind": in.Kind, "body": in.Body, "handle_seconds": in.HandleSeconds,
	})
	if in.Kind != caseflow.InteractionReply {
		return
	}
	w.emailCustomer(seq, mail.Reply, mail.Data{Body: in.Body, AgentName: in.By.Name})
	if w.FirstResponse.Meet(now) {
		w.record(ctx, in.By.Actor(), caseflow.EventFirstResponseMet, map[string]any{
			"due": w.FirstResponse.Due, "late": w.FirstResponse.State == caseflow.ClockBreached,
		})
	}
	switch c.Status {
	case caseflow.StatusNew, caseflow.StatusAcknowledged, caseflow.StatusReopened:
		c.Status = caseflow.StatusInProgress
	}
}

func (w *caseWorkflow) changePriority(ctx workflow.Context, in caseflow.PriorityChange) {
	now := workflow.Now(ctx)
	c := &w.Case
	from := c.Priority
	c.Priority = in.Priority
	w.PriorityOverridden = true
	// The new target counts from when the resolution clock started, not from now.
	due, _ := w.Policy.ResolutionDue(w.Resolution.Start, c.Channel, c.Priority)
	if w.Resolution.Open() {
		w.Resolution.Retarget(w.cal(), now, due, w.Policy.Targets.WarnAt)
		w.ExpectedBy = w.Resolution.Due
	}
	w.record(ctx, in.By.Actor(), caseflow.EventPriorityChanged, map[string]any{
		"from": from, "to": in.Priority, "reason": in.Reason, "resolution_due": w.Resolution.Due,
	})
	w.escalateIfPriorityCalls(ctx, now, in.By.Actor())
}

func (w *caseWorkflow) newFlags(flags []caseflow.Flag) []caseflow.Flag {
	var fresh []caseflow.Flag
	for _, f := range flags {
		if !slices.Contains(w.Case.Flags, f) && !slices.Contains(fresh, f) {
			fresh = append(fresh, f)
		}
	}
	return fresh
}

func (w *caseWorkflow) raiseFlags(ctx workflow.Context, in caseflow.RaiseFlags) {
	now := workflow.Now(ctx)
	fresh := w.newFlags(in.Flags)
	w.Case.Flags = append(w.Case.Flags, fresh...)
	w.record(ctx, in.By.Actor(), caseflow.EventFlagsRaised, map[string]any{"flags": fresh, "reason": in.Reason})
	// Flags can only raise the priority the rules give, never lower an agent's choice.
	jumped := false
	if pr, rule := w.Policy.Priority(w.facts()); !w.PriorityOverridden && rank(pr) < rank(w.Case.Priority) {
		from := w.Case.Priority
		w.Case.Priority = pr
		due, _ := w.Policy.ResolutionDue(w.Resolution.Start, w.Case.Channel, pr)
		w.Resolution.Retarget(w.cal(), now, due, w.Policy.Targets.WarnAt)
		w.record(ctx, caseflow.ActorSystem, caseflow.EventPriorityChanged, map[string]any{
			"from": from, "to": pr, "reason": "rule matched: " + w.Policy.PriorityRules[rule].Describe(), "resolution_due": w.Resolution.Due,
		})
		jumped = w.escalateIfPriorityCalls(ctx, now, caseflow.ActorSystem)
	}
	if jumped {
		fresh = nil // already at the tier the priority calls for: one escalation, not two
	}
	w.checkTriggers(ctx, now, fresh, in.By.Actor())
}

func rank(p caseflow.Priority) int { return slices.Index(caseflow.Priorities, p) }

func (w *caseWorkflow) wait(ctx workflow.Context, in caseflow.Wait) {
	now := workflow.Now(ctx)
	cal := w.cal()
	w.Case.Status = caseflow.StatusWaitingOnCustomer
	w.Wait = &Waiting{Since: now, Reason: in.Reason}
	w.record(ctx, in.By.Actor(), caseflow.EventWaitingOnCustomer, map[string]any{"reason": in.Reason, "first_reminder_at": w.followUpAt()})
	frPaused, resPaused := w.FirstResponse.Pause(cal, now), w.Resolution.Pause(cal, now)
	if frPaused || resPaused {
		w.record(ctx, caseflow.ActorSystem, caseflow.EventClocksPaused, map[string]any{
			"reason":                           "waiting on the customer",
			"first_response_remaining_seconds": int64(w.FirstResponse.Left.Seconds()),
			"resolution_remaining_seconds":     int64(w.Resolution.Left.Seconds()),
		})
	}
}

func (w *caseWorkflow) acknowledge(ctx workflow.Context, in caseflow.Acknowledge) {
	tier := w.Ack.Tier
	w.Ack = nil
	w.Case.Assignee = in.By.Email
	if w.Case.Status == caseflow.StatusEscalated {
		w.Case.Status = caseflow.StatusInProgress
	}
	w.record(ctx, in.By.Actor(), caseflow.EventEscalationAcked, map[string]any{"tier": tier, "note": in.Note, "assignee": in.By.Email})
}
