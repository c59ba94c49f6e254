package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/mail"
)

// The satisfaction survey (SPEC step 9): send_after the resolution a CSAT and
// NPS survey behind a signed single-use link, one reminder, then expiry. A
// reopen cancels it; a low score opens a close-the-loop task for team leads.

// scheduleSurvey plans the survey of a resolution. Auto-resolved cases are
// not surveyed: nobody answered us, so nobody will rate us.
func (w *caseWorkflow) scheduleSurvey(now time.Time, auto bool) {
	if auto {
		return
	}
	w.Surveys++
	w.SurveyReminded = false
	w.Case.Survey = &caseflow.Survey{
		ID:     fmt.Sprintf("%s/%d", w.Case.Number, w.Surveys),
		Status: caseflow.SurveyScheduled,
		SendAt: w.Policy.Survey.SendAfter.From(w.cal(), now),
	}
}

// surveyPending reports whether the survey still waits on time or the customer.
func (w *caseWorkflow) surveyPending() bool {
	s := w.Case.Survey
	return s != nil && (s.Status == caseflow.SurveyScheduled || s.Status == caseflow.SurveySent)
}

func (w *caseWorkflow) surveyRemindAt() time.Time {
	return w.Policy.Survey.RemindAfter.From(w.cal(), *w.Case.Survey.SentAt)
}

// surveyDeadline is the survey's next moment to act, or zero.
func (w *caseWorkflow) surveyDeadline() time.Time {
	s := w.Case.Survey
	switch {
	case s == nil:
	case s.Status == caseflow.SurveyScheduled:
		return s.SendAt
	case s.Status == caseflow.SurveySent && !w.SurveyReminded && !w.Policy.Survey.RemindAfter.IsZero():
		if r := w.surveyRemindAt(); r.Before(*s.ExpiresAt) {
			return r
		}
		return *s.ExpiresAt
	case s.Status == caseflow.SurveySent:
		return *s.ExpiresAt
	}
	return time.Time{}
}

func (w *caseWorkflow) surveyOnTime(ctx workflow.Context, now time.Time) {
	s := w.Case.Survey
	if s == nil {
		return
	}
	if s.Status == caseflow.SurveyScheduled && !now.Before(s.SendAt) {
		expires := w.Policy.Survey.ExpireAfter.From(w.cal(), now)
		s.Status, s.SentAt, s.ExpiresAt = caseflow.SurveySent, &now, &expires
		seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventSurveySent, map[string]any{"survey_id": s.ID, "expires_at": expires})
		w.emailSurvey(seq, mail.Survey, s.ID)
		return
	}
	if s.Status != caseflow.SurveySent {
		return
	}
	if !now.Before(*s.ExpiresAt) {
		s.Status = caseflow.SurveyExpired
		w.record(ctx, caseflow.ActorSystem, caseflow.EventSurveyExpired, map[string]any{"survey_id": s.ID})
		return
	}
	if !w.SurveyReminded && !w.Policy.Survey.RemindAfter.IsZero() && !now.Before(w.surveyRemindAt()) {
		w.SurveyReminded = true
		seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventSurveyReminded, map[string]any{"survey_id": s.ID})
		w.emailSurvey(seq, mail.SurveyReminder, s.ID)
	}
}

func (w *caseWorkflow) emailSurvey(seq int64, template, id string) {
	w.emailCustomer(seq, template, mail.Data{})
	w.Mail[len(w.Mail)-1].SurveyID = id
}

// cancelSurvey withdraws an unanswered survey when the case reopens.
func (w *caseWorkflow) cancelSurvey(ctx workflow.Context) {
	if !w.surveyPending() {
		return
	}
	w.Case.Survey.Status = caseflow.SurveyCancelled
	w.record(ctx, caseflow.ActorSystem, caseflow.EventSurveyCancelled, map[string]any{"survey_id": w.Case.Survey.ID, "reason": "the case was reopened"})
}

func (w *caseWorkflow) canAnswerSurvey(in caseflow.SurveyAnswer) error {
	s := w.Case.Survey
	switch {
	case s == nil || s.ID != in.SurveyID:
		return errRejected(caseflow.ECONFLICT, "this survey is no longer open")
	case s.Status == caseflow.SurveyAnswered:
		return errRejected(caseflow.ECONFLICT, "this survey was already answered")
	case s.Status == caseflow.SurveyExpired:
		return errRejected(caseflow.ECONFLICT, "this survey has expired")
	case s.Status != caseflow.SurveySent:
		return errRejected(caseflow.ECONFLICT, "this survey is no longer open")
	case in.CSAT < 1 || in.CSAT > 5:
		return errRejected(caseflow.EINVALID, "csat must be from 1 to 5")
	case in.NPS < 0 || in.NPS > 10:
		return errRejected(caseflow.EINVALID, "nps must be from 0 to 10")
	}
	return nil
}

