-- +goose Up

-- The approvals read model: every recovery approval and SOP exception, as its
-- case workflow last recorded it. The approvals inbox reads it; repeated
-- exceptions are counted from it. Enumerations are not checked here, as in
-- cases: the workflow owns them.
CREATE TABLE approvals (
    id             text PRIMARY KEY CHECK (id ~ '^CS-[0-9]{4}-[0-9]{6}-[0-9]+$'),
    number         text NOT NULL,
    kind           text NOT NULL,              -- recovery | exception
    status         text NOT NULL,
    -- The tier asked now, and every tier that may decide.
    tier           text NOT NULL,
    approvers      text[] NOT NULL,
    due            timestamptz,
    requested_by   text NOT NULL,
    requested_at   timestamptz NOT NULL,
    decided_at     timestamptz,
    -- The normalized kind of an exception, by which repeats are counted.
    exception_kind text,
    -- The change count of the last write; an older write never replaces a newer one.
    version        bigint NOT NULL CHECK (version >= 0),
    -- The whole caseflow.Approval as the API shows it.
    view           jsonb NOT NULL
);
CREATE INDEX approvals_inbox_idx ON approvals (status, due, id);
CREATE INDEX approvals_number_idx ON approvals (number, id);
CREATE INDEX approvals_exceptions_idx ON approvals (requested_at, exception_kind) WHERE kind = 'exception';

-- +goose Down
DROP TABLE approvals;
