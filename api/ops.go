package api

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"caseflow"
)

type statusJSON struct {
	Status string `json:"status"`
}

// healthz answers while the process serves HTTP at all.
func healthz(c echo.Context) error { return c.JSON(http.StatusOK, statusJSON{"ok"}) }

// readyTimeout bounds each dependency check of /readyz.
const readyTimeout = 3 * time.Second

// readyz answers 200 only when Postgres and Temporal both answer, naming
// whichever does not.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	down := caseflow.Fields{}
	check := func(name string, err error) {
		if err != nil {
			// The error itself goes to the log only: it names hosts.
			s.log.WarnContext(ctx, "not ready", "dependency", name, "error", err)
			down.Add(name, "is not answering")
		}
	}
	check("postgres", s.store.Ping(ctx))
	_, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
	check("temporal", err)
	if len(down) > 0 {
		names := slices.Sorted(maps.Keys(down))
		return &caseflow.Error{Code: caseflow.EUNAVAILABLE, Message: "not ready: " + strings.Join(names, " and ") + " not answering", Details: down}
	}
	return c.JSON(http.StatusOK, statusJSON{"ok"})
}

// metricsHandler serves reg (and the Go and process collectors) to Prometheus.
func metricsHandler(reg *prometheus.Registry) echo.HandlerFunc {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
}

// observe counts every request by route, method and status, times it, and
// logs it. Errors are rendered here, so the status counted is the one sent.
func (s *Server) observe(reg *prometheus.Registry) echo.MiddlewareFunc {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caseflow_http_requests_total",
		Help: "HTTP requests by route, method and status.",
	}, []string{"route", "method", "status"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "caseflow_http_request_duration_seconds",
		Help:    "HTTP request latency by route and method.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method"})
	reg.MustRegister(requests, latency)

	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			elapsed := time.Since(start)
			// Label by route pattern, and only known methods: labels from
			// raw client input would grow without bound.
			route, method := c.Path(), c.Request().Method
			if route == "" {
				route = "unmatched"
			}
			if !slices.Contains([]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
				http.MethodPatch, http.MethodDelete, http.MethodOptions}, method) {
				method = "other"
			}
			status := c.Response().Status
			requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
			latency.WithLabelValues(route, method).Observe(elapsed.Seconds())
			s.log.InfoContext(c.Request().Context(), "http request", "method", c.Request().Method,
				"path", c.Request().URL.Path, "status", status, "duration", elapsed, "request_id", requestID(c))
			return nil
		}
	}
}
