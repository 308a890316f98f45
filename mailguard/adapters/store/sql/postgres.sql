-- The PostgreSQL store's queries. Names and ``:name`` parameters are shared with the SQLite
-- file (pg_sql.py turns them into asyncpg's $n); the schema lives in migrations/postgres/.
-- JSON columns are jsonb, sent and read as text. Every state change is conditional on the old
-- state (and, for workers, the lease owner) and RETURNs a row only to the caller that won.
-- pg_sql.py wraps each write that RETURNs an id with ``audit_changed`` into one statement, so
-- the change and its audit record commit together in a single round trip.

-- name: insert_message
INSERT INTO messages (
    id, state, mail_from, rcpts, raw, size, decision, received_at, updated_at,
    next_attempt_at, hold_until, pending_rcpts, client_addr, auth_user, helo
) VALUES (
    :id, :state, :mail_from, :rcpts::jsonb, :raw, :size, :decision::jsonb, :received_at,
    :received_at, :next_attempt_at, :hold_until, :rcpts::jsonb, :client_addr, :auth_user, :helo
)
RETURNING id

-- name: insert_audit
INSERT INTO audit (
    message_id, at, actor, event, from_state, to_state, client_addr, user_agent, comment
) VALUES (
    :message_id, :at, :actor, :event, :from_state, :to_state, :client_addr, :user_agent,
    :comment
)

-- name: audit_changed
-- The audit record of the row (if any) that the ``changed`` CTE wrote; its parameters are
-- prefixed so they cannot collide with the write's (an envelope's client_addr is not the
-- approver's).
INSERT INTO audit (
    message_id, at, actor, event, from_state, to_state, client_addr, user_agent, comment
)
SELECT id, :audit_at, :audit_actor, :audit_event, :audit_from_state, :audit_to_state,
       :audit_client_addr, :audit_user_agent, :audit_comment
FROM changed
RETURNING message_id

-- name: get_message
SELECT * FROM message_meta WHERE id = :id

-- name: get_message_with_raw
SELECT * FROM messages WHERE id = :id

-- name: transition
-- The conditional update behind every approval, release, withdrawal and timeout. Leaving
-- DELIVERING drops the lease.
UPDATE messages SET
    state = :new,
    updated_at = :at,
    next_attempt_at = COALESCE(:next_attempt_at, next_attempt_at),
    decided_by = COALESCE(:decided_by, decided_by),
    decided_at = CASE WHEN :decided_by::text IS NULL THEN decided_at ELSE :at END,
    decision_comment = COALESCE(:decision_comment, decision_comment),
    lease_owner = CASE WHEN :new = 'delivering' THEN lease_owner END,
    lease_until = CASE WHEN :new = 'delivering' THEN lease_until END
WHERE id = :id AND state = :old
RETURNING id

-- name: mark_escalated
UPDATE messages SET escalated = true, updated_at = :at
WHERE id = :id AND state = 'held' AND NOT escalated
RETURNING id

-- name: claim
-- Select, lease and audit in one statement. SKIP LOCKED lets every replica's workers claim
-- at once without waiting on, or double-taking, each other's rows; a row another worker
-- claimed meanwhile fails the WHERE re-check and is skipped. A delivering row without a
-- lease (moved there by a plain transition, which sets none) is claimable too: never leave
-- such a message stuck.
WITH picked AS (
    SELECT id, state AS old_state FROM messages
    WHERE (state IN ('queued', 'deferred') AND next_attempt_at <= :now)
       OR (state = 'delivering' AND (lease_until IS NULL OR lease_until <= :now))
    ORDER BY next_attempt_at, id
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE messages AS m SET
        state = 'delivering',
        lease_owner = :owner,
        lease_until = :lease_until,
        attempts = m.attempts + 1,
        updated_at = :now
    FROM picked
    WHERE m.id = picked.id
    RETURNING m.*, picked.old_state
), logged AS (
    INSERT INTO audit (message_id, at, actor, event, from_state, to_state)
    SELECT id, :now, 'worker:' || :owner, 'claimed', old_state, 'delivering' FROM claimed
)
SELECT * FROM claimed ORDER BY next_attempt_at, id

-- name: finish
UPDATE messages SET
    state = :new,
    pending_rcpts = :pending_rcpts::jsonb,
    next_attempt_at = :next_attempt_at,
    last_error = :last_error,
    lease_owner = NULL,
    lease_until = NULL,
    updated_at = :at
WHERE id = :id AND state = 'delivering' AND lease_owner = :owner
RETURNING id

-- name: due_held
SELECT * FROM message_meta
WHERE state = 'held' AND hold_until <= :now
ORDER BY hold_until, id
LIMIT :limit

-- name: due_delayed
SELECT * FROM message_meta
WHERE state = 'delayed' AND next_attempt_at <= :now
ORDER BY next_attempt_at, id
LIMIT :limit

-- name: due_escalations
SELECT * FROM message_meta
WHERE state = 'held' AND NOT escalated AND escalate_at <= :now
ORDER BY escalate_at, id
LIMIT :limit

-- name: list_messages
-- ``:states`` is an array; empty means every state. ``:sender`` NULL means any sender.
SELECT * FROM message_meta
WHERE (cardinality(:states::text[]) = 0 OR state = ANY(:states::text[]))
  AND (:sender::text IS NULL OR lower(mail_from) = lower(:sender))
ORDER BY received_at DESC, id DESC
LIMIT :limit OFFSET :offset

-- name: count_by_state
SELECT state, count(*) AS n FROM messages GROUP BY state

-- name: audit_events
SELECT * FROM audit
WHERE (:since::double precision IS NULL OR at >= :since)
  AND (:message_id::text IS NULL OR message_id = :message_id)
ORDER BY at, id

-- name: notify_work
-- Sent after the COMMIT that made work (pg_listen.Announcer coalesces bursts into one), never
-- inside it: a NOTIFY serialises committing transactions on a global lock, which would undo
-- the WAL group commit of concurrent adds.
SELECT pg_notify(:channel, '')

-- name: ready
-- A standby in recovery (after a failover, before promotion) can read but not commit.
SELECT NOT pg_is_in_recovery()
