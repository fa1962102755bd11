package org.spfgate.policy;

import java.net.InetAddress;
import java.util.List;
import org.spfgate.config.TrustedEntry;
import org.spfgate.spf.SpfDns;

/**
 * Decides at connect (or at the first MAIL) whether a client is one of the {@code trusted:}
 * entries — secondary MXes and known forwarders whose mail skips SPF (SPEC section 3). Networks
 * are matched first without DNS (IPv4-mapped IPv6 clients match IPv4 networks). Host-name
 * patterns are matched by forward-confirmed reverse DNS only: a PTR name of the client that
 * matches a pattern on a label boundary ({@code *.forward.example.edu} matches
 * {@code a.forward.example.edu}, not {@code evilforward.example.edu} nor
 * {@code forward.example.edu}) and whose A/AAAA records contain the client IP. DNS errors mean
 * not trusted. No client is trusted implicitly. Thread-safe.
 */
public final class TrustedClients {

    /** @param dns used only when some entry has host names */
    public TrustedClients(List<TrustedEntry> entries, SpfDns dns) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The first entry (in config order) the client matches, or why none did. */
    public ClientTrust check(InetAddress client) {
        throw new UnsupportedOperationException("not yet");
    }
}
