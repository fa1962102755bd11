package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/spfgate} on a machine whose default Java is 17: it finds a Java >= 21, gives compact
 * object headers only to a JVM that has them, and says plainly when there is no Java to use.
 * The JVM reports its own options ({@code -XX:+PrintCommandLineFlags}), so what is checked is
 * what the JVM accepted, not what the script meant to pass.
 */
class LauncherIT {

    private static ProcessBuilder launcher(String... arguments) {
        ProcessBuilder builder = new ProcessBuilder(ShippedLaunch.LAUNCHER.toString());
        builder.command().addAll(List.of(arguments));
        ShippedLaunch.freshMachine(builder.environment());
        builder.environment().put("SPFGATE_JAR", ShippedLaunch.jar().toString());
        return builder;
    }

    @Test
    void onAMachineWhoseJavaIs17ItRunsSpfgateOnAJavaOf21OrNewerWithTheShippedOptions() throws Exception {
        ProcessBuilder builder = launcher("--version");
        builder.environment().put("SPFGATE_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        ShippedLaunch.Result result = ShippedLaunch.run(builder);
        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("spfgate "), result.output());
        for (String option : List.of("-XX:+UseSerialGC", "-XX:MaxHeapSize=536870912", "-XX:SurvivorRatio=3",
                "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20")) {
            assertTrue(result.output().contains(option), option + " in\n" + result.output());
        }
        assertFalse(result.output().contains("UnsupportedClassVersionError"), result.output());
    }

    @Test
    void compactObjectHeadersAreGivenToJava25AndNotToJava21(@TempDir Path dir) throws Exception {
        Path newest = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent();
        int feature = Runtime.version().feature();
        // The Java running this test, as itself and presented as a Java 21 installation (its release
        // file is what the launcher reads): no Java 21 is installable from this project's registries.
        Path as21 = dir.resolve("jdk-21");
        Files.createDirectories(as21.resolve("bin"));
        Files.createSymbolicLink(as21.resolve("bin/java"), newest.resolve("bin/java"));
        Files.writeString(as21.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");

        for (Path home : List.of(newest, as21)) {
            ProcessBuilder builder = launcher("--version");
            builder.environment().put("JAVA_HOME", home.toString());
            builder.environment().put("SPFGATE_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
            ShippedLaunch.Result result = ShippedLaunch.run(builder);
            assertEquals(0, result.status(), result.output());
            boolean compact = result.output().contains("-XX:+UseCompactObjectHeaders");
            boolean expected = home.equals(newest) && feature >= 25;
            assertEquals(expected, compact, home + " (Java " + (home.equals(as21) ? 21 : feature) + "):\n" + result.output());
        }
    }

    @Test
    void withNoJava21AnywhereItSaysSoAndExits127(@TempDir Path empty) throws Exception {
        ProcessBuilder builder = launcher("--version");
        builder.environment().put("JDK_SEARCH_DIRS", empty.toString());
        builder.environment().put("PATH", ShippedLaunch.DEBIAN_JAVA_17.resolve("bin") + ":/usr/bin:/bin");
        ShippedLaunch.Result result = ShippedLaunch.run(builder);
        assertEquals(127, result.status(), result.output());
        assertTrue(result.output().startsWith("spfgate: no Java >= 21 found (set JAVA_HOME to one"), result.output());
    }

    @Test
    void withoutAJarItSaysHowToBuildOne(@TempDir Path dir) throws Exception {
        ProcessBuilder builder = launcher("--version");
        builder.environment().put("SPFGATE_JAR", dir.resolve("missing.jar").toString());
        ShippedLaunch.Result result = ShippedLaunch.run(builder);
        assertEquals(127, result.status(), result.output());
        assertTrue(result.output().contains("spfgate.jar not found (build it: bin/with-jdk21 mvn"), result.output());
    }
}
