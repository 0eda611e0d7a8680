package dev.copytrade.core.config;

import dev.copytrade.core.cap.BudgetWindow;
import dev.copytrade.core.cap.CapLedger;
import dev.copytrade.core.cap.CapPolicy;
import dev.copytrade.core.debt.DebtLedger;
import dev.copytrade.core.executor.CopyTradeExecutor;
import dev.copytrade.core.guardrail.AccessList;
import dev.copytrade.core.guardrail.EmergencyPause;
import dev.copytrade.core.guardrail.Guardrail;
import dev.copytrade.core.guardrail.GuardrailChain;
import dev.copytrade.core.guardrail.MaxNotionalPerTrade;
import dev.copytrade.core.guardrail.OpenDebtLimit;
import dev.copytrade.core.guardrail.market.OpenDebtSource;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.model.Usdc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's safety settings, read once at start-up under the names bot operators already use, so
 * a switch can never be silently ignored because two runtimes spelled it differently. A malformed
 * value fails at start with the variable's name and value; an unknown {@code COPY_TRADING_*} name is
 * warned about (a typo of a safety switch must not pass unnoticed). Immutable.
 *
 * <table>
 * <caption>Names (environment variables, or the same keys in a properties file; {@code copy.trading.x}
 * is read as {@code COPY_TRADING_X})</caption>
 * <tr><th>name</th><th>meaning</th><th>default</th></tr>
 * <tr><td>COPY_TRADING_EMERGENCY_PAUSE</td><td>skip every order (EMERGENCY_PAUSE)</td><td>false</td></tr>
 * <tr><td>ENABLE_REAL_TRADING</td><td>the master switch for adapters that move real money</td><td>false</td></tr>
 * <tr><td>COPY_TRADING_DRY_RUN</td><td>record everything, send nothing</td><td>false</td></tr>
 * <tr><td>COPY_TRADING_EXECUTION_ALLOWLIST</td><td>follower wallets allowed to trade (comma separated)</td><td>all</td></tr>
 * <tr><td>COPY_TRADING_WORKER_ALLOWLIST</td><td>signer (worker) addresses allowed to sign</td><td>all</td></tr>
 * <tr><td>COPY_TRADING_MAX_TRADE_USD</td><td>per-trade notional cap</td><td>off</td></tr>
 * <tr><td>COPY_TRADING_MAX_TRADE_POLICY</td><td>{@code skip} or {@code clamp} an order over that cap</td><td>skip</td></tr>
 * <tr><td>COPY_TRADING_DAILY_CAP_USD</td><td>global budget per window</td><td>off</td></tr>
 * <tr><td>COPY_TRADING_WALLET_DAILY_CAP_USD</td><td>budget per follower wallet per window</td><td>off</td></tr>
 * <tr><td>COPY_TRADING_MARKET_DAILY_CAP_USD</td><td>budget per market per window</td><td>off</td></tr>
 * <tr><td>COPY_TRADING_MARKET_CAPS</td><td>per-market overrides: {@code slug=cap,slug:cap}</td><td>none</td></tr>
 * <tr><td>COPY_TRADING_LEADER_DAILY_CAP_USD</td><td>budget per leader per window</td><td>off</td></tr>
 * <tr><td>COPY_TRADING_CAP_WINDOW</td><td>{@code utc-day} (00:00 to 00:00 UTC) or {@code rolling-24h}</td><td>utc-day</td></tr>
 * <tr><td>COPY_TRADING_MAX_TRADES_PER_WINDOW</td><td>trades allowed in all per trade window</td><td>off</td></tr>
 * <tr><td>COPY_TRADING_FOLLOWER_MAX_TRADES_PER_WINDOW</td><td>trades allowed per follower per trade window</td><td>off</td></tr>
 * <tr><td>COPY_TRADING_TRADE_WINDOW_MS</td><td>the rolling trade window, in milliseconds</td><td>86400000</td></tr>
 * <tr><td>COPY_TRADING_MAX_OPEN_DEBT_USD</td><td>the most a follower wallet may owe the bot in open USDC debts
 * and still be fronted a BUY ({@code 0}: any open debt stops BUYs); needs the {@link DebtLedger}, handed to
 * {@link #guardrails(DebtLedger)} or {@link #applyTo(CopyTradeExecutor.Builder, CapLedger, DebtLedger,
 * Guardrail...)}</td><td>off</td></tr>
 * </table>
 */
