package org.spfgate.testdns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The test DNS server, queried by dnsjava's plain stub resolver over the wire. */
class TestDnsServerTest {

    private static Message ask(TestDnsServer dns, String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(dns.address());
        resolver.setTimeout(Duration.ofMillis(500));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN)));
    }

    /** dnsjava's synchronous send reports a time-out as an IOException, at times wrapping one. */
    private static void assertTimesOut(TestDnsServer dns, String name, int type) {
        IOException e = assertThrows(IOException.class, () -> ask(dns, name, type));
        assertTrue(e instanceof SocketTimeoutException || e.getMessage().startsWith("Timed out"), e.toString());
    }

    @Test
    void answersTxtWithEveryCharacterStringKeptApart() throws IOException {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 ", "-all");
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            Message reply = ask(dns, "Example.COM", Type.TXT);
            assertEquals(Rcode.NOERROR, reply.getRcode());
            assertTrue(reply.getHeader().getFlag(Flags.AA));
            TXTRecord txt = (TXTRecord) reply.getSection(Section.ANSWER).get(0);
            assertEquals(2, txt.getStringsAsByteArrays().size());
            assertArrayEquals("v=spf1 ".getBytes(StandardCharsets.US_ASCII), txt.getStringsAsByteArrays().get(0));
            assertEquals(1, dns.queryCount("example.com.", "TXT"));
        }
    }

    @Test
    void answersNxdomainForAnUnknownNameAndNodataForAnotherType() throws IOException {
        TestZone zone = new TestZone().a("host.example.com", "192.0.2.1");
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            Message missing = ask(dns, "nothing.example.com", Type.A);
            assertEquals(Rcode.NXDOMAIN, missing.getRcode());
            assertEquals(Type.SOA, missing.getSection(Section.AUTHORITY).get(0).getType());
            Message nodata = ask(dns, "host.example.com", Type.TXT);
            assertEquals(Rcode.NOERROR, nodata.getRcode());
            assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
            assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
        }
    }

    @Test
    void answersServfailAndStaysSilentForATimedOutName() throws IOException {
        TestZone zone = new TestZone().servfail("broken.example.com").timeout("slow.example.com");
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            assertEquals(Rcode.SERVFAIL, ask(dns, "broken.example.com", Type.TXT).getRcode());
            assertTimesOut(dns, "slow.example.com", Type.TXT);
            assertEquals(1, dns.queryCount("slow.example.com", "TXT"));
        }
    }

    @Test
    void truncatesALargeUdpAnswerAndSendsItWholeOverTcp() throws IOException {
        String big = "v=spf1 " + "ip4:192.0.2.1 ".repeat(100) + "-all";
        TestZone zone = new TestZone().txt("big.example.com", big);
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            Message reply = ask(dns, "big.example.com", Type.TXT);
            TXTRecord txt = (TXTRecord) reply.getSection(Section.ANSWER).get(0);
            String joined = String.join("", txt.getStringsAsByteArrays().stream()
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList());
            assertEquals(big, joined);
            assertEquals(1, dns.tcpQueryCount());
            assertEquals(2, dns.queryCount("big.example.com", "TXT"));
        }
    }

    @Test
    void truncatesAt512BytesForAClientWithoutEdns() throws IOException {
        String medium = "v=spf1 " + "ip4:192.0.2.1 ".repeat(40) + "-all"; // ~570 bytes: over 512, under 1232
        TestZone zone = new TestZone().txt("medium.example.com", medium);
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            SimpleResolver withEdns = new SimpleResolver(dns.address());
            SimpleResolver withoutEdns = new SimpleResolver(dns.address());
            withoutEdns.setEDNS(-1, 0, 0, List.of());
            Message query = Message.newQuery(Record.newRecord(Name.fromString("medium.example.com."), Type.TXT, DClass.IN));

            assertEquals(1, withEdns.send(query).getSection(Section.ANSWER).size());
            assertEquals(0, dns.tcpQueryCount());
            assertEquals(1, withoutEdns.send(query).getSection(Section.ANSWER).size());
            assertEquals(1, dns.tcpQueryCount());
        }
    }

    @Test
    void followsCnameChainsAndStopsAtALoop() throws IOException {
        TestZone zone = new TestZone().cname("alias.example.com", "host.example.com")
                .a("host.example.com", "192.0.2.7").cname("loop.example.com", "loop.example.com");
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            List<Record> answer = ask(dns, "alias.example.com", Type.A).getSection(Section.ANSWER);
            assertEquals(2, answer.size());
            assertEquals(Type.CNAME, answer.get(0).getType());
            assertEquals(InetAddress.getByName("192.0.2.7"), ((ARecord) answer.get(1)).getAddress());
            List<Record> loop = ask(dns, "loop.example.com", Type.A).getSection(Section.ANSWER);
            assertEquals(1, loop.size());
            assertEquals("loop.example.com.", ((CNAMERecord) loop.get(0)).getTarget().toString());
        }
    }

    @Test
    void servesRecordsAddedWhileRunningAndPtrForAnAddress() throws IOException {
        TestZone zone = new TestZone();
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            assertEquals(Rcode.NXDOMAIN, ask(dns, "1.2.0.192.in-addr.arpa", Type.PTR).getRcode());
            zone.ptr("192.0.2.1", "mx.example.com");
            Message reply = ask(dns, "1.2.0.192.in-addr.arpa", Type.PTR);
            assertEquals("mx.example.com.", ((PTRRecord) reply.getSection(Section.ANSWER).get(0)).getTarget().toString());
        }
    }

    @Test
    void survivesGarbagePacketsAndAnswersFormerrWhenTheIdIsReadable() throws IOException {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 -all");
        try (TestDnsServer dns = TestDnsServer.start(zone); DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(1000);
            socket.send(new DatagramPacket(new byte[] {1}, 1, dns.address()));
            byte[] junk = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, (byte) 0xff, (byte) 0xff, 0x55};
            socket.send(new DatagramPacket(junk, junk.length, dns.address()));
            DatagramPacket in = new DatagramPacket(new byte[512], 512);
            socket.receive(in);
            Message formerr = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
            assertEquals(0x1234, formerr.getHeader().getID());
            assertEquals(Rcode.FORMERR, formerr.getRcode());
            assertEquals(Rcode.NOERROR, ask(dns, "example.com", Type.TXT).getRcode());
        }
    }

    @Test
    void garbageFaultSendsAReplyThatDoesNotParse() {
        TestZone zone = new TestZone().fault("junk.example.com", TestZone.Fault.GARBAGE);
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            assertThrows(IOException.class, () -> ask(dns, "junk.example.com", Type.TXT));
        }
    }

    @Test
    void buildsTheSuiteZonedataWithTxtCopiesOfSpfRecordsAndPartialTimeouts() throws IOException {
        Map<String, Object> zonedata = Map.of(
                "spfonly.example.net", List.of(Map.of("SPF", "v=spf1 -all"), Map.of("TXT", "NONE")),
                "both.example.net", List.of(Map.of("SPF", "v=spf1 -all"), Map.of("TXT", List.of("v=spf1 ", "+all"))),
                "spftimeout.example.net", List.of(Map.of("TXT", "v=spf1 -all"), "TIMEOUT"),
                "txttimeout.example.net", List.of(Map.of("SPF", "v=spf1 -all"), "TIMEOUT"),
                "mx.example.net", List.of(Map.of("MX", List.of(10, "mail.example.net"))));
        try (TestDnsServer dns = TestDnsServer.start(TestZone.fromSuiteZonedata(zonedata))) {
            assertTrue(ask(dns, "spfonly.example.net", Type.TXT).getSection(Section.ANSWER).isEmpty());
            assertFalse(ask(dns, "spfonly.example.net", Type.SPF).getSection(Section.ANSWER).isEmpty());
            List<Record> both = ask(dns, "both.example.net", Type.TXT).getSection(Section.ANSWER);
            assertEquals(1, both.size());
            assertEquals(List.of("v=spf1 ", "+all"), ((TXTRecord) both.get(0)).getStrings());
            assertEquals(1, ask(dns, "spftimeout.example.net", Type.TXT).getSection(Section.ANSWER).size());
            assertTimesOut(dns, "spftimeout.example.net", Type.A);
            assertTimesOut(dns, "txttimeout.example.net", Type.TXT);
            assertEquals(Type.MX, ask(dns, "mx.example.net", Type.MX).getSection(Section.ANSWER).get(0).getType());
        }
    }
}
