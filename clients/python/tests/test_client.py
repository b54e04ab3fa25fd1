"""The client against the real server (conftest.py starts `serve` with an MRT replay)."""

import ipaddress
import os
import shutil
import subprocess
import threading
import time

import pytest

import bgprouteslive
from bgprouteslive import (
    BGProutesWebsocketClient, BGPLiveMsg, PybgproutesliveError, WebsocketConnectionError, PrefixToAPIKeyError,
    MESSAGE_TYPE_ANNOUNCE, MESSAGE_TYPE_WITHDRAW, DEBUG_NOTHING, DEBUG_ESSENTIAL, DEBUG_EXHAUSTIVE, DEBUG_TOO_MUCH,
)
from conftest import V4, V6, REPLAY, collect, collect_when_free

VP4 = ("25152", "202.249.2.185")
VP6 = ("25152", "2001:200:0:fe00::6249:0")
T0, T1 = 1427846400, 1427846400 + 300


def client_for(serve, key, **kw):
    return BGProutesWebsocketClient(key, api_url=serve.http, ws_url=kw.pop("ws_url", serve.ws), **kw)


def has_both(messages, prefix=V4):
    a = any(m.record_type == MESSAGE_TYPE_ANNOUNCE and prefix in m.prefixes for m in messages)
    w = any(m.record_type == MESSAGE_TYPE_WITHDRAW and prefix in m.withdrawn for m in messages)
    return a and w


def test_import_forms():
    from bgprouteslive.pybgprouteslive import BGProutesWebsocketClient as C, BGPLiveMsg as M, DEBUG_TOO_MUCH as D
    import bgprouteslive.pybgprouteslive as mod
    assert C is BGProutesWebsocketClient and M is BGPLiveMsg and D == DEBUG_TOO_MUCH
    for name in bgprouteslive.__all__:
        assert getattr(mod, name) is getattr(bgprouteslive, name)
    assert issubclass(WebsocketConnectionError, PybgproutesliveError)
    assert issubclass(PrefixToAPIKeyError, PybgproutesliveError)
    assert (MESSAGE_TYPE_ANNOUNCE, MESSAGE_TYPE_WITHDRAW) == (1, 2)
    assert DEBUG_NOTHING < DEBUG_ESSENTIAL < DEBUG_EXHAUSTIVE < DEBUG_TOO_MUCH


