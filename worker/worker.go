// Package worker hosts the case workflow and its activities on the task queue.
package worker

import (
	"context"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/activities"
	"caseflow/workflows"
)

// New builds a worker for caseflow's task queue. Run it with Run or Start.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, caseflow.TaskQueue, sdkworker.Options{})
	Register(w, acts)
	return w
}

// Register puts the case and approval workflows and every activity on a
// registry (a worker, or a test environment).
func Register(r interface {
	RegisterWorkflowWithOptions(any, workflow.RegisterOptions)
	RegisterActivity(any)
}, acts *activities.Activities) {
	RegisterWorkflows(r)
	r.RegisterActivity(acts)
}

// RegisterWorkflows puts the case and approval workflows, under their
// stable names, on a registry (a worker, a test environment, a replayer).
func RegisterWorkflows(r interface {
	RegisterWorkflowWithOptions(any, workflow.RegisterOptions)
}) {
	r.RegisterWorkflowWithOptions(workflows.Case, workflow.RegisterOptions{Name: caseflow.CaseWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.Approval, workflow.RegisterOptions{Name: caseflow.ApprovalWorkflowName})
}

// EnsureSearchAttributes adds whichever of caseflow's search attributes the
// namespace lacks; it is idempotent.
func EnsureSearchAttributes(ctx context.Context, tc client.Client, ns string) error {
	have, err := tc.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
	if err != nil {
		return fmt.Errorf("listing search attributes: %w", err)
	}
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range workflows.SearchAttributeTypes {
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := tc.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: ns, SearchAttributes: missing}); err != nil {
		return fmt.Errorf("adding search attributes: %w", err)
	}
	return nil
}
