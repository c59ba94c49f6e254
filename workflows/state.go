package workflows

import (
	"time"

	"caseflow"
	"caseflow/mail"
	"caseflow/policy"
)

// Input starts a case (Intake) or carries it across continue-as-new (State).
type Input struct {
	Intake *caseflow.Intake `json:"intake,omitempty"`
	// Policy, when the starter sends it with the intake, is the policy the
	// case pins; without it the worker's current policy is fetched.
	Policy *policy.Policy `json:"policy,omitempty"`
	State  *State         `json:"state,omitempty"`
	// EventsPerRun continues the case as new once a run has recorded this
	// many timeline events (zero: DefaultEventsPerRun), or sooner when the
	// server suggests it. Tests lower it.
	EventsPerRun int `json:"events_per_run,omitempty"`
}

// DefaultEventsPerRun keeps a run's history well under Temporal's limits:
// each event costs a handful of history events.
const DefaultEventsPerRun = 1000

// State is everything a case workflow knows, in one struct so that
// continue-as-new carries it whole.
type State struct {
	Policy *policy.Policy `json:"policy"`
	Case   caseflow.Case  `json:"case"`

	// Seq is the last timeline event issued; Recorded the last one written
	// to Postgres. Events and emails wait in Pending and Mail until written
	// or sent; their keys come from Seq, so retries and new runs cannot collide.
	Seq      int64            `json:"seq"`
	Recorded int64            `json:"recorded"`
	Pending  []caseflow.Event `json:"pending,omitempty"`
	Mail     []Outgoing       `json:"mail,omitempty"`
	// Later holds staff alerts held back until business hours.
	Later []Outgoing `json:"later,omitempty"`

	FirstResponse Clock `json:"first_response"`
	Resolution    Clock `json:"resolution"`

	// Ack is the escalation waiting for its tier to take it.
	Ack *PendingAck `json:"ack,omitempty"`
	// Wait is set while the case waits on the customer.
	Wait *Waiting `json:"wait,omitempty"`

	// RepeatEscalated is set once the repeat-contact rule has escalated in
	// this open period; PriorityOverridden once an agent set the priority.
	RepeatEscalated    bool      `json:"repeat_escalated"`
	PriorityOverridden bool      `json:"priority_overridden"`
	ExpectedBy         time.Time `json:"expected_by"` // the resolution time last promised to the customer
	ReopenUntil        time.Time `json:"reopen_until"`

	// Surveys counts the surveys planned so far (each resolution plans one);
	// SurveyReminded is set once the current one's reminder went out.
	Surveys        int  `json:"surveys"`
	SurveyReminded bool `json:"survey_reminded"`

	// Approvals are the case's recovery approvals and SOP exceptions, in the
	// order asked (their IDs number them from 1); ApprovalSignals are the
	// messages for their approval workflows still to send (recovery.go).
	Approvals       []*ApprovalState `json:"approvals,omitempty"`
	ApprovalSignals []ApprovalSignal `json:"approval_signals,omitempty"`

	// Search holds the search attribute values last written.
	Search map[string]string `json:"search,omitempty"`
}

// PendingAck is an escalation (or a start above the agent tier) waiting for
// someone of Tier to acknowledge it by Due.
type PendingAck struct {
	Tier   caseflow.Tier `json:"tier"`
	Due    time.Time     `json:"due"`
	Since  time.Time     `json:"since"`
	Climbs int           `json:"climbs"`
}

// Waiting tracks follow-ups while the case waits on the customer.
type Waiting struct {
	Since     time.Time `json:"since"`
	Reason    string    `json:"reason"`
	Reminders int       `json:"reminders"` // follow-up reminders sent so far
}

// Outgoing is an email the workflow decided to send: to the customer (To
// set) or to the staff of some roles (Roles set). Key makes it idempotent.
type Outgoing struct {
	Key      string          `json:"key"`
	Template string          `json:"template"`
	To       string          `json:"to,omitempty"`
	ToName   string          `json:"to_name,omitempty"`
	Roles    []caseflow.Role `json:"roles,omitempty"`
	Data     mail.Data       `json:"data"`
	At       time.Time       `json:"at,omitempty"` // not before (staff alerts out of hours)
	SurveyID string          `json:"survey_id,omitempty"`
	// Resend, when set, is the outbox key of an email to send again as is.
	Resend string `json:"resend,omitempty"`
}
