// Package e2e runs caseflow whole: a real Temporal dev server, the real
// Postgres, the caseflow worker as its own process, the HTTP API, and
// sendgrid-go talking to a local stand-in for SendGrid that checks every
// request.
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
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"caseflow"
	"caseflow/api"
	"caseflow/mail/sendgridtest"
	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/postgres/pgtest"
	"caseflow/worker"
)

const (
	sendgridKey = "SG.test-key"
	fastPolicy  = "testdata/fast-policy.yaml"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// caseflowBinary builds cmd/caseflow once per test run.
func caseflowBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "caseflow-e2e")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "caseflow")
		out, err := exec.Command("go", "build", "-o", binary, "../cmd/caseflow").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

func temporalBinary(t testing.TB) string {
	t.Helper()
	p := os.Getenv("TEMPORAL_BIN")
	if p == "" {
		p, _ = filepath.Abs("../bin/temporal")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the Temporal CLI is needed for end-to-end tests: run `make build` or set TEMPORAL_BIN (%v)", err)
	}
	return p
}

// system is one whole caseflow installation for one test.
type system struct {
	t        *testing.T
	api      *httptest.Server
	temporal client.Client
	db       *postgres.DB
	sendgrid *sendgridtest.Server
	policy   *policy.Policy
	env      []string
	worker   *exec.Cmd
	workerN  int
	tokens   map[caseflow.Role]string
	users    map[caseflow.Role]caseflow.User
}

// start runs caseflow with the fast test policy.
func start(t *testing.T) *system {
	t.Helper()
	return startWith(t, fastPolicy)
}

// startWith runs caseflow with the policy file policyPath for the API (which
// pins it on the cases it opens) and the worker alike.
func startWith(t *testing.T, policyPath string) *system {
	t.Helper()
	ctx := context.Background()
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  temporalBinary(t),
		ClientOptions: &client.Options{Logger: quiet},
		LogLevel:      "error",
		Stdout:        io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		t.Fatalf("dev server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	tc := srv.Client()
	if err := worker.EnsureSearchAttributes(ctx, tc, "default"); err != nil {
		t.Fatal(err)
	}

	dbURL := pgtest.URL(t)
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	pol, err := policy.Load(policyPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &system{
		t: t, temporal: tc, db: db, policy: pol, sendgrid: sendgridtest.NewServer(t, sendgridKey),
		tokens: map[caseflow.Role]string{}, users: map[caseflow.Role]caseflow.User{},
	}
	for _, r := range caseflow.Roles {
		tok, err := api.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.CreateUser(ctx, "Test "+string(r), string(r)+"@staff.test", r, api.HashToken(tok))
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[r], s.users[r] = tok, u
	}
	s.api = httptest.NewServer(api.New(api.Config{Temporal: tc, Namespace: "default", Store: db, Policy: pol, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		LinkSecret: []byte(linkSecret), InboundKey: inboundKey, WebhookKey: &webhookKey.PublicKey}).Handler())
	t.Cleanup(s.api.Close)

	abs, _ := filepath.Abs(policyPath)
	s.env = append(os.Environ(),
		"TEMPORAL_ADDRESS="+srv.FrontendHostPort(),
		"DATABASE_URL="+dbURL,
		"CASEFLOW_POLICY="+abs,
		"SENDGRID_API_KEY="+sendgridKey,
		"SENDGRID_API_URL="+s.sendgrid.URL(),
		"CASEFLOW_FROM_EMAIL=support@acme.test",
		"CASEFLOW_REPLY_TO=replies@acme.test",
		"CASEFLOW_PUBLIC_URL=https://cases.acme.test",
		"CASEFLOW_SECRET="+linkSecret,
		"CASEFLOW_DATA_DIR="+t.TempDir(),
	)
	s.startWorker()
	return s
}

// startWorker runs `caseflow worker` as its own process.
func (s *system) startWorker() {
	s.t.Helper()
	s.workerN++
	logPath := filepath.Join(s.t.TempDir(), fmt.Sprintf("worker-%d.log", s.workerN))
	logFile, err := os.Create(logPath)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(caseflowBinary(s.t), "worker")
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.worker = cmd
	s.t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
		logFile.Close()
		if s.t.Failed() {
			b, _ := os.ReadFile(logPath)
			s.t.Logf("worker %s log:\n%s", filepath.Base(logPath), b)
		}
	})
}

// killWorker kills the worker with no chance to clean up, as a crash would.
func (s *system) killWorker() {
	s.t.Helper()
	if err := s.worker.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	_ = s.worker.Wait()
}

type response struct {
	status int
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.body)
	}
}

func (r response) caseBody(t *testing.T) caseflow.Case {
	t.Helper()
	var c caseflow.Case
	r.json(t, &c)
	return c
}

// errorBody is the API's error envelope.
type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Details map[string]string `json:"details"`
	} `json:"error"`
}

// call sends a request as a user of role (no token for role "").
func (s *system) call(role caseflow.Role, method, path string, body any, header ...string) response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, s.api.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+s.tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: b}
}

// must checks the status of a response.
func must(t *testing.T, r response, status int) response {
	t.Helper()
	if r.status != status {
		_, file, line, _ := runtime.Caller(1)
		t.Fatalf("%s:%d: status %d, want %d: %s", filepath.Base(file), line, r.status, status, r.body)
	}
	return r
}

func (s *system) timeline(number string) []caseflow.Event {
	s.t.Helper()
	var body struct {
		Events []caseflow.Event `json:"events"`
	}
	must(s.t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+number+"/timeline", nil), 200).json(s.t, &body)
	return body.Events
}

// eventually polls until ok holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sent counts the messages the SendGrid stand-in accepted for a case and template.
func (s *system) sent(number, template string) int {
	n := 0
	for _, m := range s.sendgrid.Messages() {
		if m.CustomArgs["case_number"] == number && contains(m.Categories, template) {
			n++
		}
	}
	return n
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func eventTypes(events []caseflow.Event) []caseflow.EventType {
	out := make([]caseflow.EventType, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

func countType(events []caseflow.Event, typ caseflow.EventType) int {
	n := 0
	for _, e := range events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func newCase(channel caseflow.Channel) map[string]any {
	return map[string]any{
		"channel": channel, "category": "general",
		"customer": map[string]any{"name": "Carla Customer", "email": "carla@example.net"},
		"subject":  "My order has not arrived", "description": "Ordered two weeks ago.",
	}
}
