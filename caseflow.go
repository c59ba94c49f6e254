// Package caseflow holds the vocabulary of the product: cases, their channels,
// categories, priorities, tiers and statuses, timeline events, users and roles,
// the messages a case workflow understands, and the application error type.
//
// Every other package speaks these words; adapters (postgres, mail, api) and the
// workflow implement them. Nothing here does I/O.
package caseflow

import (
	"fmt"
	"slices"
)

// Channel is how the customer reached us.
type Channel string

const (
	ChannelPhone    Channel = "phone"
	ChannelEmail    Channel = "email"
	ChannelChat     Channel = "chat"
	ChannelSocial   Channel = "social"
	ChannelInPerson Channel = "in_person"
	ChannelWebForm  Channel = "web_form"
)

// Channels lists every channel in a stable order.
var Channels = []Channel{ChannelPhone, ChannelEmail, ChannelChat, ChannelSocial, ChannelInPerson, ChannelWebForm}

// Live reports whether the channel is a live conversation: an agent opens the
// case during the contact, so the first response happens at intake.
func (c Channel) Live() bool {
	return c == ChannelPhone || c == ChannelChat || c == ChannelInPerson
}

func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// Category is what the case is about.
type Category string

const (
	CategoryBilling         Category = "billing"
	CategoryTechnical       Category = "technical"
	CategoryShipping        Category = "shipping"
	CategoryServiceComplain Category = "service_complaint"
	CategoryLegalRegulatory Category = "legal_regulatory"
	CategoryGeneral         Category = "general"
	CategoryFeedback        Category = "feedback"
)

// Categories lists every category in a stable order.
var Categories = []Category{CategoryBilling, CategoryTechnical, CategoryShipping, CategoryServiceComplain, CategoryLegalRegulatory, CategoryGeneral, CategoryFeedback}

func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Priority follows the SOP's priority matrix, most urgent first.
type Priority string

const (
	PriorityCritical Priority = "critical"
	PriorityHigh     Priority = "high"
	PriorityMedium   Priority = "medium"
	PriorityNormal   Priority = "normal"
)

// Priorities lists every priority, most urgent first.
var Priorities = []Priority{PriorityCritical, PriorityHigh, PriorityMedium, PriorityNormal}

func (p Priority) Valid() bool { return slices.Contains(Priorities, p) }

// Tier is a level of the escalation chain.
type Tier string

const (
	TierAgent      Tier = "agent"
	TierTeamLead   Tier = "team_lead"
	TierSupervisor Tier = "supervisor"
	TierManager    Tier = "manager"
)

// Tiers lists the escalation chain, lowest first.
var Tiers = []Tier{TierAgent, TierTeamLead, TierSupervisor, TierManager}

func (t Tier) Valid() bool { return slices.Contains(Tiers, t) }

// Rank is the tier's position in the chain (agent = 0); -1 for an unknown tier.
func (t Tier) Rank() int { return slices.Index(Tiers, t) }

// Status is where a case stands in its lifecycle.
type Status string

const (
	StatusNew               Status = "new"
	StatusAcknowledged      Status = "acknowledged"
	StatusInProgress        Status = "in_progress"
	StatusWaitingOnCustomer Status = "waiting_on_customer"
	StatusEscalated         Status = "escalated"
	StatusResolved          Status = "resolved"
	StatusReopened          Status = "reopened"
	StatusClosed            Status = "closed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusNew, StatusAcknowledged, StatusInProgress, StatusWaitingOnCustomer, StatusEscalated, StatusResolved, StatusReopened, StatusClosed}

func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Open reports whether work on the case is still owed to the customer.
func (s Status) Open() bool { return s != StatusResolved && s != StatusClosed }

// Flag is a marker raised on a case at intake or later.
type Flag string

const (
	FlagSupervisorRequested Flag = "supervisor_requested"
	FlagLegalThreat         Flag = "legal_threat"
	FlagHarassment          Flag = "harassment"
	FlagPRRisk              Flag = "pr_risk"
	FlagSafety              Flag = "safety"
	FlagVIP                 Flag = "vip"
	// FlagCloseTheLoop marks a case whose survey score was low, until a team
	// lead records the follow-up with the customer.
	FlagCloseTheLoop Flag = "close_the_loop"
	// FlagExceptionFormOverdue marks a case whose SOP exception form is late.
	FlagExceptionFormOverdue Flag = "exception_form_overdue"
)

// Flags lists every flag a user may raise; the workflow raises the others.
var Flags = []Flag{FlagSupervisorRequested, FlagLegalThreat, FlagHarassment, FlagPRRisk, FlagSafety, FlagVIP}

func (f Flag) Valid() bool { return slices.Contains(Flags, f) }

// Role is what a user may do. Staff roles double as tiers of the chain.
type Role string

const (
	RoleAgent      Role = "agent"
	RoleTeamLead   Role = "team_lead"
	RoleSupervisor Role = "supervisor"
	RoleManager    Role = "manager"
	RoleQA         Role = "qa"
	RoleAdmin      Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleAgent, RoleTeamLead, RoleSupervisor, RoleManager, RoleQA, RoleAdmin}

func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Tier is the escalation tier the role works at; ok is false for roles that
// do not work cases (qa). Admins act with a manager's reach.
func (r Role) Tier() (Tier, bool) {
	switch r {
	case RoleAgent, RoleTeamLead, RoleSupervisor, RoleManager:
		return Tier(r), true
	case RoleAdmin:
		return TierManager, true
	}
	return "", false
}

// CanWorkCases reports whether the role may act on cases (reply, resolve, ...).
func (r Role) CanWorkCases() bool { _, ok := r.Tier(); return ok }

// User is a member of staff who signs in to the API or the UI.
type User struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

// Actor names who did something on the timeline: a user's email. The zero
// User is the customer (acting through a signed page or an email).
func (u User) Actor() string {
	if u.Email == "" {
		return ActorCustomer
	}
	return u.Email
}

const (
	ActorSystem   = "system"   // the workflow itself: timers, rules
	ActorCustomer = "customer" // the customer, through email or a signed page
)

// NumberFormat renders a case number: CS-<year>-<6 digits>.
func CaseNumber(year, seq int) string { return fmt.Sprintf("CS-%04d-%06d", year, seq) }
