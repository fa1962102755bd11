package org.spfgate.dialog;

import org.spfgate.testdns.TestZone;

/** The DNS the dialog tests' senders publish. Every client connects from 127.0.0.1. */
final class Zones {

    private Zones() {
    }

    static TestZone standard() {
        return new TestZone()
                // pass: 127.0.0.1 is a designated sender
                .txt("sender.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("mail.sender.test", "v=spf1 a -all")
                .a("mail.sender.test", "127.0.0.1")
                // fail with the domain's own explanation (exp=, RFC 7208 6.2)
                .txt("forged.test", "v=spf1 ip4:192.0.2.0/24 -all exp=why.forged.test")
                .txt("why.forged.test", "%{d} never sends mail from %{i}")
                // fail without exp=: our default text
                .txt("plainfail.test", "v=spf1 -all")
                .txt("soft.test", "v=spf1 ~all")
                // an unknown mechanism: permerror (RFC 7208 4.6)
                .txt("broken.test", "v=spf1 frobnicate:x -all")
                // DNS never answers: temperror
                .timeout("slow.test")
                // a HELO name whose own policy fails us
                .txt("badhelo.test", "v=spf1 -all");
    }
}
