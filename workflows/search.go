package workflows

import (
	"strconv"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"caseflow"
)

// Search attribute keys, registered on the namespace by `caseflow run` (and
// by operators on a production cluster).
var (
	searchNumber      = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchNumber)
	searchStatus      = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchStatus)
	searchPriority    = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchPriority)
	searchTier        = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchTier)
	searchAssignee    = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchAssignee)
	searchChannel     = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchChannel)
	searchSLABreached = temporal.NewSearchAttributeKeyBool(caseflow.SearchSLABreached)
)

// SearchAttributeTypes lists the attributes the namespace must know, with
// their index types.
var SearchAttributeTypes = map[string]enums.IndexedValueType{
	caseflow.SearchNumber:      enums.INDEXED_VALUE_TYPE_KEYWORD,
	caseflow.SearchStatus:      enums.INDEXED_VALUE_TYPE_KEYWORD,
	caseflow.SearchPriority:    enums.INDEXED_VALUE_TYPE_KEYWORD,
	caseflow.SearchTier:        enums.INDEXED_VALUE_TYPE_KEYWORD,
	caseflow.SearchAssignee:    enums.INDEXED_VALUE_TYPE_KEYWORD,
	caseflow.SearchChannel:     enums.INDEXED_VALUE_TYPE_KEYWORD,
	caseflow.SearchSLABreached: enums.INDEXED_VALUE_TYPE_BOOL,
}

// syncSearch writes the search attributes that changed since the last write,
// so an operator's query in the Web UI matches the case as it stands.
func (w *caseWorkflow) syncSearch(ctx workflow.Context) {
	if w.Case.Number == "" {
		return
	}
	if w.Search == nil {
		w.Search = map[string]string{}
	}
	breached := w.FirstResponse.State == caseflow.ClockBreached || w.Resolution.State == caseflow.ClockBreached
	var updates []temporal.SearchAttributeUpdate
	keyword := func(k temporal.SearchAttributeKeyKeyword, v string) {
		if w.Search[k.GetName()] != v {
			w.Search[k.GetName()] = v
			updates = append(updates, k.ValueSet(v))
		}
	}
	keyword(searchNumber, w.Case.Number)
	keyword(searchStatus, string(w.Case.Status))
	keyword(searchPriority, string(w.Case.Priority))
	keyword(searchTier, string(w.Case.Tier))
	keyword(searchAssignee, w.Case.Assignee)
	keyword(searchChannel, string(w.Case.Channel))
	if b := strconv.FormatBool(breached); w.Search[searchSLABreached.GetName()] != b {
		w.Search[searchSLABreached.GetName()] = b
		updates = append(updates, searchSLABreached.ValueSet(breached))
	}
	if len(updates) > 0 {
		if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
			workflow.GetLogger(ctx).Warn("search attributes not updated", "error", err)
		}
	}
}
