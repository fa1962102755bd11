/**
 * The SPF evaluator: RFC 7208 {@code check_host()} for the MAIL FROM and HELO identities.
 *
 * <p>A leaf of the message path: {@code session} asks {@link org.spfgate.spf.SpfChecker} for an
 * {@link org.spfgate.spf.SpfVerdict} at MAIL FROM (and HELO), {@code policy} turns the verdict
 * into an action and {@code headers} into Received-SPF. The package knows nothing of SMTP,
 * configuration or metrics; it asks DNS only through the {@link org.spfgate.spf.SpfDns} port,
 * which {@code org.spfgate.dns} implements on dnsjava and tests implement in memory.
 *
 * <p>Inside: {@code SpfRecord} parses a record once (any syntax error: permerror, with the term
 * number), {@code MacroString} parses and expands macros, {@code SpfEvaluation} runs one check
 * with the RFC 7208 4.6.4 limits as named constants. An optional {@code SpfTrace} watches an
 * evaluation step by step ({@code SpfTranscript} writes it down for {@code explain}); without one
 * the evaluator pays only a null test. {@code RecordLint} finds what is wrong with a record
 * although it may evaluate fine ({@code check --lint}).
 */
package org.spfgate.spf;
