-- cap ledger (H2, the light dialect; PostgreSQL is the target). Same tables and columns as PostgreSQL;
-- H2 has neither partial nor covering indexes, so those are plain ones.
CREATE TABLE ${copytrade_cap_reservation_table} (
    reservation_id  VARCHAR(200)  NOT NULL PRIMARY KEY,
    status          VARCHAR(16)   NOT NULL,
    reserved_units  BIGINT        NOT NULL,
    units           BIGINT        NOT NULL,
    spent_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    settled_at      TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT ${copytrade_cap_reservation_name}_status_ck CHECK (status IN ('RESERVED', 'COMMITTED', 'RELEASED')),
    CONSTRAINT ${copytrade_cap_reservation_name}_units_ck CHECK (units >= 0 AND units <= reserved_units)
);

CREATE INDEX ${copytrade_cap_reservation_name}_expiry_ix ON ${copytrade_cap_reservation_table} (status, expires_at, reservation_id);

CREATE TABLE ${copytrade_cap_budget_table} (
    budget_key      VARCHAR(200)  NOT NULL,
    budget_window   VARCHAR(64)   NOT NULL,
    bucket          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    used            BIGINT        NOT NULL,
    CONSTRAINT ${copytrade_cap_budget_name}_pk PRIMARY KEY (budget_key, budget_window, bucket),
    CONSTRAINT ${copytrade_cap_budget_name}_used_ck CHECK (used >= 0)
);

CREATE TABLE ${copytrade_cap_charge_table} (
    reservation_id  VARCHAR(200)  NOT NULL,
    budget_key      VARCHAR(200)  NOT NULL,
    budget_window   VARCHAR(64)   NOT NULL,
    bucket          TIMESTAMP(6) WITH TIME ZONE,
    spent_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    units           BIGINT        NOT NULL,
    CONSTRAINT ${copytrade_cap_charge_name}_pk PRIMARY KEY (reservation_id, budget_key, budget_window),
    CONSTRAINT ${copytrade_cap_charge_name}_reservation_fk FOREIGN KEY (reservation_id)
        REFERENCES ${copytrade_cap_reservation_table} (reservation_id)
);

CREATE INDEX ${copytrade_cap_charge_name}_window_ix ON ${copytrade_cap_charge_table} (budget_key, budget_window, spent_at, units);
