package org.spfgate.config;

import java.util.List;

/**
 * One {@code trusted:} entry — a secondary MX or known forwarder whose mail skips SPF.
 *
 * @param hostnames patterns like {@code *.forward.example.edu} or {@code mx2.example.org},
 *                  matched on forward-confirmed reverse DNS only, lower case, no trailing dot
 */
public record TrustedEntry(String name, List<Cidr> networks, List<String> hostnames) {
}
