package dev.copytrade.examples.bench.pg;

/** The harness's command line; {@link #parse} throws {@link IllegalArgumentException} naming the bad option. */
record HarnessOptions(int trades, int threads, int warmup, int runs, int smallTable, int bigTable, int stale,
        boolean skipSweep, boolean breakdown, int mutexOps, boolean skipMutex, boolean mutexOnly, boolean fanOut,
        String jdbcUrl, String user, String password, boolean help) {

    static final String USAGE = String.join("\n",
            "usage: PostgresHarness [--trades N] [--threads N] [--warmup N] [--runs N]",
            "                       [--big-table N] [--small-table N] [--stale N] [--skip-sweep] [--breakdown]",
            "                       [--mutex-ops N] [--skip-mutex | --mutex-only] [--fan-out]",
            "                       [--jdbc-url URL [--user U] [--password P]]",
            "  --trades N       trades per measured run, over all threads (default 20000)",
            "  --threads N      threads = signers = followers, one each (default 8)",
            "  --warmup N       trades before measuring, raw and pipeline each (default 10000: with 2000 the",
            "                   first measured round still paid for JIT compilation, visible in jvm µs/tr)",
            "  --runs N         measured runs of each measurement; the median is reported (default 3)",
            "  --big-table N    rows in the large sweep table (default 1000000)",
            "  --small-table N  rows in the small sweep table (default 10000)",
            "  --stale N        stale in-flight rows in each sweep table (default 1000)",
            "  --skip-sweep     measure only the write path",
            "  --fan-out        also run FanOutBenchmark at its defaults on the same server (1,000 followers,",
            "                   the per-follower path beside it, 20 s of sustained 100-follower fan-outs)",
            "  --breakdown      also measure the store alone (prewrite + transition, no executor), to tell",
            "                   the store's cost from the executor's when the ratio is low",
            "  --mutex-ops N    acquire + release round trips per measured run of each mutex shape (default 4000)",
            "  --skip-mutex     do not measure the PostgreSQL mutex",
            "  --mutex-only     measure only the PostgreSQL mutex (no write path, no sweep)",
            "  --jdbc-url URL   use this PostgreSQL instead of an embedded one (password may come from",
            "                   COPYTRADE_DB_PASSWORD); the harness creates and drops its own tables");

    static HarnessOptions parse(String[] args) {
        int trades = 20_000;
        int threads = 8;
        int warmup = 10_000;
        int runs = 3;
        int small = 10_000;
        int big = 1_000_000;
        int stale = 1_000;
        boolean skipSweep = false;
        boolean breakdown = false;
        int mutexOps = 4_000;
        boolean skipMutex = false;
        boolean mutexOnly = false;
        boolean fanOut = false;
        boolean help = false;
        String url = null;
        String user = null;
        String password = System.getenv("COPYTRADE_DB_PASSWORD");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--trades" -> trades = number(args, ++i, a, 1);
                case "--threads" -> threads = number(args, ++i, a, 1);
                case "--warmup" -> warmup = number(args, ++i, a, 0);
                case "--runs" -> runs = number(args, ++i, a, 1);
                case "--small-table" -> small = number(args, ++i, a, 1);
                case "--big-table" -> big = number(args, ++i, a, 1);
                case "--stale" -> stale = number(args, ++i, a, 1);
                case "--skip-sweep" -> skipSweep = true;
                case "--breakdown" -> breakdown = true;
                case "--mutex-ops" -> mutexOps = number(args, ++i, a, 8);
                case "--skip-mutex" -> skipMutex = true;
                case "--mutex-only" -> mutexOnly = true;
                case "--fan-out" -> fanOut = true;
                case "--jdbc-url" -> url = value(args, ++i, a);
                case "--user" -> user = value(args, ++i, a);
                case "--password" -> password = value(args, ++i, a);
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (threads > 64) {
            throw new IllegalArgumentException("--threads must be at most 64 (was " + threads + ")");
        }
        if (trades < threads) {
            throw new IllegalArgumentException("--trades must be at least --threads (was " + trades + ")");
        }
        if (small < stale || big < stale) {
            throw new IllegalArgumentException("--small-table and --big-table must hold at least --stale rows");
        }
        if (skipMutex && mutexOnly) {
            throw new IllegalArgumentException("--skip-mutex and --mutex-only exclude each other");
        }
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--jdbc-url must be a jdbc:postgresql: URL");
        }
        return new HarnessOptions(trades, threads, warmup, runs, small, big, stale, skipSweep, breakdown, mutexOps,
                skipMutex, mutexOnly, fanOut, url, user, password, help);
    }

    static int number(String[] args, int i, String option, int min) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
            if (n < min) {
                throw new IllegalArgumentException(option + " must be at least " + min + " (was " + v + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number (was " + v + ")");
        }
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "trades=" + trades + " threads=" + threads + " warmup=" + warmup + " runs=" + runs + " smallTable="
                + smallTable + " bigTable=" + bigTable + " stale=" + stale + " skipSweep=" + skipSweep + " breakdown=" + breakdown
                + " mutexOps=" + mutexOps + " skipMutex=" + skipMutex + " mutexOnly=" + mutexOnly
                + " fanOut=" + fanOut
                + (jdbcUrl == null ? " server=embedded" : " server=" + redact(jdbcUrl));
    }

    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)password=[^&;]*", "password=***");
    }
}
