package org.spfgate.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.ServerConfig;
import org.spfgate.config.SpfConfig;
import org.spfgate.dkim.DkimVerifier;
import org.spfgate.dns.MxHostAddresses;
import org.spfgate.dns.SpfDnsClient;
import org.spfgate.headers.TraceHeaders;
import org.spfgate.policy.DkimRescue;
import org.spfgate.policy.RecipientPolicy;
import org.spfgate.policy.SpfPolicy;
import org.spfgate.policy.SpfThroughRelay;
import org.spfgate.policy.TrustedClients;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfTrace;

/**
 * What a session decides with: its limits, its policies, the SPF checker and the trace-header
 * writer, all built from one {@link GatewayConfig} and never changed. An {@link SmtpSession}
 * keeps the one it was opened with for its whole connection, so a configuration that changes
 * later can only apply to connections opened after the change.
 *
 * @param hostname        our name in the greeting, the EHLO reply and our headers
 * @param maxRecipients   {@code server.max_recipients}
 * @param maxMessageSize  {@code server.max_message_size}, in bytes
 * @param bareLineEndings {@code server.bare_line_endings}
 * @param checkHelo       {@code spf.check_helo}: the HELO identity is checked too (RFC 7208 2.3)
 * @param throughRelay    SPF for the client before a trusted relay with {@code spf: through}
 * @param dkimRescue      the end-of-DATA verdict for {@code spf.dkim_rescue}
 * @param tempDirectory   where a held message too large for memory goes ({@code server.temp_directory})
 * @param maxTransactionsPerIp {@code server.max_transactions_per_ip}
 */
public record SessionConfig(String hostname, int maxRecipients, long maxMessageSize, int maxTransactionsPerIp,
        ServerConfig.BareLineEndings bareLineEndings, boolean checkHelo, SpfChecker spf,
        TrustedClients trustedClients, RecipientPolicy recipients, SpfPolicy spfPolicy, TraceHeaders traceHeaders,
        SpfThroughRelay throughRelay, DkimRescue dkimRescue, Path tempDirectory) {

    public SessionConfig {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(bareLineEndings, "bareLineEndings");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(trustedClients, "trustedClients");
        Objects.requireNonNull(recipients, "recipients");
        Objects.requireNonNull(spfPolicy, "spfPolicy");
        Objects.requireNonNull(traceHeaders, "traceHeaders");
        Objects.requireNonNull(throughRelay, "throughRelay");
        Objects.requireNonNull(dkimRescue, "dkimRescue");
        Objects.requireNonNull(tempDirectory, "tempDirectory");
    }

    /** Everything a session needs from {@code config}; {@code dns} answers SPF and trusted-client lookups. */
    public static SessionConfig of(GatewayConfig config, SpfDnsClient dns) {
        return of(config, dns, System::nanoTime, null);
    }

    /**
     * As {@link #of(GatewayConfig, SpfDnsClient)}, for {@code explain}, which drives one session:
     * the session's own SPF evaluations (MAIL FROM, HELO, {@code spf: through}) are reported to
     * {@code trace}, those that decide whether the client is trusted ({@code spf_domains}) to
     * {@code trustTrace}, so that neither is mistaken for the other ({@code null}: nowhere).
     */
    public static SessionConfig of(GatewayConfig config, SpfDnsClient dns, SpfTrace trace, SpfTrace trustTrace) {
        return of(config, dns, System::nanoTime, trace, trustTrace);
    }

    /**
     * Everything a session needs from {@code config}. The {@code mx_of} domains of
     * {@code trusted:} are resolved here (blocking, each lookup bounded by the query time-out; a
     * domain that resolves to nothing is a logged warning).
     *
     * @param nanoClock {@link System#nanoTime}, or a test's clock: when {@code mx_of} sets expire
     * @param trace     told of every SPF evaluation, or {@code null}
     */
    public static SessionConfig of(GatewayConfig config, SpfDnsClient dns, LongSupplier nanoClock, SpfTrace trace) {
        return of(config, dns, nanoClock, trace, trace);
    }

    private static SessionConfig of(GatewayConfig config, SpfDnsClient dns, LongSupplier nanoClock, SpfTrace trace,
            SpfTrace trustTrace) {
        ServerConfig server = config.server();
        SpfConfig spf = config.spf();
        SpfChecker checker = new SpfChecker(dns, server.hostname(), config.dns().checkTimeout(), trace);
        SpfChecker trustChecker = trustTrace == trace ? checker
                : new SpfChecker(dns, server.hostname(), config.dns().checkTimeout(), trustTrace);
        List<String> mxOf = TrustedClients.mxOfDomains(config.trusted());
        MxHostAddresses mxHosts = mxOf.isEmpty() ? null : new MxHostAddresses(mxOf, dns, nanoClock);
        return new SessionConfig(server.hostname(), server.maxRecipients(), server.maxMessageSize(),
                server.maxTransactionsPerIp(),
                server.bareLineEndings(), spf.checkHelo(), checker,
                new TrustedClients(config.trusted(), dns, trustChecker, mxHosts),
                new RecipientPolicy(config.domains()),
                new SpfPolicy(spf),
                new TraceHeaders(server.hostname(), spf.headers()),
                new SpfThroughRelay(checker),
                // DKIM key lookups go through the same DNS client: its cache, time-outs and metrics.
                new DkimRescue(new DkimVerifier(dns)),
                server.tempDirectory() != null ? server.tempDirectory() : Path.of(System.getProperty("java.io.tmpdir")));
    }
}
