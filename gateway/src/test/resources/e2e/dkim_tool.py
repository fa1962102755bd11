#!/usr/bin/python3
"""Signs or verifies a message with Debian's python3-dkim (dkimpy), the real DKIM verifier.

The public key comes from the .dns file dknewkey wrote, through dkimpy's dnsfunc hook, so that
no DNS query leaves the test (the tests send DNS only to their own server on loopback).

  dkim_tool.py sign   KEYFILE SELECTOR DOMAIN < message > signed-message
  dkim_tool.py verify DNSFILE < message          (exit 0 and "pass" when the signature verifies)
"""
import sys
import dkim


def main():
    mode = sys.argv[1]
    message = sys.stdin.buffer.read()
    if mode == "sign":
        key = open(sys.argv[2], "rb").read()
        signature = dkim.sign(message, sys.argv[3].encode(), sys.argv[4].encode(), key,
                              include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        sys.stdout.buffer.write(signature + message)
        return 0
    if mode == "verify":
        record = open(sys.argv[2], "rb").read().strip()
        ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
        print("pass" if ok else "fail")
        return 0 if ok else 1
    print("usage: dkim_tool.py sign|verify ...", file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main())
