"""Fixtures: `bgproutes-live serve` as a child process, on a temp data dir and loopback, fed with
an MRT replay, and keys made with the real CLI. No mocks: every test talks to the real server.

Environment: BGPL_NODE (the node binary, default <repo>/node_modules/.bin/node), BGPL_REPLAY_FILE.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_ROOT = os.path.dirname(HERE)
ROOT = os.path.abspath(os.path.join(CLIENT_ROOT, "..", ".."))
sys.path.insert(0, CLIENT_ROOT)

NODE = os.environ.get("BGPL_NODE", os.path.join(ROOT, "node_modules", ".bin", "node"))
BIN = os.path.join(ROOT, "bin", "bgproutes-live.js")
REPLAY = os.environ.get("BGPL_REPLAY_FILE", os.path.abspath(os.path.join(ROOT, "..", "shared", "data", "mrt", "updates", "ris.rrc06.updates.1427846400.gz")))
if not os.path.exists(REPLAY):
    REPLAY = "/work/shared/data/mrt/updates/ris.rrc06.updates.1427846400.gz"

# Prefixes of the replay file (bgpdump -m): 69.194.4.0/24 is announced and withdrawn by
# 25152 202.249.2.185 several times; 2620:110:9000::/44 covers 2620:110:9000::/44 and
# 2620:110:9004::/48 (withdrawn too); 2600:1007:c00::/40 covers two /48s whose origin changes.
V4 = "69.194.4.0/24"
V6 = "2620:110:9000::/44"
ORIGIN_PFX = "2600:1007:c00::/40"
REPLAY_SECONDS = 300  # the file's span


class Serve:
    def __init__(self, data_dir, args):
        self.data_dir = data_dir
        self.out_path = os.path.join(data_dir, "serve.out")
        self.err_path = os.path.join(data_dir, "serve.err")
        env = dict(os.environ, LOG_LEVEL="info")
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen([NODE, BIN, "serve", "--data-dir", data_dir, *args], cwd=ROOT, env=env,
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        deadline = time.monotonic() + 20
        while True:
            out = self.stdout()
            if re.search(r"^websocket stream", out, re.M):
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("serve did not start (exit %s):\n%s\n%s" % (self.proc.returncode, out, self.stderr()))
            time.sleep(0.05)
        self.http = re.search(r"^live manager API\s+(\S+)", out, re.M).group(1)
        self.ws = re.search(r"^websocket stream\s+(\S+)", out, re.M).group(1)
        self.port = int(re.search(r":(\d+)/?$", self.ws).group(1))

    def stdout(self):
        with open(self.out_path) as f:
            return f.read()

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def wait_replay_done(self, seconds=60):
        deadline = time.monotonic() + seconds
        while '"replay done"' not in self.stderr():
            assert time.monotonic() < deadline, "replay not done in %s s" % seconds
            time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def create_key(data_dir, prefixes=""):
    args = [NODE, BIN, "keys", "create", "--data-dir", data_dir, "--json"]
    if prefixes:
        args += ["--prefixes", prefixes]
    out = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True, timeout=30).stdout
    return json.loads(out)["key"]


@pytest.fixture
def start_serve():
    """start_serve(keys={name: prefixes}, speed=N|None) -> (Serve, {name: key}); stopped after the test."""
    started = []

    def start(keys=None, speed=30, replay=True, data_dir=None, port=0):
        data_dir = data_dir or tempfile.mkdtemp(prefix="bgpl-pyclient-")
        made = {name: create_key(data_dir, prefixes) for name, prefixes in (keys or {}).items()}
        args = ["--listen-http", "127.0.0.1:%d" % port, "--listen-bgp", "none", "--listen-bmp", "none"]
        if replay:
            args += ["--replay", REPLAY, "--replay-speed", str(speed) if speed else "max"]
        serve = Serve(data_dir, args)
        started.append(serve)
        return serve, made

    yield start
    for serve in started:
        serve.stop()
        shutil.rmtree(serve.data_dir, ignore_errors=True)


class CuttingProxy:
    """A loopback TCP proxy to the server that can cut every connection it carries."""

    def __init__(self, port):
        self.target = ("127.0.0.1", port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.url = "ws://127.0.0.1:%d/" % self.port
        self.conns = []
        self.accepted = 0
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.closed:
                client.close()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns.append((client, upstream))
                self.accepted += 1
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        """Cut every open connection at the TCP level (no websocket close frame)."""
        with self.lock:
            conns, self.conns = self.conns, []
        for pair in conns:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.closed = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (Linux)
        except OSError:
            pass
        self.listener.close()
        self.cut()


@pytest.fixture
def proxy_factory():
    made = []

    def make(port):
        p = CuttingProxy(port)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def collect(client, until, seconds, on_message=None):
    """Messages of client.get_messages() until until(messages) is true or `seconds` pass
    (then the client is closed from a timer thread, which ends the generator)."""
    messages = []
    timer = threading.Timer(seconds, client.close)
    timer.daemon = True
    timer.start()
    try:
        for msg in client.get_messages():
            messages.append(msg)
            if on_message is not None:
                on_message(msg, messages)
            if until(messages):
                break
    finally:
        timer.cancel()
    return messages


def collect_when_free(make_client, until, seconds, on_message=None, grace=10):
    """collect() on a new client from make_client(), retried while the key's previous session (a
    client just closed) is still held by the server: SESSION_ALREADY_OPEN for up to `grace` s."""
    from bgprouteslive import WebsocketConnectionError
    deadline = time.monotonic() + grace
    while True:
        client = make_client()
        try:
            return client, collect(client, until, seconds, on_message)
        except WebsocketConnectionError as e:
            if e.code != "SESSION_ALREADY_OPEN" or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
