package org.spfgate.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Third-party programs the end-to-end tests drive. {@code .ci/run} installs them, so under CI
 * ({@code CI=true}) a missing one fails the test instead of letting it pass unexercised.
 */
public final class ThirdPartyTools {

    private ThirdPartyTools() {
    }

    public static void require(String... programs) {
        List<String> missing = List.of(programs).stream().filter(p -> !Files.isExecutable(Path.of(p))).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = "not installed: " + missing + " (bash .ci/run installs them)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        assumeTrue(false, message);
    }
}
