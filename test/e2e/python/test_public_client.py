"""The service driven the way the public Python client (pybgprouteslive) drives BGProutes.io.

Same libraries (requests, websocket-client), same calls: GET update_live_prefixes with api_key
and new_pfxs (any status but 200 is a failure whose body is shown to the user), then a websocket
on /?api_key=KEY; a frame with an "error" key is a connection error; only record_type "update" and
"bmp_update" frames are messages; a frame with "prefixes" is an announcement, one without is a
withdrawal. Run by test/e2e/python-client.test.ts, which starts `serve` and a GoBGP peering with
it, and passes (environment): BGPL_HTTP, BGPL_WS, BGPL_KEY, BGPL_KEY2, GOBGP_API_PORT, GOBGP_IP.
"""

import json
import os
import subprocess
import time

import pytest
import requests
import websocket

HTTP = os.environ["BGPL_HTTP"]
WS = os.environ["BGPL_WS"]
KEY = os.environ["BGPL_KEY"]
KEY2 = os.environ["BGPL_KEY2"]
GOBGP_API_PORT = os.environ["GOBGP_API_PORT"]
GOBGP_IP = os.environ["GOBGP_IP"]

MESSAGE_TYPE_ANNOUNCE = 1
MESSAGE_TYPE_WITHDRAW = 2


class WebsocketConnectionError(Exception):
    pass


class PrefixToAPIKeyError(Exception):
    pass


def subscribe_to_prefixes(key, prefixes):
    """What the client's subscribe_to_prefixes does: any status but 200 fails, with the body."""
    response = requests.get(HTTP + "/update_live_prefixes", params={"api_key": key, "new_pfxs": prefixes}, timeout=10)
    if response.status_code != 200:
        raise PrefixToAPIKeyError(response.text)
    return response


def connect(key):
    return websocket.create_connection(WS + "?api_key=" + key, timeout=10)


def read_message(ws):
    """One frame as the client reads it: errors raise, other record types are skipped (None)."""
    frame = json.loads(ws.recv())
    if "error" in frame:
        raise WebsocketConnectionError(frame["error"])
    if frame.get("record_type") not in ("update", "bmp_update"):
        return None
    kind = MESSAGE_TYPE_ANNOUNCE if "prefixes" in frame else MESSAGE_TYPE_WITHDRAW
    prefixes = frame["prefixes"].split(",") if kind == MESSAGE_TYPE_ANNOUNCE else []
    vp_asn, vp_ip = frame["vp"].split("_", 1)
    return {
        "type": kind,
        "prefixes": prefixes,
        "withdrawn": frame.get("withdrawn", "").split(",") if kind == MESSAGE_TYPE_WITHDRAW else [],
        "aspath": frame.get("as-path", ""),
        "communities": frame.get("communities", ""),
        "nexthop": frame.get("nexthop", ""),
        "origin": frame.get("origin", ""),
        "timestamp": frame["sec"] + frame["Usec"] / 1e6,
        "vp_asn": vp_asn,
        "vp_ip": vp_ip,
    }


def gobgp(*args):
    subprocess.run(["gobgp", "-p", GOBGP_API_PORT, *args], check=True, timeout=10, capture_output=True)


def read_until(ws, count, seconds=15):
    """Messages until `count` of them (bounded in time)."""
    messages = []
    deadline = time.monotonic() + seconds
    while len(messages) < count:
        assert time.monotonic() < deadline, "timed out; got %r" % messages
        message = read_message(ws)
        if message is not None:
            messages.append(message)
    return messages


def test_subscribe_then_stream_announcements_and_withdrawals():
    response = subscribe_to_prefixes(KEY, "10.30.0.0/16,2001:db8:30::/48")
    assert response.status_code == 200
    ws = connect(KEY)
    try:
        gobgp("global", "rib", "add", "-a", "ipv4", "10.99.0.0/16", "origin", "igp", "aspath", "65099", "nexthop", "198.18.0.9")
        gobgp("global", "rib", "add", "-a", "ipv4", "10.30.1.0/24", "origin", "igp", "aspath", "65030,65031", "nexthop", "198.18.0.5", "community", "65001:300")
        gobgp("global", "rib", "del", "-a", "ipv4", "10.30.1.0/24")
        announce, withdraw = read_until(ws, 2)
        assert announce["type"] == MESSAGE_TYPE_ANNOUNCE
        assert announce["prefixes"] == ["10.30.1.0/24"]
        assert announce["aspath"] == "4200000005 65030 65031"
        assert announce["communities"] == "65001:300"
        assert announce["nexthop"] == "198.18.0.5"
        assert announce["origin"] == "IGP"
        assert (announce["vp_asn"], announce["vp_ip"]) == ("4200000005", GOBGP_IP)
        assert announce["timestamp"] > 1.7e9
        # The public client's rule: no "prefixes", a withdrawal (ours names the prefixes in "withdrawn").
        assert withdraw["type"] == MESSAGE_TYPE_WITHDRAW
        assert withdraw["prefixes"] == []
        assert withdraw["withdrawn"] == ["10.30.1.0/24"]
        # 10.99.0.0/16 is not the key's: nothing of it came.
    finally:
        ws.close()


def test_a_second_connection_with_the_same_key_is_an_error():
    subscribe_to_prefixes(KEY2, "10.31.0.0/16")
    first = connect(KEY2)
    try:
        second = connect(KEY2)
        try:
            with pytest.raises(WebsocketConnectionError, match="already has 1 session open"):
                read_message(second)
        finally:
            second.close()
    finally:
        first.close()


def test_an_invalid_key_is_an_error_on_both_endpoints():
    ws = connect("bgpl_" + "x" * 43)
    try:
        with pytest.raises(WebsocketConnectionError, match="not known"):
            read_message(ws)
    finally:
        ws.close()
    with pytest.raises(PrefixToAPIKeyError, match="not known"):
        subscribe_to_prefixes("bgpl_" + "x" * 43, "10.0.0.0/8")


def test_a_malformed_prefix_list_is_refused_with_a_reason():
    with pytest.raises(PrefixToAPIKeyError, match="host bits"):
        subscribe_to_prefixes(KEY, "10.30.0.1/16")
    with pytest.raises(PrefixToAPIKeyError, match="not a prefix"):
        subscribe_to_prefixes(KEY, "banana")


def test_an_empty_prefix_list_then_connecting_is_an_error():
    subscribe_to_prefixes(KEY2, "")
    ws = connect(KEY2)
    try:
        with pytest.raises(WebsocketConnectionError, match="no prefixes"):
            read_message(ws)
    finally:
        ws.close()
