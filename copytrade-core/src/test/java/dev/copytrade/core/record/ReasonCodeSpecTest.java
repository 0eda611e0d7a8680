package dev.copytrade.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guardrails spec lists the closed set of reason codes that dashboards and alerts are written
 * against; a code added to the enum without the spec (it happened twice) leaves operators guessing.
 */
class ReasonCodeSpecTest {

    @Test
    @DisplayName("Scenario: Every skip is a SKIPPED record with a reason code")
    void theSpecNamesEveryCodeAndTheirNumber() throws IOException {
        String spec = Files.readString(Path.of("../openspec/specs/guardrails/spec.md"));
        int start = spec.indexOf("### Requirement: Closed reason codes");
        String requirement = spec.substring(start, spec.indexOf("#### Scenario:", start));

        for (ReasonCode code : ReasonCode.values()) {
            assertThat(requirement).as("the spec names " + code).containsPattern("\\b" + code.name() + "\\b");
        }
        Matcher count = Pattern.compile("\\((\\d+) codes\\)").matcher(requirement);
        assertThat(count.find()).as("the requirement states how many codes there are").isTrue();
        assertThat(Integer.parseInt(count.group(1))).isEqualTo(ReasonCode.values().length);
    }
}
