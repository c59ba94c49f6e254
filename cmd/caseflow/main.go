// Command caseflow runs the case-management back end: `run` for everything in
// one process on a laptop, `worker` and `api` for production against any
// Temporal cluster, `migrate` and `users add` for set-up.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"golang.org/x/sync/errgroup"

	"caseflow"
	"caseflow/activities"
	"caseflow/api"
	"caseflow/mail"
	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/worker"
)

const usage = `caseflow — customer-service cases that run the SOP by themselves

usage:
  caseflow run        Temporal dev server (if none answers), worker and HTTP API in one process
  caseflow worker     the Temporal worker
  caseflow api        the HTTP API
  caseflow migrate    apply the database migrations and exit
  caseflow users add --name N --email E --role R
                      create a user; the last line printed is their API token
  caseflow users passwd --email E
                      set the user's web UI password, read from standard input

Configuration comes from the environment; see README.md.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(os.Stderr, "caseflow: configuration:\n%v\n", err)
		os.Exit(2)
	}
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "run":
		err = run(ctx, cfg, log, true, true, true)
	case "worker":
		err = run(ctx, cfg, log, false, true, false)
	case "api":
		err = run(ctx, cfg, log, false, false, true)
	case "migrate":
		err = migrate(ctx, cfg, log)
	case "users":
		if len(args) > 0 && args[0] == "passwd" {
			err = passwd(ctx, cfg, args[1:], os.Stdin, os.Stderr)
			break
		}
		err = users(ctx, cfg, args, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "caseflow: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "caseflow %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func openDB(ctx context.Context, cfg config) (*postgres.DB, error) {
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	// Every process migrates at start; the store serializes replicas on a lock.
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return db, nil
}

func migrate(ctx context.Context, cfg config, log *slog.Logger) error {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	db.Close()
	log.Info("database is up to date")
	return nil
}

func users(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: caseflow users add --name N --email E --role R")
	}
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	name := fs.String("name", "", "the user's name")
	email := fs.String("email", "", "the user's email (their identity on the timeline)")
	role := fs.String("role", "", "agent, team_lead, supervisor, manager, qa or admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if !caseflow.Role(*role).Valid() {
		return fmt.Errorf("--role %q is not one of agent, team_lead, supervisor, manager, qa, admin", *role)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := api.NewToken()
	if err != nil {
		return err
	}
	u, err := db.CreateUser(ctx, *name, *email, caseflow.Role(*role), api.HashToken(token))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s %s (%s); their API token, shown only now:\n%s\n", u.Role, u.Email, u.Name, token)
	return nil
}

// passwd sets a user's web UI password. It is read from in, one line, so it
// shows in neither the process list nor the shell's history:
//
//	printf '%s\n' 'a long passphrase' | caseflow users passwd --email ada@example.com
func passwd(ctx context.Context, cfg config, args []string, in io.Reader, prompt io.Writer) error {
	fs := flag.NewFlagSet("users passwd", flag.ContinueOnError)
	email := fs.String("email", "", "the user's email")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("usage: caseflow users passwd --email E (the password comes from standard input)")
	}
	fmt.Fprintf(prompt, "New web UI password for %s (at least %d characters), then Enter: ", *email, api.MinPasswordLength)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return fmt.Errorf("reading the password from standard input: %w", err)
	}
	fmt.Fprintln(prompt)
	hash, err := api.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetPassword(ctx, *email, hash); err != nil {
		return err
	}
	fmt.Fprintf(prompt, "%s can now sign in to the web UI (sessions signed in before were ended).\n", *email)
	return nil
}

// run starts what the command asks for and stops it all on the first error or
// on Ctrl-C.
func run(ctx context.Context, cfg config, log *slog.Logger, devServer, runWorker, runAPI bool) error {
	pol, err := policy.Load(cfg.PolicyPath)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	// Register the policy under its version, so a case pinned to it can be read later.
	if err := db.SavePolicy(ctx, pol.Version, pol.JSON()); err != nil {
		return err
	}
	tc, stopTemporal, err := connectTemporal(ctx, cfg, log, devServer)
	if err != nil {
		return err
	}
	defer stopTemporal()
	defer tc.Close()

	g, ctx := errgroup.WithContext(ctx)
	// The worker signs customer links with it, the API verifies them.
	secret, err := cfg.secret()
	if err != nil {
		return err
	}
	if runWorker {
		acts := &activities.Activities{Store: db, Policy: pol, PublicURL: cfg.PublicURL, ReplyTo: cfg.ReplyTo, LinkSecret: secret}
		if cfg.SendGridKey != "" {
			acts.Sender = &mail.SendGrid{APIKey: cfg.SendGridKey, BaseURL: cfg.SendGridURL, From: cfg.FromEmail, FromName: pol.Company}
		} else {
			log.Info("SENDGRID_API_KEY is not set: emails stay in the outbox as not sent")
		}
		w := worker.New(tc, acts)
		if err := w.Start(); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		defer w.Stop()
		log.Info("worker started", "task_queue", caseflow.TaskQueue, "policy", pol.Version)
	}
	if runAPI {
		uiURL := ""
		if devServer {
			uiURL = "http://127.0.0.1:" + cfg.TemporalUIPort
		}
		handler := api.New(api.Config{
			Temporal: tc, Namespace: cfg.TemporalNamespace, Store: db, Policy: pol, Logger: log, TemporalUIURL: env("TEMPORAL_UI_URL", uiURL),
			LinkSecret: secret, InboundKey: cfg.InboundKey, WebhookKey: cfg.WebhookKey, PublicURL: cfg.PublicURL,
		}).Handler()
		srv := &http.Server{
			Addr:              cfg.HTTPAddr,
			Handler:           handler,
			ReadHeaderTimeout: 10 * time.Second,
		}
		g.Go(func() error {
			log.Info("HTTP API listening", "addr", "http://"+cfg.HTTPAddr, "web_ui", "http://"+cfg.HTTPAddr+"/ui/")
			if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("HTTP_ADDR: %w", err)
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		})
	}
	g.Go(func() error { <-ctx.Done(); return nil })
	err = g.Wait()
	log.Info("shutting down")
	return err
}

// connectTemporal dials TEMPORAL_ADDRESS; for `run`, when nothing answers
// there, it starts the dev server (with its Web UI) from the built CLI,
// persisting in CASEFLOW_DATA_DIR. Either way the namespace gets caseflow's
// search attributes.
func connectTemporal(ctx context.Context, cfg config, log *slog.Logger, devServer bool) (client.Client, func(), error) {
	opts := client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace, Logger: tlog.NewStructuredLogger(log.With("component", "temporal"))}
	dctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	tc, err := client.DialContext(dctx, opts)
	cancel()
	stop := func() {}
	if err != nil {
		if !devServer {
			return nil, nil, fmt.Errorf("TEMPORAL_ADDRESS %s: %w", cfg.TemporalAddress, err)
		}
		bin, berr := temporalBinary(cfg)
		if berr != nil {
			return nil, nil, berr
		}
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, nil, fmt.Errorf("CASEFLOW_DATA_DIR: %w", err)
		}
		logFile, err := os.OpenFile(filepath.Join(cfg.DataDir, "temporal.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("CASEFLOW_DATA_DIR: %w", err)
		}
		log.Info("no Temporal server answers; starting the dev server", "address", cfg.TemporalAddress, "ui", "http://127.0.0.1:"+cfg.TemporalUIPort, "log", logFile.Name())
		srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
			ExistingPath:  bin,
			ClientOptions: &opts,
			DBFilename:    filepath.Join(cfg.DataDir, "temporal.db"),
			EnableUI:      true,
			UIPort:        cfg.TemporalUIPort,
			LogLevel:      "warn",
			// WAL and relaxed syncs triple SQLite's throughput (measured).
			ExtraArgs: []string{"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"},
			Stdout:    logFile, Stderr: logFile,
		})
		if err != nil {
			logFile.Close()
			return nil, nil, fmt.Errorf("starting the Temporal dev server: %w (see %s)", err, logFile.Name())
		}
		tc = srv.Client()
		stop = func() {
			if err := srv.Stop(); err != nil {
				log.Warn("dev server stop", "error", err)
			}
			logFile.Close()
		}
	}
	if err := worker.EnsureSearchAttributes(ctx, tc, cfg.TemporalNamespace); err != nil {
		tc.Close()
		stop()
		return nil, nil, err
	}
	return tc, stop, nil
}

// temporalBinary finds the Temporal CLI: TEMPORAL_BIN, beside this binary
// (make build puts both in bin/), or on PATH.
func temporalBinary(cfg config) (string, error) {
	if cfg.TemporalBin != "" {
		return cfg.TemporalBin, nil
	}
	if exe, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(exe), "temporal"); isFile(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("temporal"); err == nil {
		return p, nil
	}
	return "", errors.New("no Temporal server answers and the Temporal CLI was not found: run `make build` (it builds bin/temporal) or set TEMPORAL_BIN")
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
