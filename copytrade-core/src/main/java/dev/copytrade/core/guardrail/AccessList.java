package dev.copytrade.core.guardrail;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Market;
import dev.copytrade.core.record.ReasonCode;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An allowlist or a denylist of follower wallets, signers (workers), leaders or markets. In
 * {@link Mode#ALLOW} mode only listed subjects pass; in {@link Mode#DENY} mode listed subjects are
 * skipped. Each subject and mode has its own reason code, e.g. {@code LEADER_DENIED} or
 * {@code MARKET_NOT_ALLOWED}, and its own {@link #name()}, e.g. {@code LeaderDenylist}, so a chain may hold
 * several lists and the audit trail still says which one stopped an order.
 *
 * <p>Wallet-like entries are parsed as addresses (any spelling of one wallet is the same entry). A market
 * entry is a slug or a condition id, matched case-insensitively against the order's market; either
 * one matching counts as listed. An empty allowlist is refused at construction, because it would stop
 * every order (to allow everyone, leave the list out); an empty denylist denies nothing and is accepted.
 */
public final class AccessList implements Guardrail {
    // a condition id (0x + 64 hex) also fits this shape, so one pattern covers both kinds of market entry
    private static final Pattern MARKET_ENTRY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");

    public enum Mode {
        ALLOW,
        DENY
    }

    /** What the entries name. */
    public enum Subject {
        /** The follower's wallet ({@code COPY_TRADING_EXECUTION_ALLOWLIST}). */
        FOLLOWER_WALLET("execution", "Follower", "wallet", ReasonCode.FOLLOWER_NOT_ALLOWED, ReasonCode.FOLLOWER_DENIED),
        /** The follower's signer, the worker key that signs ({@code COPY_TRADING_WORKER_ALLOWLIST}). */
        SIGNER("worker", "Signer", "signer", ReasonCode.SIGNER_NOT_ALLOWED, ReasonCode.SIGNER_DENIED),
        /** The leader whose trade is copied. */
        LEADER("leader", "Leader", "leader", ReasonCode.LEADER_NOT_ALLOWED, ReasonCode.LEADER_DENIED),
        /** The order's market, by slug or condition id. */
        MARKET("market", "Market", "market", ReasonCode.MARKET_NOT_ALLOWED, ReasonCode.MARKET_DENIED);

        private final String configPrefix;
        private final String title;
        private final String detailKey;
        private final ReasonCode notAllowed;
        private final ReasonCode denied;

        Subject(String configPrefix, String title, String detailKey, ReasonCode notAllowed, ReasonCode denied) {
            this.configPrefix = configPrefix;
            this.title = title;
            this.detailKey = detailKey;
            this.notAllowed = notAllowed;
            this.denied = denied;
        }

        /** The configuration name errors refer to, e.g. {@code workerAllowlist}. */
        public String field(Mode mode) {
            return configPrefix + (mode == Mode.ALLOW ? "Allowlist" : "Denylist");
        }

        public ReasonCode reason(Mode mode) {
            return mode == Mode.ALLOW ? notAllowed : denied;
        }
    }

    private final Subject subject;
    private final Mode mode;
    private final Set<String> entries;
    private final String name;

    /**
     * @param entries addresses for wallet-like subjects, slugs or condition ids for {@link Subject#MARKET}
     * @throws InvalidInputException naming the list (e.g. {@code leaderDenylist}) for a bad entry, or an
     *     empty allowlist
     */
    public AccessList(Subject subject, Mode mode, Collection<String> entries) {
        this.subject = InvalidInputException.requireNonNull("accessList.subject", subject);
        this.mode = InvalidInputException.requireNonNull("accessList.mode", mode);
        String field = subject.field(mode);
        InvalidInputException.requireNonNull(field, entries);
        if (mode == Mode.ALLOW && entries.isEmpty()) {
            throw new InvalidInputException(field, "[]", "must name at least one entry (leave the list out to allow all)");
        }
        Set<String> parsed = new HashSet<>();
        for (String entry : entries) {
            parsed.add(normalise(subject, field, entry));
        }
        this.entries = Set.copyOf(parsed);
        this.name = subject.title + (mode == Mode.ALLOW ? "Allowlist" : "Denylist");
    }

    public static AccessList allow(Subject subject, String... entries) {
        return new AccessList(subject, Mode.ALLOW, Arrays.asList(entries));
    }

    public static AccessList deny(Subject subject, String... entries) {
        return new AccessList(subject, Mode.DENY, Arrays.asList(entries));
    }

    private static String normalise(Subject subject, String field, String entry) {
        InvalidInputException.requireNonNull(field, entry);
        if (subject != Subject.MARKET) {
            return Address.parse(field, entry).value();
        }
        String m = entry.trim().toLowerCase(Locale.ROOT);
        if (!MARKET_ENTRY.matcher(m).matches()) {
            throw new InvalidInputException(field, entry, "is not a market slug or condition id");
        }
        return m;
    }

    public Subject subject() {
        return subject;
    }

    public Mode mode() {
        return mode;
    }

    /** The normalised entries. */
    public Set<String> entries() {
        return entries;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Decision evaluate(CopyOrder order, GuardrailContext context) {
        String value;
        boolean listed;
        if (subject == Subject.MARKET) {
            Market m = order.market();
            value = m.label();
            listed = entries.contains(m.conditionId()) || (m.slug() != null && entries.contains(m.slug()));
        } else {
            value = subjectAddress(context).value();
            listed = entries.contains(value);
        }
        if (listed == (mode == Mode.ALLOW)) {
            return Decision.allow();
        }
        return Decision.skip(subject.reason(mode), subject.detailKey, value);
    }

    private Address subjectAddress(GuardrailContext context) {
        switch (subject) {
            case FOLLOWER_WALLET:
                return context.follower().wallet();
            case SIGNER:
                return context.follower().signer();
            default:
                return context.trade().leader();
        }
    }
}
