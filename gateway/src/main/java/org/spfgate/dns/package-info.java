/**
 * DNS for SPF: {@link org.spfgate.dns.SpfDnsClient} answers the SPF engine's
 * {@link org.spfgate.spf.SpfDns} questions over the wire with dnsjava, caches the answers for
 * their TTL, and is the one place where NXDOMAIN, NODATA, SERVFAIL, time-outs and garbage become
 * {@link org.spfgate.spf.DnsAnswer} statuses. A leaf beside {@code spf}: it knows nothing of
 * SMTP, config or metrics: {@link org.spfgate.dns.DnsQueryListener} lets metrics watch each query
 * sent, told as a {@link org.spfgate.dns.DnsQueryType} and a {@link org.spfgate.dns.DnsQueryOutcome}.
 * {@link org.spfgate.dns.MxHostAddresses} keeps the A/AAAA addresses of some domains' MX hosts
 * (trusted {@code mx_of}) through the same client, refreshed by TTL.
 */
package org.spfgate.dns;
