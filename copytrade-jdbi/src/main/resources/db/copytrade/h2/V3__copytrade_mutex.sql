-- cross-process mutex (H2, the light dialect). H2 has no advisory locks: a scope is held by a row lock
-- on its row in ${copytrade_mutex_lock_table}, taken with SELECT … FOR UPDATE in a transaction the holder
-- keeps open for the lease, so the lock goes when the holder's session ends. The fencing counter cannot
-- live in that row (the holder's increment would only commit at release, and a holder that died would
-- roll it back), so it sits in the fence table, as on PostgreSQL, committed on its own.
CREATE TABLE ${copytrade_mutex_fence_table} (
    scope        VARCHAR(200)  NOT NULL,
    token        BIGINT        NOT NULL,
    lock_key     BIGINT        NOT NULL,
    holder       VARCHAR(200)  NOT NULL,
    acquired_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT ${copytrade_mutex_fence_name}_pk PRIMARY KEY (scope),
    CONSTRAINT ${copytrade_mutex_fence_name}_token_ck CHECK (token > 0)
);

CREATE TABLE ${copytrade_mutex_lock_table} (
    scope        VARCHAR(200)  NOT NULL,
    CONSTRAINT ${copytrade_mutex_lock_name}_pk PRIMARY KEY (scope)
);
