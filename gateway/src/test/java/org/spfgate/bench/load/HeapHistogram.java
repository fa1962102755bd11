package org.spfgate.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The live objects of a child JVM by class, from {@code jcmd <pid> GC.class_histogram} (which runs
 * a full collection first): to tell what the heap holds per idle session.
 */
record HeapHistogram(long liveBytes, List<String> topLines) {

    static HeapHistogram of(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd did not finish in 60 s");
        }
        List<String> lines = new String(out, StandardCharsets.UTF_8).lines().toList();
        String total = lines.stream().filter(l -> l.startsWith("Total")).findFirst()
                .orElseThrow(() -> new IOException("no Total in jcmd output: " + lines));
        String[] fields = total.trim().split("\\s+");
        // "num #instances #bytes class name", after a two-line header
        return new HeapHistogram(Long.parseLong(fields[2]), lines.stream().skip(1).limit(14).toList());
    }
}
