-- cross-process mutex (PostgreSQL). Placeholders: ${copytrade_mutex_fence_table} (qualified name) and
-- ${copytrade_mutex_fence_name} (bare name, for constraint names).
--
-- The lock itself is a session-level advisory lock (pg_advisory_lock on a 64-bit hash of the scope), which
-- the server drops when the holder's connection ends, however it ends. What must outlive every process and
-- restart is each scope's fencing counter: one row per scope, incremented by the holder right after it got
-- the lock, in its own commit. lock_key, holder and acquired_at describe the latest lease, so an operator
-- can find the live holder: join lock_key with pg_locks ((classid::bigint << 32) | objid::bigint).
CREATE TABLE ${copytrade_mutex_fence_table} (
    scope        VARCHAR(200)  NOT NULL,
    token        BIGINT        NOT NULL,
    lock_key     BIGINT        NOT NULL,
    holder       VARCHAR(200)  NOT NULL,
    acquired_at  TIMESTAMPTZ   NOT NULL,
    CONSTRAINT ${copytrade_mutex_fence_name}_pk PRIMARY KEY (scope),
    CONSTRAINT ${copytrade_mutex_fence_name}_token_ck CHECK (token > 0)
);
