package dev.copytrade.examples.chaos;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One bot slot of a chaos run, seen from the coordinator: the current {@link ChaosBot} JVM of this slot
 * (a new one, with a new generation number, after every kill), its feed cursor and its acknowledgements.
 * A restarted bot resumes a little before its last acknowledged delivery, so it sees some deliveries
 * again, as a real bot replaying its feed after a crash does.
 */
final class BotProcess {
    /** Deliveries written ahead of the last acknowledgement: enough to keep a bot busy, few to replay. */
    private static final int WINDOW = 4;

    private final int index;
    private final List<ChaosScenario.Delivery> stream;
    private final Function<String, List<String>> command;
    private final Map<String, String> environment;
    private final Path log;
    private final AtomicLong totalAcks;
    private final Runnable onUnexpectedExit;

    private final Object lock = new Object();
    private Process process;
    private BufferedWriter stdin;
    private int generation = -1;
    private boolean alive;
    private boolean expectedExit;
    private int next;
    private int acked = -1;
    private int crashes;
    private int starts;

    /**
     * @param command the command line that starts a bot named as given
     * @param log where every generation's stderr is appended
     * @param totalAcks counts acknowledgements over every slot and generation (the run's progress)
     * @param onUnexpectedExit called when a bot exits without being killed or told to quit
     */
    BotProcess(int index, List<ChaosScenario.Delivery> stream, Function<String, List<String>> command,
            Map<String, String> environment, Path log, AtomicLong totalAcks, Runnable onUnexpectedExit) {
        this.index = index;
        this.stream = stream;
        this.command = command;
        this.environment = environment;
        this.log = log;
        this.totalAcks = totalAcks;
        this.onUnexpectedExit = onUnexpectedExit;
    }

    /** Starts the next generation, resuming {@code replay} deliveries before the last acknowledged one. */
    void start(int replay) {
        synchronized (lock) {
            if (alive) {
                throw new IllegalStateException(name() + " is running");
            }
            generation++;
            starts++;
            next = Math.max(0, acked + 1 - replay);
            acked = next - 1;
            expectedExit = false;
            ProcessBuilder pb = new ProcessBuilder(command.apply(name()));
            pb.environment().putAll(environment);
            pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name(), e);
            }
            stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            alive = true;
            int gen = generation;
            Process p = process;
            daemon("reader-" + name(), () -> read(p, gen));
            daemon("feeder-" + name(), () -> feed(gen));
            p.onExit().thenRun(() -> exited(gen));
        }
    }

    /** This slot's current bot name, as the venue sees it in every request: {@code chaos-bot-<slot>-g<generation>}. */
    String name() {
        synchronized (lock) {
            return "chaos-bot-" + index + "-g" + generation;
        }
    }

    /** SIGKILL (destroyForcibly) if {@code bot} is this slot's current, live generation; true if killed now. */
    boolean kill(String bot) {
        synchronized (lock) {
            if (!alive || !bot.equals(name())) {
                return false;
            }
            expectedExit = true;
            alive = false;
            process.destroyForcibly();
            lock.notifyAll();
        }
        waitFor(process(), 10);
        return true;
    }

    /** Kills the current generation, whatever it is doing; true if one was alive. */
    boolean kill() {
        return kill(name());
    }

    boolean alive() {
        synchronized (lock) {
            return alive;
        }
    }

    /** True once the current generation acknowledged the last delivery of the stream. */
    boolean done() {
        synchronized (lock) {
            return acked >= stream.size() - 1;
        }
    }

    int crashes() {
        synchronized (lock) {
            return crashes;
        }
    }

    /** Generations started, the first included. */
    int starts() {
        synchronized (lock) {
            return starts;
        }
    }

    /** Asks the bot to stop (it finishes the delivery in hand), then kills it if it has not within 20 s. */
    void quit() {
        Process p;
        synchronized (lock) {
            if (!alive) {
                return;
            }
            expectedExit = true;
            alive = false;
            p = process;
            try {
                stdin.write("Q");
                stdin.newLine();
                stdin.flush();
            } catch (IOException e) {
                // already gone
            }
            lock.notifyAll();
        }
        if (!waitFor(p, 20)) {
            p.destroyForcibly();
            waitFor(p, 10);
        }
    }

    private Process process() {
        synchronized (lock) {
            return process;
        }
    }

    private void read(Process p, int gen) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("A ")) {
                    int position = Integer.parseInt(line.substring(2).trim());
                    synchronized (lock) {
                        if (gen == generation) {
                            acked = position;
                            lock.notifyAll();
                        }
                    }
                    totalAcks.incrementAndGet();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process died: its exit handler takes it from here
        }
    }

    private void feed(int gen) {
        while (true) {
            String line;
            synchronized (lock) {
                while (alive && gen == generation && next < stream.size() && next - acked > WINDOW) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!alive || gen != generation || next >= stream.size()) {
                    return;
                }
                line = stream.get(next++).line();
            }
            try {
                stdin.write(line);
                stdin.newLine();
                stdin.flush();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void exited(int gen) {
        boolean unexpected;
        synchronized (lock) {
            if (gen != generation) {
                return;
            }
            unexpected = !expectedExit;
            if (unexpected) {
                crashes++;
                alive = false;
                lock.notifyAll();
            }
        }
        if (unexpected) {
            onUnexpectedExit.run();
        }
    }

    private static boolean waitFor(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** The java command of a bot JVM: this JVM's java and class path, small heap, quick start. */
    static List<String> javaCommand(String classPath, List<String> botArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath, ChaosBot.class.getName()));
        cmd.addAll(botArgs);
        return cmd;
    }

    /**
     * The class path this JVM runs with, as a path string: {@code java.class.path}, or the URLs of the class
     * loader when started inside another program (Maven's exec:java loads the project in a URLClassLoader
     * of its own and leaves {@code java.class.path} pointing at Maven).
     */
    static String currentClassPath() {
        ClassLoader loader = ChaosBot.class.getClassLoader();
        List<String> entries = new ArrayList<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof java.net.URLClassLoader u) {
                for (java.net.URL url : u.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                        // not a file: not something a child JVM could load from
                    }
                }
            }
        }
        return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(File.pathSeparator, entries);
    }
}
