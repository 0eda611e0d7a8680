package dev.copytrade.examples.chaos;

/**
 * The chaos run's command line; {@link #parse} throws {@link IllegalArgumentException} naming the bad
 * option. The password comes from {@code COPYTRADE_DB_PASSWORD} (or {@code --password}) and is never printed.
 */
record ChaosOptions(int trades, int kills, int processes, long seed, int followers, int signers,
        boolean backendKills, int maxSeconds, String jdbcUrl, String user, String password, boolean help) {

    static final String USAGE = String.join("\n",
            "usage: ChaosRun [--trades N] [--kills N] [--processes N] [--seed S] [--followers N] [--signers N]",
            "                [--no-backend-kills] [--max-seconds N] [--jdbc-url URL [--user U] [--password P]]",
            "  --trades N          distinct leader trades in the feed (default 300); the stream adds redeliveries",
            "  --kills N           bot processes killed with SIGKILL during the run (default 6)",
            "  --processes N       bot processes (separate JVMs) fed the same stream (default 3)",
            "  --seed S            the run's seed: same seed, same feed, followers, budgets and venue (default: random)",
            "  --followers N       followers every trade is copied for (default 4)",
            "  --signers N         signers they share (default 2)",
            "  --no-backend-kills  do not terminate PostgreSQL backends (they are terminated by default)",
            "  --max-seconds N     give up (and fail) after this long (default 900)",
            "  --jdbc-url URL      a PostgreSQL to use instead of an embedded one; the run creates its own",
            "                      tables and drops them at the end",
            "exit status: 0 every invariant holds, 1 an invariant is violated, 2 bad options, 3 the run failed");

    static ChaosOptions parse(String[] args) {
        int trades = 300;
        int kills = 6;
        int processes = 3;
        long seed = System.nanoTime();
        int followers = 4;
        int signers = 2;
        boolean backendKills = true;
        int maxSeconds = 900;
        String url = null;
        String user = null;
        String password = System.getenv(ChaosBot.PASSWORD_ENV);
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--trades" -> trades = number(args, ++i, a, 1, 1_000_000);
                case "--kills" -> kills = number(args, ++i, a, 0, 100_000);
                case "--processes" -> processes = number(args, ++i, a, 1, 16);
                case "--seed" -> seed = seed(value(args, ++i, a));
                case "--followers" -> followers = number(args, ++i, a, 1, 64);
                case "--signers" -> signers = number(args, ++i, a, 1, 64);
                case "--no-backend-kills" -> backendKills = false;
                case "--max-seconds" -> maxSeconds = number(args, ++i, a, 10, 86_400);
                case "--jdbc-url" -> url = value(args, ++i, a);
                case "--user" -> user = value(args, ++i, a);
                case "--password" -> password = value(args, ++i, a);
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (signers > followers) {
            throw new IllegalArgumentException("--signers must be at most --followers (was " + signers + ")");
        }
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--jdbc-url must be a jdbc:postgresql: URL");
        }
        return new ChaosOptions(trades, kills, processes, seed, followers, signers, backendKills, maxSeconds, url, user,
                password, help);
    }

    private static long seed(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed needs a whole number (was " + v + ")");
        }
    }

    private static int number(String[] args, int i, String option, int min, int max) {
        String v = value(args, i, option);
        int n;
        try {
            n = Integer.parseInt(v.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number (was " + v + ")");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + " (was " + v + ")");
        }
        return n;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** The arguments that replay this run exactly (same seed), password left out. */
    String replayArgs() {
        return "--trades " + trades + " --kills " + kills + " --processes " + processes + " --seed " + seed
                + " --followers " + followers + " --signers " + signers + (backendKills ? "" : " --no-backend-kills")
                + (jdbcUrl == null ? "" : " --jdbc-url " + jdbcUrl.replaceAll("(?i)password=[^&;]*", "password=***"));
    }

    @Override
    public String toString() {
        return replayArgs() + " --max-seconds " + maxSeconds;
    }
}
