-- cap ledger (PostgreSQL). Placeholders: ${copytrade_cap_<reservation|budget|charge>_table} (qualified
-- names) and ${copytrade_cap_<...>_name} (bare names, for index and constraint names).

-- one row per reservation id: the idempotency of reserve/commit/release, and what the sweeper expires
CREATE TABLE ${copytrade_cap_reservation_table} (
    reservation_id  VARCHAR(200)  NOT NULL PRIMARY KEY,
    status          VARCHAR(16)   NOT NULL,
    reserved_units  BIGINT        NOT NULL,
    units           BIGINT        NOT NULL,
    spent_at        TIMESTAMPTZ   NOT NULL,
    expires_at      TIMESTAMPTZ   NOT NULL,
    settled_at      TIMESTAMPTZ,
    CONSTRAINT ${copytrade_cap_reservation_name}_status_ck CHECK (status IN ('RESERVED', 'COMMITTED', 'RELEASED')),
    CONSTRAINT ${copytrade_cap_reservation_name}_units_ck CHECK (units >= 0 AND units <= reserved_units)
);

-- the sweep reads only unsettled rows, by deadline: its cost follows the expired rows, not the history
CREATE INDEX ${copytrade_cap_reservation_name}_expiry_ix ON ${copytrade_cap_reservation_table} (expires_at, reservation_id)
    WHERE status = 'RESERVED';

-- UTC-day budgets: one counter per budget and day, charged by a conditional UPDATE. Rolling budgets: one
-- row per budget at bucket 1970-01-01 whose lock serialises the reservations of that budget.
CREATE TABLE ${copytrade_cap_budget_table} (
    budget_key      VARCHAR(200)  NOT NULL,
    budget_window   VARCHAR(64)   NOT NULL,
    bucket          TIMESTAMPTZ   NOT NULL,
    used            BIGINT        NOT NULL,
    CONSTRAINT ${copytrade_cap_budget_name}_pk PRIMARY KEY (budget_key, budget_window, bucket),
    CONSTRAINT ${copytrade_cap_budget_name}_used_ck CHECK (used >= 0)
);

-- what each live (reserved or committed) reservation charges each budget; a release deletes its rows.
-- bucket is the UTC-day counter row it charged, NULL for a rolling budget.
CREATE TABLE ${copytrade_cap_charge_table} (
    reservation_id  VARCHAR(200)  NOT NULL,
    budget_key      VARCHAR(200)  NOT NULL,
    budget_window   VARCHAR(64)   NOT NULL,
    bucket          TIMESTAMPTZ,
    spent_at        TIMESTAMPTZ   NOT NULL,
    units           BIGINT        NOT NULL,
    CONSTRAINT ${copytrade_cap_charge_name}_pk PRIMARY KEY (reservation_id, budget_key, budget_window),
    CONSTRAINT ${copytrade_cap_charge_name}_reservation_fk FOREIGN KEY (reservation_id)
        REFERENCES ${copytrade_cap_reservation_table} (reservation_id)
);

-- a rolling budget sums its charges over a time range: an index-only range scan
CREATE INDEX ${copytrade_cap_charge_name}_window_ix ON ${copytrade_cap_charge_table} (budget_key, budget_window, spent_at)
    INCLUDE (units);
