package org.spfgate.metrics;

import java.util.Locale;

/** Which deadline closed a client connection: the {@code deadline} label of spfgate_client_deadlines_total. */
public enum ClientDeadline {
    /** A command line not complete within {@code server.timeouts.command} of its first octet (421 4.4.2). */
    COMMAND,
    /** The whole connection older than {@code server.timeouts.session} (421 4.4.2). */
    SESSION,
    /** A reply not taken by the client within {@code server.timeouts.write}: closed without a reply. */
    WRITE;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value. */
    public String token() {
        return token;
    }
}
