package dev.copytrade.core.chain;

import dev.copytrade.core.model.Address;
import dev.copytrade.core.model.ClientOrderId;
import dev.copytrade.core.model.CopyOrder;
import dev.copytrade.core.model.InvalidInputException;
import dev.copytrade.core.record.CopyTradeRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What the reconciler knows about an order it must resolve.
 *
 * @param clientOrderId always known
 * @param venueRef tx hash / venue order id if it was stored before broadcast, else {@code null}
 * @param nonce the signer nonce if known, else {@code null}
 * @param signer the signer's address
 * @param chainId the chain
 * @param order the order as recorded (what a fill is reported against), or {@code null}
 * @param earlierRefs references the order carried before {@code venueRef} replaced them (a sped-up
 *     transaction's earlier hashes, oldest first): any of them may be the one that executed; never null
 */
public record OrderLookup(ClientOrderId clientOrderId, String venueRef, Long nonce, Address signer, long chainId,
        CopyOrder order, List<String> earlierRefs) {

    /**
     * The record detail key under which a replaced venue reference is kept, comma-separated, oldest
     * first, when a replacement (same nonce, higher fees) takes its place in {@code venueRef}.
     */
    public static final String EARLIER_REFS = "venueRef.earlier";

    public OrderLookup {
        InvalidInputException.requireNonNull("lookup.clientOrderId", clientOrderId);
        InvalidInputException.requireNonNull("lookup.signer", signer);
        earlierRefs = earlierRefs == null ? List.of() : List.copyOf(earlierRefs);
    }

    /** A lookup without the order and with no earlier references. */
    public OrderLookup(ClientOrderId clientOrderId, String venueRef, Long nonce, Address signer, long chainId) {
        this(clientOrderId, venueRef, nonce, signer, chainId, null, List.of());
    }

    public static OrderLookup of(CopyTradeRecord record, long chainId) {
        return new OrderLookup(record.clientOrderId(), record.venueRef(), record.nonce(), record.signer(), chainId,
                record.order(), splitRefs(record.detail().get(EARLIER_REFS)));
    }

    /** {@code venueRef} (if any) and every earlier reference, newest first: everything to ask the venue about. */
    public List<String> allRefs() {
        List<String> all = new ArrayList<>(earlierRefs.size() + 1);
        if (venueRef != null) {
            all.add(venueRef);
        }
        for (int i = earlierRefs.size() - 1; i >= 0; i--) {
            if (!all.contains(earlierRefs.get(i))) {
                all.add(earlierRefs.get(i));
            }
        }
        return all;
    }

    /** Parses the {@link #EARLIER_REFS} detail value; null or blank gives an empty list. */
    public static List<String> splitRefs(String joined) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        List<String> refs = new ArrayList<>();
        for (String ref : joined.split(",")) {
            if (!ref.isBlank()) {
                refs.add(ref.trim());
            }
        }
        return refs;
    }
}
