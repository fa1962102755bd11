package org.spfgate.dialog;

/**
 * The steps many dialog scripts share (see {@link SmtpClient#script}), each a client line and
 * the gateway's exact reply, so a test reads as the protocol: {@code HELO + MAIL_FROM_ALICE +
 * RCPT_TO_BOB + DATA} and then only what that test is about. The replies are those of a
 * {@link GatewayUnderTest} with its defaults; the client is 127.0.0.1, a designated sender of
 * {@code sender.test} in {@link Zones#standard()}.
 */
final class Dialogs {

    private Dialogs() {
    }

    static final String GREETING = """
            S: 220 mx.gateway.test ESMTP spfgate
            """;

    /** The greeting and a HELO whose own SPF passes. */
    static final String HELO = GREETING + """
            C: HELO mail.sender.test
            S: 250 mx.gateway.test
            """;

    /** The greeting and EHLO, answered with the extensions of a gateway without TLS (1 000 000 bytes at most). */
    static final String EHLO = GREETING + ehlo("mail.sender.test", 1_000_000);

    /** A sender whose SPF passes. */
    static final String MAIL_FROM_ALICE = """
            C: MAIL FROM:<alice@sender.test>
            S: 250 2.1.0 Sender OK
            """;

    /** One of our recipients, accepted by the internal server. */
    static final String RCPT_TO_BOB = """
            C: RCPT TO:<bob@ours.test>
            S: 250 Ok
            """;

    /** The go-ahead for the message; then {@link SmtpClient#sendMessage}. */
    static final String DATA = """
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            """;

    static final String QUIT = """
            C: QUIT
            S: 221 2.0.0 Bye
            """;

    /** The usual way to the message: HELO, a passing sender, one of our recipients, DATA. */
    static final String READY_FOR_MESSAGE = HELO + MAIL_FROM_ALICE + RCPT_TO_BOB + DATA;

    /** EHLO and the extensions a gateway without TLS offers (RFC 1870 SIZE with its limit). */
    static String ehlo(String client, long maxMessageSize) {
        return """
                C: EHLO %s
                S: 250-mx.gateway.test
                S: 250-PIPELINING
                S: 250-SIZE %d
                S: 250-8BITMIME
                S: 250-ENHANCEDSTATUSCODES
                S: 250 SMTPUTF8
                """.formatted(client, maxMessageSize);
    }
}
