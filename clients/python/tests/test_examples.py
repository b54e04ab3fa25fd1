"""The examples, run as scripts against the real server with the replay's whole log (--since 0)."""

import os
import subprocess
import sys

from conftest import V4, ORIGIN_PFX, CLIENT_ROOT

EXAMPLES = os.path.join(CLIENT_ROOT, "examples")


def run_example(serve, name, key, prefixes):
    env = dict(os.environ, BGPL_API_URL=serve.http, BGPL_WS_URL=serve.ws, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), key, prefixes, "--since", "0", "--duration", "5"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_origin_monitor(start_serve):
    serve, keys = start_serve({"k": ORIGIN_PFX}, speed="max")
    serve.wait_replay_done()
    vp = "(vp 25152 2001:200:0:fe00::6249:0)"
    assert run_example(serve, "origin_monitor.py", keys["k"], ORIGIN_PFX) == [
        "1427846425.000000 2600:1007:c03::/48 origin first AS65201 " + vp,
        "1427846425.000000 2600:1007:c01::/48 origin first AS65201 " + vp,
        "1427846428.000000 2600:1007:c03::/48 origin AS65201 -> AS65101 " + vp,
        "1427846428.000000 2600:1007:c01::/48 origin AS65201 -> AS65101 " + vp,
        "1427846682.000000 2600:1007:c03::/48 origin AS65101 -> AS65201 " + vp,
        "1427846682.000000 2600:1007:c01::/48 origin AS65101 -> AS65201 " + vp,
    ]


def test_visibility_monitor(start_serve):
    serve, keys = start_serve({"k": V4}, speed="max")
    serve.wait_replay_done()
    up = "69.194.4.0/24 visible from 1 vantage point (+vp 25152 202.249.2.185)"
    down = "69.194.4.0/24 visible from 0 vantage points (-vp 25152 202.249.2.185)"
    lines = run_example(serve, "visibility_monitor.py", keys["k"], V4)
    assert lines == [
        "1427846425.000000 " + up,
        "1427846486.000000 " + down, "1427846486.000000 " + up,
        "1427846546.000000 " + down, "1427846548.000000 " + up,
        "1427846607.000000 " + down, "1427846609.000000 " + up,
        "1427846668.000000 " + down, "1427846670.000000 " + up,
    ]
