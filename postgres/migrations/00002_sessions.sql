-- +goose Up

-- Web UI sessions. Only a hash of the session id is kept: a copy of this
-- table does not let anyone sign in. users.password_hash (00001) holds the
-- bcrypt hash of a user's UI password.
CREATE TABLE sessions (
    id_hash    bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Every form posted in the session must carry this token.
    csrf       text NOT NULL CHECK (csrf <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- +goose Down
DROP TABLE sessions;
