package dev.copytrade.jdbi.internal;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.IdempotencyKey;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.CopyTradeRecord;
import dev.copytrade.core.record.Fill;
import dev.copytrade.core.record.ReasonCode;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps records to and from rows; the one place that knows the column layout. */
public final class RecordRows {
    /** Insert columns, in the order of {@link #bindDraft}'s parameters. */
    public static final String[] INSERT_COLUMNS = {"idempotency_key", "client_order_id", "signal_id", "leader",
        "condition_id", "token_id", "slug", "leader_side", "leader_price", "leader_size", "leader_time",
        "follower_id", "wallet", "signer", "order_side", "order_price", "order_shares", "order_notional", "status",
        "reason", "detail", "dry_run", "lease_owner", "lease_until", "created_at", "updated_at", "version"};

    public static final RowMapper<CopyTradeRecord> MAPPER = RecordRows::map;

    private RecordRows() {}

    /** Databases keep microseconds; truncating before the write makes what we return equal what we stored. */
    public static Instant micros(Instant i) {
        return i == null ? null : i.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * The draft as the database will hold it (instants at microseconds), so a record built from it with
     * the id {@code RETURNING id} gave is exactly the row: no read back, no mapping, on the hot path.
     */
    public static RecordDraft asStored(RecordDraft d) {
        LeaderTrade t = d.trade();
        LeaderTrade trade = t.timestamp().getNano() % 1000 == 0 ? t : new LeaderTrade(t.signalId(), t.leader(),
                t.market(), t.side(), t.price(), t.size(), micros(t.timestamp()));
        if (trade == t && d.createdAt().getNano() % 1000 == 0
                && (d.leaseUntil() == null || d.leaseUntil().getNano() % 1000 == 0)) {
            return d;
        }
        return new RecordDraft(d.key(), trade, d.followerId(), d.wallet(), d.signer(), d.order(), d.status(),
                d.reason(), d.detail(), d.dryRun(), d.leaseOwner(), micros(d.leaseUntil()), micros(d.createdAt()));
    }

    /** The transition with its instants at microseconds, as the database will hold them. */
    public static Transition asStored(Transition t) {
        if (t.at().getNano() % 1000 == 0 && (t.leaseUntil() == null || t.leaseUntil().getNano() % 1000 == 0)) {
            return t;
        }
        return new Transition(t.id(), t.from(), t.to(), micros(t.at()), t.reason(), t.detail(), t.venueRef(), t.nonce(),
                t.fill(), t.lastError(), t.leaseOwner(), micros(t.leaseUntil()), t.debts());
    }

    public static Argument timestamp(Instant i) {
        if (i == null) {
            return (pos, stmt, ctx) -> stmt.setNull(pos, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        OffsetDateTime odt = OffsetDateTime.ofInstant(micros(i), ZoneOffset.UTC);
        return (pos, stmt, ctx) -> stmt.setObject(pos, odt);
    }

    public static Argument nullableLong(Long v) {
        return v == null ? (pos, stmt, ctx) -> stmt.setNull(pos, Types.BIGINT)
                : (pos, stmt, ctx) -> stmt.setLong(pos, v);
    }

    public static Argument nullableString(String v) {
        return v == null ? (pos, stmt, ctx) -> stmt.setNull(pos, Types.VARCHAR)
                : (pos, stmt, ctx) -> stmt.setString(pos, v);
    }

    /** Binds one draft's values under names {@code <column><suffix>}. */
    public static void bindDraft(SqlStatement<?> stmt, RecordDraft d, String suffix) {
        LeaderTrade t = d.trade();
        CopyOrder o = d.order();
        stmt.bind("idempotency_key" + suffix, d.key().value())
                .bind("client_order_id" + suffix, d.clientOrderId().value())
                .bind("signal_id" + suffix, t.signalId().value())
                .bind("leader" + suffix, t.leader().value())
                .bind("condition_id" + suffix, t.market().conditionId())
                .bind("token_id" + suffix, t.market().tokenId())
                .bind("slug" + suffix, nullableString(t.market().slug()))
                .bind("leader_side" + suffix, t.side().name())
                .bind("leader_price" + suffix, t.price().micros())
                .bind("leader_size" + suffix, t.size().micros())
                .bind("leader_time" + suffix, timestamp(t.timestamp()))
                .bind("follower_id" + suffix, d.followerId().value())
                .bind("wallet" + suffix, d.wallet().value())
                .bind("signer" + suffix, d.signer().value())
                .bind("order_side" + suffix, nullableString(o == null ? null : o.side().name()))
                .bind("order_price" + suffix, nullableLong(o == null ? null : o.limitPrice().micros()))
                .bind("order_shares" + suffix, nullableLong(o == null ? null : o.shares().micros()))
                .bind("order_notional" + suffix, nullableLong(o == null ? null : o.notional().micros()))
                .bind("status" + suffix, d.status().name())
                .bind("reason" + suffix, nullableString(d.reason() == null ? null : d.reason().name()))
                .bind("detail" + suffix, FlatJson.write(d.detail()))
                .bind("dry_run" + suffix, d.dryRun())
                .bind("lease_owner" + suffix, nullableString(d.leaseOwner()))
                .bind("lease_until" + suffix, timestamp(d.leaseUntil()))
                .bind("created_at" + suffix, timestamp(d.createdAt()))
                .bind("updated_at" + suffix, timestamp(d.createdAt()))
                .bind("version" + suffix, 0);
    }

    /**
     * PostgreSQL: the {@code SELECT} that turns one array parameter per column ({@link #bindDraftArrays})
     * into the rows of {@link #INSERT_COLUMNS}, so a batch of any size is one short statement the server
     * parses and plans once, instead of a VALUES list with tens of thousands of parameters.
     */
    public static final String UNNEST_DRAFTS = "SELECT v.idempotency_key, v.client_order_id, v.signal_id, v.leader,"
            + " v.condition_id, v.token_id, v.slug, v.leader_side, v.leader_price, v.leader_size,"
            + " " + fromEpochMicros("v.leader_time") + ", v.follower_id, v.wallet, v.signer, v.order_side, v.order_price,"
            + " v.order_shares, v.order_notional, v.status, v.reason, CAST(v.detail AS JSONB), v.dry_run, v.lease_owner,"
            + " " + fromEpochMicros("v.lease_until") + ", " + fromEpochMicros("v.created_at") + ", "
            + fromEpochMicros("v.created_at") + ", 0"
            + " FROM unnest(CAST(:keys AS VARCHAR[]), CAST(:coids AS VARCHAR[]), CAST(:signals AS VARCHAR[]),"
            + " CAST(:leaders AS VARCHAR[]), CAST(:conditions AS VARCHAR[]), CAST(:tokens AS VARCHAR[]),"
            + " CAST(:slugs AS VARCHAR[]), CAST(:leaderSides AS VARCHAR[]), CAST(:leaderPrices AS BIGINT[]),"
            + " CAST(:leaderSizes AS BIGINT[]), CAST(:leaderTimes AS BIGINT[]), CAST(:followers AS VARCHAR[]),"
            + " CAST(:wallets AS VARCHAR[]), CAST(:signers AS VARCHAR[]), CAST(:orderSides AS VARCHAR[]),"
            + " CAST(:orderPrices AS BIGINT[]), CAST(:orderShares AS BIGINT[]), CAST(:orderNotionals AS BIGINT[]),"
            + " CAST(:statuses AS VARCHAR[]), CAST(:reasons AS VARCHAR[]), CAST(:details AS VARCHAR[]),"
            + " CAST(:dryRuns AS BOOLEAN[]), CAST(:leaseOwners AS VARCHAR[]), CAST(:leaseUntils AS BIGINT[]),"
            + " CAST(:createdAts AS BIGINT[])) AS v(idempotency_key, client_order_id, signal_id, leader, condition_id,"
            + " token_id, slug, leader_side, leader_price, leader_size, leader_time, follower_id, wallet, signer,"
            + " order_side, order_price, order_shares, order_notional, status, reason, detail, dry_run, lease_owner,"
            + " lease_until, created_at)";

    /** Binds the drafts (already {@link #asStored}) column by column for {@link #UNNEST_DRAFTS}. */
    public static void bindDraftArrays(SqlStatement<?> stmt, List<RecordDraft> drafts) {
        int n = drafts.size();
        String[] keys = new String[n];
        String[] coids = new String[n];
        String[] signals = new String[n];
        String[] leaders = new String[n];
        String[] conditions = new String[n];
        String[] tokens = new String[n];
        String[] slugs = new String[n];
        String[] leaderSides = new String[n];
        Long[] leaderPrices = new Long[n];
        Long[] leaderSizes = new Long[n];
        Long[] leaderTimes = new Long[n];
        String[] followers = new String[n];
        String[] wallets = new String[n];
        String[] signers = new String[n];
        String[] orderSides = new String[n];
        Long[] orderPrices = new Long[n];
        Long[] orderShares = new Long[n];
        Long[] orderNotionals = new Long[n];
        String[] statuses = new String[n];
        String[] reasons = new String[n];
        String[] details = new String[n];
        Boolean[] dryRuns = new Boolean[n];
        String[] leaseOwners = new String[n];
        Long[] leaseUntils = new Long[n];
        Long[] createdAts = new Long[n];
        for (int i = 0; i < n; i++) {
            RecordDraft d = drafts.get(i);
            LeaderTrade t = d.trade();
            CopyOrder o = d.order();
            keys[i] = d.key().value();
            coids[i] = d.clientOrderId().value();
            signals[i] = t.signalId().value();
            leaders[i] = t.leader().value();
            conditions[i] = t.market().conditionId();
            tokens[i] = t.market().tokenId();
            slugs[i] = t.market().slug();
            leaderSides[i] = t.side().name();
            leaderPrices[i] = t.price().micros();
            leaderSizes[i] = t.size().micros();
            leaderTimes[i] = epochMicros(t.timestamp());
            followers[i] = d.followerId().value();
            wallets[i] = d.wallet().value();
            signers[i] = d.signer().value();
            orderSides[i] = o == null ? null : o.side().name();
            orderPrices[i] = o == null ? null : o.limitPrice().micros();
            orderShares[i] = o == null ? null : o.shares().micros();
            orderNotionals[i] = o == null ? null : o.notional().micros();
            statuses[i] = d.status().name();
            reasons[i] = d.reason() == null ? null : d.reason().name();
            details[i] = FlatJson.write(d.detail());
            dryRuns[i] = d.dryRun();
            leaseOwners[i] = d.leaseOwner();
            leaseUntils[i] = epochMicros(d.leaseUntil());
            createdAts[i] = epochMicros(d.createdAt());
        }
        stmt.bind("keys", array("varchar", keys)).bind("coids", array("varchar", coids))
                .bind("signals", array("varchar", signals)).bind("leaders", array("varchar", leaders))
                .bind("conditions", array("varchar", conditions)).bind("tokens", array("varchar", tokens))
                .bind("slugs", array("varchar", slugs)).bind("leaderSides", array("varchar", leaderSides))
                .bind("leaderPrices", array("int8", leaderPrices)).bind("leaderSizes", array("int8", leaderSizes))
                .bind("leaderTimes", array("int8", leaderTimes)).bind("followers", array("varchar", followers))
                .bind("wallets", array("varchar", wallets)).bind("signers", array("varchar", signers))
                .bind("orderSides", array("varchar", orderSides)).bind("orderPrices", array("int8", orderPrices))
                .bind("orderShares", array("int8", orderShares)).bind("orderNotionals", array("int8", orderNotionals))
                .bind("statuses", array("varchar", statuses)).bind("reasons", array("varchar", reasons))
                .bind("details", array("varchar", details)).bind("dryRuns", array("bool", dryRuns))
                .bind("leaseOwners", array("varchar", leaseOwners)).bind("leaseUntils", array("int8", leaseUntils))
                .bind("createdAts", array("int8", createdAts));
    }

    /**
     * An instant as microseconds since the epoch (truncated, as every store keeps it), or null: how array
     * parameters carry instants, cheaper to encode than text and exact ({@link #fromEpochMicros}).
     */
    public static Long epochMicros(Instant i) {
        return i == null ? null : i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    /** PostgreSQL: the {@code TIMESTAMPTZ} of an {@link #epochMicros} expression (null stays null), exact. */
    public static String fromEpochMicros(String expr) {
        return "(TIMESTAMPTZ 'epoch' + " + expr + " * INTERVAL '1 microsecond')";
    }

    /** A PostgreSQL array parameter ({@code elementType} as {@code Connection.createArrayOf} names it; nulls allowed). */
    public static Argument array(String elementType, Object[] values) {
        return (pos, stmt, ctx) -> stmt.setArray(pos, stmt.getConnection().createArrayOf(elementType, values));
    }

    /** {@code (:a_0, :b_0, ...)} for one row of a multi-row VALUES; {@code detailCast} wraps the detail param. */
    public static String valuesRow(String suffix, String detailCast) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < INSERT_COLUMNS.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String p = ":" + INSERT_COLUMNS[i] + suffix;
            sb.append(INSERT_COLUMNS[i].equals("detail") ? detailCast.replace("?", p) : p);
        }
        return sb.append(')').toString();
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime odt = rs.getObject(col, OffsetDateTime.class);
        return odt == null ? null : odt.toInstant();
    }

    private static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static CopyTradeRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        Market market = new Market(rs.getString("condition_id"), rs.getString("token_id"), rs.getString("slug"));
        LeaderTrade trade = new LeaderTrade(new SignalId(rs.getString("signal_id")), new Address(rs.getString("leader")),
                market, Side.valueOf(rs.getString("leader_side")), Price.ofMicros(rs.getLong("leader_price")),
                Shares.ofMicros(rs.getLong("leader_size")), instant(rs, "leader_time"));
        String orderSide = rs.getString("order_side");
        CopyOrder order = orderSide == null ? null
                : new CopyOrder(market, Side.valueOf(orderSide), Price.ofMicros(rs.getLong("order_price")),
                        Shares.ofMicros(rs.getLong("order_shares")), Usdc.ofMicros(rs.getLong("order_notional")));
        String fillRef = rs.getString("fill_ref");
        Fill fill = fillRef == null ? null
                : new Fill(Shares.ofMicros(rs.getLong("fill_shares")), Usdc.ofMicros(rs.getLong("fill_notional")),
                        fillRef);
        String reason = rs.getString("reason");
        IdempotencyKey key = new IdempotencyKey(rs.getString("idempotency_key").trim());
        return new CopyTradeRecord(rs.getLong("id"), key, key.clientOrderId(), trade,
                new FollowerId(rs.getString("follower_id")), new Address(rs.getString("wallet")),
                new Address(rs.getString("signer")), order, RecordStatus.valueOf(rs.getString("status")),
                reason == null ? null : ReasonCode.valueOf(reason), FlatJson.read(rs.getString("detail")),
                rs.getString("venue_ref"), nullableLong(rs, "nonce"), fill, rs.getString("last_error"),
                rs.getBoolean("dry_run"), rs.getString("lease_owner"), instant(rs, "lease_until"),
                instant(rs, "created_at"), instant(rs, "updated_at"), rs.getInt("version"));
    }
}
