package dev.copytrade.examples.chaos;

import dev.copytrade.core.chain.ChainAdapter;
import dev.copytrade.core.chain.LookupResult;
import dev.copytrade.core.chain.OrderLookup;
import dev.copytrade.core.chain.OrderRequest;
import dev.copytrade.core.chain.PreparedOrder;
import dev.copytrade.core.chain.SubmitResult;
import dev.copytrade.core.model.Shares;
import dev.copytrade.core.model.Usdc;
import dev.copytrade.core.record.Fill;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bot side of the chaos venue: a {@link ChainAdapter} over loopback HTTP. Every wait is bounded
 * ({@code timeout}), and anything but a clear answer is {@link SubmitResult.Unknown} or
 * {@link LookupResult.Unknown}, never a rejection or a not-found.
 *
 * <p>{@link #prepare} fixes the order's expiry ({@code now + orderLifetime}) before the executor decides
 * whether to write SUBMITTED; the executor leaves at least half its in-flight TTL on the lease at that
 * point, so with {@code orderLifetime} under half the TTL the venue can only receive an order while its
 * record is still leased, and a sweeper never asks about an order that could still arrive.
 */
final class RemoteVenue implements ChainAdapter {
    private final URI base;
    private final String bot;
    private final Duration timeout;
    private final Duration orderLifetime;
    private final HttpClient http;

    RemoteVenue(String baseUrl, String bot, Duration timeout, Duration orderLifetime) {
        this.base = URI.create(baseUrl);
        this.bot = bot;
        this.timeout = timeout;
        this.orderLifetime = orderLifetime;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public String venue() {
        return "chaos-venue";
    }

    @Override
    public boolean movesRealMoney() {
        return false;
    }

    @Override
    public PreparedOrder prepare(OrderRequest request) {
        return new PreparedOrder(request, null, null, Instant.now().plus(orderLifetime));
    }

    @Override
    public SubmitResult submit(PreparedOrder prepared) {
        OrderRequest r = prepared.request();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("recordId", Long.toString(r.recordId()));
        f.put("key", r.key().value());
        f.put("clientOrderId", r.clientOrderId().value());
        f.put("conditionId", r.order().market().conditionId());
        f.put("tokenId", r.order().market().tokenId());
        f.put("slug", r.order().market().slug());
        f.put("side", r.order().side().name());
        f.put("price", Long.toString(r.order().limitPrice().micros()));
        f.put("shares", Long.toString(r.order().shares().micros()));
        f.put("wallet", r.wallet().value());
        f.put("signer", r.signer().value());
        f.put("chainId", Long.toString(r.chainId()));
        f.put("fencingToken", Long.toString(r.fencingToken()));
        f.put("expiresAt", Long.toString(((Instant) prepared.payload()).toEpochMilli()));
        Map<String, String> a;
        try {
            a = post("/submit", f);
        } catch (IOException e) {
            return SubmitResult.unknown("venue unreachable or silent: " + e);
        }
        return switch (a.getOrDefault("outcome", "")) {
            case "FILLED" -> new SubmitResult.Confirmed(fill(a), Wire.legs(a));
            case "REJECTED" -> new SubmitResult.Rejected(a.getOrDefault("reason", "rejected"), Wire.legs(a));
            default -> SubmitResult.unknown(a.getOrDefault("reason", "no clear answer"));
        };
    }

    @Override
    public LookupResult lookup(OrderLookup lookup) {
        Map<String, String> a;
        try {
            a = post("/lookup", Map.of("clientOrderId", lookup.clientOrderId().value(), "signer",
                    lookup.signer().value()));
        } catch (IOException e) {
            return new LookupResult.Unknown("venue unreachable or silent: " + e);
        }
        return switch (a.getOrDefault("outcome", "")) {
            case "FILLED" -> new LookupResult.Filled(fill(a), Wire.legs(a));
            case "REJECTED" -> new LookupResult.Rejected(a.getOrDefault("reason", "rejected"), Wire.legs(a));
            case "NOTFOUND" -> new LookupResult.NotFound();
            default -> new LookupResult.Unknown(a.getOrDefault("reason", "no clear answer"));
        };
    }

    private static Fill fill(Map<String, String> a) {
        return new Fill(Shares.ofMicros(Long.parseLong(a.get("shares"))), Usdc.ofMicros(Long.parseLong(a.get("notional"))),
                a.get("ref"));
    }

    /** One request; an HTTP error status keeps its body (the venue says UNKNOWN there), a transport error throws. */
    Map<String, String> post(String path, Map<String, String> fields) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header(Wire.BOT_HEADER, bot)
                .POST(HttpRequest.BodyPublishers.ofString(Wire.encode(fields))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return Wire.decode(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
