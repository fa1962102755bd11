package org.spfgate.dkim;

import java.util.List;
import java.util.Objects;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.SpfDns;

/**
 * Finds a signature's key record through the gateway's DNS client instead of jDKIM's own
 * resolver, so key lookups share the cache, the time-outs and the DNS metrics of SPF. A DNS
 * failure is a temporary failure, kept apart from a missing key (RFC 6376 6.1.2).
 */
final class DkimKeyLookup implements PublicKeyRecordRetriever {

    private final SpfDns dns;

    DkimKeyLookup(SpfDns dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    @Override
    public List<String> getRecords(CharSequence method, CharSequence selector, CharSequence domain)
            throws TempFailException, PermFailException {
        // RFC 6376 3.5 q=: "dns/txt" is the only method defined.
        if (!"dns/txt".equalsIgnoreCase(method.toString()) && !"dns".equalsIgnoreCase(method.toString())) {
            throw new PermFailException("unsupported key query method " + method);
        }
        // RFC 6376 3.6.2.1: the key lives at <selector>._domainkey.<d>.
        String name = selector + "._domainkey." + domain;
        DnsAnswer<String> answer = dns.txt(name);
        return switch (answer.status()) {
            case FOUND -> answer.records();
            case NXDOMAIN, NODATA -> throw new PermFailException("no key for signature at " + name);
            case ERROR -> throw new TempFailException("key lookup failed for " + name + ": " + answer.detail());
        };
    }
}
