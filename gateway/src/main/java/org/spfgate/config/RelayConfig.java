package org.spfgate.config;

import java.time.Duration;

/** {@code relay:} — the internal server the gateway relays to, synchronously. */
public record RelayConfig(
        String host,
        int port,
        Tls tls,
        boolean verifyRecipients,
        int connections,
        Timeouts timeouts) {

    public enum Tls { NONE, OPPORTUNISTIC, REQUIRED }

    /** @param data also the wait for the reply to the final dot */
    public record Timeouts(Duration connect, Duration command, Duration data) {
    }
}
