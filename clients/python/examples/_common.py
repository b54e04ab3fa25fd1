"""Command line shared by the examples: API key, prefixes, URLs, since, duration."""

import argparse
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bgprouteslive import BGProutesWebsocketClient, DEBUG_NOTHING  # noqa: E402


def parse(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("api_key", nargs="?", default=os.environ.get("BGPL_API_KEY"), help="the API key (or BGPL_API_KEY)")
    p.add_argument("prefixes", help="comma separated prefixes to watch (set as the key's list)")
    p.add_argument("--api-url", default=None, help="live manager API (default BGPL_API_URL or http://127.0.0.1:8080)")
    p.add_argument("--ws-url", default=None, help="websocket stream (default BGPL_WS_URL or ws://127.0.0.1:8080/)")
    p.add_argument("--since", type=int, default=None, help="start after this seq (0: all the server keeps)")
    p.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--debug", type=int, default=DEBUG_NOTHING, help="debug level 0-3 (to standard error)")
    args = p.parse_args()
    if not args.api_key:
        p.error("an API key is needed (argument or BGPL_API_KEY)")
    return args


def client(args):
    c = BGProutesWebsocketClient(args.api_key, api_url=args.api_url, ws_url=args.ws_url, since=args.since)
    c.set_debug_level(args.debug)
    c.subscribe_to_prefixes(args.prefixes)
    if args.duration is not None:
        t = threading.Timer(args.duration, c.close)
        t.daemon = True
        t.start()
    return c
