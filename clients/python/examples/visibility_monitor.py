#!/usr/bin/env python3
"""Visibility monitor: how many vantage points see each watched prefix, printed when it changes.

    python3 visibility_monitor.py API_KEY 69.194.4.0/24 [--since 0] [--duration 30]

Output, one line per change:
    TIMESTAMP PREFIX visible from N vantage point(s) (+vp ASN IP | -vp ASN IP)
A vantage point sees a prefix from its announcement until its withdrawal.
"""

from _common import parse, client
from bgprouteslive import MESSAGE_TYPE_ANNOUNCE


def main():
    args = parse("Print the visibility of the watched prefixes.")
    seen = {}  # prefix -> set of vantage points that announce it
    with client(args) as c:
        for msg in c.get_messages():
            vp = "%s %s" % (msg.vp_asn, msg.vp_ip)
            if msg.protocol == "bmp":
                vp += " via %s %s" % (msg.parent_asn, msg.parent_ip)
            announce = msg.record_type == MESSAGE_TYPE_ANNOUNCE
            for prefix in (msg.prefixes if announce else msg.withdrawn):
                vps = seen.setdefault(prefix, set())
                if announce == (vp in vps):
                    continue  # no change
                if announce:
                    vps.add(vp)
                else:
                    vps.discard(vp)
                n = len(vps)
                print("%.6f %s visible from %d vantage point%s (%svp %s)"
                      % (msg.timestamp, prefix, n, "" if n == 1 else "s", "+" if announce else "-", vp), flush=True)


if __name__ == "__main__":
    main()
