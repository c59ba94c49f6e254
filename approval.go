package caseflow

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Service recovery and SOP exceptions (SPEC steps 5 and 6): what staff may
// offer a customer to make things right, the approvals the authority matrix
// calls for, and the deviations from the SOP that need one.

// RecoveryKind is one of the SOP's service-recovery actions.
type RecoveryKind string

const (
	RecoveryApology           RecoveryKind = "apology"
	RecoveryExpeditedShipping RecoveryKind = "expedited_shipping"
	RecoveryDiscount          RecoveryKind = "discount"      // Percent off
	RecoveryRefund            RecoveryKind = "refund"        // a full refund
	RecoveryComplimentary     RecoveryKind = "complimentary" // a product or service worth Value
)

// RecoveryKinds lists every recovery action, as the SOP's matrix does.
var RecoveryKinds = []RecoveryKind{RecoveryApology, RecoveryExpeditedShipping, RecoveryDiscount, RecoveryRefund, RecoveryComplimentary}

func (k RecoveryKind) Valid() bool { return slices.Contains(RecoveryKinds, k) }

// AffectsCustomer reports whether granting the action changes what the
// customer receives, so they are told by email what was done. An apology is
// given by the agent in their own words.
func (k RecoveryKind) AffectsCustomer() bool { return k.Valid() && k != RecoveryApology }

// RecoveryAction is a recovery action and its size.
type RecoveryAction struct {
	Kind    RecoveryKind `json:"action"`
	Percent float64      `json:"percent,omitempty"` // a discount, more than 0 and at most 100
	Value   float64      `json:"value,omitempty"`   // a complimentary product or service, in dollars
	// Details says what exactly (the product, the order): the customer's
	// email quotes it.
	Details string `json:"details,omitempty"`
}

// Check records what is wrong with the action, field by field.
func (a RecoveryAction) Check(f Fields) {
	if !a.Kind.Valid() {
		f.Add("action", "must be one of "+strings.Join(strs(RecoveryKinds), ", "))
		return
	}
	switch a.Kind {
	case RecoveryDiscount:
		f.Check(a.Percent > 0 && a.Percent <= 100, "percent", "a discount needs a percent more than 0 and at most 100")
	case RecoveryComplimentary:
		f.Check(a.Value > 0, "value", "a complimentary product or service needs its value, more than 0")
	}
	if a.Kind != RecoveryDiscount {
		f.Check(a.Percent == 0, "percent", "only a discount has a percent")
	}
	if a.Kind != RecoveryComplimentary {
		f.Check(a.Value == 0, "value", "only a complimentary product or service has a value")
	}
}

// String says in words what the action is: "a 20% discount". It leaves
// out the details, which are free text, so it may go into error messages.
func (a RecoveryAction) String() string {
	switch a.Kind {
	case RecoveryApology:
		return "a sincere apology"
	case RecoveryExpeditedShipping:
		return "expedited shipping"
	case RecoveryDiscount:
		return "a " + strconv.FormatFloat(a.Percent, 'f', -1, 64) + "% discount"
	case RecoveryRefund:
		return "a full refund"
	case RecoveryComplimentary:
		return fmt.Sprintf("a complimentary product or service worth $%.2f", a.Value)
	}
	return string(a.Kind)
}

// Summary is String with the details, for the timeline and the inbox.
func (a RecoveryAction) Summary() string {
	if d := strings.TrimSpace(a.Details); d != "" {
		return a.String() + " (" + d + ")"
	}
	return a.String()
}

// ApprovalKind is what an approval is for.
type ApprovalKind string

const (
	ApprovalRecovery  ApprovalKind = "recovery"  // a recovery action beyond the requester's authority
	ApprovalException ApprovalKind = "exception" // a deviation from the SOP
)

// ApprovalStatus is where a request stands. Granted requests were within the
// requester's own authority and needed nobody; the others went to approval.
type ApprovalStatus string

const (
	ApprovalGranted   ApprovalStatus = "granted"
	ApprovalPending   ApprovalStatus = "pending"
	ApprovalApproved  ApprovalStatus = "approved"
	ApprovalRejected  ApprovalStatus = "rejected"
	ApprovalExpired   ApprovalStatus = "expired"   // nobody with the authority decided in time
	ApprovalWithdrawn ApprovalStatus = "withdrawn" // the case resolved first
)

// ApprovalStatuses lists every status.
var ApprovalStatuses = []ApprovalStatus{ApprovalGranted, ApprovalPending, ApprovalApproved, ApprovalRejected, ApprovalExpired, ApprovalWithdrawn}

