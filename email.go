package caseflow

import "time"

// EmailState is where an outbox message stands.
type EmailState string

const (
	EmailQueued     EmailState = "queued"    // recorded, not yet handed to a provider
	EmailSending    EmailState = "sending"   // handed to the provider; the answer is not recorded yet
	EmailSent       EmailState = "sent"      // the provider accepted it
	EmailNoProvider EmailState = "not_sent"  // no provider is configured: it stays in the outbox
	EmailFailed     EmailState = "failed"    // the provider refused it for good
	EmailUnknown    EmailState = "unknown"   // a send was cut off; never retried, so never sent twice
	EmailDelivered  EmailState = "delivered" // delivery events from the provider
	EmailBounced    EmailState = "bounced"
	EmailDropped    EmailState = "dropped"
	EmailDeferred   EmailState = "deferred"
)

// Email is one message in the outbox. Key is its idempotency key: a message
// with the same key is recorded and sent at most once.
type Email struct {
	ID         int64      `json:"id"`
	Key        string     `json:"key"`
	Number     string     `json:"number,omitempty"`
	Template   string     `json:"template"`
	To         string     `json:"to"`
	ToName     string     `json:"to_name,omitempty"`
	ReplyTo    string     `json:"reply_to,omitempty"`
	Subject    string     `json:"subject"`
	Text       string     `json:"text"`
	HTML       string     `json:"html"`
	State      EmailState `json:"state"`
	ProviderID string     `json:"provider_id,omitempty"`
	Error      string     `json:"error,omitempty"`
	Attempts   int        `json:"attempts"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}