public final class GuardrailConfig {
    private static final Logger log = LoggerFactory.getLogger(GuardrailConfig.class);

    public static final String EMERGENCY_PAUSE = "COPY_TRADING_EMERGENCY_PAUSE";
    public static final String REAL_TRADING = "ENABLE_REAL_TRADING";
    public static final String DRY_RUN = "COPY_TRADING_DRY_RUN";
    public static final String EXECUTION_ALLOWLIST = "COPY_TRADING_EXECUTION_ALLOWLIST";
    public static final String WORKER_ALLOWLIST = "COPY_TRADING_WORKER_ALLOWLIST";
    public static final String MAX_TRADE_USD = "COPY_TRADING_MAX_TRADE_USD";
    public static final String MAX_TRADE_POLICY = "COPY_TRADING_MAX_TRADE_POLICY";
    public static final String DAILY_CAP_USD = "COPY_TRADING_DAILY_CAP_USD";
    public static final String WALLET_DAILY_CAP_USD = "COPY_TRADING_WALLET_DAILY_CAP_USD";
    public static final String MARKET_DAILY_CAP_USD = "COPY_TRADING_MARKET_DAILY_CAP_USD";
    public static final String MARKET_CAPS = "COPY_TRADING_MARKET_CAPS";
    public static final String LEADER_DAILY_CAP_USD = "COPY_TRADING_LEADER_DAILY_CAP_USD";
    public static final String CAP_WINDOW = "COPY_TRADING_CAP_WINDOW";
    public static final String MAX_TRADES_PER_WINDOW = "COPY_TRADING_MAX_TRADES_PER_WINDOW";
    public static final String FOLLOWER_MAX_TRADES_PER_WINDOW = "COPY_TRADING_FOLLOWER_MAX_TRADES_PER_WINDOW";
    public static final String TRADE_WINDOW_MS = "COPY_TRADING_TRADE_WINDOW_MS";
    public static final String MAX_OPEN_DEBT_USD = "COPY_TRADING_MAX_OPEN_DEBT_USD";

    /** Every name this class reads; any other {@code COPY_TRADING_*} name is warned about. */
    public static final Set<String> KNOWN = Set.of(EMERGENCY_PAUSE, REAL_TRADING, DRY_RUN, EXECUTION_ALLOWLIST,
            WORKER_ALLOWLIST, MAX_TRADE_USD, MAX_TRADE_POLICY, DAILY_CAP_USD, WALLET_DAILY_CAP_USD,
            MARKET_DAILY_CAP_USD, MARKET_CAPS, LEADER_DAILY_CAP_USD, CAP_WINDOW, MAX_TRADES_PER_WINDOW,
            FOLLOWER_MAX_TRADES_PER_WINDOW, TRADE_WINDOW_MS, MAX_OPEN_DEBT_USD);

    private final boolean paused;
    private final boolean realTrading;
    private final boolean dryRun;
    private final List<String> executionAllowlist;
    private final List<String> workerAllowlist;
    private final Usdc maxTradeUsd;
    private final MaxNotionalPerTrade.OverCap overCap;
    private final CapPolicy caps;
    private final Usdc maxOpenDebt;
    private final List<String> warnings;
    private final EmergencyPause pause;