def test_public_surface_live_announcements_and_withdrawals(start_serve):
    # Key without prefixes: the script sets them, then streams live frames, as with the public client.
    serve, keys = start_serve({"k": ""}, speed=30)
    client = client_for(serve, keys["k"])
    state = client.subscribe_to_prefixes(V4 + "," + V6)
    assert state["prefixes"] == [V4, V6]
    messages = collect(client, has_both, 30)
    assert has_both(messages), [str(m) for m in messages]
    for m in messages:
        assert m.isMessageOK and m.protocol == "bgp"
        assert m.parent_asn is None and m.parent_ip is None
        assert isinstance(m.timestamp, float) and T0 <= m.timestamp <= T1
        assert (m.vp_asn, m.vp_ip) in (VP4, VP6)
        assert isinstance(m.seq, int) and m.collector == "mrt:" + os.path.basename(REPLAY)
        assert m.raw["seq"] == m.seq
    seqs = [m.seq for m in messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    a = next(m for m in messages if m.record_type == MESSAGE_TYPE_ANNOUNCE and V4 in m.prefixes)
    assert a.prefixes == [V4] and (a.vp_asn, a.vp_ip) == VP4
    assert a.aspath in ("25152 6939 2828 33529", "25152 2914 2828 33529")
    assert a.origin in ("IGP", "INCOMPLETE") and a.nexthop == "202.249.2.185"
    assert a.withdrawn == []
    w = next(m for m in messages if m.record_type == MESSAGE_TYPE_WITHDRAW and V4 in m.withdrawn)
    # The public client's rule: no `prefixes`, a withdrawal; ours names the prefixes in `withdrawn`.
    assert w.prefixes == [] and w.withdrawn == [V4] and "prefixes" not in w.raw
    assert w.aspath == "" and w.communities == "" and w.nexthop == "" and w.origin == ""


def test_since_zero_text_form_and_all_fields(start_serve):
    serve, keys = start_serve({"k": V4 + "," + V6}, speed="max")
    serve.wait_replay_done()
    client = client_for(serve, keys["k"], since=0)
    messages = collect(client, lambda ms: len(ms) >= 12, 20)
    client.close()
    # serve numbers a key's frames from its start time in microseconds (the base), plus 1.
    b = messages[0].seq - 1
    assert b > 10 ** 15
    assert [m.seq for m in messages][:12] == list(range(b + 1, b + 13))
    # seq 10: the first announcement of 69.194.4.0/24 through AS2914, with communities.
    m = next(m for m in messages if m.seq == b + 10)
    assert str(m) == ("1427846457.0|U|bgp|25152|202.249.2.185|||69.194.4.0/24|25152 2914 2828 33529|"
                      "2914:420 2914:1007 2914:2000 2914:3000|INCOMPLETE|202.249.2.185")
    # seq 6: a withdrawal of the more specific 2620:110:9004::/48; W lines name the withdrawn prefixes.
    w = next(m for m in messages if m.seq == b + 6)
    assert str(w) == "1427846417.0|W|bgp|25152|2001:200:0:fe00::6249:0|||2620:110:9004::/48||||"
    # seq 1: IPv6 with a link-local next hop.
    v6 = next(m for m in messages if m.seq == b + 1)
    assert v6.nexthop_ll == "fe80::21f:12ff:fea9:d01f" and v6.prefixes == [V6]
    assert v6.med is None and v6.local_pref is None and v6.large_communities == ""
    assert v6.frame_type == "update" and v6.is_announcement and not v6.is_withdrawal


def test_bmp_frame_mapping_and_text_form():
    # A BMP frame in the server's format: vp is the router exporting BMP (the parent), bmp_peer the peer.
    frame = {"seq": 3, "record_type": "bmp_update", "vp": "65000_192.0.2.254", "bmp_peer": "64500_192.0.2.1",
             "sec": 1700000000, "Usec": 250000, "prefixes": "10.1.0.0/16,10.2.0.0/16", "as-path": "64500 64496",
             "communities": "64500:1", "nexthop": "192.0.2.1", "origin": "IGP", "large_communities": "64500:1:2",
             "med": 10, "local_pref": 100, "collector": "bmp", "bmp_view": "adj-rib-in-pre"}
    m = BGPLiveMsg(frame)
    assert m.isMessageOK and m.protocol == "bmp" and m.record_type == MESSAGE_TYPE_ANNOUNCE
    assert (m.vp_asn, m.vp_ip, m.parent_asn, m.parent_ip) == ("64500", "192.0.2.1", "65000", "192.0.2.254")
    assert m.timestamp == 1700000000.25 and m.prefixes == ["10.1.0.0/16", "10.2.0.0/16"]
    assert (m.med, m.local_pref, m.large_communities, m.bmp_view) == (10, 100, "64500:1:2", "adj-rib-in-pre")
    assert str(m) == "1700000000.25|U|bmp|64500|192.0.2.1|65000|192.0.2.254|10.1.0.0/16,10.2.0.0/16|64500 64496|64500:1|IGP|192.0.2.1"
    bad = BGPLiveMsg({"record_type": "bmp_update", "vp": "1_192.0.2.1", "prefixes": "10.0.0.0/8"})
    assert not bad.isMessageOK


def test_errors(start_serve):
    serve, keys = start_serve({"k": V4, "empty": ""}, replay=False)
    # Unknown key: on the API and on the stream.
    unknown = client_for(serve, "bgpl_" + "x" * 43, reconnect=False)
    with pytest.raises(PrefixToAPIKeyError, match="not known") as e:
        unknown.subscribe_to_prefixes(V4)
    assert e.value.status == 401 and e.value.code == "UNKNOWN_KEY"
    with pytest.raises(WebsocketConnectionError, match="not known") as e:
        next(unknown.get_messages())
    assert e.value.code == "UNKNOWN_KEY"
    # The same with reconnect on: a permanent error is raised, not retried.
    with pytest.raises(WebsocketConnectionError) as e:
        next(client_for(serve, "bgpl_" + "y" * 43).get_messages())
    assert e.value.code == "UNKNOWN_KEY"
    # Bad prefixes: the body is the reason; nothing changes.
    c = client_for(serve, keys["k"])
    with pytest.raises(PrefixToAPIKeyError, match="host bits") as e:
        c.subscribe_to_prefixes("69.194.4.1/24")
    assert e.value.status == 422 and e.value.code == "PREFIX_HOST_BITS" and '"code":"PREFIX_HOST_BITS"' in str(e.value)
    with pytest.raises(PrefixToAPIKeyError, match="not a prefix"):
        c.subscribe_to_prefixes("banana")
    assert c.subscribe_to_prefixes([V4])["prefixes"] == [V4]  # a list is accepted too
    # No prefixes.
    with pytest.raises(WebsocketConnectionError, match="no prefixes") as e:
        next(client_for(serve, keys["empty"]).get_messages())
    assert e.value.code == "NO_PREFIXES"
    # Second session with the same key.
    with client_for(serve, keys["k"]) as first:
        gen = first.get_messages()
        t = threading.Thread(target=lambda: next(gen, None), daemon=True)
        t.start()
        deadline = time.monotonic() + 10
        while first.ws is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.3)
        with pytest.raises(WebsocketConnectionError, match="already has 1 session open") as e:
            next(client_for(serve, keys["k"]).get_messages())
        assert e.value.code == "SESSION_ALREADY_OPEN"
    t.join(5)
    assert not t.is_alive()
    # Nothing listening: PrefixToAPIKeyError for the API; the stream's first connection is not retried.
    dead = BGProutesWebsocketClient(keys["k"], api_url="http://127.0.0.1:9", ws_url="ws://127.0.0.1:9/")
    with pytest.raises(PrefixToAPIKeyError, match="cannot reach"):
        dead.subscribe_to_prefixes(V4)
    with pytest.raises(WebsocketConnectionError, match="cannot connect"):
        next(dead.get_messages())


