package workflows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"caseflow"
	"caseflow/policy"
	"caseflow/workflows"
)

// The survey goes out send_after (1h) the resolution with a signed link,
// reminds once after remind_after (3d) and expires after expire_after (14d).
func TestSurveySentRemindedThenExpires(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(301)
	h.resolveAt(time.Hour)
	h.look(time.Hour+59*time.Minute, "before sending")
	h.look(2*time.Hour+time.Minute, "sent")
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if s := h.view("before sending").Survey; s == nil || s.Status != caseflow.SurveyScheduled {
		t.Fatalf("survey before send_after: %+v", s)
	}
	s := h.view("sent").Survey
	if s.Status != caseflow.SurveySent || s.ID != n+"/1" {
		t.Fatalf("survey after send_after: %+v", s)
	}
	sentAt := one(t, "survey_sent", h.events(n, caseflow.EventSurveySent)).At
	mustAt(t, "survey sent", sentAt, tuesday10.Add(2*time.Hour))
	mustAt(t, "reminder", one(t, "survey_reminder_sent", h.events(n, caseflow.EventSurveyReminded)).At, sentAt.Add(3*24*time.Hour))
	mustAt(t, "expired", one(t, "survey_expired", h.events(n, caseflow.EventSurveyExpired)).At, sentAt.Add(14*24*time.Hour))

	survey := only(t, h.emails(n), "survey", carla)
	if !strings.Contains(survey.Text, "http://caseflow.test/s/") || !strings.Contains(survey.Subject, n) {
		t.Errorf("survey email lacks its signed link or number:\n%s\n%s", survey.Subject, survey.Text)
	}
}

func TestSurveyAnswerIsSingleUseAndRecorded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(302)
	h.resolveAt(time.Hour)
	answer := caseflow.SurveyAnswer{SurveyID: n + "/1", CSAT: 5, NPS: 10, Comment: "Quick and kind."}
	h.at(90*time.Minute, "too early", caseflow.UpdateSurveyAnswer, answer)
	h.at(3*time.Hour, "answer", caseflow.UpdateSurveyAnswer, answer)
	h.at(4*time.Hour, "again", caseflow.UpdateSurveyAnswer, answer)
	h.at(5*time.Hour, "forged id", caseflow.UpdateSurveyAnswer, caseflow.SurveyAnswer{SurveyID: n + "/9", CSAT: 1, NPS: 0})
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	h.rejected("too early", caseflow.ECONFLICT)
	c := h.ok("answer")
	if c.Survey.Status != caseflow.SurveyAnswered || *c.Survey.CSAT != 5 || *c.Survey.NPS != 10 || c.Survey.Low {
		t.Errorf("answered survey: %+v", c.Survey)
	}
	h.rejected("again", caseflow.ECONFLICT)
	h.rejected("forged id", caseflow.ECONFLICT)
	ev := one(t, "survey_answered", h.events(n, caseflow.EventSurveyAnswered))
	dataIs(t, ev, "csat", 5.0, "nps", 10.0, "comment", "Quick and kind.")
	if ev.Actor != caseflow.ActorCustomer {
		t.Errorf("answered by %q, want the customer", ev.Actor)
	}
	// Answered: no reminder, and the case ends with its reopen window.
	if got := h.events(n, caseflow.EventSurveyReminded); len(got) != 0 {
		t.Errorf("a reminder after the answer: %v", got)
	}
	if got := templates(h.emails(n), carla); !slices.Equal(got, []string{"acknowledgement", "resolution", "survey"}) {
		t.Errorf("customer emails %v", got)
	}
}

