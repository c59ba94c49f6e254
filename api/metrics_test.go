package api

import (
	"encoding/json"
	"net/http"
	"testing"

	"caseflow"
)

func TestServiceMetricsEndpoint(t *testing.T) {
	a := newTestAPI(t)
	for _, role := range []caseflow.Role{caseflow.RoleAgent, caseflow.RoleQA, caseflow.RoleManager} {
		rec := a.do(role, http.MethodGet, "/api/v1/metrics/service?from=2026-11-02T00:00:00-05:00&to=2026-11-16T00:00:00-05:00&group=week", "")
		var r struct {
			Group    string `json:"group"`
			Timezone string `json:"timezone"`
			Overall  struct {
				FCR struct {
					Rate *float64 `json:"rate"`
				} `json:"fcr"`
				Backlog *struct{} `json:"backlog"`
			} `json:"overall"`
			ByChannel map[string]any `json:"by_channel"`
			ByPeriod  []struct {
				Start string `json:"start"`
			} `json:"by_period"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &r) != nil {
			t.Fatalf("%s: %d %s", role, rec.Code, rec.Body)
		}
		if r.Group != "week" || r.Timezone != "America/New_York" || len(r.ByPeriod) != 2 || r.ByPeriod[0].Start != "2026-11-02T00:00:00-05:00" ||
			r.Overall.Backlog == nil || len(r.ByChannel) != len(caseflow.Channels) {
			t.Errorf("%s: %s", role, rec.Body)
		}
	}
	if rec := a.do("", http.MethodGet, "/api/v1/metrics/service", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("no token: %d", rec.Code)
	}
	for q, fields := range map[string][]string{
		"?from=yesterday&group=month":                        {"from", "group"},
		"?from=2026-11-16T00:00:00Z&to=2026-11-02T00:00:00Z": {"from"},
		"?from=2020-01-01T00:00:00Z&to=2026-11-02T00:00:00Z": {"group"},
		"?period=week": {"period"},
		"?to=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z": {"to"},
	} {
		body := apiError(t, a.do(caseflow.RoleQA, http.MethodGet, "/api/v1/metrics/service"+q, ""), http.StatusBadRequest)
		for _, f := range fields {
			if body.Error.Details[f] == "" {
				t.Errorf("%s: details %v do not name %s", q, body.Error.Details, f)
			}
		}
	}
}

func TestInboundReviewIsForLeads(t *testing.T) {
	a := newTestAPI(t)
	if rec := a.do(caseflow.RoleTeamLead, http.MethodGet, "/api/v1/inbound", ""); rec.Code != http.StatusOK || rec.Body.String() != "{\"messages\":[],\"next_cursor\":\"\"}\n" {
		t.Errorf("team lead: %d %s", rec.Code, rec.Body)
	}
	for _, role := range []caseflow.Role{caseflow.RoleAgent, caseflow.RoleQA} {
		if rec := a.do(role, http.MethodGet, "/api/v1/inbound", ""); rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d", role, rec.Code)
		}
	}
	apiError(t, a.do(caseflow.RoleAdmin, http.MethodGet, "/api/v1/inbound?status=lost", ""), http.StatusBadRequest)
}
