package dev.copytrade.core.testkit.evm;

import dev.copytrade.core.model.Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * A local anvil EVM node on 127.0.0.1 and a free port, for tests and the EVM benchmark. The binary comes
 * from the npm package {@value #NPM_PACKAGE}, installed on first use into {@code target/anvil} (or
 * {@code -Dcopytrade.anvil.dir}) with {@code npm install --prefix}; {@code -Dcopytrade.anvil=/path/to/anvil}
 * (or {@code COPYTRADE_ANVIL}) uses a binary already on the machine. The process is killed by
 * {@link #close()} and, at the latest, when the JVM exits. No JUnit here: {@link Anvil} adds the
 * skip-or-fail policy for tests.
 */
public final class AnvilNode implements AutoCloseable {
    public static final String NPM_PACKAGE = "@foundry-rs/anvil-linux-amd64@1.7.1";
    /** anvil's default chain id. */
    public static final long CHAIN_ID = 31337;
    private static final String BINARY_IN_PACKAGE = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    /** How blocks are made. */
    public enum Mining {
        /** One block per transaction, at once (stalls when transactions arrive concurrently). */
        AUTO,
        /** A block every {@code blockTime}, with whatever the pool holds (use for concurrent senders). */
        INTERVAL,
        /** Only on {@link #mine()}. */
        MANUAL
    }

    /** Thrown when no anvil can be had on this machine (no npm, not linux-amd64, install failed). */
    public static final class NotAvailable extends Exception {
        private static final long serialVersionUID = 1L;

        NotAvailable(String message) {
            super(message);
        }
    }

    private final Process process;
    private final int port;
    private final HttpService service;
    private final Web3j web3j;
    private final Thread shutdownHook;

    private AnvilNode(Process process, int port) {
        this.process = process;
        this.port = port;
        this.service = new HttpService(rpcUrl());
        this.web3j = Web3j.build(service);
        this.shutdownHook = new Thread(process::destroyForcibly, "anvil-" + port + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a node.
     *
     * @param blockTime the interval for {@link Mining#INTERVAL} (fractions of a second work); ignored otherwise
     */
    public static AnvilNode start(Mining mining, Duration blockTime) throws NotAvailable {
        Path binary = binary();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--host", "127.0.0.1", "--port",
                    Integer.toString(port), "--chain-id", Long.toString(CHAIN_ID), "--accounts", "1"));
            if (mining == Mining.INTERVAL) {
                cmd.add("--block-time");
                cmd.add(String.format(Locale.ROOT, "%.3f", blockTime.toMillis() / 1000.0));
            } else if (mining == Mining.MANUAL) {
                cmd.add("--no-mining");
            }
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                if (awaitListening(p, port, binary.getParent().resolve("anvil-" + port + ".log"))) {
                    return new AnvilNode(p, port);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new NotAvailable("anvil did not start on 127.0.0.1 after 3 attempts" + (last == null ? "" : ": " + last));
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long chainId() {
        return CHAIN_ID;
    }

    /** A client of this node (owned by the node: closed with it). */
    public Web3j web3j() {
        return web3j;
    }

    /** Sets {@code address}'s balance to {@code ether} ether. */
    public void fund(Address address, long ether) {
        call("anvil_setBalance", address.value(), Numeric.toHexStringWithPrefix(ETHER.multiply(BigInteger.valueOf(ether))));
    }

    /** Puts runtime {@code code} (hex) at {@code address}, as if a contract were deployed there. */
    public void setCode(Address address, String code) {
        call("anvil_setCode", address.value(), code);
    }

    /** Mines one block now. */
    public void mine() {
        call("evm_mine");
    }

    /** The base fee of the next block (wei per gas). */
    public void setNextBaseFee(BigInteger weiPerGas) {
        call("anvil_setNextBlockBaseFeePerGas", Numeric.toHexStringWithPrefix(weiPerGas));
    }

    public BigInteger balance(Address address) {
        try {
            return web3j.ethGetBalance(address.value(), DefaultBlockParameterName.LATEST).send().getBalance();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many transactions of {@code address} are mined. */
    public long minedCount(Address address) {
        return count(address, DefaultBlockParameterName.LATEST);
    }

    /**
     * Waits until {@code expected} transactions of {@code address} are mined. Auto-mining answers
     * {@code eth_sendRawTransaction} when the transaction enters the pool and mines it right after, so
     * reading the count at once races the miner (a CI machine lost that race).
     *
     * @return the mined count reached, or the last one read when {@code timeout} passed first
     */
    public long awaitMinedCount(Address address, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long mined = minedCount(address);
        while (mined < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            mined = minedCount(address);
        }
        return mined;
    }

    /** Mined plus waiting in the pool. */
    public long pendingCount(Address address) {
        return count(address, DefaultBlockParameterName.PENDING);
    }

    public long blockNumber() {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh private key (hex) drawn from {@code random}, its address funded with 1000 ether. */
    public String newFundedKey(Random random) {
        String key = randomKey(random);
        fund(addressOf(key), 1000);
        return key;
    }

    /** A valid secp256k1 private key drawn from {@code random} (a seeded test replays the same keys). */
    public static String randomKey(Random random) {
        while (true) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            BigInteger d = new BigInteger(1, bytes);
            if (d.signum() > 0 && d.compareTo(Sign.CURVE_PARAMS.getN()) < 0) {
                return Numeric.toHexStringNoPrefixZeroPadded(d, 64);
            }
        }
    }

    public static Address addressOf(String privateKeyHex) {
        return Address.of(Credentials.create(ECKeyPair.create(Numeric.toBigInt(privateKeyHex))).getAddress());
    }

    /** Sends a JSON-RPC call and fails on an error answer. */
    public void call(String method, Object... params) {
        try {
            Response<?> r = new Request<>(method, List.of(params), service, VoidResponse.class).send();
            if (r.hasError()) {
                throw new IllegalStateException(method + " refused: " + r.getError().getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(method + " failed", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        web3j.shutdown();
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException jvmExiting) {
            // the hook is running or has run: nothing to remove
        }
    }

    /**
     * The anvil binary: the one named by {@code copytrade.anvil} / {@code COPYTRADE_ANVIL}, else the npm
     * package's under the install directory, installed there first if missing.
     */
    public static synchronized Path binary() throws NotAvailable {
        String given = System.getProperty("copytrade.anvil", System.getenv("COPYTRADE_ANVIL"));
        if (given != null && !given.isBlank()) {
            Path p = Paths.get(given);
            if (!Files.isExecutable(p)) {
                throw new NotAvailable("copytrade.anvil=" + given + " is not an executable file");
            }
            return p;
        }
        Path dir = Paths.get(System.getProperty("copytrade.anvil.dir", "target/anvil")).toAbsolutePath();
        Path binary = dir.resolve(BINARY_IN_PACKAGE);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new NotAvailable("the npm package " + NPM_PACKAGE + " ships a linux-amd64 binary and this is "
                    + os + "/" + arch + "; install anvil (Foundry) and pass -Dcopytrade.anvil=/path/to/anvil");
        }
        install(dir);
        if (!Files.isExecutable(binary)) {
            throw new NotAvailable("npm installed " + NPM_PACKAGE + " but " + binary + " is not there");
        }
        return binary;
    }

    private static void install(Path dir) throws NotAvailable {
        try {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-save", "--no-audit",
                    "--no-fund", "--loglevel=error", NPM_PACKAGE)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("npm-install.log").toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new NotAvailable("npm install " + NPM_PACKAGE + " took over 5 minutes; see "
                        + dir.resolve("npm-install.log"));
            }
            if (npm.exitValue() != 0) {
                throw new NotAvailable("npm install " + NPM_PACKAGE + " failed (exit " + npm.exitValue() + "); see "
                        + dir.resolve("npm-install.log"));
            }
        } catch (IOException e) {
            throw new NotAvailable("npm is not available (" + e.getMessage() + "): install Node.js with npm so the"
                    + " tests can run `npm install --prefix target/anvil " + NPM_PACKAGE + "`, or pass"
                    + " -Dcopytrade.anvil=/path/to/anvil");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAvailable("interrupted while installing " + NPM_PACKAGE);
        }
    }

    /**
     * Copies anvil's output to {@code log} and waits (bounded) for its "Listening on" line. The latch also
     * opens when the output ends (anvil exited, e.g. because another process took the port between
     * {@link #freePort()} and its bind), so only the line itself counts: {@code p.isAlive()} can still be
     * true for a moment after a failed anvil closed its output, and the port may then be someone else's.
     */
    private static boolean awaitListening(Process p, int port, Path log) throws IOException {
        CountDownLatch listening = new CountDownLatch(1);
        AtomicBoolean sawListening = new AtomicBoolean();
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        Thread drain = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    out) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    if (line.contains("Listening on") && line.contains(":" + port)) {
                        sawListening.set(true);
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                // the process is gone; whoever waits sees it not listening
            } finally {
                listening.countDown();
            }
        }, "anvil-" + port + "-output");
        drain.setDaemon(true);
        drain.start();
        try {
            return listening.await(60, TimeUnit.SECONDS) && sawListening.get() && p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long count(Address address, DefaultBlockParameterName tag) {
        try {
            return web3j.ethGetTransactionCount(address.value(), tag).send().getTransactionCount().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
