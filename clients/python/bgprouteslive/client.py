"""The client: the public surface of pybgprouteslive, reimplemented, plus resume and reconnect.

Reimplemented from the description of the public client's surface only
(/work/shared/reference/bgproutes-live-protocol.md and this repository's docs/protocol.md).
"""

import json
import os
import random
import sys
import threading
import time
from urllib.parse import urlencode

import requests
import websocket

__all__ = [
    "BGProutesWebsocketClient", "BGPLiveMsg",
    "PybgproutesliveError", "WebsocketConnectionError", "PrefixToAPIKeyError",
    "MESSAGE_TYPE_ANNOUNCE", "MESSAGE_TYPE_WITHDRAW",
    "DEBUG_NOTHING", "DEBUG_ESSENTIAL", "DEBUG_EXHAUSTIVE", "DEBUG_TOO_MUCH",
    "DEFAULT_API_URL", "DEFAULT_WS_URL", "PERMANENT_ERROR_CODES",
]

MESSAGE_TYPE_ANNOUNCE = 1
MESSAGE_TYPE_WITHDRAW = 2

DEBUG_NOTHING = 0
DEBUG_ESSENTIAL = 1
DEBUG_EXHAUSTIVE = 2
DEBUG_TOO_MUCH = 3

DEFAULT_API_URL = "http://127.0.0.1:8080"
DEFAULT_WS_URL = "ws://127.0.0.1:8080/"

# Error frames whose cause a reconnect cannot fix: raised at once, as the public client does.
# Others (SLOW_CONSUMER, INTERNAL, ...) are followed by a reconnect with `since` when reconnecting.
PERMANENT_ERROR_CODES = frozenset(["BAD_REQUEST", "UNKNOWN_KEY", "KEY_REVOKED", "NO_PREFIXES", "SESSION_ALREADY_OPEN"])

_UPDATE_TYPES = ("update", "bmp_update")


class PybgproutesliveError(Exception):
    """Base of this package's errors (same name as the public client's)."""


class WebsocketConnectionError(PybgproutesliveError):
    """The stream sent an error frame, or could not be (re)connected.

    `code` is the server's stable code (src/errors.ts: UNKNOWN_KEY, SESSION_ALREADY_OPEN, ...) when
    the server sent one, `frame` the error frame itself (None when the error is a transport one).
    """

    def __init__(self, message, code=None, frame=None):
        super().__init__(message)
        self.code = code
        self.frame = frame


class PrefixToAPIKeyError(PybgproutesliveError):
    """update_live_prefixes answered anything but 200; the message is the response body.

    `status` is the HTTP status, `code` the server's error code when the body is a JSON error.
    """

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


def _split_list(text):
    return [p for p in text.split(",") if p] if text else []


def _split_speaker(text):
    """'ASN_IP' -> ('ASN', 'IP'); strings, as the frame carries them."""
    if not text:
        return None, None
    asn, _, ip = text.partition("_")
    return asn, ip


