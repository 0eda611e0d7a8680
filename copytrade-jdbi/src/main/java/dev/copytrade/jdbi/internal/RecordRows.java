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
