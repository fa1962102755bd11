package org.spfgate.session;

import java.util.Objects;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.ServerConfig;
import org.spfgate.config.SpfConfig;
import org.spfgate.headers.TraceHeaders;
import org.spfgate.policy.RecipientPolicy;
import org.spfgate.policy.SpfPolicy;
import org.spfgate.policy.TrustedClients;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfDns;

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
 * @param maxTransactionsPerIp {@code server.max_transactions_per_ip}
 */
public record SessionConfig(String hostname, int maxRecipients, long maxMessageSize, int maxTransactionsPerIp,
        ServerConfig.BareLineEndings bareLineEndings, boolean checkHelo, SpfChecker spf,
        TrustedClients trustedClients, RecipientPolicy recipients, SpfPolicy spfPolicy, TraceHeaders traceHeaders) {

    public SessionConfig {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(bareLineEndings, "bareLineEndings");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(trustedClients, "trustedClients");
        Objects.requireNonNull(recipients, "recipients");
        Objects.requireNonNull(spfPolicy, "spfPolicy");
        Objects.requireNonNull(traceHeaders, "traceHeaders");
    }

    /** Everything a session needs from {@code config}; {@code dns} answers SPF and trusted-name lookups. */
    public static SessionConfig of(GatewayConfig config, SpfDns dns) {
        ServerConfig server = config.server();
        SpfConfig spf = config.spf();
        return new SessionConfig(server.hostname(), server.maxRecipients(), server.maxMessageSize(),
                server.maxTransactionsPerIp(),
                server.bareLineEndings(), spf.checkHelo(),
                new SpfChecker(dns, server.hostname(), config.dns().checkTimeout()),
                new TrustedClients(config.trusted(), dns),
                new RecipientPolicy(config.domains()),
                new SpfPolicy(spf),
                new TraceHeaders(server.hostname(), spf.headers()));
    }
}