class BGPLiveMsg:
    """One BGP message (announcement or withdrawal) of the stream.

    The public client's attributes: isMessageOK, record_type (MESSAGE_TYPE_ANNOUNCE or
    MESSAGE_TYPE_WITHDRAW), prefixes, aspath, communities, nexthop, origin, timestamp, vp_ip,
    vp_asn, parent_ip, parent_asn, protocol ("bgp" or "bmp"). Ours: withdrawn, raw (the frame as
    received), seq, collector, large_communities, ext_communities, med, local_pref, aggregator,
    atomic_aggregate, otc, nexthop_ll, path_ids, bmp_view, rib, frame_type (the frame's record_type
    string). Text attributes that the frame does not carry are "" (lists []), numbers None.
    """

    def __init__(self, frame):
        self.raw = frame
        self.isMessageOK = False
        self.frame_type = frame.get("record_type")
        self.seq = frame.get("seq")
        # The public rule: a frame with `prefixes` is an announcement, one without a withdrawal.
        if "prefixes" in frame:
            self.record_type = MESSAGE_TYPE_ANNOUNCE
        else:
            self.record_type = MESSAGE_TYPE_WITHDRAW
        self.prefixes = _split_list(frame.get("prefixes", ""))
        self.withdrawn = _split_list(frame.get("withdrawn", ""))
        self.aspath = frame.get("as-path", "")
        self.communities = frame.get("communities", "")
        self.nexthop = frame.get("nexthop", "")
        self.origin = frame.get("origin", "")
        self.large_communities = frame.get("large_communities", "")
        self.ext_communities = frame.get("ext_communities", "")
        self.nexthop_ll = frame.get("nexthop_ll", "")
        self.aggregator = frame.get("aggregator", "")
        self.med = frame.get("med")
        self.local_pref = frame.get("local_pref")
        self.otc = frame.get("otc")
        self.atomic_aggregate = bool(frame.get("atomic_aggregate", False))
        self.path_ids = [int(x) for x in _split_list(frame.get("path_ids", ""))]
        self.collector = frame.get("collector", "")
        self.bmp_view = frame.get("bmp_view", "")
        self.rib = bool(frame.get("rib", False))
        self.timestamp = None
        self.vp_asn = self.vp_ip = self.parent_asn = self.parent_ip = None
        self.protocol = None
        try:
            self.timestamp = float(frame["sec"]) + float(frame.get("Usec", 0)) / 1e6
            if self.frame_type == "bmp_update":
                # For BMP the server's vp is the router exporting BMP (the parent), bmp_peer the peer.
                self.protocol = "bmp"
                self.parent_asn, self.parent_ip = _split_speaker(frame["vp"])
                self.vp_asn, self.vp_ip = _split_speaker(frame["bmp_peer"])
            else:
                self.protocol = "bgp"
                self.vp_asn, self.vp_ip = _split_speaker(frame["vp"])
            self.isMessageOK = self.frame_type in _UPDATE_TYPES
        except (KeyError, TypeError, ValueError):
            self.isMessageOK = False

    @property
    def is_announcement(self):
        return self.record_type == MESSAGE_TYPE_ANNOUNCE

    @property
    def is_withdrawal(self):
        return self.record_type == MESSAGE_TYPE_WITHDRAW

    def __str__(self):
        kind = "U" if self.record_type == MESSAGE_TYPE_ANNOUNCE else "W"
        pfx = self.prefixes if self.record_type == MESSAGE_TYPE_ANNOUNCE else self.withdrawn
        fields = [
            str(self.timestamp), kind, self.protocol or "",
            self.vp_asn or "", self.vp_ip or "",
            self.parent_asn or "", self.parent_ip or "",
            ",".join(pfx), self.aspath, self.communities, self.origin, self.nexthop,
        ]
        return "|".join(fields)

    def __repr__(self):
        return "BGPLiveMsg(%s)" % json.dumps(self.raw, separators=(",", ":"))


class _Cut(Exception):
    """The connection ended in a way a reconnect may fix."""


