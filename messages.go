package caseflow

// The contract between the API and the case workflow: names and payloads of
// every message. Updates answer yes (the new case) or no (an *Error whose code
// says why); queries read live state; signals are fire-and-forget.

// TaskQueue is where case workflows and their activities run.
const TaskQueue = "caseflow"

// CaseWorkflowName is the registered name of the case workflow.
const CaseWorkflowName = "Case"

// WorkflowID is the Temporal workflow ID of a case. It carries only the case
// number, never customer data.
func WorkflowID(number string) string { return "case-" + number }

// Search attributes kept current by the workflow so operators can find cases.
const (
	SearchNumber      = "CaseNumber"
	SearchStatus      = "CaseStatus"
	SearchPriority    = "CasePriority"
	SearchTier        = "CaseTier"
	SearchAssignee    = "CaseAssignee"
	SearchChannel     = "CaseChannel"
	SearchSLABreached = "CaseSLABreached"
)

// Intake opens a case: the workflow's first input.
type Intake struct {
	Number      string   `json:"number"`
	Channel     Channel  `json:"channel"`
	Category    Category `json:"category"`
	Customer    Customer `json:"customer"`
	Subject     string   `json:"subject"`
	Description string   `json:"description"`
	Amount      *float64 `json:"amount,omitempty"`
	Flags       []Flag   `json:"flags,omitempty"`
	Assignee    string   `json:"assignee,omitempty"`
	// Priority overrides the policy's rules when set; PriorityReason says why.
	Priority       Priority `json:"priority,omitempty"`
	PriorityReason string   `json:"priority_reason,omitempty"`
	// Contacts is how many earlier contacts the customer made about this
	// matter (the repeat-contact rule counts them).
	Contacts int  `json:"contacts,omitempty"`
	By       User `json:"by"`
	// RelatedTo is the number of an earlier case this one follows up (a
	// customer wrote again after that case had closed for good).
	RelatedTo string `json:"related_to,omitempty"`
}

// Message names. Each update's payload is the type named in its comment and
// its result is the case after the change.
const (
	// UpdateIntake (no payload) waits until intake is recorded and returns the
	// case; the API sends it with the start so the caller gets the case back.
	UpdateIntake = "intake"
	// UpdateInteraction takes an Interaction.
	UpdateInteraction = "interaction"
	// UpdateAssign takes an Assign.
	UpdateAssign = "assign"
	// UpdatePriority takes a PriorityChange.
	UpdatePriority = "set-priority"
	// UpdateFlags takes a RaiseFlags.
	UpdateFlags = "raise-flags"
	// UpdateWait takes a Wait: the case waits on the customer, clocks pause.
	UpdateWait = "wait"
	// UpdateCustomerReply takes a CustomerReply: the customer answered.
	UpdateCustomerReply = "customer-reply"
	// UpdateEscalate takes an Escalate: climb one tier.
	UpdateEscalate = "escalate"
	// UpdateAcknowledgeEscalation takes an Acknowledge: the new tier takes it.
	UpdateAcknowledgeEscalation = "acknowledge-escalation"
	// UpdateResolve takes a Resolve.
	UpdateResolve = "resolve"
	// UpdateReopen takes a Reopen.
	UpdateReopen = "reopen"
	// UpdateClose takes a Close.
	UpdateClose = "close"

	// UpdateSurveyAnswer takes a SurveyAnswer from the customer's survey page.
	UpdateSurveyAnswer = "survey-answer"
	// UpdateCloseTheLoop takes a CloseTheLoop: a team lead followed up on a
	// low survey score.
	UpdateCloseTheLoop = "close-the-loop"
	// UpdateCustomerEscalate takes a CustomerEscalate: the customer asked for
	// a supervisor from the case status page.
	UpdateCustomerEscalate = "customer-escalate"

	// UpdateRecovery takes a RecoveryRequest and answers a RequestAnswer:
	// granted at once, or pending with the ID of the approval it started.
	UpdateRecovery = "request-recovery"
	// UpdateException takes an ExceptionRequest and answers a RequestAnswer.
	UpdateException = "request-exception"
	// UpdateExceptionForm takes an ExceptionForm for an approved exception.
	UpdateExceptionForm = "exception-form"
	// SignalApprovalChanged carries an ApprovalChanged from one of the case's
	// approval workflows: it climbed a tier, was decided, or expired.
	SignalApprovalChanged = "approval-changed"

	// UpdateResendEmail takes a ResendEmail: staff send again an email of
	// the case that failed, bounced or whose send was cut off.
	UpdateResendEmail = "resend-email"

	// QueryCase returns the live Case.
	QueryCase = "case"

	// SignalCustomerReply carries a CustomerReply that arrived by email.
	SignalCustomerReply = "customer-replied"
	// SignalEmailBounced carries an EmailBounce: the provider could not
	// deliver an email to the customer.
	SignalEmailBounced = "email-bounced"
)

