-- +goose Up

-- Every email that reached the inbound webhook (SendGrid Inbound Parse), and
-- what became of it. Messages that could not be matched to a case and its
-- customer wait here for review: nothing a customer wrote is dropped.
CREATE TABLE inbound_messages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The message's Message-ID (or a hash of it when it has none): a post
    -- that SendGrid retries is recognised and not signalled twice.
    message_key text NOT NULL UNIQUE CHECK (message_key <> ''),
    -- received (not handled yet), replied (signalled to its case),
    -- opened_case (a new case for a case closed for good), unknown_case,
    -- unknown_sender, unverified (the sender failed SPF and DKIM).
    status      text NOT NULL,
    from_addr   text NOT NULL DEFAULT '',
    from_name   text NOT NULL DEFAULT '',
    to_addr     text NOT NULL DEFAULT '',
    subject     text NOT NULL DEFAULT '',
    text_body   text NOT NULL DEFAULT '',
    html_body   text NOT NULL DEFAULT '',
    -- The case the message named, and the case it opened, if any.
    number      text NOT NULL DEFAULT '',
    new_number  text NOT NULL DEFAULT '',
    spf         text NOT NULL DEFAULT '',
    dkim        text NOT NULL DEFAULT '',
    attachments int NOT NULL DEFAULT 0,
    note        text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_messages_status_idx ON inbound_messages (status, id DESC);

-- business_seconds is the business time from a to b, in seconds, under a
-- policy's calendar (its JSON as stored in policies.body): open spans per
-- weekday in the policy's zone, holidays closed, or every second when
-- business_hours is "always". It mirrors sla.Calendar.Between, so service
-- metrics can measure first-response time in SQL. A NULL policy counts
-- elapsed time.
-- +goose StatementBegin
CREATE FUNCTION business_seconds(policy jsonb, a timestamptz, b timestamptz) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN a IS NULL OR b IS NULL THEN NULL
    WHEN b <= a THEN 0
    WHEN policy IS NULL OR policy -> 'business_hours' = '"always"'::jsonb THEN extract(epoch FROM b - a)::double precision
    ELSE coalesce((
        SELECT sum(extract(epoch FROM least(b, iv.close) - greatest(a, iv.open)))::double precision
        FROM (
            SELECT (d + trim(split_part(span, '-', 1))::interval) AT TIME ZONE (policy ->> 'timezone') AS open,
                   (d + trim(split_part(span, '-', 2))::interval) AT TIME ZONE (policy ->> 'timezone') AS close
            -- From the day before a: a span of that day may run past midnight's DST change.
            FROM generate_series(((a AT TIME ZONE (policy ->> 'timezone'))::date - 1)::timestamp,
                                 ((b AT TIME ZONE (policy ->> 'timezone'))::date)::timestamp,
                                 interval '1 day') AS d
            CROSS JOIN LATERAL unnest(string_to_array(
                policy -> 'business_hours' ->> (ARRAY['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])[extract(dow FROM d)::int + 1],
                ',')) AS span
            WHERE position('-' IN span) > 0
              AND NOT coalesce(policy -> 'holidays' ? to_char(d, 'YYYY-MM-DD'), false)
        ) iv
        WHERE iv.close > iv.open AND iv.close > a AND iv.open < b
    ), 0)
END
$$;
-- +goose StatementEnd

-- Service metrics read interactions, resolutions and reopens by time.
CREATE INDEX events_type_at_idx ON events (type, at);

-- +goose Down
DROP INDEX events_type_at_idx;
DROP FUNCTION business_seconds(jsonb, timestamptz, timestamptz);
DROP TABLE inbound_messages;
