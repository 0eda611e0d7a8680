package dev.copytrade.core.mutex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.mutex.ScopedTxMutex.Lease;
import dev.copytrade.core.testkit.Concurrently;
import dev.copytrade.core.testkit.ScopedTxMutexContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LocalScopedTxMutexTest extends ScopedTxMutexContract {
    private final LocalScopedTxMutex mutex = new LocalScopedTxMutex();

    @Override
    protected ScopedTxMutex mutex() {
        return mutex;
    }

    @Test
    @DisplayName("Scenario: Unused scopes are evicted")
    void releasedScopesAreEvicted() {
        List<Lease> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(mutex.acquire(freshScope("held-" + i), LONG));
        }
        assertThat(mutex.activeScopes()).isEqualTo(3);
        held.forEach(Lease::close);
        assertThat(mutex.activeScopes()).isZero();

        // threads share a few hot scopes (so some wait for each other) and visit many cold ones
        List<TxScope> hot = List.of(freshScope("hot-0"), freshScope("hot-1"));
        Concurrently.run(4, i -> {
            for (int k = 0; k < 500; k++) {
                mutex.acquire(k % 2 == 0 ? hot.get(k % 4 / 2) : freshScope("cold"), LONG).close();
                mutex.tryAcquire(hot.get(i % 2)).ifPresent(Lease::close);
            }
            return null;
        });
        assertThat(mutex.activeScopes()).isZero();
    }

    @Test
    @DisplayName("Scenario: Unused scopes are evicted")
    void failedWaitsLeaveNoEntryBehind() {
        TxScope scope = freshScope("busy");
        try (Lease held = mutex.acquire(scope, LONG)) {
            timeoutElsewhere(scope, SHORT);
            assertThat(freeForOthers(scope)).isFalse();
            assertThat(interruptedWaitElsewhere(scope)).isTrue();
            assertThat(mutex.activeScopes()).as("only the holder's entry").isEqualTo(1);
        }
        assertThat(mutex.activeScopes()).isZero();
    }
}
