package activities

import (
	"context"

	"caseflow"
)

// RecordApproval writes an approval to the approvals read model (the inbox).
// The write is keyed by the approval's ID and guarded by its Version, so a
// retry or a late duplicate never writes twice or goes backwards.
func (a *Activities) RecordApproval(ctx context.Context, ap caseflow.Approval) error {
	defer keepAlive(ctx)()
	return a.Store.PutApproval(ctx, ap)
}
