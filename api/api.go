// Package api is caseflow's HTTP JSON API. Its handlers are thin: they
// validate a request, check the caller's role, and hand the decision to the
// case workflow (updates, queries) or read the Postgres read model. The rules
// of the SOP live in the workflow, never here.
package api

import (
	"context"
	"crypto/ecdsa"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"

	"caseflow"
	"caseflow/policy"
	"caseflow/postgres"
)

// Store is what the API reads from and reserves in Postgres.
type Store interface {
	ReserveCase(ctx context.Context, key, requestHash string, year int) (number string, existing bool, err error)
	GetCase(ctx context.Context, number string) (caseflow.Case, error)
	ListCases(ctx context.Context, f postgres.CaseFilter) (postgres.CasePage, error)
	Timeline(ctx context.Context, number string) ([]caseflow.Event, error)
	ListOutbox(ctx context.Context, f postgres.OutboxFilter) (postgres.OutboxPage, error)
	UserByTokenHash(ctx context.Context, hash []byte) (caseflow.User, error)
	PolicyBody(ctx context.Context, version string) ([]byte, error)
	Ping(ctx context.Context) error
	webhookStore
	metricsStore
	uiStore
	approvalStore
}

var _ Store = (*postgres.DB)(nil)

// Config holds the server's dependencies.
type Config struct {
	Temporal  client.Client
	Namespace string
	Store     Store
	// Policy is the current policy (required). Cases that pinned an older
	// version have it loaded by version from the Store.
	Policy *policy.Policy
	Logger *slog.Logger
	// TemporalUIURL is the Temporal Web UI, for the workflow_url of a case;
	// empty leaves the link out.
	TemporalUIURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LinkSecret verifies the signed links of the customer pages (the
	// worker's CASEFLOW_SECRET); without it every link is refused.
	LinkSecret []byte
	// InboundKey authenticates SendGrid Inbound Parse posts (?key=); empty
	// turns the inbound webhook off (404).
	InboundKey string
	// WebhookKey verifies SendGrid Event Webhook signatures; nil turns the
	// event webhook off (404).
	WebhookKey *ecdsa.PublicKey
	// PublicURL is where people reach this server; an https URL makes the
	// web UI's session cookie Secure.
	PublicURL string
}

// Server serves the API.
type Server struct {
	temporal  client.Client
	namespace string
	store     Store
	policy    *policy.Policy
	log       *slog.Logger
	uiURL     string
	now       func() time.Time
	echo      *echo.Echo

	linkSecret []byte           // customer links
	inboundKey string           // the inbound webhook's shared key
	webhookKey *ecdsa.PublicKey // the event webhook's verification key

	mu       sync.Mutex
	policies map[string]*policy.Policy // pinned policies by version; versions never change
}

// maxBody bounds every request body; larger ones get 413.
const maxBody = "1MiB"

// temporalTimeout bounds each call to Temporal: with no worker running an
// update or query would otherwise wait as long as the client does.
const temporalTimeout = 30 * time.Second

// New builds the server and its routes.
func New(cfg Config) *Server {
	s := &Server{
		temporal: cfg.Temporal, namespace: cfg.Namespace, store: cfg.Store, policy: cfg.Policy,
		log: cfg.Logger, uiURL: cfg.TemporalUIURL, now: cfg.Now,
		policies:   map[string]*policy.Policy{},
		linkSecret: cfg.LinkSecret, inboundKey: cfg.InboundKey, webhookKey: cfg.WebhookKey,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	// The calendar is built on first use; build it before requests share the policy.
	s.policy.Calendar()

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// The API faces clients directly: a client-sent X-Forwarded-For must not pass for its address.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = s.handleError

	reg := prometheus.NewRegistry()
	e.Use(
		middleware.RequestID(),
		s.observe(reg),
		middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: s.logPanic}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: maxBody, Skipper: skipBodyLimit}),
	)
	e.GET("/healthz", healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", metricsHandler(reg))
	s.webhookRoutes(e)
	s.customerRoutes(e)
	s.mountUI(e, cfg.PublicURL)

	v1 := e.Group("/api/v1")
	for _, r := range s.routes() {
		v1.Add(r.method, r.path, r.handle, s.allow(r.roles))
	}
	s.echo = e
	return s
}

