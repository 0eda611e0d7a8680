package dev.copytrade.core.testkit.evm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JSON-RPC HTTP proxy on 127.0.0.1 in front of a node, which loses exactly one
 * {@code eth_sendRawTransaction} when told to: a broadcast lost on the way to the node
 * ({@link Fault#LOST_BEFORE_NODE}) or on the way back ({@link Fault#LOST_AFTER_NODE}). Either way the
 * client gets an HTTP 502, a transport failure that proves nothing about the node.
 */
public final class RpcProxy implements AutoCloseable {
    public enum Fault {
        /** Not forwarded: the node never sees the transaction. */
        LOST_BEFORE_NODE,
        /** Forwarded, and the node's answer thrown away. */
        LOST_AFTER_NODE
    }

    private static final String SEND_RAW = "\"eth_sendRawTransaction\"";

    private final URI target;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "rpc-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<Fault> armed = new AtomicReference<>();
    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger sendsForwarded = new AtomicInteger();

    private RpcProxy(String targetUrl) throws IOException {
        this.target = URI.create(targetUrl);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** A proxy in front of {@code targetUrl}, listening on a free loopback port. */
    public static RpcProxy start(String targetUrl) {
        try {
            return new RpcProxy(targetUrl);
        } catch (IOException e) {
            throw new IllegalStateException("the proxy could not listen on 127.0.0.1", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code eth_sendRawTransaction} (only that one) meets {@code fault}. */
    public void loseNextSend(Fault fault) {
        armed.set(fault);
    }

    /** How many sends were lost so far. */
    public int faults() {
        return faults.get();
    }

    /** How many {@code eth_sendRawTransaction} calls reached the node through this proxy. */
    public int sendsForwarded() {
        return sendsForwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean send = new String(body, StandardCharsets.UTF_8).contains(SEND_RAW);
            Fault fault = send ? armed.getAndSet(null) : null;
            if (fault != null) {
                faults.incrementAndGet();
            }
            if (fault == Fault.LOST_BEFORE_NODE) {
                respond(exchange, 502, "lost before the node".getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 502, new byte[0]);
                return;
            }
            if (send) {
                sendsForwarded.incrementAndGet();
            }
            if (fault == Fault.LOST_AFTER_NODE) {
                respond(exchange, 502, "answer lost".getBytes(StandardCharsets.UTF_8));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            respond(exchange, answer.statusCode(), answer.body());
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