def test_gives_up_after_max_retries(start_serve, proxy_factory):
    serve, keys = start_serve({"k": V4}, replay=False)
    proxy = proxy_factory(serve.port)
    client = client_for(serve, keys["k"], ws_url=proxy.url, max_retries=2, backoff_initial=0.01, backoff_max=0.05)
    gen = client.get_messages()
    result = {}

    def consume():
        try:
            next(gen)
        except Exception as e:  # noqa: BLE001
            result["error"] = e
    t = threading.Thread(target=consume, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while client.ws is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.2)
    proxy.close()  # the stream is cut and nothing answers any more
    t.join(10)
    client.close()
    assert not t.is_alive()
    assert isinstance(result.get("error"), WebsocketConnectionError), result
    assert "gave up after 2 reconnects" in str(result["error"])


def test_break_then_resume_with_a_new_generator(start_serve):
    serve, keys = start_serve({"k": V4 + "," + V6}, speed="max")
    serve.wait_replay_done()
    client = client_for(serve, keys["k"], since=0)
    first = collect(client, lambda ms: len(ms) >= 10, 10)
    b = first[0].seq - 1  # serve's seq base: its start time in microseconds
    assert [m.seq for m in first] == list(range(b + 1, b + 11)) and client.ws is None and client.last_seq == b + 10
    second = collect(client, lambda ms: len(ms) >= 5, 10)
    assert [m.seq for m in second] == list(range(b + 11, b + 16))


def test_context_manager_frees_the_session(start_serve):
    serve, keys = start_serve({"k": V4}, replay=False)
    with client_for(serve, keys["k"]) as c:
        t = threading.Thread(target=lambda: list(c.get_messages()), daemon=True)
        t.start()
        deadline = time.monotonic() + 10
        while c.ws is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    t.join(5)
    assert not t.is_alive() and c.ws is None
    # The session slot is free again: a new client connects without SESSION_ALREADY_OPEN.
    deadline = time.monotonic() + 10
    while True:
        c2 = client_for(serve, keys["k"], reconnect=False)
        try:
            msgs = collect(c2, lambda ms: True, 1.0)
            assert msgs == []
            break
        except WebsocketConnectionError as e:
            assert e.code == "SESSION_ALREADY_OPEN" and time.monotonic() < deadline, e
            time.sleep(0.2)


