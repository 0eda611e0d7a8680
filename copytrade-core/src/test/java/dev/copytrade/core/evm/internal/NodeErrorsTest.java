package dev.copytrade.core.evm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copytrade.core.evm.internal.NodeErrors.Kind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeErrorsTest {

    @Test
    @DisplayName("Scenario: Only node answers known to prove a refusal free the nonce")
    void classifiesNodeMessages() {
        // anvil 1.7 (measured), geth, erigon, nethermind wordings
        assertThat(NodeErrors.classify("transaction already imported")).isEqualTo(Kind.ALREADY_KNOWN);
        assertThat(NodeErrors.classify("already known")).isEqualTo(Kind.ALREADY_KNOWN);
        assertThat(NodeErrors.classify("AlreadyKnown")).isEqualTo(Kind.ALREADY_KNOWN);
        assertThat(NodeErrors.classify("nonce too low")).isEqualTo(Kind.NONCE_TOO_LOW);
        assertThat(NodeErrors.classify("nonce too low: next nonce 5, tx nonce 3")).isEqualTo(Kind.NONCE_TOO_LOW);
        assertThat(NodeErrors.classify("OldNonce")).isEqualTo(Kind.NONCE_TOO_LOW);
        assertThat(NodeErrors.classify("replacement transaction underpriced")).isEqualTo(Kind.NONCE_TAKEN);
        assertThat(NodeErrors.classify("Insufficient funds for gas * price + value")).isEqualTo(Kind.REFUSED);
        assertThat(NodeErrors.classify("max fee per gas less than block base fee")).isEqualTo(Kind.REFUSED);
        assertThat(NodeErrors.classify("intrinsic gas too low")).isEqualTo(Kind.REFUSED);
        assertThat(NodeErrors.classify("transaction underpriced")).isEqualTo(Kind.REFUSED);
        // not proof of anything: the transaction may have been taken
        assertThat(NodeErrors.classify("request timed out")).isEqualTo(Kind.UNKNOWN);
        assertThat(NodeErrors.classify("429 Too Many Requests")).isEqualTo(Kind.UNKNOWN);
        assertThat(NodeErrors.classify("internal error")).isEqualTo(Kind.UNKNOWN);
        assertThat(NodeErrors.classify(null)).isEqualTo(Kind.UNKNOWN);
    }
}
