package org.spfgate.headers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.spfgate.config.SpfConfig;
import org.spfgate.spf.SpfVerdict;

/**
 * The block of header fields the gateway prepends to a message, in the order of docs/contract.md §5 (top
 * first): Authentication-Results, Received-SPF, Received — respecting {@code spf.headers}. The
 * relay writes these bytes before the client's message ({@code DownstreamTransaction#data}).
 * US-ASCII, every line CRLF-terminated.
 *
 * <p>When the HELO identity was checked and its result differs from the MAIL FROM result, a
 * second Received-SPF ({@code identity=helo}) follows the first (RFC 7208 9.1 allows one per
 * identity), so a HELO result that could have decided is visible; in the common case the block
 * is the three fields of docs/contract.md §5.
 */
public final class TraceHeaders {

    private final SpfConfig.Headers switches;
    private final AuthenticationResultsHeader authenticationResults;
    private final ReceivedSpfHeader receivedSpf;
    private final ReceivedHeader received;

    /**
     * @param hostname our host name: receiver, authserv-id and the {@code by} of Received
     * @param switches which of Received-SPF and Authentication-Results to write
     */
    public TraceHeaders(String hostname, SpfConfig.Headers switches) {
        this.switches = Objects.requireNonNull(switches, "switches");
        this.authenticationResults = new AuthenticationResultsHeader(hostname);
        this.receivedSpf = new ReceivedSpfHeader(hostname);
        this.received = new ReceivedHeader(hostname);
    }

    /**
     * For a client whose SPF was evaluated.
     *
     * @param mailFrom the MAIL FROM verdict (for the null sender: of {@code postmaster@<helo>})
     * @param helo     the HELO verdict, or {@code null} when not checked
     */
    public byte[] checked(SmtpTrace trace, SpfVerdict mailFrom, SpfVerdict helo) {
        StringBuilder block = new StringBuilder(600);
        if (switches.authenticationResults()) {
            block.append(authenticationResults.spf(mailFrom, helo));
        }
        if (switches.receivedSpf()) {
            block.append(receivedSpf.folded(mailFrom));
            if (helo != null && helo.result() != mailFrom.result()) {
                block.append(receivedSpf.folded(helo));
            }
        }
        block.append(received.folded(trace));
        return block.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** For a trusted client: no Received-SPF (nothing was computed), A-R names the entry. */
    public byte[] trusted(SmtpTrace trace, String trustedName) {
        StringBuilder block = new StringBuilder(300);
        if (switches.authenticationResults()) {
            block.append(authenticationResults.trusted(trace.clientIp(), trustedName));
        }
        block.append(received.folded(trace));
        return block.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
