#!/usr/bin/python3
"""python3-dkim (dkimpy) for the cross-check test.

  dkimpy.py sign SELECTOR DOMAIN KEYFILE ALGORITHM HCANON/BCANON LENGTH(yes|no) < message > signed
  dkimpy.py verify DNSPORT < message      -- dkimverify itself, its DNS sent to 127.0.0.1:DNSPORT

verify runs dkimverify's own main(): only the default resolver of dnspython is pointed at the
test's DNS server first, so that no query leaves the machine.
"""
import sys

import dkim


def sign(selector, domain, keyfile, algorithm, canon, length):
    message = sys.stdin.buffer.read()
    with open(keyfile, "rb") as f:
        key = f.read()
    hcanon, bcanon = canon.split("/")
    signature = dkim.sign(message, selector.encode(), domain.encode(), key,
                          canonicalize=(hcanon.encode(), bcanon.encode()),
                          signature_algorithm=algorithm.encode(),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
                          length=(length == "yes"))
    sys.stdout.buffer.write(signature + message)


def verify(port):
    import dns.resolver
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = int(port)
    dns.resolver.default_resolver = resolver
    from dkim import dkimverify
    sys.argv = ["dkimverify"]
    dkimverify.main()


if __name__ == "__main__":
    if sys.argv[1] == "sign":
        sign(*sys.argv[2:8])
    elif sys.argv[1] == "verify":
        verify(sys.argv[2])
    else:
        sys.exit("unknown command " + sys.argv[1])