func (s ApprovalStatus) Valid() bool { return slices.Contains(ApprovalStatuses, s) }

// Approval is a request that needed someone with more authority than its
// requester: a recovery action, or an SOP exception (which every tier below
// the policy's approver needs). An exception within the requester's own
// authority is an Approval too, granted at once, so its form can be tracked.
type Approval struct {
	// ID is the case number and a sequence: CS-2026-000123-1.
	ID     string       `json:"id"`
	Number string       `json:"number"`
	Kind   ApprovalKind `json:"kind"`
	// Action is the recovery action asked for (kind recovery).
	Action *RecoveryAction `json:"action,omitempty"`
	// Deviation is the departure from the SOP (kind exception), and
	// ExceptionKind its short normalized label, by which repeats are counted.
	Deviation     string `json:"deviation,omitempty"`
	ExceptionKind string `json:"exception_kind,omitempty"`
	// Summary says in words what is asked.
	Summary       string    `json:"summary"`
	Justification string    `json:"justification"`
	RequestedBy   User      `json:"requested_by"`
	RequestedAt   time.Time `json:"requested_at"`

	Status ApprovalStatus `json:"status"`
	// Approvers are the tiers with the authority to decide, lowest first.
	// Tier is the one asked now; it must decide by Due, or the request
	// climbs to the next of Approvers (Climbs counts how often), and past the
	// last one's deadline it expires.
	Approvers []Tier     `json:"approvers"`
	Tier      Tier       `json:"tier"`
	Due       *time.Time `json:"due,omitempty"`
	Climbs    int        `json:"climbs,omitempty"`

	DecidedBy *User      `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	// Note is the decider's note, or why the request was withdrawn.
	Note string `json:"note,omitempty"`

	// FormDue is when the exception form is due, once the exception is
	// approved or granted; FormOverdue is set once it is late, and Form
	// holds it when completed.
	FormDue     *time.Time     `json:"form_due,omitempty"`
	FormOverdue bool           `json:"form_overdue,omitempty"`
	Form        *ExceptionForm `json:"form,omitempty"`

	// Version counts changes; the read model never goes backwards.
	Version int64 `json:"version"`
}

// ApprovalID is the ID of a case's seq-th approval.
func ApprovalID(number string, seq int) string { return fmt.Sprintf("%s-%d", number, seq) }

var approvalIDRE = regexp.MustCompile(`^(CS-\d{4}-\d{6})-[1-9]\d{0,5}$`)

// ApprovalOf returns the case number of an approval ID, or "" when id is not one.
func ApprovalOf(id string) string {
	if m := approvalIDRE.FindStringSubmatch(id); m != nil {
		return m[1]
	}
	return ""
}

// ApprovalWorkflowName is the registered name of the approval workflow: one
// per request that needs a decision, a child of its case.
const ApprovalWorkflowName = "Approval"

// ApprovalWorkflowID is the workflow ID of an approval: readable in the
// Temporal Web UI next to its case, and free of customer data.
func ApprovalWorkflowID(id string) string { return "approval-" + id }

// CheckDecider says why u may not decide the request now, or nil: their
// role's tier must be one of Approvers, and the request still pending. A
// refusal never changes the request.
func (a *Approval) CheckDecider(u User) *Error {
	if tier, ok := u.Role.Tier(); !ok || !slices.Contains(a.Approvers, tier) {
		if len(a.Approvers) == 0 {
			return Errorf(EFORBIDDEN, "nobody may decide on %s", a.what())
		}
		return Errorf(EFORBIDDEN, "deciding on %s needs a %s or above; your role is %s", a.what(), a.Approvers[0], u.Role)
	}
	return a.NotPending()
}

// what names the request without its free text (error messages are not
// encoded like payloads, so they carry no customer data).
func (a *Approval) what() string {
	if a.Kind == ApprovalRecovery && a.Action != nil {
		return a.Action.String()
	}
	return "an SOP exception"
}

// NotPending says why the request can no longer be decided, or nil while it
// is pending. It names the decision already taken, so a second decider
// learns who was first.
func (a *Approval) NotPending() *Error {
	switch a.Status {
	case ApprovalPending:
		return nil
	case ApprovalApproved, ApprovalRejected:
		by := "someone"
		if a.DecidedBy != nil {
			by = a.DecidedBy.Actor()
		}
		at := ""
		if a.DecidedAt != nil {
			at = " at " + a.DecidedAt.UTC().Format(time.RFC3339)
		}
		return Errorf(ECONFLICT, "approval %s was already %s by %s%s", a.ID, a.Status, by, at)
	case ApprovalExpired:
		return Errorf(ECONFLICT, "approval %s expired: nobody with the authority decided in time", a.ID)
	case ApprovalWithdrawn:
		return Errorf(ECONFLICT, "approval %s was withdrawn (%s)", a.ID, a.Note)
	case ApprovalGranted:
		return Errorf(ECONFLICT, "%s needs no decision: it was within the requester's authority", a.ID)
	}
	return Errorf(ECONFLICT, "approval %s is %s", a.ID, a.Status)
}

// Open reports whether the request still waits for someone: a decision, or
// an approved exception's form.
func (a *Approval) Open() bool {
	return a.Status == ApprovalPending || (a.FormDue != nil && a.Form == nil)
}

// ExceptionKindOf normalizes a label (or, without one, the deviation itself)
// into the kind by which repeated exceptions are counted: lower case, words
// joined by underscores, at most 64 characters. "Refund without a receipt."
// and "refund  without a RECEIPT" are one kind.
func ExceptionKindOf(label string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(label) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
			continue
		}
		gap = true
	}
	s := []rune(b.String())
	if len(s) > 64 {
		s = []rune(strings.TrimRight(string(s[:64]), "_"))
	}
	if len(s) == 0 {
		return "unspecified"
	}
	return string(s)
}

// RecoveryRequest asks for a recovery action on a case. The requester's
// tier is their role's; within its authority the action is granted at once.
type RecoveryRequest struct {
	Action        RecoveryAction `json:"action"`
	Justification string         `json:"justification"`
	By            User           `json:"by"`
}

// ExceptionRequest asks to deviate from the SOP on a case. Kind is an
// optional short label for counting repeats; the deviation stands in for it.
type ExceptionRequest struct {
	Deviation     string `json:"deviation"`
	Kind          string `json:"kind,omitempty"`
	Justification string `json:"justification"`
	By            User   `json:"by"`
}

// RequestAnswer answers a RecoveryRequest or an ExceptionRequest: granted at
// once, or pending with the approval's ID.
type RequestAnswer struct {
	Status     ApprovalStatus `json:"status"`
	ApprovalID string         `json:"approval_id,omitempty"`
	Approval   *Approval      `json:"approval,omitempty"`
	Case       Case           `json:"case"`
}

// ExceptionForm is the exception form, completed after the exception was
// approved: what was done and why.
type ExceptionForm struct {
	ApprovalID  string     `json:"approval_id"`
	WhatWasDone string     `json:"what_was_done"`
	Why         string     `json:"why"`
	By          User       `json:"by"`
	At          *time.Time `json:"at,omitempty"` // set by the case when it records the form
}

// DecisionKind is an approver's answer.
type DecisionKind string

const (
	DecisionApprove DecisionKind = "approve"
	DecisionReject  DecisionKind = "reject"
)

// DecisionKinds lists both answers.
var DecisionKinds = []DecisionKind{DecisionApprove, DecisionReject}

// Decision is an approver's decision on a pending request, with a note
// (required to reject: the requester must learn why).
type Decision struct {
	Decision DecisionKind `json:"decision"`
	Note     string       `json:"note"`
	By       User         `json:"by"`
}

// Messages of the approval workflow.
const (
	// UpdateDecide takes a Decision and answers with the Approval decided.
	// Its validator refuses a user without the authority (403) and a request
	// that is no longer pending (409), leaving the request untouched.
	UpdateDecide = "decide"
	// QueryApproval returns the live Approval.
	QueryApproval = "approval"
	// SignalWithdraw carries a Withdraw: the case no longer needs the approval.
	SignalWithdraw = "withdraw"
	// SignalApprovalRecorded carries an ApprovalRecorded: the case has put a
	// change the approval reported on its timeline.
	SignalApprovalRecorded = "approval-recorded"
)

// ApprovalChanged is what an approval workflow tells its case: the request
// as it now stands. Step numbers the approval's reports, so the case's
// ApprovalRecorded can name the one it answers.
type ApprovalChanged struct {
	Approval Approval `json:"approval"`
	Step     int      `json:"step"`
}

// ApprovalRecorded answers an ApprovalChanged once the case recorded it,
// with the request as the case now shows it (an approved exception's form
// deadline, say). Refused is set instead, with the reason, when the case had
// withdrawn the request before the change reached it: the change does not stand.
type ApprovalRecorded struct {
	Step     int       `json:"step"`
	Approval *Approval `json:"approval,omitempty"`
	Refused  string    `json:"refused,omitempty"`
}

// Withdraw tells an approval it is no longer needed, and why.
type Withdraw struct {
	Reason string `json:"reason"`
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
