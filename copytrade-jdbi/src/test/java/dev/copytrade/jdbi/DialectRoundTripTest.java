package dev.copytrade.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.FollowerId;
import dev.copytrade.core.model.LeaderTrade;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.SignalId;
import dev.copytrade.core.record.Fill;
import dev.copytrade.core.record.RecordDraft;
import dev.copytrade.core.record.RecordStatus;
import dev.copytrade.core.record.Transition;
import dev.copytrade.core.model.Usdc;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every column survives the round trip on both dialects, nanosecond timestamps included. */
@org.junit.jupiter.api.DisplayName("Scenario: A record survives the round trip through the database exactly")
class DialectRoundTripTest {
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void roundTrip(Dialect dialect) {
        try (HikariDataSource ds = dialect == Dialect.POSTGRESQL ? SharedPostgres.newPool(4) : H2.newPool()) {
            JdbiCopyTradeStore store = JdbiCopyTradeStore.builder(ds).tableNames(SharedPostgres.freshTables())
                    .migrate(true).build();
            assertThat(store.dialect()).isEqualTo(dialect);
            LeaderTrade t = LeaderTrade.builder().signalId(SignalId.venueFill("x", "1"))
                    .leader("0x" + "a".repeat(40)).market("0x" + "b".repeat(64), "123", "some-market")
                    .side("BUY").price("0.5").size("10").timestamp(Instant.parse("2026-01-01T00:00:00Z")).build();
            Instant now = Instant.parse("2026-01-01T00:00:01.123456789Z");
            RecordDraft d = RecordDraft.pending(t, FollowerId.of("f1"), Address.of("0x" + "c".repeat(40)),
                    Address.of("0x" + "d".repeat(40)), CopyOrder.of(t.market(), t.side(), t.price(), Shares.of("4")),
                    Map.of("a", "b\"q"), false, "me", now.plusSeconds(600), now);
            var first = store.prewrite(d);
            var second = store.prewrite(d);
            assertThat(first.inserted()).isTrue();
            assertThat(second.inserted()).isFalse();
            assertThat(second.record()).isEqualTo(first.record());
            var sub = store.transition(Transition.submitted(first.record().id(), now, "0xref", 7L, "me", now.plusSeconds(60)));
            assertThat(sub.applied()).isTrue();
            var done = store.transition(Transition.executed(first.record().id(), RecordStatus.SUBMITTED, now,
                    new Fill(Shares.of("4"), Usdc.of("2"), "fill-1"), Map.of("x", "y")));
            assertThat(done.applied()).isTrue();
            assertThat(done.current().detail()).containsEntry("a", "b\"q").containsEntry("x", "y");
            assertThat(done.current().leaseOwner()).isNull();
            assertThat(store.findById(first.record().id())).contains(done.current());
            assertThat(store.countByStatus().get(RecordStatus.EXECUTED)).isEqualTo(1);
            assertThat(Price.ofMicros(500_000)).isEqualTo(done.current().trade().price());
        }
    }
}
