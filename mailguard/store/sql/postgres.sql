-- Named queries of the PostgreSQL store (asyncpg: $n parameters). Names match the SQLite
-- store's where the dialects allow; the schema itself lives in migrations/postgres/.
-- Every state change is conditional on the old state (and, for workers, the lease owner) and
-- RETURNs the row only to the caller that won.

-- name: add_message
INSERT INTO messages (id, state, mail_from, envelope, decision, raw, size, received_at,
                      updated_at, next_attempt_at, hold_until, pending_rcpts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11)

-- name: add_audit
INSERT INTO audit (message_id, at, actor, event, from_state, to_state, client_addr,
                   user_agent, comment)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)

-- name: get_message
SELECT id, state, envelope, decision, received_at, updated_at, next_attempt_at, hold_until,
       attempts, pending_rcpts, size, last_error, lease_owner, lease_until, decided_by,
       decided_at, decision_comment, escalated, NULL::bytea AS raw
FROM messages WHERE id = $1

-- name: get_message_with_raw
SELECT id, state, envelope, decision, received_at, updated_at, next_attempt_at, hold_until,
       attempts, pending_rcpts, size, last_error, lease_owner, lease_until, decided_by,
       decided_at, decision_comment, escalated, raw
FROM messages WHERE id = $1

-- name: transition
-- $1 id, $2 old, $3 new, $4 now, $5 next_attempt_at or NULL, $6 decided_by or NULL,
-- $7 decision_comment or NULL. Leaving DELIVERING drops the lease.
UPDATE messages
SET state = $3,
    updated_at = $4,
    next_attempt_at = COALESCE($5, next_attempt_at),
    decided_by = COALESCE($6, decided_by),
    decided_at = CASE WHEN $6::text IS NULL THEN decided_at ELSE $4 END,
    decision_comment = COALESCE($7, decision_comment),
    lease_owner = CASE WHEN $3 = 'delivering' THEN lease_owner END,
    lease_until = CASE WHEN $3 = 'delivering' THEN lease_until END
WHERE id = $1 AND state = $2
RETURNING id

-- name: mark_escalated
UPDATE messages SET escalated = true, updated_at = $2
WHERE id = $1 AND state = 'held' AND NOT escalated
RETURNING id

-- name: claim
-- $1 owner, $2 now, $3 lease seconds, $4 limit. SKIP LOCKED lets every replica's workers
-- claim concurrently without waiting on (or double-taking) each other's rows.
WITH picked AS (
    SELECT id, state AS old_state FROM messages
    WHERE (state IN ('queued', 'deferred') AND next_attempt_at <= $2)
       OR (state = 'delivering' AND lease_until <= $2)
    ORDER BY next_attempt_at
    LIMIT $4
    FOR UPDATE SKIP LOCKED
)
UPDATE messages AS m
SET state = 'delivering', lease_owner = $1, lease_until = $2 + $3, updated_at = $2,
    attempts = m.attempts + 1
FROM picked
WHERE m.id = picked.id
RETURNING m.id, m.state, m.envelope, m.decision, m.received_at, m.updated_at,
          m.next_attempt_at, m.hold_until, m.attempts, m.pending_rcpts, m.size, m.last_error,
          m.lease_owner, m.lease_until, m.decided_by, m.decided_at, m.decision_comment,
          m.escalated, m.raw, picked.old_state

-- name: finish
-- $1 id, $2 owner, $3 new state, $4 pending, $5 next_attempt_at, $6 last_error, $7 now.
UPDATE messages
SET state = $3, pending_rcpts = $4, next_attempt_at = $5, last_error = $6, updated_at = $7,
    lease_owner = NULL, lease_until = NULL
WHERE id = $1 AND state = 'delivering' AND lease_owner = $2
RETURNING id

-- name: due_held
SELECT id, state, envelope, decision, received_at, updated_at, next_attempt_at, hold_until,
       attempts, pending_rcpts, size, last_error, lease_owner, lease_until, decided_by,
       decided_at, decision_comment, escalated, NULL::bytea AS raw
FROM messages WHERE state = 'held' AND hold_until <= $1
ORDER BY hold_until LIMIT $2

-- name: due_delayed
SELECT id, state, envelope, decision, received_at, updated_at, next_attempt_at, hold_until,
       attempts, pending_rcpts, size, last_error, lease_owner, lease_until, decided_by,
       decided_at, decision_comment, escalated, NULL::bytea AS raw
FROM messages WHERE state = 'delayed' AND next_attempt_at <= $1
ORDER BY next_attempt_at LIMIT $2

-- name: due_escalations
SELECT id, state, envelope, decision, received_at, updated_at, next_attempt_at, hold_until,
       attempts, pending_rcpts, size, last_error, lease_owner, lease_until, decided_by,
       decided_at, decision_comment, escalated, NULL::bytea AS raw
FROM messages WHERE state = 'held' AND NOT escalated AND escalate_at <= $1
ORDER BY escalate_at LIMIT $2

-- name: list_messages
-- $1 states (empty: all), $2 sender or NULL, $3 limit, $4 offset.
SELECT id, state, envelope, decision, received_at, updated_at, next_attempt_at, hold_until,
       attempts, pending_rcpts, size, last_error, lease_owner, lease_until, decided_by,
       decided_at, decision_comment, escalated, NULL::bytea AS raw
FROM messages
WHERE (cardinality($1::text[]) = 0 OR state = ANY($1::text[]))
  AND ($2::text IS NULL OR mail_from = $2)
ORDER BY received_at DESC, id DESC
LIMIT $3 OFFSET $4

-- name: count_by_state
SELECT state, count(*) AS n FROM messages GROUP BY state

-- name: audit_events
-- $1 since or NULL, $2 message id or NULL.
SELECT message_id, at, actor, event, from_state, to_state, client_addr, user_agent, comment
FROM audit
WHERE ($1::double precision IS NULL OR at >= $1)
  AND ($2::text IS NULL OR message_id = $2)
ORDER BY seq

-- name: notify_work
-- Delivered at COMMIT to every replica's listener, so a release wakes workers everywhere.
SELECT pg_notify('mailguard_work', $1)

-- name: ping
SELECT 1