def _collect_replay(serve, client, on_message):
    """Every message until the replay is done and one more second of silence."""
    done = threading.Event()

    def watch():
        serve.wait_replay_done(90)
        time.sleep(1.5)
        client.close()
        done.set()
    threading.Thread(target=watch, daemon=True).start()
    msgs = collect(client, lambda ms: False, 120, on_message=on_message)
    assert done.wait(5)
    return msgs


def reference_log(serve, key):
    """The key's whole delivery log, read once with since=0 and no cut."""
    _, msgs = collect_when_free(lambda: client_for(serve, key, since=0), lambda ms: False, 3)
    return [(m.seq, m.raw) for m in msgs]


@pytest.mark.parametrize("how", ["proxy", "client_socket"])
def test_reconnect_and_resume_without_gap_or_duplicate(start_serve, proxy_factory, how):
    serve, keys = start_serve({"k": V4 + "," + V6}, speed=60)
    proxy = proxy_factory(serve.port)
    client = client_for(serve, keys["k"], ws_url=proxy.url, since=0, backoff_initial=0.05, backoff_max=0.5)
    cut_after = {3, 20, 45}

    def on_message(msg, messages):
        if len(messages) in cut_after:
            if how == "proxy":
                proxy.cut()
            else:
                client.ws.sock.shutdown(2)  # the socket dies under the client (no close frame)
    msgs = _collect_replay(serve, client, on_message)
    assert client.reconnects >= 3 and proxy.accepted >= 4, (client.reconnects, proxy.accepted)
    assert client.gaps == []
    ref = reference_log(serve, keys["k"])
    assert len(ref) > 60
    b = ref[0][0] - 1  # serve's seq base: its start time in microseconds
    assert [m.seq for m in msgs] == list(range(b + 1, b + len(ref) + 1))
    assert [(m.seq, m.raw) for m in msgs] == ref


def test_debug_levels_and_file(start_serve, tmp_path):
    serve, keys = start_serve({"k": V4 + "," + V6}, speed="max")
    serve.wait_replay_done()
    with pytest.raises(ValueError):
        BGProutesWebsocketClient("k").set_debug_level(7)
    files = {}
    for level in (DEBUG_NOTHING, DEBUG_ESSENTIAL, DEBUG_EXHAUSTIVE, DEBUG_TOO_MUCH):
        path = tmp_path / ("debug-%d.log" % level)
        if path.exists():
            path.unlink()

        def make():
            c = client_for(serve, keys["k"], since=0)
            c.set_debug_level(level)
            c.set_debug_file(str(path))
            c.subscribe_to_prefixes(V4 + "," + V6)
            return c
        c, msgs = collect_when_free(make, lambda ms: len(ms) >= 5, 10)
        c.close()
        assert len(msgs) == 5
        files[level] = path.read_text() if path.exists() else ""
        assert keys["k"] not in files[level]
    assert files[DEBUG_NOTHING] == ""
    assert "connected" in files[DEBUG_ESSENTIAL] and "setting prefixes" in files[DEBUG_ESSENTIAL]
    assert "message:" not in files[DEBUG_ESSENTIAL]
    assert files[DEBUG_EXHAUSTIVE].count("message: ") == 5 and "frame: " not in files[DEBUG_EXHAUSTIVE]
    assert "frame: {" in files[DEBUG_TOO_MUCH] and "update_live_prefixes: 200" in files[DEBUG_TOO_MUCH]
    assert "api_key=[key]" in files[DEBUG_ESSENTIAL]


def test_environment_urls(start_serve, monkeypatch):
    serve, keys = start_serve({"k": V4}, replay=False)
    monkeypatch.setenv("BGPL_API_URL", serve.http)
    monkeypatch.setenv("BGPL_WS_URL", serve.ws)
    c = BGProutesWebsocketClient(keys["k"])
    assert (c.api_url, c.ws_url) == (serve.http, serve.ws)
    assert c.subscribe_to_prefixes(V4)["prefixes"] == [V4]
    monkeypatch.delenv("BGPL_API_URL")
    monkeypatch.delenv("BGPL_WS_URL")
    d = BGProutesWebsocketClient(keys["k"])
    assert (d.api_url, d.ws_url) == ("http://127.0.0.1:8080", "ws://127.0.0.1:8080/")


