package dev.copytrade.examples.chaos;

import dev.copytrade.core.chain.SettlementLeg;
import dev.copytrade.core.model.Address;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The venue's loopback protocol: {@code application/x-www-form-urlencoded} both ways, nothing else to depend on. */
final class Wire {
    static final String BOT_HEADER = "X-Chaos-Bot";

    private Wire() {}

    static String encode(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static Map<String, String> decode(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Adds the settlement legs that ran with an order ({@code leg.<i>.<field>}). */
    static void putLegs(Map<String, String> fields, List<SettlementLeg> legs) {
        fields.put("legs", Integer.toString(legs.size()));
        for (int i = 0; i < legs.size(); i++) {
            SettlementLeg l = legs.get(i);
            String p = "leg." + i + ".";
            fields.put(p + "id", l.legId());
            fields.put(p + "debtor", l.debtor().value());
            fields.put(p + "creditor", l.creditor().value());
            fields.put(p + "asset", l.asset());
            fields.put(p + "amount", Long.toString(l.amount()));
            fields.put(p + "settled", Boolean.toString(l.settled()));
            fields.put(p + "error", l.error());
        }
    }

    static List<SettlementLeg> legs(Map<String, String> fields) {
        int n = Integer.parseInt(fields.getOrDefault("legs", "0"));
        List<SettlementLeg> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String p = "leg." + i + ".";
            out.add(new SettlementLeg(require(fields, p + "id"), Address.of(require(fields, p + "debtor")),
                    Address.of(require(fields, p + "creditor")), require(fields, p + "asset"),
                    Long.parseLong(require(fields, p + "amount")), Boolean.parseBoolean(require(fields, p + "settled")),
                    fields.get(p + "error")));
        }
        return out;
    }

    static String require(Map<String, String> fields, String name) {
        String v = fields.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing field " + name);
        }
        return v;
    }
}
