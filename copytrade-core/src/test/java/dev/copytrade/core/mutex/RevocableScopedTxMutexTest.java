package dev.copytrade.core.mutex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.mutex.ScopedTxMutex.Lease;
import dev.copytrade.core.testkit.RevocableScopedTxMutex;
import dev.copytrade.core.testkit.ScopedTxMutexContract;
import org.junit.jupiter.api.Test;

/** The test kit's revocable mutex is a real mutex (the contract), and a revoked lease behaves like a dead one. */
class RevocableScopedTxMutexTest extends ScopedTxMutexContract {
    private final RevocableScopedTxMutex mutex = new RevocableScopedTxMutex();

    @Override
    protected ScopedTxMutex mutex() {
        return mutex;
    }

    @Test
    void aRevokedLeaseIsInvalidAndItsLateCloseLeavesTheNextHolderAlone() {
        TxScope scope = freshScope("revoked");
        Lease first = mutex.acquire(scope, LONG);
        assertThat(mutex.revoke(freshScope("not-held"))).isZero();
        assertThat(mutex.revoke(scope)).isEqualTo(1);
        assertThat(first.isValid()).isFalse();
        try (Lease next = mutex.acquire(scope, SHORT)) {
            assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
            first.close();
            assertThat(next.isValid()).isTrue();
            assertThat(freeForOthers(scope)).as("the late close released nothing").isFalse();
        }
        assertThat(freeForOthers(scope)).isTrue();
    }
}