// InteractionKind is what an agent did with or for the customer.
type InteractionKind string

const (
	InteractionReply InteractionKind = "reply" // emails the customer
	InteractionNote  InteractionKind = "note"  // internal
	InteractionCall  InteractionKind = "call"
	InteractionChat  InteractionKind = "chat"
)

// InteractionKinds lists every kind.
var InteractionKinds = []InteractionKind{InteractionReply, InteractionNote, InteractionCall, InteractionChat}

// Interaction is an agent's reply, note, call or chat, with its handle time.
type Interaction struct {
	Kind          InteractionKind `json:"kind"`
	Body          string          `json:"body"`
	HandleSeconds int64           `json:"handle_seconds"`
	By            User            `json:"by"`
}

// Assign gives the case to a member of staff (by email).
type Assign struct {
	Assignee string `json:"assignee"`
	By       User   `json:"by"`
}

// PriorityChange overrides the priority, with a reason.
type PriorityChange struct {
	Priority Priority `json:"priority"`
	Reason   string   `json:"reason"`
	By       User     `json:"by"`
}

// RaiseFlags raises flags on the case.
type RaiseFlags struct {
	Flags  []Flag `json:"flags"`
	Reason string `json:"reason"`
	By     User   `json:"by"`
}

// Wait puts the case in waiting_on_customer.
type Wait struct {
	Reason string `json:"reason"`
	By     User   `json:"by"`
}

// CustomerReply records that the customer answered.
type CustomerReply struct {
	Body string `json:"body"`
	// Via is where the reply came from: "api" (an agent logged it), "email".
	Via string `json:"via"`
	By  User   `json:"by"`
}

// Escalate moves the case one tier up, with a reason.
type Escalate struct {
	Reason string `json:"reason"`
	By     User   `json:"by"`
}

// Acknowledge is the escalated tier taking the case.
type Acknowledge struct {
	Note string `json:"note"`
	By   User   `json:"by"`
}

// Resolve resolves the case.
type Resolve struct {
	Resolution string `json:"resolution"`
	RootCause  string `json:"root_cause"`
	By         User   `json:"by"`
}

// Reopen reopens a resolved or closed case inside the reopen window.
type Reopen struct {
	Reason string `json:"reason"`
	By     User   `json:"by"`
}

// Close closes a resolved case before its reopen window ends.
type Close struct {
	Reason string `json:"reason"`
	By     User   `json:"by"`
}

// SurveyAnswer is the customer's answer to the satisfaction survey. SurveyID
// comes from the signed link, so an answer is bound to one survey.
type SurveyAnswer struct {
	SurveyID string `json:"survey_id"`
	CSAT     int    `json:"csat"` // 1–5
	NPS      int    `json:"nps"`  // 0–10
	Comment  string `json:"comment"`
}

// CloseTheLoop records the follow-up with a customer who gave a low score.
type CloseTheLoop struct {
	Note string `json:"note"`
	By   User   `json:"by"`
}

// CustomerEscalate is the customer asking for a supervisor, with a reason.
type CustomerEscalate struct {
	Reason string `json:"reason"`
}

// EmailBounce is a customer email the provider reported as bounced or
// dropped, so an agent knows to reach the customer another way.
type EmailBounce struct {
	Email    string     `json:"email"`    // the address that failed
	Reason   string     `json:"reason"`   // the provider's words
	Template string     `json:"template"` // which message it was
	State    EmailState `json:"state"`    // bounced or dropped
}

// ResendEmail names, by its outbox key, the email of the case to send again.
type ResendEmail struct {
	Key string `json:"key"`
	By  User   `json:"by"`
}
