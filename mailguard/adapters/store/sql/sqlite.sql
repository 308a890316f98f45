-- The SQLite store's queries. Names are shared with the PostgreSQL file; parameters use the
-- ``:name`` style. Times are seconds since the epoch (REAL); JSON columns are TEXT.

-- name: migration_1
-- The initial schema: messages with their envelope, verdict and delivery state, and the
-- append-only audit trail.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    mail_from TEXT NOT NULL,
    rcpts TEXT NOT NULL,
    raw BLOB NOT NULL,
    size INTEGER NOT NULL,
    decision TEXT NOT NULL,
    received_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    hold_until REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    pending_rcpts TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    lease_owner TEXT,
    lease_until REAL,
    decided_by TEXT,
    decided_at REAL,
    decision_comment TEXT NOT NULL DEFAULT '',
    escalated INTEGER NOT NULL DEFAULT 0,
    client_addr TEXT NOT NULL DEFAULT '',
    auth_user TEXT,
    helo TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_due ON messages (state, next_attempt_at);
CREATE INDEX messages_lease ON messages (state, lease_until);
CREATE INDEX messages_hold ON messages (state, hold_until);
CREATE INDEX messages_received ON messages (received_at);
CREATE INDEX messages_state_received ON messages (state, received_at);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    client_addr TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_message ON audit (message_id, at);
CREATE INDEX audit_at ON audit (at);
-- Every column but the (possibly large) raw message, for lists and sweeps.
CREATE VIEW message_meta AS SELECT
    id, state, mail_from, rcpts, size, decision, received_at, updated_at, next_attempt_at,
    hold_until, attempts, pending_rcpts, last_error, lease_owner, lease_until, decided_by,
    decided_at, decision_comment, escalated, client_addr, auth_user, helo
FROM messages;

-- name: migration_2
-- The raw message moves to a table of its own. SQLite rewrites a whole row on every UPDATE,
-- overflow pages included, so with the raw message in ``messages`` each claim and each finish
-- copied it again into the WAL (and fsync'd it): three writes of a 500 KiB message instead of
-- one, and reading any column stored after it meant walking its overflow pages.
CREATE TABLE message_raw (
    id TEXT PRIMARY KEY,
    raw BLOB NOT NULL
);
INSERT INTO message_raw (id, raw) SELECT id, raw FROM messages;
ALTER TABLE messages DROP COLUMN raw;

-- name: insert_message
INSERT INTO messages (
    id, state, mail_from, rcpts, size, decision, received_at, updated_at,
    next_attempt_at, hold_until, pending_rcpts, client_addr, auth_user, helo
) VALUES (
    :id, :state, :mail_from, :rcpts, :size, :decision, :received_at, :received_at,
    :next_attempt_at, :hold_until, :rcpts, :client_addr, :auth_user, :helo
);

-- name: insert_raw
INSERT INTO message_raw (id, raw) VALUES (:id, :raw);

-- name: insert_audit
INSERT INTO audit (
    message_id, at, actor, event, from_state, to_state, client_addr, user_agent, comment
) VALUES (
    :message_id, :at, :actor, :event, :from_state, :to_state, :client_addr, :user_agent,
    :comment
);

-- name: get_message
SELECT * FROM message_meta WHERE id = :id;

-- name: get_message_with_raw
SELECT messages.*, message_raw.raw
FROM messages JOIN message_raw ON message_raw.id = messages.id
WHERE messages.id = :id;

-- name: transition
-- The conditional update behind every approval, release, withdrawal and timeout: it matches
-- no row when someone else changed the state first. Leaving DELIVERING drops the lease.
UPDATE messages SET
    state = :new,
    updated_at = :at,
    next_attempt_at = COALESCE(:next_attempt_at, next_attempt_at),
    decided_by = COALESCE(:decided_by, decided_by),
    decided_at = CASE WHEN :decided_by IS NULL THEN decided_at ELSE :at END,
    decision_comment = COALESCE(:decision_comment, decision_comment),
    lease_owner = CASE WHEN :new = 'delivering' THEN lease_owner END,
    lease_until = CASE WHEN :new = 'delivering' THEN lease_until END
WHERE id = :id AND state = :old;

-- name: mark_escalated
UPDATE messages SET escalated = 1, updated_at = :at
WHERE id = :id AND state = 'held' AND escalated = 0;

-- name: claimable
-- Due for a delivery attempt: queued or deferred and due, or delivering under a lease that
-- expired (its worker died) or that has none (moved there by a plain transition, which sets
-- no lease: never leave such a message stuck). One index range per case, each already in order, so a long
-- backlog is never sorted as a whole.
SELECT * FROM (
    SELECT * FROM (
        SELECT * FROM messages WHERE state = 'queued' AND next_attempt_at <= :now
        ORDER BY next_attempt_at LIMIT :limit
    )
    UNION ALL
    SELECT * FROM (
        SELECT * FROM messages WHERE state = 'deferred' AND next_attempt_at <= :now
        ORDER BY next_attempt_at LIMIT :limit
    )
    UNION ALL
    SELECT * FROM (
        SELECT * FROM messages
        WHERE state = 'delivering' AND (lease_until IS NULL OR lease_until <= :now)
        ORDER BY lease_until LIMIT :limit
    )
)
ORDER BY next_attempt_at, id
LIMIT :limit;

-- name: claim
UPDATE messages SET
    state = 'delivering',
    lease_owner = :owner,
    lease_until = :lease_until,
    attempts = attempts + 1,
    updated_at = :now
WHERE id = :id AND state = :old
  AND (state != 'delivering' OR lease_until IS NULL OR lease_until <= :now);

-- name: finish
UPDATE messages SET
    state = :new,
    pending_rcpts = :pending_rcpts,
    next_attempt_at = :next_attempt_at,
    last_error = :last_error,
    lease_owner = NULL,
    lease_until = NULL,
    updated_at = :at
WHERE id = :id AND state = 'delivering' AND lease_owner = :owner;

-- name: due_held
SELECT * FROM message_meta
WHERE state = 'held' AND hold_until <= :now
ORDER BY hold_until, id
LIMIT :limit;

-- name: due_delayed
SELECT * FROM message_meta
WHERE state = 'delayed' AND next_attempt_at <= :now
ORDER BY next_attempt_at, id
LIMIT :limit;

-- name: due_escalations
SELECT * FROM message_meta
WHERE state = 'held' AND escalated = 0
  AND json_extract(decision, '$.escalate_after_seconds') IS NOT NULL
  AND received_at + json_extract(decision, '$.escalate_after_seconds') <= :now
ORDER BY received_at, id
LIMIT :limit;

-- name: list_messages
-- ``:states`` is a JSON array; empty means every state. ``:sender`` NULL means any sender.
SELECT * FROM message_meta
WHERE (json_array_length(:states) = 0 OR state IN (SELECT value FROM json_each(:states)))
  AND (:sender IS NULL OR lower(mail_from) = lower(:sender))
ORDER BY received_at DESC, id DESC
LIMIT :limit OFFSET :offset;

-- name: count_by_state
SELECT state, count(*) AS n FROM messages GROUP BY state;

-- name: audit_since
SELECT * FROM audit
WHERE (:since IS NULL OR at >= :since)
ORDER BY at, id;

-- name: audit_for_message
SELECT * FROM audit
WHERE message_id = :message_id AND (:since IS NULL OR at >= :since)
ORDER BY at, id;
