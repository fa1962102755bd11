package org.spfgate.spf;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An {@link SpfTrace} that writes each evaluation down as indented lines for a person to read:
 * every check_host() with its record, every term tried (with the DNS questions it asked nested
 * under it) and whether it matched, then the counts of RFC 7208 4.6.4 and the deciding term.
 *
 * <pre>
 * check_host example.com
 *   TXT example.com: found "v=spf1 a mx -all"
 *   record: v=spf1 a mx -all
 *   a
 *     A example.com: found 192.0.2.10
 *     a: no match
 *   mx
 *     MX example.com: found mail.example.com
 *     A mail.example.com: found 192.0.2.20
 *     mx: match
 *   example.com: pass
 * lookups: 2 of 10; void lookups: 0 of 2
 * decided by: mx
 * </pre>
 *
 * Text from DNS (records, names, explanations) comes from strangers: control characters are
 * shown as {@code ?}, so each item stays on its line. Not thread-safe: one caller at a time.
 */
public final class SpfTranscript implements SpfTrace {

    /** One evaluation, finished: its verdict and its lines (without a final newline each). */
    public record Evaluation(SpfVerdict verdict, List<String> lines) {
        public Evaluation {
            lines = List.copyOf(lines);
        }
    }

    /** Answers listed per lookup; the rest are counted. */
    static final int MAX_LISTED = 10;
    private static final String INDENT = "  ";

    private final List<Evaluation> evaluations = new ArrayList<>();
    private List<String> lines = new ArrayList<>();
    /** Open frames: a check_host (its domain) or a term whose DNS questions are nested under it. */
    private final Deque<Frame> frames = new ArrayDeque<>();
    /** A term announced but not written yet: written only if something nests under it. */
    private String pendingTerm;

    /** Every evaluation finished so far, in order. */
    public List<Evaluation> evaluations() {
        return List.copyOf(evaluations);
    }

    /** The last evaluation of {@code identity}, or {@code null} if none was finished. */
    public Evaluation last(SpfIdentity identity) {
        for (int i = evaluations.size() - 1; i >= 0; i--) {
            if (evaluations.get(i).verdict().identity() == identity) {
                return evaluations.get(i);
            }
        }
        return null;
    }

    @Override
    public void checkHost(String domain) {
        line("check_host " + domain);
        frames.push(Frame.CHECK_HOST);
    }

    @Override
    public void lookup(String type, String name, DnsAnswer<?> answer) {
        line(type + " " + name + ": " + describe(answer, type.equals("TXT")));
    }

    @Override
    public void record(String domain, String text) {
        line("record: " + text);
    }

    @Override
    public void term(String written) {
        flushTerm();
        pendingTerm = written;
    }

    @Override
    public void matched(String written, boolean matched) {
        boolean nested = pendingTerm == null;
        pendingTerm = null;
        line(written + (matched ? ": match" : ": no match"));
        if (nested && !frames.isEmpty() && frames.peek() != Frame.CHECK_HOST) {
            frames.pop();
        }
    }

    @Override
    public void checkHostResult(String domain, SpfResult result) {
        flushTerm();
        // a redirect= term stays open until the check_host that followed it returns
        while (!frames.isEmpty() && frames.peek() != Frame.CHECK_HOST) {
            frames.pop();
        }
        line(domain + ": " + result.token());
        frames.poll();
    }

    @Override
    public void finished(SpfVerdict verdict, int voidLookups) {
        flushTerm();
        frames.clear();
        line("lookups: " + verdict.lookups() + " of " + SpfEvaluation.MAX_DNS_TERMS
                + "; void lookups: " + voidLookups + " of " + SpfEvaluation.MAX_VOID_LOOKUPS);
        line("decided by: " + (verdict.decidedBy() == null ? "(no term: " + why(verdict.result()) + ")"
                : printable(verdict.decidedBy())));
        if (verdict.result() == SpfResult.TEMPERROR || verdict.result() == SpfResult.PERMERROR) {
            line("problem: " + verdict.explanation());
        } else if (verdict.result() == SpfResult.FAIL) {
            line("explanation: " + verdict.explanation());
        }
        evaluations.add(new Evaluation(verdict, lines));
        lines = new ArrayList<>();
    }

    private static String why(SpfResult result) {
        return switch (result) {
            case NONE -> "no SPF record";
            case NEUTRAL -> "no term matched, RFC 7208 4.7";
            case TEMPERROR, PERMERROR -> "the evaluation stopped";
            case PASS, FAIL, SOFTFAIL -> "redirect";
        };
    }

    /** What an indentation level is for. */
    private enum Frame { CHECK_HOST, TERM }

    private void flushTerm() {
        if (pendingTerm != null) {
            String written = pendingTerm;
            pendingTerm = null;
            line(written);
            frames.push(Frame.TERM);
        }
    }

    private void line(String text) {
        if (pendingTerm != null) {
            flushTerm();
        }
        lines.add(INDENT.repeat(frames.size()) + printable(text));
    }

    private static String describe(DnsAnswer<?> answer, boolean quoted) {
        return switch (answer.status()) {
            case NXDOMAIN -> "nxdomain (void)";
            case NODATA -> "nodata (void)";
            case ERROR -> "error (" + answer.detail() + ")";
            case FOUND -> {
                StringBuilder b = new StringBuilder("found");
                List<?> records = answer.records();
                for (int i = 0; i < records.size() && i < MAX_LISTED; i++) {
                    b.append(i == 0 ? " " : ", ").append(item(records.get(i), quoted));
                }
                if (records.size() > MAX_LISTED) {
                    b.append(" and ").append(records.size() - MAX_LISTED).append(" more");
                }
                yield b.toString();
            }
        };
    }

    private static String item(Object record, boolean quoted) {
        if (record instanceof InetAddress a) {
            return ClientIpText.readable(IpLiteral.unmapped(a));
        }
        return quoted ? "\"" + record + "\"" : String.valueOf(record);
    }

    /** Control characters (from DNS, from the client) become {@code ?}: one item, one line. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
