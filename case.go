package caseflow

import (
	"regexp"
	"time"
)

// Customer is the person the case is for. Personal data stays in payloads and
// Postgres; it never goes into workflow IDs, search attributes or error text.
type Customer struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Phone      string `json:"phone,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	VIP        bool   `json:"vip"`
}

// ClockState is where an SLA clock stands.
type ClockState string

const (
	ClockRunning  ClockState = "running"
	ClockPaused   ClockState = "paused"
	ClockMet      ClockState = "met"
	ClockBreached ClockState = "breached"
)

// Clock is one SLA promise (first response or resolution).
type Clock struct {
	// Due is when the promise falls due; while paused it is the due time as it
	// stood when the pause began.
	Due time.Time `json:"due"`
	// RemainingSeconds is the business time left until Due (negative once
	// breached). While paused it stays frozen at the pause.
	RemainingSeconds int64      `json:"remaining_seconds"`
	Paused           bool       `json:"paused"`
	State            ClockState `json:"state"`
	WarnAt           time.Time  `json:"warn_at"`
	Warned           bool       `json:"warned"`
	MetAt            *time.Time `json:"met_at,omitempty"`
	BreachedAt       *time.Time `json:"breached_at,omitempty"`
	// Business is true when the target is measured in business time.
	Business bool `json:"business"`
}

// Clocks holds a case's two promises.
type Clocks struct {
	FirstResponse Clock `json:"first_response"`
	Resolution    Clock `json:"resolution"`
}

// Case is a case as the API and the read model show it.
type Case struct {
	Number        string     `json:"number"`
	Status        Status     `json:"status"`
	Priority      Priority   `json:"priority"`
	Tier          Tier       `json:"tier"`
	Assignee      string     `json:"assignee"`
	Channel       Channel    `json:"channel"`
	Category      Category   `json:"category"`
	Customer      Customer   `json:"customer"`
	Subject       string     `json:"subject"`
	Description   string     `json:"description"`
	Amount        *float64   `json:"amount,omitempty"`
	Flags         []Flag     `json:"flags"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	ReopenUntil   *time.Time `json:"reopen_until,omitempty"`
	Clocks        Clocks     `json:"clocks"`
	Resolution    string     `json:"resolution,omitempty"`
	RootCause     string     `json:"root_cause,omitempty"`
	PolicyVersion string     `json:"policy_version"`
	// Interactions counts agent interactions (reply, note, call, chat);
	// Contacts counts customer contacts (intake and replies).
	Interactions  int   `json:"interactions"`
	Contacts      int   `json:"contacts"`
	HandleSeconds int64 `json:"handle_seconds"`
	Reopened      int   `json:"reopened"`
	// AutoResolved is set when the case resolved itself after follow-ups
	// went unanswered (not first-contact resolution, not surveyed).
	AutoResolved bool `json:"auto_resolved"`
	// Survey is the satisfaction survey of the last resolution, if any.
	Survey *Survey `json:"survey,omitempty"`
	// ExpectedBy is the resolution time last promised to the customer.
	ExpectedBy *time.Time `json:"expected_by,omitempty"`
	// AwaitingAck is the escalation waiting for its tier to take the case.
	AwaitingAck *AwaitingAck `json:"awaiting_ack,omitempty"`
	// RelatedTo is the earlier case this one follows up, if any.
	RelatedTo string `json:"related_to,omitempty"`
	// Approvals are the case's recovery approvals and SOP exceptions, in
	// the order asked (pending ones have status pending).
	Approvals []Approval `json:"approvals,omitempty"`
	// Version is the sequence number of the last event applied; the read model
	// never goes backwards.
	Version int64 `json:"version"`
}

// SurveyStatus is where a satisfaction survey stands.
type SurveyStatus string

const (
	SurveyScheduled SurveyStatus = "scheduled"
	SurveySent      SurveyStatus = "sent"
	SurveyAnswered  SurveyStatus = "answered"
	SurveyExpired   SurveyStatus = "expired"
	SurveyCancelled SurveyStatus = "cancelled" // the case reopened before an answer
)

// Survey is a CSAT/NPS survey sent after a resolution.
type Survey struct {
	ID         string       `json:"id"`
	Status     SurveyStatus `json:"status"`
	SendAt     time.Time    `json:"send_at"`
	SentAt     *time.Time   `json:"sent_at,omitempty"`
	ExpiresAt  *time.Time   `json:"expires_at,omitempty"`
	AnsweredAt *time.Time   `json:"answered_at,omitempty"`
	CSAT       *int         `json:"csat,omitempty"`
	NPS        *int         `json:"nps,omitempty"`
	Comment    string       `json:"comment,omitempty"`
	Low        bool         `json:"low,omitempty"` // opened a close-the-loop task
}

