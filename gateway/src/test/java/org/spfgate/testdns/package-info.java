/**
 * A real DNS server for tests ({@link org.spfgate.testdns.TestDnsServer}) and the zone it serves
 * ({@link org.spfgate.testdns.TestZone}). Off the message path: every test that needs DNS — the
 * DNS adapter's, the conformance suite over real DNS, the gateway's dialog tests — points its
 * resolver at one of these on 127.0.0.1, never at the machine's resolver.
 */
package org.spfgate.testdns;
