package dev.copytrade.examples.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The program a new user runs first: replays a leader-trade feed through the copy-trade executor for
 * four demo followers against a simulated venue, and prints what happened. From the repository root:
 *
 * <pre>
 * ./mvnw -q -pl copytrade-examples -am compile exec:java
 * ./mvnw -q -pl copytrade-examples -am compile exec:java -Dexec.args="--feed path/to/trades.jsonl --dry-run"
 * </pre>
 *
 * Exit status: 0 when every number adds up, 1 when the summary is inconsistent or the feed cannot be
 * read, 2 on bad arguments. The work is in {@link Replay}; this class only parses arguments and prints.
 */
public final class ReplayBot {
    static final String USAGE = String.join("\n",
            "usage: ReplayBot [--feed <file>] [--dry-run] [--help]",
            "  --feed <file>  JSON-lines leader trades (default: the bundled demo feed, " + FeedReader.BUNDLED_FEED + ")",
            "  --dry-run      record every decision, send nothing",
            "  --help         show this help",
            "");

    private ReplayBot() {}

    record Options(Path feed, boolean dryRun, boolean help) {

        static Options parse(String... args) {
            Path feed = null;
            boolean dryRun = false;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    help = true;
                } else if (a.equals("--dry-run")) {
                    dryRun = true;
                } else if (a.equals("--feed") || a.startsWith("--feed=")) {
                    String value = a.equals("--feed") ? (i + 1 < args.length ? args[++i] : null) : a.substring(7);
                    if (value == null || value.isBlank() || value.startsWith("--")) {
                        throw new IllegalArgumentException("--feed needs a file");
                    }
                    if (feed != null) {
                        throw new IllegalArgumentException("--feed given twice");
                    }
                    feed = Path.of(value);
                } else {
                    throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            return new Options(feed, dryRun, help);
        }
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        // returning normally keeps `mvn exec:java` alive for its own cleanup; exit only to report a failure
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the bot and returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
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
        ReplaySummary summary = Replay.run(feed, options.dryRun());
        out.print(ReplayReport.render(summary));
        out.flush();
        return summary.consistent() ? 0 : 1;
    }
}
