package org.spfgate.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Organizational domains from the Public Suffix List, and relaxed alignment (RFC 7489 3.1.1). */
class OrganizationalDomainTest {

    @Test
    void theRegisteredDomainUnderThePublicSuffix() {
        assertEquals(Optional.of("example.com"), OrganizationalDomain.of("bounce.mail.example.com"));
        assertEquals(Optional.of("example.co.uk"), OrganizationalDomain.of("Mail.Example.CO.UK."));
        assertEquals(Optional.of("example.com"), OrganizationalDomain.of("example.com"));
    }

    @Test
    void aPublicSuffixHasNone() {
        assertEquals(Optional.empty(), OrganizationalDomain.of("co.uk"));
        assertEquals(Optional.empty(), OrganizationalDomain.of("com"));
        assertEquals(Optional.empty(), OrganizationalDomain.of("not a domain"));
    }

    @Test
    void aDomainUnderNoListedSuffixTakesItsLastTwoLabels() {
        assertEquals(Optional.of("example.test"), OrganizationalDomain.of("a.b.example.test"));
    }

    @Test
    void alignedMeansTheSameOrganizationalDomain() {
        assertTrue(OrganizationalDomain.aligned("example.com", "bounce.mail.example.com"));
        assertTrue(OrganizationalDomain.aligned("mail.example.com", "example.com"));
        assertFalse(OrganizationalDomain.aligned("example.net", "example.com"));
        assertFalse(OrganizationalDomain.aligned("example.co.uk", "other.co.uk"));
        assertFalse(OrganizationalDomain.aligned("co.uk", "example.co.uk"));
    }

    @Test
    void twoCustomersOfAPrivateSuffixAreNotAligned() {
        assertFalse(OrganizationalDomain.aligned("alice.github.io", "mallory.github.io"));
    }
}
