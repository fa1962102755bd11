package org.spfgate.headers;

import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;

/**
 * The facts of one SMTP transaction that our {@code Received} header records (RFC 5321 4.4).
 *
 * @param helo       the HELO/EHLO argument as the client sent it (untrusted; may be empty)
 * @param clientIp   the client's address (the PROXY-protocol source when enabled)
 * @param protocol   the {@code with} keyword (RFC 3848)
 * @param id         our transaction id (the session makes it)
 * @param recipients the accepted recipients; named in {@code for <...>} only when there is
 *                   exactly one (privacy)
 * @param received   when the message was received
 */
public record SmtpTrace(
        String helo,
        InetAddress clientIp,
        Protocol protocol,
        String id,
        List<String> recipients,
        ZonedDateTime received) {

    public SmtpTrace {
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(id, "id");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(received, "received");
    }

    /** The {@code with} protocol types of RFC 3848 that we speak. */
    public enum Protocol {
        /** HELO. */
        SMTP,
        /** EHLO. */
        ESMTP,
        /** EHLO and STARTTLS. */
        ESMTPS;

        public static Protocol of(boolean ehlo, boolean tls) {
            return tls ? ESMTPS : ehlo ? ESMTP : SMTP;
        }
    }
}