    private GuardrailConfig(Builder b, List<String> warnings) {
        this.paused = b.paused;
        this.realTrading = b.realTrading;
        this.dryRun = b.dryRun;
        this.executionAllowlist = List.copyOf(b.executionAllowlist);
        this.workerAllowlist = List.copyOf(b.workerAllowlist);
        this.maxTradeUsd = b.maxTradeUsd;
        this.overCap = b.overCap;
        this.caps = b.caps.build();
        this.maxOpenDebt = b.maxOpenDebt;
        this.warnings = List.copyOf(warnings);
        this.pause = new EmergencyPause(paused);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the process environment. */
    public static GuardrailConfig fromEnvironment() {
        return fromMap(System.getenv());
    }

    /** Reads a properties file's entries; keys may be {@code COPY_TRADING_X} or {@code copy.trading.x}. */
    public static GuardrailConfig fromProperties(Properties properties) {
        InvalidInputException.requireNonNull("properties", properties);
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            m.put(key.trim().replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT), properties.getProperty(key));
        }
        return fromMap(m);
    }

    /**
     * Reads {@code COPY_TRADING_*} and {@code ENABLE_REAL_TRADING} from {@code env}; every other name is
     * ignored. Blank values count as unset.
     *
     * @throws InvalidInputException naming the variable and its value when a value is malformed
     */
    public static GuardrailConfig fromMap(Map<String, String> env) {
        InvalidInputException.requireNonNull("environment", env);
        Map<String, String> vars = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name == null || e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            if (KNOWN.contains(name)) {
                vars.put(name, e.getValue().trim());
            } else if (name.startsWith("COPY_TRADING_")) {
                warnings.add("unknown setting " + name + " is ignored (a typo? known: "
                        + String.join(", ", new java.util.TreeSet<>(KNOWN)) + ")");
            }
        }
        Builder b = builder();
        b.paused(bool(vars, EMERGENCY_PAUSE)).realTrading(bool(vars, REAL_TRADING)).dryRun(bool(vars, DRY_RUN));
        if (vars.containsKey(EXECUTION_ALLOWLIST)) {
            b.executionAllowlist(addresses(EXECUTION_ALLOWLIST, vars.get(EXECUTION_ALLOWLIST)));
        }
        if (vars.containsKey(WORKER_ALLOWLIST)) {
            b.workerAllowlist(addresses(WORKER_ALLOWLIST, vars.get(WORKER_ALLOWLIST)));
        }
        if (vars.containsKey(MAX_TRADE_USD)) {
            b.maxTradeUsd(usd(vars, MAX_TRADE_USD), overCap(vars));
        }
        CapPolicy.Builder caps = b.caps;
        if (vars.containsKey(DAILY_CAP_USD)) {
            caps.global(usd(vars, DAILY_CAP_USD));
        }
        if (vars.containsKey(WALLET_DAILY_CAP_USD)) {
            caps.perWallet(usd(vars, WALLET_DAILY_CAP_USD));
        }
        if (vars.containsKey(MARKET_DAILY_CAP_USD)) {
            caps.perMarket(usd(vars, MARKET_DAILY_CAP_USD));
        }
        if (vars.containsKey(LEADER_DAILY_CAP_USD)) {
            caps.perLeader(usd(vars, LEADER_DAILY_CAP_USD));
        }
        if (vars.containsKey(MARKET_CAPS)) {
            marketCaps(vars.get(MARKET_CAPS)).forEach(caps::market);
        }
        if (vars.containsKey(CAP_WINDOW)) {
            caps.moneyWindow(window(vars.get(CAP_WINDOW)));
        }
        if (vars.containsKey(MAX_TRADES_PER_WINDOW)) {
            caps.maxTrades(positiveInt(vars, MAX_TRADES_PER_WINDOW));
        }
        if (vars.containsKey(FOLLOWER_MAX_TRADES_PER_WINDOW)) {
            caps.maxTradesPerFollower(positiveInt(vars, FOLLOWER_MAX_TRADES_PER_WINDOW));
        }
        if (vars.containsKey(TRADE_WINDOW_MS)) {
            long ms = positiveLong(vars, TRADE_WINDOW_MS);
            if (ms > BudgetWindow.MAX_LENGTH.toMillis()) {
                throw new InvalidInputException(TRADE_WINDOW_MS, vars.get(TRADE_WINDOW_MS),
                        "must be at most " + BudgetWindow.MAX_LENGTH.toMillis() + " (366 days)");
            }
            caps.tradeWindow(BudgetWindow.rolling(Duration.ofMillis(ms)));
        }
        if (vars.containsKey(MAX_OPEN_DEBT_USD)) {
            // zero is a setting here, not "off": any open debt stops the wallet's BUYs
            b.maxOpenDebtUsd(Usdc.parse(MAX_OPEN_DEBT_USD, vars.get(MAX_OPEN_DEBT_USD)));
        }
        for (String w : warnings) {
            log.warn(w);
        }
        return b.build(warnings);
    }

    private static boolean bool(Map<String, String> vars, String name) {
        String v = vars.get(name);
        if (v == null) {
            return false;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on":
                return true;
            case "false", "0", "no", "off":
                return false;
            default:
                throw new InvalidInputException(name, v, "must be true/false (also 1/0, yes/no, on/off)");
        }
    }

    private static Usdc usd(Map<String, String> vars, String name) {
        Usdc v = Usdc.parse(name, vars.get(name));
        if (v.isZero()) {
            throw new InvalidInputException(name, vars.get(name), "must be positive (leave it unset to turn it off)");
        }
        return v;
    }

    private static MaxNotionalPerTrade.OverCap overCap(Map<String, String> vars) {
        String v = vars.getOrDefault(MAX_TRADE_POLICY, "skip");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "skip" -> MaxNotionalPerTrade.OverCap.SKIP;
            case "clamp" -> MaxNotionalPerTrade.OverCap.CLAMP;
            default -> throw new InvalidInputException(MAX_TRADE_POLICY, v, "must be skip or clamp");
        };
    }

    private static BudgetWindow window(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "utc-day", "utc_day", "day" -> BudgetWindow.utcDay();
            case "rolling-24h", "rolling_24h", "rolling" -> BudgetWindow.rolling24h();
            default -> throw new InvalidInputException(CAP_WINDOW, v, "must be utc-day or rolling-24h");
        };
    }

    private static long positiveLong(Map<String, String> vars, String name) {
        String v = vars.get(name);
        try {
            // ASCII digits only: Long.parseLong would also read full-width and Arabic-Indic digits
            long n = v.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.parseLong(v) : -1;
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the name and value
        }
        throw new InvalidInputException(name, v, "must be a positive whole number");
    }

    private static int positiveInt(Map<String, String> vars, String name) {
        long n = positiveLong(vars, name);
        if (n > Integer.MAX_VALUE) {
            throw new InvalidInputException(name, vars.get(name), "must be at most " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    /** Each entry checked here, so a bad one names the variable, not the guardrail's field. */
    private static List<String> addresses(String name, String v) {
        List<String> entries = csv(v);
        if (entries.isEmpty()) {
            throw new InvalidInputException(name, v, "must name at least one address (leave it unset to allow all)");
        }
        for (String e : entries) {
            dev.copytrade.core.model.Address.parse(name, e);
        }
        return entries;
    }

    private static List<String> csv(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code slug=cap,slug:cap}: both separators are in use in the field. */
    static Map<String, Usdc> marketCaps(String v) {
        Map<String, Usdc> out = new LinkedHashMap<>();
        for (String entry : csv(v)) {
            int sep = entry.indexOf('=') >= 0 ? entry.indexOf('=') : entry.lastIndexOf(':');
            if (sep <= 0 || sep == entry.length() - 1) {
                throw new InvalidInputException(MARKET_CAPS, v, "entry '" + entry + "' must be slug=cap or slug:cap");
            }
            String market = entry.substring(0, sep).trim();
            if (!dev.copytrade.core.model.Market.isLabel(market.toLowerCase(Locale.ROOT))) {
                throw new InvalidInputException(MARKET_CAPS, v, "entry '" + entry
                        + "' must name a market by slug ([a-z0-9._-]) or condition id (0x + 64 hex)");
            }
            Usdc cap = Usdc.parse(MARKET_CAPS + "[" + market + "]", entry.substring(sep + 1).trim());
            if (cap.isZero()) {
                throw new InvalidInputException(MARKET_CAPS + "[" + market + "]", cap, "must be positive");
            }
            out.put(market, cap);
        }
        return out;
    }

    /**
     * The configured guardrails, in evaluation order: pause, allowlists, per-trade cap.
     *
     * @throws InvalidInputException naming {@code debtLedger} when {@value #MAX_OPEN_DEBT_USD} is set: that
     *     guardrail reads the debt ledger, so use {@link #guardrails(DebtLedger)}
     */
    public List<Guardrail> guardrails() {
        return guardrails((DebtLedger) null);
    }

    /**
     * The configured guardrails, in evaluation order: pause, allowlists, per-trade cap, open-debt limit (read
     * from {@code debts}, realtime: asked again under the signer's lock).
     *
     * @param debts the bot's debt ledger; may be null only when {@value #MAX_OPEN_DEBT_USD} is not set
     * @throws InvalidInputException naming {@code debtLedger} when the limit is set and {@code debts} is null
     */
    public List<Guardrail> guardrails(DebtLedger debts) {
        if (maxOpenDebt == null) {
            return configured(null);
        }
        if (debts == null) {
            throw new InvalidInputException("debtLedger", null, MAX_OPEN_DEBT_USD
                    + " is set, so the open-debt guardrail needs the bot's DebtLedger: pass it when building the chain");
        }
        return configured(debts::openAmountOwedBy);
    }

    /** The guardrails, the open-debt limit reading {@code debts} (left out when null). */
    private List<Guardrail> configured(OpenDebtSource debts) {
        List<Guardrail> out = new ArrayList<>();
        out.add(pause);
        if (!executionAllowlist.isEmpty()) {
            out.add(new AccessList(AccessList.Subject.FOLLOWER_WALLET, AccessList.Mode.ALLOW, executionAllowlist));
        }
        if (!workerAllowlist.isEmpty()) {
            out.add(new AccessList(AccessList.Subject.SIGNER, AccessList.Mode.ALLOW, workerAllowlist));
        }
        if (maxTradeUsd != null) {
            out.add(new MaxNotionalPerTrade(maxTradeUsd, overCap));
        }
        if (maxOpenDebt != null && debts != null) {
            out.add(new OpenDebtLimit(debts, maxOpenDebt));
        }
        return out;
    }

    /**
     * {@link #applyTo(CopyTradeExecutor.Builder, CapLedger, DebtLedger, Guardrail...)} without a debt ledger.
     *
     * @throws InvalidInputException naming {@code debtLedger} if {@value #MAX_OPEN_DEBT_USD} is set
     */
    public CopyTradeExecutor.Builder applyTo(CopyTradeExecutor.Builder builder, CapLedger ledger, Guardrail... extra) {
        return applyTo(builder, ledger, null, extra);
    }

    /**
     * Applies everything to an executor builder: guardrails (the configured ones, then {@code extra}),
     * the master switch, dry run and, when any budget is configured, the caps on {@code ledger}.
     *
     * @param debts the debt ledger the open-debt limit reads; may be null when that limit is not set
     * @throws InvalidInputException naming {@code capLedger} if budgets are configured and no ledger is given,
     *     or {@code debtLedger} if {@value #MAX_OPEN_DEBT_USD} is set and no debt ledger is given
     */
    public CopyTradeExecutor.Builder applyTo(CopyTradeExecutor.Builder builder, CapLedger ledger, DebtLedger debts,
            Guardrail... extra) {
        List<Guardrail> all = new ArrayList<>(guardrails(debts));
        all.addAll(List.of(extra));
        builder.guardrails(GuardrailChain.of(all)).realTrading(realTrading).dryRun(dryRun);
        if (!caps.isEmpty()) {
            builder.caps(InvalidInputException.requireNonNull("capLedger", ledger), caps);
        }
        return builder;
    }

    /** The pause switch the guardrails share: flip it at runtime with {@code pause()} / {@code resume()}. */
    public EmergencyPause emergencyPause() {
        return pause;
    }

    public boolean realTrading() {
        return realTrading;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public CapPolicy capPolicy() {
        return caps;
    }

    /** The open-debt limit ({@value #MAX_OPEN_DEBT_USD}), if set. */
    public Optional<Usdc> maxOpenDebtUsd() {
        return Optional.ofNullable(maxOpenDebt);
    }

    /** Unknown {@code COPY_TRADING_*} names seen while reading (also logged at WARN). */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "GuardrailConfig{paused=" + paused + ", realTrading=" + realTrading + ", dryRun=" + dryRun
                + ", executionAllowlist=" + executionAllowlist + ", workerAllowlist=" + workerAllowlist
                + ", maxTradeUsd=" + maxTradeUsd + " (" + overCap + "), caps=" + caps + ", maxOpenDebtUsd=" + maxOpenDebt
                + "}";
    }

    /** Defaults: nothing paused, real trading off, not dry, no lists, no caps. */
    public static final class Builder {
        private boolean paused;
        private boolean realTrading;
        private boolean dryRun;
        private List<String> executionAllowlist = List.of();
        private List<String> workerAllowlist = List.of();
        private Usdc maxTradeUsd;
        private MaxNotionalPerTrade.OverCap overCap = MaxNotionalPerTrade.OverCap.SKIP;
        private final CapPolicy.Builder caps = CapPolicy.builder();
        private Usdc maxOpenDebt;

        private Builder() {}

        public Builder paused(boolean paused) {
            this.paused = paused;
            return this;
        }

        public Builder realTrading(boolean enabled) {
            this.realTrading = enabled;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public Builder executionAllowlist(List<String> wallets) {
            this.executionAllowlist = List.copyOf(InvalidInputException.requireNonNull("executionAllowlist", wallets));
            return this;
        }

        public Builder workerAllowlist(List<String> signers) {
            this.workerAllowlist = List.copyOf(InvalidInputException.requireNonNull("workerAllowlist", signers));
            return this;
        }

        public Builder maxTradeUsd(Usdc cap, MaxNotionalPerTrade.OverCap policy) {
            this.maxTradeUsd = InvalidInputException.requireNonNull("maxTradeUsd", cap);
            this.overCap = InvalidInputException.requireNonNull("maxTradePolicy", policy);
            return this;
        }

        /**
         * The most a follower wallet may owe in open USDC debts and still be fronted a BUY ({@link Usdc#ZERO}:
         * any open debt stops it); the chain then needs the {@link DebtLedger}.
         */
        public Builder maxOpenDebtUsd(Usdc limit) {
            this.maxOpenDebt = InvalidInputException.requireNonNull("maxOpenDebtUsd", limit);
            return this;
        }

        /** The budgets; see {@link CapPolicy.Builder}. */
        public CapPolicy.Builder caps() {
            return caps;
        }

        public GuardrailConfig build() {
            return build(List.of());
        }

        private GuardrailConfig build(List<String> warnings) {
            GuardrailConfig c = new GuardrailConfig(this, warnings);
            // validates the lists and the caps now, at start-up, not at the first trade (the debt source is
            // only asked when an order is evaluated)
            c.configured((debtor, asset) -> 0L);
            return c;
        }
    }
}
