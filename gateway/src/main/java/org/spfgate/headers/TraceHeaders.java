package org.spfgate.headers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.spfgate.config.SpfConfig;
import org.spfgate.dkim.DkimResult;
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
        return checked(trace, mailFrom, helo, null);
    }

    /**
     * For a client whose SPF was evaluated and whose message an aligned DKIM signature rescued
     * ({@code spf.dkim_rescue}): Authentication-Results names the signature next to the SPF
     * result; Received-SPF stays as SPF decided.
     *
     * @param dkim the signature that verified, or {@code null}: no rescue
     */
    public byte[] checked(SmtpTrace trace, SpfVerdict mailFrom, SpfVerdict helo, DkimResult dkim) {
        StringBuilder block = new StringBuilder(600);
        if (switches.authenticationResults()) {
            block.append(authenticationResults.spf(mailFrom, helo, dkim));
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
        return trusted(trace, trustedName, null);
    }

    /**
     * For a trusted client whose SPF is skipped: no Received-SPF (nothing was computed), A-R
     * names the entry and, when given, the matcher ({@code networks 198.51.100.0/28}).
     */
    public byte[] trusted(SmtpTrace trace, String trustedName, String matchedBy) {
        StringBuilder block = new StringBuilder(300);
        if (switches.authenticationResults()) {
            block.append(authenticationResults.trusted(trace.clientIp(), trustedName, matchedBy));
        }
        block.append(received.folded(trace));
        return block.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * For a trusted relay with {@code spf: through}: the result for the relay's own client
     * ({@code original}, whose {@code clientIp} and {@code helo} come from the topmost Received
     * field), both SPF fields naming the relay; our Received still records the relay itself.
     */
    public byte[] through(SmtpTrace trace, String trustedName, String matchedBy, SpfVerdict original) {
        StringBuilder block = new StringBuilder(700);
        if (switches.authenticationResults()) {
            block.append(authenticationResults.through(original, trace.clientIp(), trustedName, matchedBy));
        }
        if (switches.receivedSpf()) {
            block.append(receivedSpf.foldedThrough(original, trace.clientIp(), trustedName));
        }
        block.append(received.folded(trace));
        return block.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * For a trusted relay with {@code spf: through} whose message does not name the client before
     * it: A-R {@code spf=none} saying {@code why}, no Received-SPF (there is no client IP to write).
     */
    public byte[] notEvaluatedThrough(SmtpTrace trace, String trustedName, String matchedBy, String sender,
            String why) {
        StringBuilder block = new StringBuilder(400);
        if (switches.authenticationResults()) {
            block.append(authenticationResults.notEvaluatedThrough(sender, trace.clientIp(), trustedName, matchedBy,
                    why));
        }
        block.append(received.folded(trace));
        return block.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
