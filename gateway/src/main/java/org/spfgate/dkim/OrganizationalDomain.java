package org.spfgate.dkim;

import com.google.common.net.InternetDomainName;
import java.util.Locale;
import java.util.Optional;

/**
 * The organizational domain of a name (RFC 7489 3.2): the public suffix plus one label, from the
 * Public Suffix List. Two domains are aligned in DMARC's relaxed mode (RFC 7489 3.1.1) when
 * their organizational domains are the same: {@code d=example.com} signs for
 * {@code bounce.mail.example.com}, {@code d=example.co.uk} not for {@code other.co.uk}.
 *
 * <p>The list comes with Guava's {@link InternetDomainName}: maintained, refreshed with each
 * Guava release, and bundled, so no hand-made list and no download at run time. Both the ICANN
 * and the private section count (as OpenDMARC reads the list), so two customers of one hosting
 * suffix (e.g. {@code github.io}) are not aligned with each other.
 */
public final class OrganizationalDomain {

    private OrganizationalDomain() {
    }

    /**
     * @return the organizational domain in lower case, without a trailing dot; empty for a name
     *         that is no domain name, or is itself a public suffix
     */
    public static Optional<String> of(String domain) {
        String name = domain.strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            InternetDomainName parsed = InternetDomainName.from(name);
            if (parsed.isTopPrivateDomain()) {
                return Optional.of(parsed.toString());
            }
            if (parsed.isUnderPublicSuffix()) {
                return Optional.of(parsed.topPrivateDomain().toString());
            }
            // Under no listed suffix at all (e.g. .test, .internal): the last two labels, as
            // the list's default rule "*" makes the TLD itself the suffix (publicsuffix.org).
            if (!parsed.isPublicSuffix() && parsed.parts().size() >= 2) {
                int n = parsed.parts().size();
                return Optional.of(parsed.parts().get(n - 2) + "." + parsed.parts().get(n - 1));
            }
            return Optional.empty();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** RFC 7489 3.1.1 relaxed alignment: the same organizational domain. */
    public static boolean aligned(String signingDomain, String mailFromDomain) {
        Optional<String> a = of(signingDomain);
        return a.isPresent() && a.equals(of(mailFromDomain));
    }
}