def test_server_restart_gives_a_too_old_gap_then_the_new_frames(start_serve):
    serve, keys = start_serve({"k": V4}, speed="max")
    serve.wait_replay_done()
    client = client_for(serve, keys["k"], since=0, backoff_initial=0.1, backoff_max=0.5)
    state = {"restarted": None}

    def on_message(msg, messages):
        if len(messages) == 5 and state["restarted"] is None:
            # Stop the server (it sends every frame it has, then closes the stream) and start it
            # again on the same port and data dir, replaying slowly: its seqs start above the
            # first server's (each run numbers from its start time in microseconds).
            serve.stop()
            state["restarted"], _ = start_serve(None, speed=30, data_dir=serve.data_dir, port=serve.port)
    msgs = collect(client, lambda ms: len(ms) >= 34, 60, on_message=on_message)
    client.close()
    assert state["restarted"] is not None
    # 17 frames of 69.194.4.0/24 from the first server (all, though it was stopped after 5).
    b1 = msgs[0].seq - 1
    assert [m.seq for m in msgs[:17]] == list(range(b1 + 1, b1 + 18))
    assert client.reconnects >= 1
    # The client asked the new server for since=b1+17, below the new run's seqs: a too_old gap
    # (frames it never saw may have been lost), then every frame of the new run, from its first.
    assert len(client.gaps) == 1, client.gaps
    gap = client.gaps[0]
    assert gap["reason"] == "too_old" and gap["since"] == b1 + 17, gap
    b2 = gap["first_seq"] - 1
    assert b2 > b1 + 17
    assert [m.seq for m in msgs[17:]] == list(range(b2 + 1, b2 + 18))
    def without_seq(m):
        return {k: v for k, v in m.raw.items() if k != "seq"}
    assert [without_seq(m) for m in msgs[17:]] == [without_seq(m) for m in msgs[:17]]


def test_a_silent_connection_is_taken_for_dead_and_reopened(start_serve, tmp_path):
    serve, keys = start_serve({"k": V4}, replay=False)
    client = client_for(serve, keys["k"], read_timeout=0.5, backoff_initial=0.05, backoff_max=0.1)
    client.set_debug_level(DEBUG_ESSENTIAL)
    client.set_debug_file(str(tmp_path / "debug.log"))
    assert collect(client, lambda ms: True, 3.0) == []
    assert client.reconnects >= 2, client.reconnects
    log = (tmp_path / "debug.log").read_text()
    assert "no data for 0.5 s; reconnecting" in log


@pytest.mark.skipif(shutil.which("bgpdump") is None, reason="bgpdump not installed")
def test_the_whole_replay_matches_bgpdump(start_serve):
    """Every message of the key, flattened per prefix, is what `bgpdump -m` reads in the file."""
    serve, keys = start_serve({"k": V4 + "," + V6}, speed="max")
    serve.wait_replay_done()
    client = client_for(serve, keys["k"], since=0)
    msgs = collect(client, lambda ms: False, 3)
    nets = [ipaddress.ip_network(V4), ipaddress.ip_network(V6)]

    def ours(prefix):
        net = ipaddress.ip_network(prefix)
        return any(net.version == n.version and net.subnet_of(n) for n in nets)
    expected = []
    dump = subprocess.run(["bgpdump", "-m", REPLAY], capture_output=True, text=True, timeout=60).stdout
    for line in dump.splitlines():
        f = line.split("|")
        if len(f) < 6 or f[2] not in ("A", "W") or not ours(f[5]):
            continue
        if f[2] == "A":
            expected.append((int(f[1]), "U", f[4], f[3], f[5], f[6], f[11], f[7], f[8]))
        else:
            expected.append((int(f[1]), "W", f[4], f[3], f[5], "", "", "", ""))
    got = []
    for m in msgs:
        for p in (m.prefixes if m.is_announcement else m.withdrawn):
            got.append((int(m.timestamp), "U" if m.is_announcement else "W", m.vp_asn, m.vp_ip, p,
                        m.aspath, m.communities, m.origin, m.nexthop))
    assert len(expected) > 60
    assert sorted(got) == sorted(expected)
    b = msgs[0].seq - 1  # serve's seq base: its start time in microseconds
    assert [m.seq for m in msgs] == list(range(b + 1, b + len(msgs) + 1))
