package org.spfgate.config;

import java.nio.file.Path;

/**
 * {@code log:} — the decision log (docs/contract.md §7).
 *
 * @param file   {@code null}: standard output
 * @param format one key=value line per transaction, or JSON lines for log shippers
 */
public record LogConfig(Path file, Format format) {

    public enum Format { TEXT, JSON }
}
