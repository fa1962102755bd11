/**
 * The command line (docs/contract.md §1), on picocli: {@code run} loads the configuration and starts
 * the gateway through a {@link org.spfgate.cli.GatewayLauncher}; {@code check} runs one SPF
 * evaluation with the same engine, DNS client and Received-SPF renderer as the gateway (and
 * with {@code --lint} says what is wrong with the record); {@code config --check} validates a
 * file; {@code explain} drives the gateway's own session for one message against a downstream
 * that sends nothing, and prints each step of the decision.
 *
 * <p>Outside the message path: it is where the process begins ({@code org.spfgate.Main} only
 * hands it the arguments and the launcher) and ends (exit codes: SPF results 0-6 for
 * {@code check}, 0/1/2 for {@code explain}, sysexits for the rest, see {@link org.spfgate.cli.ExitCodes}).
 */
package org.spfgate.cli;
