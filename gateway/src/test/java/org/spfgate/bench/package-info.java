/**
 * JMH benchmarks, run by hand, never as tests (each class's javadoc gives the command).
 * {@link org.spfgate.bench.SpfBench} measures SPF checks per second against Apache jSPF on the
 * same in-memory zone.
 */
package org.spfgate.bench;
