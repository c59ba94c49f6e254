package postgres_test

import (
	"fmt"
	"reflect"
	"testing"

	"caseflow"
	"caseflow/postgres"
)

func email(key, number string) caseflow.Email {
	return caseflow.Email{
		Key: key, Number: number, Template: "acknowledgement", To: "dana@example.com", ToName: "Dana Doe",
		ReplyTo: "support@example.com", Subject: "We got your message", Text: "Hello", HTML: "<p>Hello</p>",
	}
}

func TestEnqueueEmail(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	e := email("ack:CS-2025-000001", "CS-2025-000001")
	e.State = caseflow.EmailSent // ignored: a new message is queued
	first, inserted, err := db.EnqueueEmail(ctx, e)
	if err != nil || !inserted {
		t.Fatalf("first EnqueueEmail: inserted %t, %v", inserted, err)
	}
	if first.ID == 0 || first.State != caseflow.EmailQueued || first.Subject != e.Subject || first.CreatedAt.IsZero() {
		t.Errorf("stored %+v", first)
	}

	e.Subject = "changed"
	again, inserted, err := db.EnqueueEmail(ctx, e)
	if err != nil || inserted || !reflect.DeepEqual(again, first) {
		t.Errorf("second EnqueueEmail = %+v, inserted %t, %v; want the first row", again, inserted, err)
	}
	page, err := db.ListOutbox(ctx, postgres.OutboxFilter{})
	if err != nil || len(page.Emails) != 1 {
		t.Errorf("outbox holds %d messages, %v; want 1", len(page.Emails), err)
	}
	if got, err := db.EmailByKey(ctx, e.Key); err != nil || !reflect.DeepEqual(got, first) {
		t.Errorf("EmailByKey = %+v, %v", got, err)
	}
	_, err = db.EmailByKey(ctx, "nope")
	wantCode(t, err, caseflow.ENOTFOUND)
}

func TestTransitionEmail(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	if _, _, err := db.EnqueueEmail(ctx, email("k", "")); err != nil {
		t.Fatal(err)
	}
	queued := []caseflow.EmailState{caseflow.EmailQueued}
	transition := func(from []caseflow.EmailState, to caseflow.EmailState, providerID, errText string) bool {
		t.Helper()
		ok, err := db.TransitionEmail(ctx, "k", from, to, providerID, errText)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !transition(queued, caseflow.EmailSending, "", "") {
		t.Fatal("queued → sending refused")
	}
	// A second sender loses the race.
	if transition(queued, caseflow.EmailSending, "", "") {
		t.Fatal("queued → sending allowed twice")
	}
	sending := []caseflow.EmailState{caseflow.EmailSending}
	if !transition(sending, caseflow.EmailFailed, "", "timeout") {
		t.Fatal("sending → failed refused")
	}
	if !transition([]caseflow.EmailState{caseflow.EmailFailed, caseflow.EmailQueued}, caseflow.EmailSending, "", "") ||
		!transition(sending, caseflow.EmailSent, "sg-1", "") {
		t.Fatal("retry refused")
	}
	got, err := db.EmailByKey(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != caseflow.EmailSent || got.Attempts != 2 || got.ProviderID != "sg-1" || got.Error != "" ||
		!got.UpdatedAt.After(got.CreatedAt) {
		t.Errorf("after two attempts: %+v", got)
	}
	_, err = db.TransitionEmail(ctx, "nope", queued, caseflow.EmailSending, "", "")
	wantCode(t, err, caseflow.ENOTFOUND)

	// Delivery webhooks.
	if err := db.SetDeliveryState(ctx, "sg-1", 0, caseflow.EmailDelivered); err != nil {
		t.Fatal(err)
	}
	if err := db.SetDeliveryState(ctx, "sg-1", got.ID, caseflow.EmailDeferred); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.EmailByKey(ctx, "k"); got.State != caseflow.EmailDelivered {
		t.Errorf("a late deferral replaced delivered: %s", got.State)
	}
	wantCode(t, db.SetDeliveryState(ctx, "sg-2", 0, caseflow.EmailBounced), caseflow.ENOTFOUND)
	wantCode(t, db.SetDeliveryState(ctx, "sg-2", got.ID, caseflow.EmailBounced), caseflow.ENOTFOUND)
	wantCode(t, db.SetDeliveryState(ctx, "sg-1", 0, caseflow.EmailSent), caseflow.EINVALID)
	wantCode(t, db.SetDeliveryState(ctx, "", 0, caseflow.EmailBounced), caseflow.EINVALID)

	// A send cut off before the provider's id was recorded learns it from the webhook.
	lost, _, err := db.EnqueueEmail(ctx, email("lost", ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionEmail(ctx, "lost", queued, caseflow.EmailUnknown, "", "cut off"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetDeliveryState(ctx, "sg-9", lost.ID, caseflow.EmailDelivered); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.EmailByKey(ctx, "lost"); got.State != caseflow.EmailDelivered || got.ProviderID != "sg-9" {
		t.Errorf("after the webhook: %+v", got)
	}
}

func TestListOutbox(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	for i := range 7 {
		if _, _, err := db.EnqueueEmail(ctx, email(fmt.Sprint("k", i), caseflow.CaseNumber(2025, 1+i%2))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.TransitionEmail(ctx, "k0", []caseflow.EmailState{caseflow.EmailQueued}, caseflow.EmailNoProvider, "", ""); err != nil {
		t.Fatal(err)
	}

	var pages [][]string
	f := postgres.OutboxFilter{Limit: 3}
	for {
		page, err := db.ListOutbox(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, keys(page.Emails))
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if want := [][]string{{"k6", "k5", "k4"}, {"k3", "k2", "k1"}, {"k0"}}; !reflect.DeepEqual(pages, want) {
		t.Errorf("pages = %v, want %v", pages, want)
	}

	for _, tc := range []struct {
		filter postgres.OutboxFilter
		want   []string
	}{
		{postgres.OutboxFilter{Number: "CS-2025-000002"}, []string{"k5", "k3", "k1"}},
		{postgres.OutboxFilter{State: caseflow.EmailNoProvider}, []string{"k0"}},
		{postgres.OutboxFilter{Number: "CS-2025-000001", State: caseflow.EmailQueued}, []string{"k6", "k4", "k2"}},
	} {
		page, err := db.ListOutbox(ctx, tc.filter)
		if got := keys(page.Emails); err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ListOutbox(%+v) = %v, %v; want %v", tc.filter, got, err, tc.want)
		}
	}

	_, err := db.ListOutbox(ctx, postgres.OutboxFilter{Cursor: "%%%"})
	if e := wantCode(t, err, caseflow.EINVALID); e.Details["cursor"] == "" {
		t.Errorf("details %v do not name the cursor", e.Details)
	}
}

func keys(emails []caseflow.Email) []string {
	var out []string
	for _, e := range emails {
		out = append(out, e.Key)
	}
	return out
}
