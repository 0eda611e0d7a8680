package dev.copytrade.core.guardrail.market;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.copytrade.core.internal.EpochNanos;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.model.Side;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A short-lived cache in front of a {@link QuoteSource}, with in-flight sharing: concurrent callers
 * for the same (market, side) share one call to the source, and its answer is served until {@code ttl}
 * after that call completed, never at or after (default {@value #DEFAULT_TTL_SECONDS} s).
 *
 * <p>A failure is shared by the callers that were waiting for that call and is not cached: the next
 * caller asks the source again. The call runs on the first caller's thread; the others wait for it, so
 * the source must bound its own calls (see {@link QuoteSource}). Keep the guardrail's
 * {@code maxQuoteAge} above the TTL, or cached quotes will be rejected as stale.
 */
public final class CachingQuoteSource implements QuoteSource {
    public static final long DEFAULT_TTL_SECONDS = 5;
    private static final long DEFAULT_MAX_ENTRIES = 10_000;

    private record Key(Market market, Side side) {}

    private final QuoteSource source;
    private final AsyncCache<Key, Quote> cache;

    public CachingQuoteSource(QuoteSource source) {
        this(source, Duration.ofSeconds(DEFAULT_TTL_SECONDS), Ticker.systemTicker());
    }

    /** @param clock what the TTL is measured by; pass the executor's clock when tests drive it */
    public CachingQuoteSource(QuoteSource source, Duration ttl, Clock clock) {
        this(source, ttl, EpochNanos.ticker(InvalidInputException.requireNonNull("clock", clock)));
    }

    private CachingQuoteSource(QuoteSource source, Duration ttl, Ticker ticker) {
        this.source = InvalidInputException.requireNonNull("quoteSource", source);
        InvalidInputException.requireNonNull("quoteCacheTtl", ttl);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("quoteCacheTtl", ttl, "must be positive");
        }
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(DEFAULT_MAX_ENTRIES)
                .ticker(ticker)
                // maintenance on the caller's thread: no pool to leak, and eviction is deterministic in tests
                .executor(Runnable::run)
                .buildAsync();
    }

    @Override
    public Quote quote(Market market, Side side) {
        Key key = new Key(market, side);
        CompletableFuture<Quote> cached = cache.getIfPresent(key);
        if (cached != null) {
            return await(cached);
        }
        CompletableFuture<Quote> mine = new CompletableFuture<>();
        CompletableFuture<Quote> shared = cache.get(key, (k, executor) -> mine);
        if (shared == mine) {
            // we installed the future, so we make the call; everyone else waits on it
            try {
                Quote q = source.quote(market, side);
                if (q == null) {
                    throw new IllegalStateException("quote source returned no quote for " + market.label());
                }
                mine.complete(q);
                return q;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }
        return await(shared);
    }

    private static Quote await(CompletableFuture<Quote> shared) {
        try {
            return shared.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
