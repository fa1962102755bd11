package org.spfgate.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code dns:} — where SPF's questions go.
 *
 * @param servers      empty: the system resolver; port defaults to 53
 * @param checkTimeout the whole SPF evaluation (RFC 7208 4.6.4)
 */
public record DnsConfig(List<HostPort> servers, Duration queryTimeout, Duration checkTimeout) {
}
