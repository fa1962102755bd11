package org.spfgate.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed SPF record (RFC 7208 4.5, 4.6, 12): its directives in order and the two modifiers
 * that mean something. Immutable; one parse serves every evaluation of the same text.
 */
final class SpfRecord {

    /** RFC 7208 4.5: a record starts with this, case-insensitively, followed by SP or the end. */
    static final String VERSION = "v=spf1";

    private static final int MAX_CIDR4 = 32;
    private static final int MAX_CIDR6 = 128;

    private final Mechanism[] mechanisms;
    private final MacroString redirect;
    private final MacroString exp;

    private SpfRecord(Mechanism[] mechanisms, MacroString redirect, MacroString exp) {
        this.mechanisms = mechanisms;
        this.redirect = redirect;
        this.exp = exp;
    }

    Mechanism[] mechanisms() {
        return mechanisms;
    }

    /** The {@code redirect=} domain-spec, or {@code null}. */
    MacroString redirect() {
        return redirect;
    }

    /** The {@code exp=} domain-spec, or {@code null}. */
    MacroString exp() {
        return exp;
    }

    /** RFC 7208 4.5: whether a TXT string is an SPF record (a version section is present). */
    static boolean isSpfRecord(String txt) {
        if (txt.length() < VERSION.length()
                || (txt.length() > VERSION.length() && txt.charAt(VERSION.length()) != ' ')) {
            return false;
        }
        // ASCII case only: String.regionMatches(true, ...) also takes U+017F (long s) for s.
        for (int i = 0; i < VERSION.length(); i++) {
            char c = txt.charAt(i);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != VERSION.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a whole record (RFC 7208 4.6: any syntax error anywhere makes the whole record a
     * permerror, before anything is evaluated).
     *
     * @throws SpfSyntaxException saying which term is wrong and why, e.g.
     *                            {@code unknown mechanism 'foo' at term 3}
     */
    static SpfRecord parse(String text) throws SpfSyntaxException {
        if (!isSpfRecord(text)) {
            throw new SpfSyntaxException("not an SPF record");
        }
        List<Mechanism> mechanisms = new ArrayList<>(8);
        MacroString redirect = null;
        MacroString exp = null;
        int n = text.length();
        int i = VERSION.length();
        int termNumber = 0;
        while (i < n) {
            // RFC 7208 4.6.1: terms are separated by one or more SP, nothing else.
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            int end = text.indexOf(' ', i);
            if (end < 0) {
                end = n;
            }
            String term = text.substring(i, end);
            termNumber++;
            i = end;
            String where = " at term " + termNumber;
            for (int k = 0; k < term.length(); k++) {
                char c = term.charAt(k);
                if (c < 0x21 || c > 0x7e) {
                    throw new SpfSyntaxException(String.format(
                            "character 0x%02X in '%s'%s", (int) c, printable(term), where));
                }
            }
            try {
                int nameEnd = modifierNameEnd(term);
                if (nameEnd > 0 && nameEnd < term.length() && term.charAt(nameEnd) == '=') {
                    String name = term.substring(0, nameEnd).toLowerCase(Locale.ROOT);
                    String value = term.substring(nameEnd + 1);
                    switch (name) {
                        case "redirect" -> {
                            if (redirect != null) {
                                // RFC 7208 6: redirect and exp MUST NOT appear more than once.
                                throw new SpfSyntaxException("second redirect= modifier");
                            }
                            redirect = domainSpec(value);
                        }
                        case "exp" -> {
                            if (exp != null) {
                                throw new SpfSyntaxException("second exp= modifier");
                            }
                            exp = domainSpec(value);
                        }
                        // RFC 7208 6: unknown modifiers are ignored, but must still parse.
                        default -> MacroString.parse(value, true);
                    }
                } else {
                    mechanisms.add(mechanism(term));
                }
            } catch (SpfSyntaxException e) {
                throw new SpfSyntaxException(e.getMessage() + where);
            }
        }
        return new SpfRecord(mechanisms.toArray(new Mechanism[0]), redirect, exp);
    }

    /** RFC 7208 12: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ); 0 if the term has none. */
    private static int modifierNameEnd(String term) {
        if (term.isEmpty() || !isAlpha(term.charAt(0))) {
            return 0;
        }
        int i = 1;
        while (i < term.length()) {
            char c = term.charAt(i);
            if (!(isAlpha(c) || isDigit(c) || c == '-' || c == '_' || c == '.')) {
                break;
            }
            i++;
        }
        return i;
    }

    private static Mechanism mechanism(String term) throws SpfSyntaxException {
        Qualifier qualifier = Qualifier.of(term.charAt(0));
        int start = qualifier == null ? 0 : 1;
        if (qualifier == null) {
            qualifier = Qualifier.PASS;
        }
        int nameEnd = start;
        while (nameEnd < term.length() && term.charAt(nameEnd) != ':' && term.charAt(nameEnd) != '/') {
            nameEnd++;
        }
        String name = term.substring(start, nameEnd);
        String args = term.substring(nameEnd);
        Mechanism.Kind kind = switch (name.toLowerCase(Locale.ROOT)) {
            case "all" -> Mechanism.Kind.ALL;
            case "include" -> Mechanism.Kind.INCLUDE;
            case "a" -> Mechanism.Kind.A;
            case "mx" -> Mechanism.Kind.MX;
            case "ptr" -> Mechanism.Kind.PTR;
            case "ip4" -> Mechanism.Kind.IP4;
            case "ip6" -> Mechanism.Kind.IP6;
            case "exists" -> Mechanism.Kind.EXISTS;
            default -> throw new SpfSyntaxException("unknown mechanism '" + name + "'");
        };
        return switch (kind) {
            case ALL -> {
                if (!args.isEmpty()) {
                    throw new SpfSyntaxException("'all' takes no argument in '" + term + "'");
                }
                yield new Mechanism(term, qualifier, kind, null, null, MAX_CIDR4, MAX_CIDR6);
            }
            case INCLUDE, EXISTS -> {
                if (!args.startsWith(":")) {
                    throw new SpfSyntaxException("'" + name + "' needs ':domain' in '" + term + "'");
                }
                yield new Mechanism(term, qualifier, kind, domainSpec(args.substring(1)), null,
                        MAX_CIDR4, MAX_CIDR6);
            }
            case PTR -> new Mechanism(term, qualifier, kind, optionalDomainSpec(args, term), null,
                    MAX_CIDR4, MAX_CIDR6);
            case A, MX -> dualCidrMechanism(term, qualifier, kind, args);
            case IP4, IP6 -> ipMechanism(term, qualifier, kind, args);
        };
    }

    /** a and mx: [":" domain-spec] [dual-cidr-length] (RFC 7208 5.3, 5.4). */
    private static Mechanism dualCidrMechanism(String term, Qualifier qualifier, Mechanism.Kind kind,
                                               String args) throws SpfSyntaxException {
        int end = args.length();
        int cidr4 = MAX_CIDR4;
        int cidr6 = MAX_CIDR6;
        int digits = digitsStart(args, end);
        if (digits < end && digits >= 2 && args.charAt(digits - 1) == '/' && args.charAt(digits - 2) == '/') {
            cidr6 = cidr(args, digits, end, MAX_CIDR6, term);
            end = digits - 2;
            digits = digitsStart(args, end);
        }
        if (digits < end && digits >= 1 && args.charAt(digits - 1) == '/') {
            cidr4 = cidr(args, digits, end, MAX_CIDR4, term);
            end = digits - 1;
        }
        MacroString domain = optionalDomainSpec(args.substring(0, end), term);
        return new Mechanism(term, qualifier, kind, domain, null, cidr4, cidr6);
    }

    private static MacroString optionalDomainSpec(String args, String term) throws SpfSyntaxException {
        if (args.isEmpty()) {
            return null;
        }
        if (args.charAt(0) != ':') {
            throw new SpfSyntaxException("bad argument in '" + term + "'");
        }
        return domainSpec(args.substring(1));
    }

    /** ip4 and ip6: ":" network [cidr] (RFC 7208 5.6). */
    private static Mechanism ipMechanism(String term, Qualifier qualifier, Mechanism.Kind kind,
                                         String args) throws SpfSyntaxException {
        boolean v6 = kind == Mechanism.Kind.IP6;
        if (!args.startsWith(":")) {
            throw new SpfSyntaxException("'" + (v6 ? "ip6" : "ip4") + "' needs ':address' in '" + term + "'");
        }
        int max = v6 ? MAX_CIDR6 : MAX_CIDR4;
        int end = args.length();
        int bits = max;
        int slash = args.indexOf('/');
        if (slash >= 0) {
            bits = cidr(args, slash + 1, end, max, term);
            end = slash;
        }
        String address = args.substring(1, end);
        byte[] network = v6 ? IpLiteral.parseIpv6(address) : IpLiteral.parseIpv4(address);
        if (network == null) {
            throw new SpfSyntaxException("bad " + (v6 ? "IPv6" : "IPv4") + " address in '" + term + "'");
        }
        return new Mechanism(term, qualifier, kind, null, network, v6 ? MAX_CIDR4 : bits, v6 ? bits : MAX_CIDR6);
    }

    private static int digitsStart(String s, int end) {
        int i = end;
        while (i > 0 && isDigit(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** RFC 7208 5.6: "0" or a number without leading zeros, at most {@code max}. */
    private static int cidr(String s, int start, int end, int max, String term) throws SpfSyntaxException {
        int len = end - start;
        if (len == 0 || len > 3 || (len > 1 && s.charAt(start) == '0')) {
            throw new SpfSyntaxException("bad CIDR length in '" + term + "'");
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                throw new SpfSyntaxException("bad CIDR length in '" + term + "'");
            }
            value = value * 10 + (c - '0');
        }
        if (value > max) {
            throw new SpfSyntaxException("CIDR length " + value + " over " + max + " in '" + term + "'");
        }
        return value;
    }

    /**
     * A domain-spec (RFC 7208 7.1): a macro-string that ends in a macro-expand or in
     * "." toplabel ["."].
     */
    private static MacroString domainSpec(String text) throws SpfSyntaxException {
        if (text.isEmpty()) {
            throw new SpfSyntaxException("empty domain");
        }
        MacroString spec = MacroString.parse(text, false);
        if (!spec.endsWithMacroExpand()) {
            String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            int dot = t.lastIndexOf('.');
            if (dot < 0 || !isTopLabel(t, dot + 1, t.length())) {
                throw new SpfSyntaxException("invalid domain '" + text + "'");
            }
        }
        return spec;
    }

    /**
     * RFC 7208 7.1: toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).
     */
    private static boolean isTopLabel(String s, int start, int end) {
        if (start >= end) {
            return false;
        }
        boolean alpha = false;
        boolean hyphen = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (isAlpha(c)) {
                alpha = true;
            } else if (c == '-') {
                hyphen = true;
            } else if (!isDigit(c)) {
                return false;
            }
        }
        return (alpha || hyphen) && s.charAt(start) != '-' && s.charAt(end - 1) != '-';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(String term) {
        StringBuilder sb = new StringBuilder(term.length());
        for (int i = 0; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02X", (int) c));
            }
        }
        return sb.toString();
    }
}
