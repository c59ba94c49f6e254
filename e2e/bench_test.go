package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/activities"
	"caseflow/api"
	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/postgres/pgtest"
	"caseflow/worker"
)

// bareIntake is the baseline: the least a Temporal-backed intake can do —
// start a workflow and get an answer back from it by update-with-start.
func bareIntake(ctx workflow.Context) error {
	done := false
	if err := workflow.SetUpdateHandler(ctx, "intake", func(workflow.Context) (string, error) {
		done = true
		return "ok", nil
	}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return done })
}

// BenchmarkIntake opens cases through the HTTP API (number reserved in
// Postgres, update-with-start, priority and clocks computed, timeline
// written, acknowledgement queued) and, in the same run against the same dev
// server, starts bare workflows answering one update. It reports both
// latencies and caseflow's cost as a multiple of the bare one.
func BenchmarkIntake(b *testing.B) {
	ctx := context.Background()
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath: temporalBinary(b), ClientOptions: &client.Options{Logger: quiet},
		LogLevel: "error", Stdout: io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = srv.Stop() }()
	tc := srv.Client()
	if err := worker.EnsureSearchAttributes(ctx, tc, "default"); err != nil {
		b.Fatal(err)
	}
	db, err := postgres.Open(ctx, pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pol := policy.Default()
	w := worker.New(tc, &activities.Activities{Store: db, Policy: pol, PublicURL: "http://bench.test"})
	w.RegisterWorkflowWithOptions(bareIntake, workflow.RegisterOptions{Name: "BareIntake"})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	tok, _ := api.NewToken()
	if _, err := db.CreateUser(ctx, "Bench Agent", "bench@staff.test", caseflow.RoleAgent, api.HashToken(tok)); err != nil {
		b.Fatal(err)
	}
	h := httptest.NewServer(api.New(api.Config{Temporal: tc, Namespace: "default", Store: db, Policy: pol,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer h.Close()
	body, _ := json.Marshal(newCase(caseflow.ChannelEmail))

	openCase := func(i int) {
		req, _ := http.NewRequest("POST", h.URL+"/api/v1/cases", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			b.Fatalf("intake answered %d", res.StatusCode)
		}
	}
	bare := func(i int) {
		op := tc.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID: fmt.Sprintf("bare-%d-%d", b.N, i), TaskQueue: caseflow.TaskQueue,
			WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL, // every id is new
		}, "BareIntake")
		u, err := tc.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: op,
			UpdateOptions:          client.UpdateWorkflowOptions{UpdateName: "intake", WaitForStage: client.WorkflowUpdateStageCompleted},
		})
		if err == nil {
			err = u.Get(ctx, nil)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	// Warm both paths (connections, caches, the first workflow task).
	openCase(-1)
	bare(-1)

	var caseflowTotal, bareTotal time.Duration
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		bare(i)
		t1 := time.Now()
		openCase(i)
		bareTotal += t1.Sub(t0)
		caseflowTotal += time.Since(t1)
	}
	b.StopTimer()
	b.ReportMetric(float64(caseflowTotal.Microseconds())/float64(b.N)/1000, "intake-ms/op")
	b.ReportMetric(float64(bareTotal.Microseconds())/float64(b.N)/1000, "bare-ms/op")
	b.ReportMetric(float64(caseflowTotal)/float64(bareTotal), "x-bare")
}