func TestLowScoreOpensACloseTheLoopTaskForTeamLeads(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(303)
	h.resolveAt(time.Hour)
	h.at(3*time.Hour, "answer", caseflow.UpdateSurveyAnswer, caseflow.SurveyAnswer{SurveyID: n + "/1", CSAT: 2, NPS: 8, Comment: "Took too long."})
	h.at(4*time.Hour, "agent closes loop", caseflow.UpdateCloseTheLoop, caseflow.CloseTheLoop{Note: "called", By: alice})
	// Past the reopen window and the survey's expiry the case waits for the follow-up.
	h.look(20*24*time.Hour, "still open task")
	h.at(20*24*time.Hour+time.Minute, "lead closes loop", caseflow.UpdateCloseTheLoop, caseflow.CloseTheLoop{Note: "Called Carla, apologised, sent a voucher.", By: tom})
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	c := h.ok("answer")
	if !c.Survey.Low || !c.HasFlag(caseflow.FlagCloseTheLoop) {
		t.Fatalf("CSAT 2 is low: survey %+v flags %v", c.Survey, c.Flags)
	}
	h.rejected("agent closes loop", caseflow.EFORBIDDEN)
	if v := h.view("still open task"); !v.HasFlag(caseflow.FlagCloseTheLoop) || v.Status != caseflow.StatusClosed {
		t.Errorf("the task stays open on the closed case: %s %v", v.Status, v.Flags)
	}
	if c := h.ok("lead closes loop"); c.HasFlag(caseflow.FlagCloseTheLoop) {
		t.Errorf("the flag stays after the follow-up: %v", c.Flags)
	}
	one(t, "close_the_loop_opened", h.events(n, caseflow.EventCloseTheLoopOpened))
	done := one(t, "close_the_loop_done", h.events(n, caseflow.EventCloseTheLoopDone))
	if done.Actor != tom.Email {
		t.Errorf("close the loop recorded by %s", done.Actor)
	}
	if got := sent(h.emails(n), "staff_alert", tom.Email); got != 1 {
		t.Errorf("team lead alerts: %d, want 1", got)
	}
}

func TestReopenCancelsAPendingSurvey(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(304)
	h.resolveAt(time.Hour)
	h.at(3*time.Hour, "reopen", caseflow.UpdateReopen, caseflow.Reopen{Reason: "not fixed", By: alice})
	h.at(4*time.Hour, "answer old survey", caseflow.UpdateSurveyAnswer, caseflow.SurveyAnswer{SurveyID: n + "/1", CSAT: 5, NPS: 9})
	h.at(5*time.Hour, "resolve again", caseflow.UpdateResolve, caseflow.Resolve{Resolution: "Fixed", RootCause: "config", By: alice})
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.ok("reopen"); c.Survey.Status != caseflow.SurveyCancelled {
		t.Errorf("survey after reopen: %+v", c.Survey)
	}
	h.rejected("answer old survey", caseflow.ECONFLICT)
	one(t, "survey_cancelled", h.events(n, caseflow.EventSurveyCancelled))
	if c := h.ok("resolve again"); c.Survey.ID != n+"/2" || c.Survey.Status != caseflow.SurveyScheduled {
		t.Errorf("the new resolution plans a new survey: %+v", c.Survey)
	}
}

func TestAutoResolvedCaseIsNotSurveyed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(305)
	h.at(time.Minute, "wait", caseflow.UpdateWait, caseflow.Wait{Reason: "Please send a photo.", By: alice})
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})
	if got := h.events(n, caseflow.EventSurveySent); len(got) != 0 {
		t.Errorf("auto-resolved case surveyed: %v", got)
	}
	if r := one(t, "resolved", h.events(n, caseflow.EventResolved)); r.Data["auto"] != true {
		t.Errorf("resolved: %+v", r.Data)
	}
}

func TestCustomerAsksForASupervisor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(306)
	h.at(10*time.Minute, "no reason", caseflow.UpdateCustomerEscalate, caseflow.CustomerEscalate{})
	h.at(20*time.Minute, "ask", caseflow.UpdateCustomerEscalate, caseflow.CustomerEscalate{Reason: "Nobody has answered me."})
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	h.rejected("no reason", caseflow.EINVALID)
	c := h.ok("ask")
	if c.Tier != caseflow.TierTeamLead || !c.HasFlag(caseflow.FlagSupervisorRequested) {
		t.Errorf("after the customer's request: tier %s flags %v", c.Tier, c.Flags)
	}
	if raised := one(t, "flags_raised", h.events(n, caseflow.EventFlagsRaised)); raised.Actor != caseflow.ActorCustomer {
		t.Errorf("raised by %q, want the customer", raised.Actor)
	}
	one(t, "escalated", h.events(n, caseflow.EventEscalated))
}
