/**
 * End to end with third-party programs (swaks, Postfix, python3-dkim, the packaged jar) and the
 * load and memory benchmarks of SPEC section 8 ({@code GatewayLoadBench}, {@code IdleSessionsBench}:
 * programs with a {@code main}, never timed tests).
 */
package org.spfgate.e2e;
