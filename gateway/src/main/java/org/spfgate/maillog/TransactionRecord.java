package org.spfgate.maillog;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.spfgate.relay.Reply;
import org.spfgate.spf.SpfVerdict;

/**
 * What the decision log says about one transaction (docs/contract.md §7): who connected, what they asked
 * for, what SPF said, what we decided and what the client was told. The session fills a
 * {@link Builder} as the transaction goes and hands the result to {@link DecisionLog#write}.
 * Every text field is untrusted (client, DNS or downstream text); the formats escape it.
 *
 * @param id           our id for the transaction, the one in our Received header
 * @param clientIp     the connecting IP (the PROXY-protocol source when enabled)
 * @param clientName   the client's forward-confirmed reverse DNS name; {@code null}: unknown
 * @param helo         the HELO/EHLO argument; {@code null}: none given
 * @param sender       the MAIL FROM address without brackets, {@code ""} for the null sender
 * @param recipients   the accepted recipients, as the client wrote them
 * @param refusedRecipients recipients refused at RCPT (by us or the internal server), as written
 * @param exemptRecipients accepted recipients that SPF would have refused, let through only
 *                     because their local part is in {@code spf.exempt_recipients}
 * @param trusted      the name of the {@code trusted} entry that matched; {@code null}: none
 * @param trustedBy    the matcher that recognised it ({@code networks}, {@code hostnames},
 *                     {@code mx_of}, {@code spf_domains}); {@code null}: not known or not trusted
 * @param via          the entry's SPF treatment, {@code skip} or {@code through}; {@code null}:
 *                     not trusted
 * @param viaClient    with {@code through}: the client before the trusted relay, whose SPF
 *                     {@code spf} is; {@code null}: none found (then {@code viaProblem} says why)
 * @param viaProblem   with {@code through}: why no SPF was evaluated; {@code null}: none
 * @param spf          the MAIL FROM identity's SPF verdict (for the null sender: the HELO
 *                     identity's, RFC 7208 2.4); {@code null}: not evaluated
 * @param heloSpf      the HELO identity's verdict when {@code check_helo} evaluated it on its
 *                     own; {@code null}: not evaluated
 * @param status       how the transaction ended
 * @param reason       why it was rejected or deferred, a {@code policy.RejectionReason} token
 *                     such as {@code spf_fail}; {@code null} for relayed
 * @param wouldReject  the reason the SPF action would have refused, waived by report-only mode
 *                     or for the exempt recipients; {@code null}: nothing would have been refused
 * @param rescuedBy    the signing domain ({@code d=}) of the aligned DKIM signature that lifted an
 *                     SPF refusal ({@code spf.dkim_rescue}); {@code null}: no rescue
 * @param reply        the final reply the client got; {@code null} when it disconnected first
 * @param downstreamId the internal server's queue id from its 250; {@code null}: none
 * @param size         message bytes received; {@code -1}: no DATA
 * @param delay        from MAIL FROM to the final reply
 */
