package dev.copytrade.core.evm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.testkit.Seeds;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NonceAllocatorTest {
    private static final Address SIGNER = Address.of("0x" + "5".repeat(40));

    @Test
    @DisplayName("Scenario: A nonce is never handed out twice and never goes backwards")
    void randomWalkKeepsTheInvariants() {
        long seed = Seeds.seed();
        Random random = new Random(seed);
        NonceAllocator.Slot slot = new NonceAllocator().slot(1, SIGNER);
        AtomicLong chain = new AtomicLong(random.nextInt(5));  // the node's pending count
        Set<Long> broadcast = new HashSet<>();
        long highestBroadcast = -1;
        for (int step = 0; step < 5_000; step++) {
            boolean ask = random.nextBoolean();
            long n = slot.allocate(chain::get, ask).nonce();
            String at = "step " + step + " (seed " + seed + ")";
            assertThat(broadcast).as("handed out twice at " + at).doesNotContain(n);
            if (ask) {
                assertThat(n).as("below the chain's count at " + at).isGreaterThanOrEqualTo(chain.get());
            }
            int what = random.nextInt(10);
            if (what < 6) {  // sent and taken by the node
                slot.broadcasting(n);
                broadcast.add(n);
                highestBroadcast = Math.max(highestBroadcast, n);
                chain.set(Math.max(chain.get(), n + 1));
            } else if (what < 7) {  // sent, answer lost: it may be in the pool, so never handed out again
                slot.broadcasting(n);
                broadcast.add(n);
                highestBroadcast = Math.max(highestBroadcast, n);
            } else if (what < 8) {  // refused with proof: handed out again next
                slot.broadcasting(n);
                slot.refused(n);
                assertThat(slot.allocate(chain::get, false).nonce()).as("reused at " + at).isEqualTo(n);
                slot.broadcasting(n);
                broadcast.add(n);
                highestBroadcast = Math.max(highestBroadcast, n);
                chain.set(Math.max(chain.get(), n + 1));
            } else if (what < 9) {  // prepared, never sent (the lease ended without a send)
                continue;
            } else {  // someone else used nonces: "nonce too low" and a resync
                chain.addAndGet(1 + random.nextInt(3));
                slot.resync(chain.get());
            }
            assertThat(slot.peekNext()).as("next went backwards at " + at).isGreaterThan(highestBroadcast);
        }
    }

    @Test
    @DisplayName("Scenario: A prepared nonce that was never sent is handed out again")
    void unsentIsReused() {
        NonceAllocator.Slot slot = new NonceAllocator().slot(1, SIGNER);
        NonceAllocator.Slot.Allocation a = slot.allocate(() -> 7, false);
        slot.signed(a.nonce(), "0xaa");
        assertThat(a.nonce()).isEqualTo(7);
        NonceAllocator.Slot.Allocation b = slot.allocate(() -> 7, false);
        assertThat(b.nonce()).isEqualTo(7);
        assertThat(b.previousHash()).isEqualTo("0xaa");
        slot.broadcasting(7);
        assertThat(slot.allocate(() -> 7, false).nonce()).as("the chain lags; local state wins").isEqualTo(8);
        // a transport failure is no proof: 8 was broadcasting, so it is not handed out again
        slot.broadcasting(8);
        assertThat(slot.allocate(() -> 7, true).nonce()).isEqualTo(9);
        // another process moved the chain past us
        slot.broadcasting(9);
        assertThat(slot.allocate(() -> 20, true).nonce()).isEqualTo(20);
        assertThat(new NonceAllocator().slot(2, SIGNER).allocate(() -> 3, false).nonce())
                .as("another chain is another sequence").isEqualTo(3);
    }

    @Test
    @DisplayName("Scenario: An order not sent after its lease was lost gives its nonce back, unless another holder took it")
    void notSentGivesTheNonceBackOnlyWhileItIsStillOutstanding() {
        NonceAllocator.Slot slot = new NonceAllocator().slot(1, SIGNER);
        NonceAllocator.Slot.Allocation a = slot.allocate(() -> 4, false);
        slot.signed(a.nonce(), "0xaa");
        slot.unsent(a.nonce(), "0xaa");
        NonceAllocator.Slot.Allocation again = slot.allocate(() -> 4, false);
        assertThat(again.nonce()).as("given back: no gap").isEqualTo(4);
        assertThat(again.previousHash()).as("so the next signature must differ").isEqualTo("0xaa");
        slot.signed(again.nonce(), "0xbb");

        // the lease of 0xbb was lost and the next holder was handed nonce 4 before 0xbb's late notice arrives
        NonceAllocator.Slot.Allocation takenOver = slot.allocate(() -> 4, false);
        assertThat(takenOver.nonce()).isEqualTo(4);
        slot.signed(takenOver.nonce(), "0xcc");
        slot.unsent(4, "0xbb");
        slot.broadcasting(takenOver.nonce());
        assertThat(slot.allocate(() -> 4, false).nonce()).as("the new holder's nonce 4 is not handed out again")
                .isEqualTo(5);
    }
}
