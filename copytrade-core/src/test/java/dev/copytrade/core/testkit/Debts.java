package dev.copytrade.core.testkit;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.debt.DebtDraft;
import dev.copytrade.core.model.Address;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Valid debt test values with fresh identities (record ids, wallets), so tests can share one ledger (a
 * database) without seeing each other's debts. Times are whole milliseconds, as every ledger keeps them.
 */
public final class Debts {
    /** The bot's float wallet: the creditor of every reimbursement built here. */
    public static final Address BOT = Address.of("0x" + "b0".repeat(20));
    /** 4.5 USDC in base units. */
    public static final long AMOUNT = 4_500_000L;

    private static final SecureRandom RANDOM = new SecureRandom();
    // far above any record id a store under test hands out in a test run, below Long.MAX_VALUE
    private static final AtomicLong RECORD_IDS = new AtomicLong(
            1_000_000_000_000L + (RANDOM.nextLong() & 0xFFFF_FFFFL) * 1_000_000L);

    private Debts() {}

    /** A wallet no other test uses: a debtor whose open amount only this test changes. */
    public static Address freshWallet() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return Address.of("0x" + HexFormat.of().formatHex(b));
    }

    /** A record id no other test of this JVM (or, with high probability, earlier run) has used. */
    public static long freshRecordId() {
        return RECORD_IDS.incrementAndGet();
    }

    /** A reimbursement the proxy {@code debtor} owes the bot, due at {@code at}. */
    public static DebtDraft draft(long recordId, String legId, Address debtor, long amount, Instant at) {
        return new DebtDraft(recordId, legId, debtor, BOT, SettlementLeg.USDC, amount, "leg " + legId + " failed: test",
                at);
    }

    /** {@link #draft} for a fresh record and a fresh debtor, leg {@code reimburse}. */
    public static DebtDraft draft(Instant at) {
        return draft(freshRecordId(), "reimburse", freshWallet(), AMOUNT, at);
    }

    /** The failed reimbursement leg a float-and-reimburse execution reports. */
    public static SettlementLeg failedReimbursement(Address proxy, long amount) {
        return SettlementLeg.failed("reimburse", proxy, BOT, SettlementLeg.USDC, amount, "transferFrom reverted");
    }
}