class BGProutesWebsocketClient:
    """The stream of the BGP messages that concern an API key's prefixes.

    BGProutesWebsocketClient(api_key) behaves as the public client: subscribe_to_prefixes, then
    get_messages (live frames from the moment of connecting). Keyword additions:

    api_url, ws_url: the live manager API and the stream (default: BGPL_API_URL and BGPL_WS_URL
        from the environment, else http://127.0.0.1:8080 and ws://127.0.0.1:8080/).
    since: start from the frames after this seq (0: every frame the server still keeps);
        None (default): live frames only, as the public client.
    reconnect: once the stream has been open, on a cut connection, reconnect with backoff and
        resume with since=last_seq, so that no frame is lost nor repeated (default True). False: a
        cut raises WebsocketConnectionError. The very first connection is never retried: if it
        cannot be opened, WebsocketConnectionError at once, as with the public client.
    max_retries: consecutive failed reconnects before giving up (None: never give up).
    backoff_initial, backoff_max: the reconnect delays in seconds (doubled each failure, jittered).
    read_timeout: seconds without any data (the server pings every 30 s) before the connection is
        taken for dead and reconnected.
    timeout: seconds for HTTP requests and the websocket handshake.
    """

    def __init__(self, api_key, api_url=None, ws_url=None, since=None, reconnect=True, max_retries=None,
                 backoff_initial=0.5, backoff_max=30.0, read_timeout=75.0, timeout=10.0):
        self.api_key = api_key
        self.api_url = (api_url or os.environ.get("BGPL_API_URL") or DEFAULT_API_URL).rstrip("/")
        self.ws_url = ws_url or os.environ.get("BGPL_WS_URL") or DEFAULT_WS_URL
        self.last_seq = since
        self.reconnect = reconnect
        self.max_retries = max_retries
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.read_timeout = read_timeout
        self.timeout = timeout
        self.debug_level = DEBUG_NOTHING
        self.debug_file = None
        self.gaps = []            # gap frames received (frames the server no longer had)
        self.reconnects = 0       # successful reconnects
        self.ws = None
        self._closed = False
        self._ever_connected = False
        self._lock = threading.Lock()

    # -- debug -------------------------------------------------------------------------------

    def set_debug_level(self, level):
        if level not in (DEBUG_NOTHING, DEBUG_ESSENTIAL, DEBUG_EXHAUSTIVE, DEBUG_TOO_MUCH):
            raise ValueError("debug level must be DEBUG_NOTHING, DEBUG_ESSENTIAL, DEBUG_EXHAUSTIVE or DEBUG_TOO_MUCH")
        self.debug_level = level

    def set_debug_file(self, path):
        """Debug lines go to this file (appended), instead of standard error; None: standard error."""
        self.debug_file = path

    def _debug(self, level, text):
        if self.debug_level < level:
            return
        line = "%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), text.replace(self.api_key, "[key]") if self.api_key else text)
        if self.debug_file:
            with open(self.debug_file, "a", encoding="utf-8") as f:
                f.write(line)
        else:
            sys.stderr.write(line)
            sys.stderr.flush()

    # -- live manager API --------------------------------------------------------------------

    def subscribe_to_prefixes(self, prefixes):
        """Set (replace) the key's prefix list: "p1,p2" (or a list). Calls update_live_prefixes."""
        return self.update_live_prefixes(prefixes)

    def update_live_prefixes(self, prefixes):
        if not isinstance(prefixes, str):
            prefixes = ",".join(prefixes)
        url = self.api_url + "/update_live_prefixes"
        self._debug(DEBUG_ESSENTIAL, "setting prefixes: %s" % prefixes)
        try:
            response = requests.get(url, params={"api_key": self.api_key, "new_pfxs": prefixes}, timeout=self.timeout)
        except requests.RequestException as e:
            raise PrefixToAPIKeyError("cannot reach %s: %s" % (url, e)) from e
        self._debug(DEBUG_TOO_MUCH, "update_live_prefixes: %d %s" % (response.status_code, response.text))
        if response.status_code != 200:
            code = None
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                pass
            self._debug(DEBUG_ESSENTIAL, "prefixes refused (%d): %s" % (response.status_code, response.text))
            raise PrefixToAPIKeyError(response.text, status=response.status_code, code=code)
        return response.json()

    # -- stream ------------------------------------------------------------------------------

    def stream_url(self):
        params = {"api_key": self.api_key}
        if self.last_seq is not None:
            params["since"] = str(self.last_seq)
        sep = "&" if "?" in self.ws_url else "?"
        return self.ws_url + sep + urlencode(params)

    def _connect(self):
        url = self.stream_url()
        self._debug(DEBUG_ESSENTIAL, "connecting to %s" % url)
        try:
            ws = websocket.create_connection(url, timeout=self.timeout)
        except (websocket.WebSocketException, OSError) as e:
            raise _Cut("cannot connect to %s: %s" % (self.ws_url, e)) from e
        ws.settimeout(self.read_timeout)
        self._ever_connected = True
        with self._lock:
            if self._closed:
                ws.close()
                return None
            self.ws = ws
        self._debug(DEBUG_ESSENTIAL, "connected")
        return ws

    def _drop(self):
        with self._lock:
            ws, self.ws = self.ws, None
        if ws is not None:
            try:
                ws.close(timeout=1)
            except Exception:
                pass

    def close(self):
        """Close the stream; a get_messages loop in progress ends."""
        self._closed = True
        self._drop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _frames(self, ws):
        """Decoded frames of one connection; _Cut when it ends."""
        while not self._closed:
            try:
                text = ws.recv()
            except websocket.WebSocketTimeoutException as e:
                raise _Cut("no data for %s s" % self.read_timeout) from e
            except (websocket.WebSocketException, OSError, AttributeError) as e:
                # AttributeError: the socket was closed under recv by close() from another thread.
                raise _Cut("connection lost: %s" % e) from e
            if text is None or text == "":
                raise _Cut("connection closed by the server")
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            self._debug(DEBUG_TOO_MUCH, "frame: %s" % text)
            try:
                yield json.loads(text)
            except ValueError:
                self._debug(DEBUG_ESSENTIAL, "not JSON, skipped: %r" % text[:200])

    def get_messages(self):
        """Generator of BGPLiveMsg: announcements and withdrawals of the key's prefixes, in order."""
        try:
            yield from self._messages()
        finally:
            # The consumer stopped (break, close, error): the connection goes; last_seq stays, so
            # a later get_messages() resumes where this one stopped.
            self._drop()

    def _messages(self):
        failures = 0
        first = True
        while not self._closed:
            ws = None
            # A client that had a session may find it still held by the server for a moment.
            had_session = self._ever_connected
            try:
                ws = self._connect()
                if ws is None:
                    return
                if not first:
                    self.reconnects += 1
                for frame in self._frames(ws):
                    if "error" in frame:
                        code = frame.get("code")
                        self._debug(DEBUG_ESSENTIAL, "error frame: %s" % json.dumps(frame))
                        retry_session = code == "SESSION_ALREADY_OPEN" and had_session
                        if not self.reconnect or (code in PERMANENT_ERROR_CODES and not retry_session):
                            self._drop()
                            raise WebsocketConnectionError(frame["error"], code=code, frame=frame)
                        if code == "SLOW_CONSUMER" and isinstance(frame.get("last_seq"), int):
                            self.last_seq = frame["last_seq"]
                        raise _Cut("server error %s: %s" % (code, frame["error"]))
                    failures = 0
                    if frame.get("record_type") == "gap":
                        self._debug(DEBUG_ESSENTIAL, "gap: %s" % json.dumps(frame))
                        self.gaps.append(frame)
                        first_seq = frame.get("first_seq")
                        if isinstance(first_seq, int):
                            self.last_seq = max(0, first_seq - 1)
                        continue
                    seq = frame.get("seq")
                    if isinstance(seq, int):
                        if self.last_seq is not None and seq <= self.last_seq:
                            self._debug(DEBUG_EXHAUSTIVE, "duplicate seq %d skipped" % seq)
                            continue
                        self.last_seq = seq
                    if frame.get("record_type") not in _UPDATE_TYPES:
                        continue
                    msg = BGPLiveMsg(frame)
                    self._debug(DEBUG_EXHAUSTIVE, "message: %s" % msg)
                    yield msg
                raise _Cut("closed")
            except _Cut as cut:
                self._drop()
                if self._closed:
                    return
                if not self.reconnect or (first and not self._ever_connected):
                    # As the public client: a stream that never opened is an error at once.
                    raise WebsocketConnectionError(str(cut)) from cut
                failures += 1
                if self.max_retries is not None and failures > self.max_retries:
                    raise WebsocketConnectionError("gave up after %d reconnects: %s" % (failures - 1, cut)) from cut
                delay = min(self.backoff_max, self.backoff_initial * (2 ** (failures - 1)))
                delay *= 0.5 + random.random() / 2
                self._debug(DEBUG_ESSENTIAL, "%s; reconnecting in %.2f s (since=%s)" % (cut, delay, self.last_seq))
                end = time.monotonic() + delay
                while not self._closed and time.monotonic() < end:
                    time.sleep(min(0.05, max(0.0, end - time.monotonic())))
            finally:
                first = False