// AwaitingAck is an escalation that Tier must acknowledge by Due.
type AwaitingAck struct {
	Tier Tier      `json:"tier"`
	Due  time.Time `json:"due"`
}

// HasFlag reports whether the case carries the flag.
func (c *Case) HasFlag(f Flag) bool {
	for _, x := range c.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// Breached reports whether either clock has been breached.
func (c *Case) Breached() bool {
	return c.Clocks.FirstResponse.State == ClockBreached || c.Clocks.Resolution.State == ClockBreached
}

var numberRE = regexp.MustCompile(`^CS-\d{4}-\d{6}$`)

// ValidNumber reports whether s is a well-formed case number.
func ValidNumber(s string) bool { return numberRE.MatchString(s) }

// FindNumber returns the first case number in s (an email subject, say), or "".
func FindNumber(s string) string {
	return regexp.MustCompile(`CS-\d{4}-\d{6}`).FindString(s)
}

// EventType names what happened on a case.
type EventType string

const (
	EventOpened               EventType = "case_opened"
	EventPrioritySet          EventType = "priority_set"
	EventAcknowledged         EventType = "acknowledged"
	EventEmailQueued          EventType = "email_queued"
	EventInteraction          EventType = "interaction"
	EventFirstResponseMet     EventType = "first_response_met"
	EventAssigned             EventType = "assigned"
	EventPriorityChanged      EventType = "priority_changed"
	EventFlagsRaised          EventType = "flags_raised"
	EventWaitingOnCustomer    EventType = "waiting_on_customer"
	EventCustomerReplied      EventType = "customer_replied"
	EventClocksPaused         EventType = "clocks_paused"
	EventClocksResumed        EventType = "clocks_resumed"
	EventSLAWarning           EventType = "sla_warning"
	EventSLABreached          EventType = "sla_breached"
	EventEscalated            EventType = "escalated"
	EventRouted               EventType = "routed_to_tier"
	EventFollowUpSent         EventType = "follow_up_sent"
	EventEmailFailed          EventType = "email_failed"
	EventEmailUncertain       EventType = "email_uncertain"
	EventEmailResent          EventType = "email_resent"
	EventEscalationAcked      EventType = "escalation_acknowledged"
	EventEscalationReminder   EventType = "escalation_reminder"
	EventResolved             EventType = "resolved"
	EventReopened             EventType = "reopened"
	EventClosed               EventType = "closed"
	EventContinuedAsNew       EventType = "history_compacted"
	EventStatusChanged        EventType = "status_changed"
	EventRecoveryRequested    EventType = "recovery_requested"
	EventApprovalDecided      EventType = "approval_decided"
	EventExceptionRequested   EventType = "exception_requested"
	EventExceptionFormOverdue EventType = "exception_form_overdue"
	EventSurveySent           EventType = "survey_sent"
	EventSurveyReminded       EventType = "survey_reminder_sent"
	EventSurveyAnswered       EventType = "survey_answered"
	EventSurveyExpired        EventType = "survey_expired"
	EventSurveyCancelled      EventType = "survey_cancelled"
	EventCloseTheLoopOpened   EventType = "close_the_loop_opened"
	EventCloseTheLoopDone     EventType = "close_the_loop_done"
	EventEmailBounced         EventType = "email_bounced"

	// Service recovery and SOP exceptions (see approval.go).
	EventRecoveryGranted        EventType = "recovery_granted"
	EventApprovalEscalated      EventType = "approval_escalated" // a deadline passed: the next tier is asked
	EventApprovalExpired        EventType = "approval_expired"
	EventApprovalWithdrawn      EventType = "approval_withdrawn"
	EventExceptionFormReminder  EventType = "exception_form_reminder"
	EventExceptionFormCompleted EventType = "exception_form_completed"
)

// Event is one entry of a case's timeline: who did what, when and why.
type Event struct {
	Number string         `json:"number"`
	Seq    int64          `json:"seq"`
	Type   EventType      `json:"type"`
	At     time.Time      `json:"at"`
	Actor  string         `json:"actor"`
	Data   map[string]any `json:"data,omitempty"`
}
