/**
 * The load benchmark of docs/contract.md §8: {@link org.spfgate.bench.load.LoadGenerator} drives the
 * built gateway jar (its own process) with real SMTP clients over loopback, against Postfix's
 * {@code smtp-sink} as the internal server and the in-process test DNS server, and prints
 * messages/s, latency and resident memory next to the same load sent to the sink directly; and
 * {@link org.spfgate.bench.load.SoakBenchmark} keeps the jar under mixed traffic for a long time
 * against a faulty internal server and a flaky DNS server, counting lost and duplicated messages
 * and watching memory and file descriptors.
 * Compiled with the tests, never run by {@code mvn verify} (no class here ends in {@code Test} or
 * {@code IT}); the command is in {@code docs/benchmarks.md}.
 */
package org.spfgate.bench.load;
