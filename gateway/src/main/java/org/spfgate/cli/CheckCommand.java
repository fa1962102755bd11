package org.spfgate.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spfgate.config.ConfigDefaults;
import org.spfgate.config.DurationSyntax;
import org.spfgate.config.HostPort;
import org.spfgate.config.IpLiteral;
import org.spfgate.dns.SpfDnsClient;
import org.spfgate.headers.ReceivedSpfHeader;
import org.spfgate.spf.RecordLint;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code check}: one SPF evaluation, like {@code spfquery} (docs/contract.md §1). Prints, one item per
 * line: the result token alone, {@code explanation:}, {@code decided-by:} (the term as written in
 * the record, or {@code (none)} when no term matched: default neutral, none, errors),
 * {@code lookups:}, and the {@code Received-SPF:} field the gateway would prepend. The exit code
 * is the result: 0 pass, 1 fail, 2 softfail, 3 neutral, 4 none, 5 temperror, 6 permerror.
 * With {@code --lint}, one {@code lint: CODE: text (RFC section)} line follows per finding of
 * {@link RecordLint} about the checked domain's record; the exit code stays the result's.
 */
@Command(name = "check", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL_ERROR,
        description = {"Evaluate SPF once for a client IP and sender (RFC 7208 check_host), like spfquery.",
                "Exit code: 0 pass, 1 fail, 2 softfail, 3 neutral, 4 none, 5 temperror, 6 permerror, 64 usage error."})
final class CheckCommand implements Callable<Integer> {

    /** What {@code decided-by:} shows when no term matched. */
    static final String NO_TERM = "(none)";

    @Spec
    private CommandSpec spec;

    @Option(names = "--ip", required = true, paramLabel = "IP", converter = IpConverter.class,
            description = "the client's IPv4 or IPv6 address")
    private InetAddress ip;

    @Option(names = "--sender", paramLabel = "ADDR",
            description = {"the MAIL FROM address; '' is the null sender (checks postmaster@<helo>);",
                    "a bare domain is checked as postmaster@<domain>. Required unless --identity helo."})
    private String sender;

    @Option(names = "--helo", paramLabel = "NAME", description = "the HELO/EHLO name the client gave")
    private String helo;

    @Option(names = "--identity", paramLabel = "mailfrom|helo", converter = IdentityConverter.class,
            description = "which identity to check (default: mailfrom)")
    private SpfIdentity identity = SpfIdentity.MAILFROM;

    @Option(names = "--dns", paramLabel = "HOST:PORT", converter = DnsServerConverter.class,
            description = "send every DNS query to this server only (UDP, TCP on truncation); default: the system resolver")
    private HostPort dns;

    @Option(names = "--receiver", paramLabel = "NAME",
            description = "our host name, for receiver= and the %%{r} macro (default: this machine's host name)")
    private String receiver;

    @Option(names = "--query-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "the longest one DNS query may take (default: 3s)")
    private Duration queryTimeout = ConfigDefaults.DNS_QUERY_TIMEOUT;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "the longest the whole evaluation may take, RFC 7208 4.6.4 (default: 20s)")
    private Duration checkTimeout = ConfigDefaults.DNS_CHECK_TIMEOUT;

    @Option(names = "--lint", description = {"then warn about what is wrong with the record (and what it includes),",
            "one 'lint: CODE: text (RFC section)' per line; the exit code stays the result's"})
    private boolean lint;

    @Override
    public Integer call() {
        String heloName = helo == null ? "" : helo;
        if (identity == SpfIdentity.HELO && heloName.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--identity helo needs --helo NAME");
        }
        if (identity == SpfIdentity.MAILFROM && sender == null) {
            throw new ParameterException(spec.commandLine(), "--sender ADDR is required (--sender '' is the null sender)");
        }
        if (identity == SpfIdentity.MAILFROM && sender.isEmpty() && heloName.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "the null sender (--sender '') is checked as postmaster@<helo>: it needs --helo NAME");
        }
        String receiverName = receiver != null ? receiver : ConfigDefaults.hostname();

        List<InetSocketAddress> servers = dns == null ? List.of() : List.of(dns.toSocketAddress());
        SpfDnsClient dnsClient = new SpfDnsClient(servers, queryTimeout);
        SpfChecker checker = new SpfChecker(dnsClient, receiverName, checkTimeout);
        SpfVerdict verdict = identity == SpfIdentity.HELO
                ? checker.checkHelo(ip, heloName)
                : checker.checkMailFrom(ip, sender, heloName);

        PrintWriter out = spec.commandLine().getOut();
        out.println(verdict.result().token());
        out.println("explanation: " + printable(verdict.explanation()));
        out.println("decided-by: " + printable(verdict.decidedBy()));
        out.println("lookups: " + verdict.lookups());
        out.println(new ReceivedSpfHeader(receiverName).unfolded(verdict));
        if (lint) {
            for (RecordLint.Warning warning : new RecordLint(dnsClient).check(verdict.domain())) {
                out.println("lint: " + printable(warning.toString()));
            }
        }
        out.flush();
        return exitCode(verdict.result());
    }

    static int exitCode(SpfResult result) {
        return switch (result) {
            case PASS -> 0;
            case FAIL -> 1;
            case SOFTFAIL -> 2;
            case NEUTRAL -> 3;
            case NONE -> 4;
            case TEMPERROR -> 5;
            case PERMERROR -> 6;
        };
    }

    /**
     * Explanations come from DNS ({@code exp=}), so from strangers: keep each item on its line
     * and the terminal free of control sequences.
     */
    private static String printable(String text) {
        return text == null || text.isEmpty() ? NO_TERM : TerminalText.oneLine(text);
    }

    static final class IpConverter implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            try {
                return IpLiteral.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (an IPv4 or IPv6 address, e.g. 192.0.2.1)");
            }
        }
    }

    static final class IdentityConverter implements ITypeConverter<SpfIdentity> {
        @Override
        public SpfIdentity convert(String value) {
            for (SpfIdentity i : SpfIdentity.values()) {
                if (i.token().equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return i;
                }
            }
            throw new TypeConversionException("expected mailfrom or helo, got '" + value + "'");
        }
    }

    /** {@code 127.0.0.1:5353}, {@code [::1]:53}, a name with a port, or an address alone (port 53). */
    static final class DnsServerConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            try {
                return HostPort.parse(value, ConfigDefaults.DNS_PORT);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return DurationSyntax.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