func (w *caseWorkflow) answerSurvey(ctx workflow.Context, in caseflow.SurveyAnswer) {
	now := workflow.Now(ctx)
	s := w.Case.Survey
	csat, nps := in.CSAT, in.NPS
	s.Status, s.AnsweredAt, s.CSAT, s.NPS, s.Comment = caseflow.SurveyAnswered, &now, &csat, &nps, in.Comment
	s.Low = csat <= w.Policy.Survey.LowCSAT || nps <= w.Policy.Survey.LowNPS
	w.record(ctx, caseflow.ActorCustomer, caseflow.EventSurveyAnswered, map[string]any{
		"survey_id": s.ID, "csat": csat, "nps": nps, "comment": in.Comment, "low": s.Low,
	})
	if !s.Low {
		return
	}
	if !slices.Contains(w.Case.Flags, caseflow.FlagCloseTheLoop) {
		w.Case.Flags = append(w.Case.Flags, caseflow.FlagCloseTheLoop)
	}
	seq := w.record(ctx, caseflow.ActorSystem, caseflow.EventCloseTheLoopOpened, map[string]any{
		"csat": csat, "nps": nps, "for": caseflow.TierTeamLead,
	})
	w.alertStaff(now, seq, rolesFor(caseflow.TierTeamLead), false, mail.Data{
		Headline: "Low satisfaction score: follow up with the customer",
		Reason:   fmt.Sprintf("CSAT %d, NPS %d. %s", csat, nps, strings.TrimSpace(in.Comment)),
	})
}

func (w *caseWorkflow) canCloseTheLoop(in caseflow.CloseTheLoop) error {
	if !slices.Contains(w.Case.Flags, caseflow.FlagCloseTheLoop) {
		return errRejected(caseflow.ECONFLICT, "no close-the-loop follow-up is open on this case")
	}
	if t, ok := in.By.Role.Tier(); !ok || t.Rank() < caseflow.TierTeamLead.Rank() {
		return errRejected(caseflow.EFORBIDDEN, "a team lead or above records the close-the-loop follow-up")
	}
	if strings.TrimSpace(in.Note) == "" {
		return errRejected(caseflow.EINVALID, "say what was done to close the loop")
	}
	return nil
}

func (w *caseWorkflow) closeTheLoop(ctx workflow.Context, in caseflow.CloseTheLoop) {
	w.Case.Flags = slices.DeleteFunc(w.Case.Flags, func(f caseflow.Flag) bool { return f == caseflow.FlagCloseTheLoop })
	w.record(ctx, in.By.Actor(), caseflow.EventCloseTheLoopDone, map[string]any{"note": in.Note})
}

// registerSurvey installs the survey's and the customer page's updates.
func (w *caseWorkflow) registerSurvey(ctx workflow.Context) error {
	if err := update(ctx, w, caseflow.UpdateSurveyAnswer, w.canAnswerSurvey, w.answerSurvey); err != nil {
		return err
	}
	if err := update(ctx, w, caseflow.UpdateCloseTheLoop, w.canCloseTheLoop, w.closeTheLoop); err != nil {
		return err
	}
	return update(ctx, w, caseflow.UpdateCustomerEscalate, func(in caseflow.CustomerEscalate) error {
		if err := w.mustBeOpen("escalate"); err != nil {
			return err
		}
		if strings.TrimSpace(in.Reason) == "" {
			return errRejected(caseflow.EINVALID, "tell us why you would like a supervisor")
		}
		return nil
	}, func(ctx workflow.Context, in caseflow.CustomerEscalate) {
		if !slices.Contains(w.Case.Flags, caseflow.FlagSupervisorRequested) {
			// Raising the flag escalates when the policy says so, as an agent's would.
			w.raiseFlags(ctx, caseflow.RaiseFlags{Flags: []caseflow.Flag{caseflow.FlagSupervisorRequested}, Reason: in.Reason})
			return
		}
		w.escalate(ctx, workflow.Now(ctx), caseflow.ActorCustomer, "customer_request", in.Reason)
	})
}
