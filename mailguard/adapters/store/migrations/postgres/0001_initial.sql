-- The first PostgreSQL schema, column for column the SQLite store's (so both share
-- store/rows.py): messages with envelope, verdict and delivery state, raw bytes TOASTed out of
-- line when large, and the append-only audit trail. Times are epoch seconds (double precision)
-- like SQLite's REAL and the injected clocks.

CREATE TABLE messages (
    id               text PRIMARY KEY,
    state            text NOT NULL,
    mail_from        text NOT NULL,
    rcpts            jsonb NOT NULL,
    raw              bytea NOT NULL,
    size             integer NOT NULL,
    decision         jsonb NOT NULL,
    received_at      double precision NOT NULL,
    updated_at       double precision NOT NULL,
    next_attempt_at  double precision NOT NULL,
    hold_until       double precision,
    attempts         integer NOT NULL DEFAULT 0,
    pending_rcpts    jsonb NOT NULL,
    last_error       text NOT NULL DEFAULT '',
    lease_owner      text,
    lease_until      double precision,
    decided_by       text,
    decided_at       double precision,
    decision_comment text NOT NULL DEFAULT '',
    escalated        boolean NOT NULL DEFAULT false,
    client_addr      text NOT NULL DEFAULT '',
    auth_user        text,
    helo             text NOT NULL DEFAULT '',
    -- When a held message is escalated, derived from the verdict so the sweeper's query is an
    -- index range scan rather than a JSON walk over every held row.
    escalate_at      double precision GENERATED ALWAYS AS (
        received_at + (decision ->> 'escalate_after_seconds')::double precision
    ) STORED
);

-- Each worker and sweeper query reads one small partial index, so a poll costs the same
-- however many delivered messages are kept for the audit trail.
CREATE INDEX messages_claimable ON messages (next_attempt_at, id)
    WHERE state IN ('queued', 'deferred');
CREATE INDEX messages_leased ON messages (lease_until) WHERE state = 'delivering';
CREATE INDEX messages_held ON messages (hold_until, id) WHERE state = 'held';
CREATE INDEX messages_delayed ON messages (next_attempt_at, id) WHERE state = 'delayed';
CREATE INDEX messages_escalation ON messages (escalate_at, id)
    WHERE state = 'held' AND NOT escalated;
CREATE INDEX messages_received ON messages (received_at DESC, id DESC);
CREATE INDEX messages_sender ON messages (lower(mail_from), received_at DESC);
CREATE INDEX messages_state ON messages (state);

CREATE TABLE audit (
    id           bigserial PRIMARY KEY,
    message_id   text NOT NULL,
    at           double precision NOT NULL,
    actor        text NOT NULL,
    event        text NOT NULL,
    from_state   text,
    to_state     text,
    client_addr  text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    comment      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_message ON audit (message_id, at);
CREATE INDEX audit_at ON audit (at);

-- Every column but the (possibly large) raw message, for lists and sweeps.
CREATE VIEW message_meta AS SELECT
    id, state, mail_from, rcpts, size, decision, received_at, updated_at, next_attempt_at,
    hold_until, attempts, pending_rcpts, last_error, lease_owner, lease_until, decided_by,
    decided_at, decision_comment, escalated, client_addr, auth_user, helo, escalate_at
FROM messages;
