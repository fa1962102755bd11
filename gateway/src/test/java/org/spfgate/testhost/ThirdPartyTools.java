package org.spfgate.testhost;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Third-party programs some tests drive (Postfix, swaks, python3-dkim, promtool,
 * systemd-analyze). This is the one place a test may be skipped: on a developer's machine a
 * missing program skips the test with a message saying what to install; under CI
 * ({@code CI=true}, which {@code .ci/run} exports after installing them all) it fails the test,
 * so nothing passes unexercised.
 */
public final class ThirdPartyTools {

    private ThirdPartyTools() {
    }

    /** Every one of {@code programs} (absolute paths) must be an executable file. */
    public static void require(String... programs) {
        List<String> missing = List.of(programs).stream().filter(p -> !Files.isExecutable(Path.of(p))).toList();
        require(missing.isEmpty(), "not installed: " + missing);
    }

    /** {@code present} says whether what {@code missing} names is there. */
    public static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        String message = missing + " (bash .ci/run installs what the tests need)";
        if (underCi()) {
            fail(message + "; under CI=true a missing tool fails the test");
        }
        Assumptions.abort(message);
    }

    private static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