public record TransactionRecord(
        String id,
        InetAddress clientIp,
        String clientName,
        String helo,
        String sender,
        List<String> recipients,
        List<String> refusedRecipients,
        List<String> exemptRecipients,
        String trusted,
        String trustedBy,
        String via,
        InetAddress viaClient,
        String viaProblem,
        SpfVerdict spf,
        SpfVerdict heloSpf,
        Status status,
        String reason,
        String wouldReject,
        String rescuedBy,
        Reply reply,
        String downstreamId,
        long size,
        Duration delay) {

    /** How a transaction ended. */
    public enum Status {
        /** The internal server took it and the client got its 250. */
        RELAYED,
        /** The client got a 5xx for the message (or for every recipient). */
        REJECTED,
        /** The client got a 4xx and will retry. */
        DEFERRED,
        /** The client went away (QUIT, RSET or a dropped connection) before an outcome. */
        ABORTED;

        private final String token = name().toLowerCase(Locale.ROOT);

        public String token() {
            return token;
        }
    }

    public TransactionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(delay, "delay");
        recipients = List.copyOf(recipients);
        refusedRecipients = List.copyOf(refusedRecipients);
        exemptRecipients = List.copyOf(exemptRecipients);
    }

    /** Starts a record for a transaction of the client at {@code clientIp}. */
    public static Builder builder(String id, InetAddress clientIp) {
        return new Builder(id, clientIp);
    }

    /** Collects a record while the transaction runs; not thread-safe (one per session). */
    public static final class Builder {
        private final String id;
        private final InetAddress clientIp;
        private String clientName;
        private String helo;
        private String sender;
        private final List<String> recipients = new ArrayList<>();
        private final List<String> refusedRecipients = new ArrayList<>();
        private final List<String> exemptRecipients = new ArrayList<>();
        private String trusted;
        private String trustedBy;
        private String via;
        private InetAddress viaClient;
        private String viaProblem;
        private SpfVerdict spf;
        private SpfVerdict heloSpf;
        private String reason;
        private String wouldReject;
        private String rescuedBy;
        private String downstreamId;
        private long size = -1;

        private Builder(String id, InetAddress clientIp) {
            this.id = id;
            this.clientIp = clientIp;
        }

        public Builder clientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        public Builder helo(String helo) {
            this.helo = helo;
            return this;
        }

        public Builder sender(String sender) {
            this.sender = sender;
            return this;
        }

        public Builder recipient(String recipient) {
            recipients.add(recipient);
            return this;
        }

        /** A recipient refused at RCPT; logged as {@code refused_to=}, so a grep for the address finds it. */
        public Builder refusedRecipient(String recipient) {
            refusedRecipients.add(recipient);
            return this;
        }

        /**
         * An accepted recipient that SPF would have refused, waived because it is exempt
         * (postmaster, abuse); logged as {@code exempt_to=}, with the reason in {@code would_reject=}.
         */
        public Builder exemptRecipient(String recipient) {
            exemptRecipients.add(recipient);
            return this;
        }

        public Builder trusted(String trustedEntryName) {
            this.trusted = trustedEntryName;
            return this;
        }

        /** A trusted client: the entry, the matcher's key and the treatment ({@code skip}, {@code through}). */
        public Builder trusted(String trustedEntryName, String matcher, String treatment) {
            this.trusted = trustedEntryName;
            this.trustedBy = matcher;
            this.via = treatment;
            return this;
        }

        /** {@code spf: through}: SPF was evaluated for this client, the one before the trusted relay. */
        public Builder viaClient(InetAddress client) {
            this.viaClient = client;
            return this;
        }

        /** {@code spf: through}: why SPF could not be evaluated for the client before the relay. */
        public Builder viaProblem(String problem) {
            this.viaProblem = problem;
            return this;
        }

        public Builder spf(SpfVerdict verdict) {
            this.spf = verdict;
            return this;
        }

        public Builder heloSpf(SpfVerdict verdict) {
            this.heloSpf = verdict;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder wouldReject(String reason) {
            this.wouldReject = reason;
            return this;
        }

        /** An aligned DKIM signature by {@code signingDomain} lifted the SPF refusal. */
        public Builder rescuedByDkim(String signingDomain) {
            this.rescuedBy = signingDomain;
            return this;
        }

        public Builder downstreamId(String downstreamId) {
            this.downstreamId = downstreamId;
            return this;
        }

        public Builder size(long size) {
            this.size = size;
            return this;
        }

        /** The finished record: the outcome, the reply the client got, and the time it took. */
        public TransactionRecord build(Status status, Reply reply, Duration delay) {
            return new TransactionRecord(id, clientIp, clientName, helo, sender, recipients, refusedRecipients, exemptRecipients, trusted,
                    trustedBy, via, viaClient, viaProblem, spf, heloSpf, status, reason, wouldReject, rescuedBy, reply,
                    downstreamId, size, delay);
        }
    }
}
