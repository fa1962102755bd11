package org.spfgate.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spfgate.config.ConfigError;
import org.spfgate.config.ConfigException;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.HostPort;
import org.spfgate.config.LogConfig;
import org.spfgate.config.SpfConfig;
import org.spfgate.config.TrustedEntry;
import org.spfgate.dns.SpfDnsClient;
import org.spfgate.maillog.DecisionLog;
import org.spfgate.metrics.GatewayMetrics;
import org.spfgate.policy.ClientTrust;
import org.spfgate.policy.DkimRescue;
import org.spfgate.relay.Reply;
import org.spfgate.session.SessionConfig;
import org.spfgate.session.Sessions;
import org.spfgate.session.SmtpSession;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfTranscript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code explain}: "why was this message refused?" The gateway's own session — trust, SPF,
 * recipient policy, SPF action, trace headers, decision log — is driven through HELO, MAIL, RCPT
 * and DATA with what the command line gives, against the config file and live DNS; the internal
 * server is played by {@link UnsentDownstream}, so nothing is sent anywhere and recipients are
 * not probed there. There is no second copy of the policy: what is printed is what the session
 * answered.
 *
 * <p>Prints, one item per line: {@code trusted: NAME (matcher)} or {@code trusted: no} (with the
 * reason, and any {@code spf_domains} evaluation, indented); for each identity checked {@code spf
 * helo: RESULT} and {@code spf mailfrom: RESULT}, each followed by its evaluation (an
 * {@link SpfTranscript}) indented; {@code action:} lines saying what the action table makes of
 * the results; {@code rcpt ADDRESS: REPLY} per recipient (a recipient whose refusal waits for
 * DKIM, {@code spf.dkim_rescue}, with the end-of-DATA outcomes indented); and the header block
 * the gateway would prepend, as it would write it, or the session's reply to a message that has
 * none of what the verdict waits for. Exit code: 0 every recipient accepted, 1 any refused
 * (a recipient whose refusal waits for DKIM counts as refused: without an aligned signature the
 * message is refused at the final dot), 2 any deferred (and none refused), 64 usage error, 78 a
 * config file with errors.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL_ERROR,
        description = {"Show, step by step, the decision the gateway would take for a message, without sending anything:",
                "trust, SPF per identity with its evaluation, the action, the reply per recipient, the headers.",
                "Exit code: 0 all recipients accepted, 1 any refused (also: refused unless DKIM rescues it), 2 any deferred,",
                "64 usage error, 78 config error."})
final class ExplainCommand implements Callable<Integer> {

    /** Exit code when some recipient would be refused. */
    static final int REFUSED = 1;
    /** Exit code when some recipient would be deferred (and none refused). */
    static final int DEFERRED = 2;
    private static final String INDENT = "  ";

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the gateway's YAML configuration")
    private Path config;

    @Option(names = "--ip", required = true, paramLabel = "IP", converter = CheckCommand.IpConverter.class,
            description = "the client's IPv4 or IPv6 address")
    private InetAddress ip;

    @Option(names = "--helo", required = true, paramLabel = "NAME", description = "the HELO/EHLO name the client gave")
    private String helo;

    @Option(names = "--from", required = true, paramLabel = "ADDR",
            description = "the MAIL FROM address, without angle brackets; '' is the null sender")
    private String from;

    @Option(names = "--rcpt", required = true, paramLabel = "ADDR", description = "a recipient (repeat for several)")
    private List<String> recipients;

