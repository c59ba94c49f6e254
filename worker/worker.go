// Package worker hosts the case workflow and its activities on the task queue.
package worker

import (
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

// Register puts the case workflow and every activity on a registry (a worker,
// or a test environment).
func Register(r interface {
	RegisterWorkflowWithOptions(any, workflow.RegisterOptions)
	RegisterActivity(any)
}, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.Case, workflow.RegisterOptions{Name: caseflow.CaseWorkflowName})
	r.RegisterActivity(acts)
}
