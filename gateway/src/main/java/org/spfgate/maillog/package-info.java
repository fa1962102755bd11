/**
 * The decision log (docs/contract.md §7), the mail administrator's view of what happened: one line per
 * transaction outcome, Postfix-style {@code key=value} or JSON lines. Last on the message path:
 * the session fills a {@link org.spfgate.maillog.TransactionRecord} as the transaction runs
 * (client, HELO, envelope, SPF verdicts, our decision, the reply, the downstream's queue id) and
 * hands it to {@link org.spfgate.maillog.DecisionLog#write} when the client has its answer.
 * Client, DNS and downstream text is untrusted here: it is quoted and escaped so it can neither
 * add fields nor start lines.
 */
package org.spfgate.maillog;