    @Option(names = "--dns", paramLabel = "HOST:PORT", converter = CheckCommand.DnsServerConverter.class,
            description = "send every DNS query to this server only; default: the config's dns.servers")
    private HostPort dns;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        GatewayConfig gatewayConfig;
        try {
            gatewayConfig = ConfigLoader.load(config);
        } catch (ConfigException e) {
            PrintWriter err = spec.commandLine().getErr();
            for (ConfigError error : e.errors()) {
                err.println(e.source() + ": " + error);
            }
            err.flush();
            return ExitCodes.CONFIG_ERROR;
        }
        try {
            return explain(gatewayConfig, out);
        } finally {
            out.flush();
        }
    }

    private int explain(GatewayConfig gatewayConfig, PrintWriter out) throws IOException {
        List<InetSocketAddress> servers = dns != null ? List.of(dns.toSocketAddress())
                : gatewayConfig.dns().servers().stream().map(HostPort::toSocketAddress).toList();
        SpfDnsClient dnsClient = new SpfDnsClient(servers, gatewayConfig.dns().queryTimeout());
        SpfTranscript transcript = new SpfTranscript();
        SpfTranscript trustChecks = new SpfTranscript();
        UnsentDownstream downstream = new UnsentDownstream();
        try (GatewayMetrics metrics = new GatewayMetrics(gatewayConfig.trusted());
             // the session writes its decision-log line; explain shows the decision itself instead
             DecisionLog decisions = DecisionLog.to(OutputStream.nullOutputStream(), LogConfig.Format.TEXT,
                     Clock.systemUTC())) {
            Sessions sessions = new Sessions(SessionConfig.of(gatewayConfig, dnsClient, transcript, trustChecks), downstream,
                    metrics, decisions, Clock.systemUTC());
            SmtpSession session = sessions.open(ip);
            return converse(session, gatewayConfig.spf(), transcript, trustChecks, downstream, out);
        }
    }

    /** HELO, MAIL, each RCPT and DATA, as a client would send them; prints as it goes. */
    private int converse(SmtpSession session, SpfConfig spfConfig, SpfTranscript transcript,
            SpfTranscript trustChecks, UnsentDownstream downstream, PrintWriter out) throws IOException {
        Reply greeting = session.helo(helo, true);
        if (!greeting.isPositive()) {
            out.println("helo: " + greeting);
            return REFUSED;
        }
        boolean utf8 = !isAscii(from) || recipients.stream().anyMatch(r -> !isAscii(r));
        Reply mail = session.mail("FROM:<" + from + ">" + (utf8 ? " SMTPUTF8" : ""));
        printTrust(session.trust(), trustChecks, out);
        printSpf(transcript, out);
        if (!mail.isPositive()) {
            out.println("mail: " + mail);
            return mail.isTransient() ? DEFERRED : REFUSED;
        }
        printAction(session.trust(), transcript, spfConfig, out);
        boolean refused = false;
        boolean deferred = false;
        boolean awaitingDkim = false;
        for (String recipient : recipients) {
            Reply reply = session.rcpt("TO:<" + recipient + ">");
            refused |= !reply.isPositive() && !reply.isTransient();
            deferred |= reply.isTransient();
            out.println("rcpt " + TerminalText.oneLine(recipient) + ": " + (reply == UnsentDownstream.NOT_ASKED
                    ? "accepted; the internal server's own reply to RCPT would follow (not asked: explain sends nothing)"
                    : TerminalText.oneLine(reply.toString())));
            // waiting and accepted-anyway recipients never share a transaction: once the
            // transaction waits, every recipient it accepts waits with it
            if (reply.isPositive() && session.awaitingDkim().isPresent()) {
                awaitingDkim = true;
                printDkimWait(session.awaitingDkim().get(), transcript, out);
            }
        }
        printHeaders(session, downstream, out);
        // a refusal that waits for DKIM is still a refusal of the message explain has (none signed)
        return refused || awaitingDkim ? REFUSED : deferred ? DEFERRED : ExitCodes.OK;
    }

    /** The trust decision; an {@code spf_domains} evaluation is part of it, indented under it. */
    private static void printTrust(ClientTrust trust, SpfTranscript trustChecks, PrintWriter out) {
        switch (trust) {
            case ClientTrust.Trusted t -> out.println("trusted: " + t.name() + " (" + t.matchedBy() + ")");
            case ClientTrust.NotTrusted n -> {
                out.println("trusted: no");
                out.println(INDENT + TerminalText.oneLine(n.reason()));
            }
            case null -> out.println("trusted: not decided (the session ended before MAIL)");
        }
        for (SpfTranscript.Evaluation e : trustChecks.evaluations()) {
            for (String line : e.lines()) {
                out.println(INDENT + line);
            }
        }
    }

    /**
     * A recipient accepted at RCPT whose fate waits for the end of DATA ({@code spf.dkim_rescue}):
     * what each outcome of the DKIM check would bring.
     */
    private static void printDkimWait(Reply refusal, SpfTranscript transcript, PrintWriter out) {
        SpfTranscript.Evaluation mailFrom = transcript.last(SpfIdentity.MAILFROM);
        String domain = mailFrom == null ? "the MAIL FROM domain" : mailFrom.verdict().domain();
        out.println(INDENT + "the verdict waits for DATA (spf.dkim_rescue):");
        out.println(INDENT + INDENT + "a DKIM signature that verifies, d= aligned with " + TerminalText.oneLine(domain)
                + " (RFC 7489 3.1.1): relayed");
        out.println(INDENT + INDENT + "no such signature: " + TerminalText.oneLine(refusal.toString())
                + " (to the final dot)");
        out.println(INDENT + INDENT + "its key lookup fails in DNS: "
                + DkimRescue.keyLookupFailed("<d=>").reply());
    }

    /** Each identity the session checked, HELO first, with its evaluation indented. */
    private static void printSpf(SpfTranscript transcript, PrintWriter out) {
        for (SpfIdentity identity : List.of(SpfIdentity.HELO, SpfIdentity.MAILFROM)) {
            SpfTranscript.Evaluation e = transcript.last(identity);
            if (e == null) {
                continue;
            }
            out.println("spf " + identity.token() + ": " + e.verdict().result().token());
            for (String line : e.lines()) {
                out.println(INDENT + line);
            }
        }
    }

    /** What the action table says about the results; the replies themselves come from the session. */
    private static void printAction(ClientTrust trust, SpfTranscript transcript, SpfConfig spf, PrintWriter out) {
        if (trust instanceof ClientTrust.Trusted t) {
            if (t.treatment() == TrustedEntry.Treatment.THROUGH) {
                out.println("action: none: SPF is evaluated at DATA for the client the topmost Received field names,"
                        + " stamped, never acted on (spf: through)");
                out.println(INDENT + "the real decision needs the message's topmost Received field (the one "
                        + t.name() + " added), which explain has no message for: the headers below are those of a"
                        + " message without one");
            } else {
                out.println("action: none: a trusted client's mail skips SPF");
            }
            return;
        }
        List<String> notes = new ArrayList<>();
        SpfTranscript.Evaluation mailFrom = transcript.last(SpfIdentity.MAILFROM);
        SpfTranscript.Evaluation heloCheck = transcript.last(SpfIdentity.HELO);
        if (mailFrom != null) {
            SpfResult result = mailFrom.verdict().result();
            String note = result.token() + " -> " + action(spf, result) + " (spf.actions." + result.token() + ")";
            if (spf.mode() == SpfConfig.Mode.ENFORCE && spf.dkimRescue().contains(result)
                    && spf.actions().get(result) == SpfConfig.Action.REJECT) {
                note += ", waiting for an aligned DKIM signature at the end of DATA (spf.dkim_rescue)";
            }
            notes.add(note);
        }
        if (spf.checkHelo() && heloCheck != null && heloCheck.verdict().result() == SpfResult.FAIL) {
            notes.add("helo fail -> reject (spf.check_helo)");
        }
        if (!spf.exemptRecipients().isEmpty()) {
            notes.add("exempt recipients: " + String.join(", ", spf.exemptRecipients()));
        }
        if (spf.mode() == SpfConfig.Mode.REPORT_ONLY) {
            notes.add("mode report-only: stamped and logged, never refused");
        }
        out.println("action: " + String.join("; ", notes));
    }

    private static String action(SpfConfig spf, SpfResult result) {
        SpfConfig.Action a = spf.actions().getOrDefault(result, SpfConfig.Action.ACCEPT);
        return a.name().toLowerCase(Locale.ROOT);
    }

    /** DATA with an empty message: the session writes its header block, the downstream keeps it. */
    private static void printHeaders(SmtpSession session, UnsentDownstream downstream, PrintWriter out)
            throws IOException {
        // RFC 5321 3.3: DATA goes ahead (354) only with at least one accepted recipient
        if (session.dataAllowed().code() != 354) {
            session.reset();
            out.println("headers: none (no recipient accepted: no message would be taken)");
            return;
        }
        boolean waiting = session.awaitingDkim().isPresent();
        Reply reply = session.data(new ByteArrayInputStream(new byte[0]));
        if (downstream.prepended() == null) {
            // the session refused the message itself (explain's is empty: no DKIM signature)
            out.println((waiting ? "data (a message without an aligned DKIM signature): " : "data: ")
                    + TerminalText.oneLine(reply.toString()));
            out.println(waiting ? "headers: none (nothing would be relayed; with an aligned signature that verifies,"
                    + " Authentication-Results adds dkim=pass header.d=DOMAIN header.s=SELECTOR to the SPF result)"
                    : "headers: none (nothing would be relayed)");
            return;
        }
        String block = new String(downstream.prepended(), StandardCharsets.US_ASCII);
        block.lines().forEach(out::println);
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
