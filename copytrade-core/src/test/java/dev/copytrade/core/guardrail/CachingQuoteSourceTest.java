package dev.copytrade.core.guardrail;

import static dev.copytrade.core.executor.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copytrade.core.executor.Fixtures;
import dev.copytrade.core.guardrail.market.CachingQuoteSource;
import dev.copytrade.core.guardrail.market.Quote;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Price;
import dev.copytrade.core.model.Side;
import dev.copytrade.core.time.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CachingQuoteSourceTest {
    /** Only a bound for a test that is already broken; no assertion depends on timing. */
    private static final long WAIT_SECONDS = 10;
    private static final Market MARKET = Fixtures.trade().market();

    private final SettableClock clock = new SettableClock(T0);
    private final AtomicInteger calls = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    private Quote fresh() {
        calls.incrementAndGet();
        return new Quote(Price.of("0.49"), Price.of("0.51"), clock.instant());
    }

    @Test
    @DisplayName("Scenario: Concurrent quote requests share one call")
    void concurrentQuoteRequestsShareOneCall() throws Exception {
        int callers = 16;
        CountDownLatch allEntered = new CountDownLatch(callers);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        // the one real call holds until every caller has asked, so all 16 overlap with it
        CachingQuoteSource cached = new CachingQuoteSource((m, s) -> {
            try {
                if (!allEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not every caller arrived while the call was in flight");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return fresh();
        }, Duration.ofSeconds(5), clock);
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Future<Quote>> running = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            running.add(threads.submit(() -> {
                start.await(WAIT_SECONDS, TimeUnit.SECONDS);
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                allEntered.countDown();
                try {
                    return cached.quote(MARKET, Side.BUY);
                } finally {
                    inside.decrementAndGet();
                }
            }));
        }
        List<Quote> answers = new ArrayList<>();
        for (Future<Quote> f : running) {
            answers.add(f.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }

        assertThat(calls.get()).isEqualTo(1);
        assertThat(maxInside.get()).isEqualTo(callers);
        assertThat(answers).hasSize(callers).allSatisfy(q -> assertThat(q).isSameAs(answers.get(0)));
    }

    @Test
    void aQuoteIsServedForLessThanItsTtlNeverAtIt() {
        CachingQuoteSource cached = new CachingQuoteSource((m, s) -> fresh(), Duration.ofSeconds(5), clock);
        Quote first = cached.quote(MARKET, Side.BUY);

        clock.advance(Duration.ofSeconds(5).minusNanos(1));
        Quote almostFiveSecondsLater = cached.quote(MARKET, Side.BUY);
        clock.advance(Duration.ofNanos(1));
        Quote atFiveSeconds = cached.quote(MARKET, Side.BUY);

        assertThat(almostFiveSecondsLater).isSameAs(first);
        assertThat(atFiveSeconds).isNotSameAs(first);
        assertThat(atFiveSeconds.asOf()).isEqualTo(T0.plusSeconds(5));
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void theTtlRunsFromWhenTheCallCompleted() {
        // a slow call: two seconds pass while the source answers
        CachingQuoteSource cached = new CachingQuoteSource((m, s) -> {
            clock.advance(Duration.ofSeconds(2));
            return fresh();
        }, Duration.ofSeconds(5), clock);
        Quote first = cached.quote(MARKET, Side.BUY);

        clock.advance(Duration.ofSeconds(5).minusNanos(1));
        Quote stillCached = cached.quote(MARKET, Side.BUY);
        clock.advance(Duration.ofNanos(1));

        assertThat(stillCached).isSameAs(first);
        assertThat(cached.quote(MARKET, Side.BUY)).isNotSameAs(first);
    }

    @Test
    void eachMarketAndSideIsItsOwnEntry() {
        CachingQuoteSource cached = new CachingQuoteSource((m, s) -> fresh(), Duration.ofSeconds(5), clock);
        Market other = Fixtures.validTrade().market("0x" + "cd".repeat(32), Fixtures.TOKEN_ID, "other").build().market();

        cached.quote(MARKET, Side.BUY);
        cached.quote(MARKET, Side.SELL);
        cached.quote(other, Side.BUY);
        cached.quote(MARKET, Side.BUY);

        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aFailureIsNotCached() {
        AtomicInteger attempts = new AtomicInteger();
        CachingQuoteSource cached = new CachingQuoteSource((m, s) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("429 Too Many Requests");
            }
            return fresh();
        }, Duration.ofSeconds(5), clock);

        assertThatThrownBy(() -> cached.quote(MARKET, Side.BUY)).hasMessageContaining("429");
        Quote afterwards = cached.quote(MARKET, Side.BUY);

        assertThat(afterwards.ask()).isEqualTo(Price.of("0.51"));
        assertThat(attempts.get()).isEqualTo(2);
        assertThatThrownBy(() -> new CachingQuoteSource((m, s) -> null, Duration.ZERO, clock))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("quoteCacheTtl"));
        assertThatThrownBy(() -> new CachingQuoteSource((m, s) -> null).quote(MARKET, Side.BUY))
                .hasMessageContaining("no quote");
    }
}
