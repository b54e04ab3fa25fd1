#!/usr/bin/env python3
"""Origin-change monitor: print a line whenever a vantage point sees a prefix with a new origin AS.

    python3 origin_monitor.py API_KEY 2600:1007:c00::/40 [--since 0] [--duration 30]

Output, one line per change (the first origin seen by a vantage point is printed as "first"):
    TIMESTAMP PREFIX origin first AS<asn> (vp ASN IP)
    TIMESTAMP PREFIX origin AS<old> -> AS<new> (vp ASN IP)
    TIMESTAMP PREFIX withdrawn (vp ASN IP)
"""

from _common import parse, client
from bgprouteslive import MESSAGE_TYPE_ANNOUNCE


def origin_of(aspath):
    """The origin AS: the last AS of the path (an AS_SET at the end has no single origin)."""
    last = aspath.split()[-1] if aspath.split() else ""
    return last if last.isdigit() else last or "?"


def main():
    args = parse("Print origin AS changes of the watched prefixes.")
    origins = {}  # (vp, prefix) -> origin AS
    with client(args) as c:
        for msg in c.get_messages():
            vp = "%s %s" % (msg.vp_asn, msg.vp_ip)
            if msg.record_type == MESSAGE_TYPE_ANNOUNCE:
                new = origin_of(msg.aspath)
                for prefix in msg.prefixes:
                    old = origins.get((vp, prefix))
                    origins[(vp, prefix)] = new
                    if old is None:
                        print("%.6f %s origin first AS%s (vp %s)" % (msg.timestamp, prefix, new, vp), flush=True)
                    elif old != new:
                        print("%.6f %s origin AS%s -> AS%s (vp %s)" % (msg.timestamp, prefix, old, new, vp), flush=True)
            else:
                for prefix in msg.withdrawn:
                    if origins.pop((vp, prefix), None) is not None:
                        print("%.6f %s withdrawn (vp %s)" % (msg.timestamp, prefix, vp), flush=True)


if __name__ == "__main__":
    main()
