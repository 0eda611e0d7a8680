package dev.copytrade.examples.replay;

import dev.copytrade.core.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The program a new user runs first: replays a leader-trade feed through the copy-trade executor for
 * four demo followers against a simulated venue, and prints what happened. From the repository root:
 *
 * <pre>
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java -Dexec.args="--feed path/to/trades.jsonl --dry-run"
 * ./mvnw -q -pl copytrade-examples -am test-compile exec:java -Dexec.args="--jdbc-url jdbc:postgresql://localhost/bot"
 * </pre>
 *
 * ({@code test-compile}, not {@code compile}: exec:java resolves the test dependencies of every module in
 * the build, and copytrade-jdbi's include core's test-jar, which a {@code compile} build does not produce.)
 *
 * The records are kept in an H2 file database ({@code ./data/copytrade-replay.mv.db}) by default, so a
 * second run recognises every trade the first one decided and sends nothing again.
 *
 * <p>Exit status: 0 when every number adds up, 1 when the summary is inconsistent or the feed cannot be
 * read, 2 on bad arguments, 3 when the database cannot be used. The work is in {@link Replay}; this
 * class only parses arguments, opens the store and prints.
 */
public final class ReplayBot {
    static final String PASSWORD_ENV = "COPYTRADE_DB_PASSWORD";
    private static final Set<String> VALUED = Set.of("--feed", "--db-file", "--jdbc-url", "--db-user", "--db-password");

    static final String USAGE = String.join("\n",
            "usage: ReplayBot [--feed <file>] [--dry-run] [--db-file <path> | --jdbc-url <url> | --in-memory]"
                    + " [--reset] [--help]",
            "  --feed <file>       JSON-lines leader trades (default: the bundled demo feed, " + FeedReader.BUNDLED_FEED
                    + ")",
            "  --dry-run           record every decision, send nothing (in tables of its own, so a later live run"
                    + " still sends)",
            "  --db-file <path>    the H2 file database, kept between runs (default: ./" + ReplayStore.DEFAULT_H2_FILE
                    + ", i.e. <path>.mv.db)",
            "  --reset             delete the H2 file database before the run",
            "  --jdbc-url <url>    use this database instead (PostgreSQL), e.g. jdbc:postgresql://localhost:5432/bot",
            "  --db-user <user>    user for --jdbc-url",
            "  --db-password <pw>  password for --jdbc-url (better: the environment variable " + PASSWORD_ENV + ")",
            "  --in-memory         keep the records in memory only: every run starts empty",
            "  --help              show this help",
            "exit status: 0 consistent, 1 inconsistent or unreadable feed, 2 bad arguments, 3 database unusable",
            "");

    private ReplayBot() {}

    /** Where the records go. */
    enum Backend { H2_FILE, JDBC, IN_MEMORY }

    record Options(Path feed, boolean dryRun, boolean help, Backend backend, Path dbFile, boolean reset,
            String jdbcUrl, String dbUser, String dbPassword) {

        /** {@code env} supplies the password when {@code --db-password} is not given. */
        static Options parse(Map<String, String> env, String... args) {
            Map<String, String> values = new HashMap<>();
            boolean dryRun = false;
            boolean help = false;
            boolean inMemory = false;
            boolean reset = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                int eq = a.indexOf('=');
                String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
                if (eq > 0 && !VALUED.contains(name)) {
                    throw new IllegalArgumentException("unknown argument: " + a);
                }
                switch (name) {
                    case "--help", "-h" -> help = true;
                    case "--dry-run" -> dryRun = true;
                    case "--in-memory" -> inMemory = true;
                    case "--reset" -> reset = true;
                    case "--feed", "--db-file", "--jdbc-url", "--db-user", "--db-password" -> {
                        // --name=value or --name value
                        String value = eq > 0 ? a.substring(eq + 1) : (i + 1 < args.length ? args[++i] : null);
                        if (value == null || value.isBlank() || value.startsWith("--")) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        if (values.putIfAbsent(name, value) != null) {
                            throw new IllegalArgumentException(name + " given twice");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            String jdbcUrl = values.get("--jdbc-url");
            String dbFile = values.get("--db-file");
            if (inMemory && (jdbcUrl != null || dbFile != null || reset)) {
                throw new IllegalArgumentException("--in-memory cannot be combined with --jdbc-url, --db-file or --reset");
            }
            if (jdbcUrl != null && (dbFile != null || reset)) {
                throw new IllegalArgumentException("--db-file and --reset are for the H2 file database, not --jdbc-url");
            }
            if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:")) {
                throw new IllegalArgumentException("--jdbc-url must start with jdbc: (got " + ReplayStore.redact(jdbcUrl)
                        + ")");
            }
            if (jdbcUrl == null && (values.containsKey("--db-user") || values.containsKey("--db-password"))) {
                throw new IllegalArgumentException("--db-user and --db-password need --jdbc-url");
            }
            Backend backend = inMemory ? Backend.IN_MEMORY : jdbcUrl != null ? Backend.JDBC : Backend.H2_FILE;
            String password = values.containsKey("--db-password") ? values.get("--db-password")
                    : backend == Backend.JDBC ? env.get(PASSWORD_ENV) : null;
            String feed = values.get("--feed");
            return new Options(feed == null ? null : Path.of(feed), dryRun, help, backend,
                    Path.of(dbFile != null ? dbFile : ReplayStore.DEFAULT_H2_FILE.toString()), reset, jdbcUrl,
                    values.get("--db-user"), password);
        }

        ReplayStore open() {
            return switch (backend) {
                case IN_MEMORY -> ReplayStore.inMemory();
                case JDBC -> ReplayStore.jdbc(jdbcUrl, dbUser, dbPassword, dryRun);
                case H2_FILE -> ReplayStore.h2File(dbFile, dryRun);
            };
        }
    }

    public static void main(String[] args) {
        int status = run(args, System.getenv(), System.out, System.err);
        // returning normally keeps `mvn exec:java` alive for its own cleanup; exit only to report a failure
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the bot and returns its exit status. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(env, args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(USAGE);
            return 0;
        }
        FeedReader.Result feed;
        if (options.feed() == null) {
            feed = FeedReader.readBundled();
        } else {
            if (!Files.isRegularFile(options.feed())) {
                err.println("error: no such feed file: " + options.feed().toAbsolutePath());
                err.print(USAGE);
                return 2;
            }
            try {
                feed = FeedReader.read(options.feed());
            } catch (IOException e) {
                err.println("error: cannot read " + options.feed() + ": " + e);
                return 1;
            }
        }
        if (options.reset()) {
            try {
                List<Path> deleted = ReplayStore.deleteH2Files(options.dbFile());
                out.println(deleted.isEmpty() ? "reset: no database at " + options.dbFile().toAbsolutePath()
                        + ", nothing to delete" : "reset: deleted " + deleted);
            } catch (UncheckedIOException e) {
                err.println("error: " + e.getMessage() + ": " + e.getCause());
                return 3;
            }
        }
        ReplaySummary summary;
        try (ReplayStore store = options.open()) {
            summary = Replay.run(feed, options.dryRun(), store);
        } catch (StoreException e) {
            // the messages name the URL with any password redacted, never the password itself
            err.println("error: " + e.getMessage());
            err.println("  nothing was copied: the replay records every decision before it sends anything");
            return 3;
        }
        out.print(ReplayReport.render(summary));
        out.flush();
        return summary.consistent() ? 0 : 1;
    }
}
