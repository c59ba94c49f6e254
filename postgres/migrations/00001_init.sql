-- +goose Up

-- Trigram indexes make the case search (ILIKE '%text%') use an index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (name <> ''),
    email         text NOT NULL CHECK (email <> ''),
    role          text NOT NULL CHECK (role IN ('agent', 'team_lead', 'supervisor', 'manager', 'qa', 'admin')),
    -- Only a hash of the API token is kept; NULL for users who sign in with a password only.
    token_hash    bytea UNIQUE,
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- Addresses are compared case-insensitively but stored as entered.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- An Idempotency-Key of the intake endpoint and the case number it reserved.
CREATE TABLE intake_keys (
    key          text PRIMARY KEY,
    request_hash text NOT NULL,
    number       text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The last case number handed out in each year.
CREATE TABLE case_numbers (
    year int PRIMARY KEY CHECK (year BETWEEN 1 AND 9999),
    -- Case numbers have six digits; fail loudly rather than mint a malformed one.
    last int NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

-- The read model: one row per case, written by the workflow after each change.
-- Enumerations are not checked here: the workflow owns them, and a projection
-- that rejects a value it does not know yet would stall the workflow.
CREATE TABLE cases (
    number             text PRIMARY KEY CHECK (number ~ '^CS-[0-9]{4}-[0-9]{6}$'),
    status             text NOT NULL,
    priority           text NOT NULL,
    tier               text NOT NULL,
    assignee           text NOT NULL,
    channel            text NOT NULL,
    category           text NOT NULL,
    customer_name      text NOT NULL,
    customer_email     text NOT NULL,
    subject            text NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    first_response_due timestamptz,
    resolution_due     timestamptz,
    breached           boolean NOT NULL,
    -- Seq of the last event applied; an older write never replaces a newer one.
    version            bigint NOT NULL CHECK (version >= 0),
    -- The whole caseflow.Case as the API shows it.
    view               jsonb NOT NULL,
    search             text GENERATED ALWAYS AS (
        number || ' ' || subject || ' ' || customer_name || ' ' || customer_email || ' ' || coalesce(view ->> 'description', '')
    ) STORED
);
CREATE INDEX cases_created_idx ON cases (created_at DESC, number DESC);
CREATE INDEX cases_due_idx ON cases (resolution_due, number);
CREATE INDEX cases_status_idx ON cases (status, created_at DESC, number DESC);
CREATE INDEX cases_assignee_idx ON cases (assignee, created_at DESC, number DESC);
CREATE INDEX cases_search_idx ON cases USING gin (search gin_trgm_ops);

-- The timeline. No foreign key to cases: events are written with the case
-- row, but the timeline stays readable even if the row is missing.
CREATE TABLE events (
    number text NOT NULL,
    seq    bigint NOT NULL CHECK (seq >= 0),
    type   text NOT NULL,
    at     timestamptz NOT NULL,
    actor  text NOT NULL,
    data   jsonb,
    PRIMARY KEY (number, seq)
);

-- Every email the product sends, recorded before it is sent.
CREATE TABLE outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The idempotency key: one message per key, ever.
    key         text NOT NULL UNIQUE CHECK (key <> ''),
    number      text NOT NULL DEFAULT '',
    template    text NOT NULL,
    to_addr     text NOT NULL,
    to_name     text NOT NULL DEFAULT '',
    reply_to    text NOT NULL DEFAULT '',
    subject     text NOT NULL,
    text_body   text NOT NULL,
    html_body   text NOT NULL,
    state       text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'not_sent', 'failed', 'unknown',
                                               'delivered', 'bounced', 'dropped', 'deferred')),
    provider_id text NOT NULL DEFAULT '',
    error       text NOT NULL DEFAULT '',
    attempts    int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_number_idx ON outbox (number, id DESC) WHERE number <> '';
CREATE INDEX outbox_state_idx ON outbox (state, id DESC);
-- Delivery webhooks find their message by the provider's id.
CREATE INDEX outbox_provider_id_idx ON outbox (provider_id) WHERE provider_id <> '';

-- Every policy version a case was ever opened under, so old cases keep their rules.
CREATE TABLE policies (
    version    text PRIMARY KEY CHECK (version <> ''),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE policies;
DROP TABLE outbox;
DROP TABLE events;
DROP TABLE cases;
DROP TABLE case_numbers;
DROP TABLE intake_keys;
DROP TABLE users;
