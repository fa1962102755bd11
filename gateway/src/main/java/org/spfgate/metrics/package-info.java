/**
 * Operating spfgate: the Prometheus metrics (docs/contract.md §6) and the HTTP endpoint that serves them with
 * {@code /health}. Beside the message path, not on it: the listener, session, relay and DNS
 * adapter call {@link org.spfgate.metrics.GatewayMetrics}'s domain methods ("an SPF check
 * returned fail", "a relay timed out"); nothing here knows SMTP. Every metric name, label and
 * description is defined once, in {@code GatewayMetrics}, and documented in the README's metric list.
 */
package org.spfgate.metrics;