// Handler is the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.echo }

// Who may call what. Staff who work cases (every tier, and admins) may open
// and act on them; QA may read; acknowledging an escalation takes a team lead
// or above (the workflow also checks the escalation's tier); the outbox is for
// admins; inbound emails waiting for review hold customers' mail, so they are
// for team leads and above; everyone reads the service metrics. Any staff
// role may ask for a recovery action or an SOP exception (the case workflow
// grants it or asks for approval); deciding and the approvals inbox take a
// team lead or above (the approval workflow checks the exact authority).
var (
	readers     = caseflow.Roles
	caseWorkers = rolesWhere(caseflow.Role.CanWorkCases)
	leads       = rolesWhere(func(r caseflow.Role) bool {
		t, ok := r.Tier()
		return ok && t.Rank() >= caseflow.TierTeamLead.Rank()
	})
	admins = []caseflow.Role{caseflow.RoleAdmin}
)

func rolesWhere(keep func(caseflow.Role) bool) []caseflow.Role {
	var roles []caseflow.Role
	for _, r := range caseflow.Roles {
		if keep(r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// route is one endpoint under /api/v1 and the roles that may call it.
type route struct {
	method, path string
	roles        []caseflow.Role
	handle       echo.HandlerFunc
}

// routes is the API and its authorization table, in one place.
func (s *Server) routes() []route {
	const get, post = http.MethodGet, http.MethodPost
	return []route{
		{post, "/cases", caseWorkers, s.openCase},
		{get, "/cases", readers, s.listCases},
		{get, "/cases/:number", readers, s.getCase},
		{get, "/cases/:number/timeline", readers, s.timeline},
		{post, "/cases/:number/interactions", caseWorkers, act[interactionRequest](s, caseflow.UpdateInteraction)},
		{post, "/cases/:number/assign", caseWorkers, act[assignRequest](s, caseflow.UpdateAssign)},
		{post, "/cases/:number/priority", caseWorkers, act[priorityRequest](s, caseflow.UpdatePriority)},
		{post, "/cases/:number/flags", caseWorkers, act[flagsRequest](s, caseflow.UpdateFlags)},
		{post, "/cases/:number/wait", caseWorkers, act[waitRequest](s, caseflow.UpdateWait)},
		{post, "/cases/:number/customer-reply", caseWorkers, act[customerReplyRequest](s, caseflow.UpdateCustomerReply)},
		{post, "/cases/:number/escalate", caseWorkers, act[escalateRequest](s, caseflow.UpdateEscalate)},
		{post, "/cases/:number/acknowledge-escalation", leads, act[acknowledgeRequest](s, caseflow.UpdateAcknowledgeEscalation)},
		{post, "/cases/:number/resolve", caseWorkers, act[resolveRequest](s, caseflow.UpdateResolve)},
		{post, "/cases/:number/reopen", caseWorkers, act[reopenRequest](s, caseflow.UpdateReopen)},
		{post, "/cases/:number/close", caseWorkers, act[closeRequest](s, caseflow.UpdateClose)},
		{post, "/cases/:number/resend-email", caseWorkers, onCommand[resendRequest](s.resendEmail)},
		{post, "/cases/:number/recovery-actions", caseWorkers, ask[recoveryRequest](s, caseflow.UpdateRecovery)},
		{post, "/cases/:number/exceptions", caseWorkers, ask[exceptionRequest](s, caseflow.UpdateException)},
		{post, "/cases/:number/exceptions/:id/form", caseWorkers, s.exceptionForm},
		{post, "/cases/:number/approvals/:id/decision", leads, s.decide},
		{get, "/approvals", leads, s.inbox},
		{get, "/outbox", admins, s.listOutbox},
		{get, "/inbound", leads, s.listInbound},
		{post, "/inbound/:id", leads, s.reviewInbound},
		{get, "/metrics/service", readers, s.serviceMetrics},
	}
}
