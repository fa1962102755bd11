/**
 * End to end with third-party programs: swaks as the client, a private Postfix instance as the
 * internal server, python3-dkim as the signature verifier, and the packaged jar started as the
 * README starts it. (The load benchmark of docs/contract.md §8 lives in {@code org.spfgate.bench.load}.)
 */
package org.spfgate.e2e;
