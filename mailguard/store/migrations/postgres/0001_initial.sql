-- The first PostgreSQL schema: one row per message (raw bytes included, TOASTed out of line
-- when large) and an append-only audit trail. Times are epoch seconds (double precision) like
-- the SQLite store and the injected clocks, so both backends compare the same numbers.

CREATE TABLE messages (
    id               text PRIMARY KEY,
    state            text NOT NULL,
    mail_from        text NOT NULL,
    envelope         jsonb NOT NULL,
    decision         jsonb NOT NULL,
    raw              bytea NOT NULL,
    size             integer NOT NULL,
    received_at      double precision NOT NULL,
    updated_at       double precision NOT NULL,
    next_attempt_at  double precision NOT NULL,
    hold_until       double precision,
    attempts         integer NOT NULL DEFAULT 0,
    pending_rcpts    text[] NOT NULL,
    last_error       text NOT NULL DEFAULT '',
    lease_owner      text,
    lease_until      double precision,
    decided_by       text,
    decided_at       double precision,
    decision_comment text NOT NULL DEFAULT '',
    escalated        boolean NOT NULL DEFAULT false,
    -- When a held message is escalated: derived from the verdict so the sweeper's query is an
    -- index range scan, not a JSON walk over every held row.
    escalate_at      double precision GENERATED ALWAYS AS (
        received_at + (decision ->> 'escalate_after_seconds')::double precision
    ) STORED
);

-- Each sweeper/worker query reads one small partial index, so the cost of a poll does not
-- grow with the number of delivered messages kept for the audit trail.
CREATE INDEX messages_claimable ON messages (next_attempt_at)
    WHERE state IN ('queued', 'deferred');
CREATE INDEX messages_leased ON messages (lease_until) WHERE state = 'delivering';
CREATE INDEX messages_held ON messages (hold_until) WHERE state = 'held';
CREATE INDEX messages_delayed ON messages (next_attempt_at) WHERE state = 'delayed';
CREATE INDEX messages_escalation ON messages (escalate_at) WHERE state = 'held' AND NOT escalated;
CREATE INDEX messages_received ON messages (received_at DESC, id DESC);
CREATE INDEX messages_sender ON messages (mail_from, received_at DESC);
CREATE INDEX messages_state ON messages (state);

CREATE TABLE audit (
    seq          bigserial PRIMARY KEY,
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
CREATE INDEX audit_message ON audit (message_id, seq);
CREATE INDEX audit_at ON audit (at);
