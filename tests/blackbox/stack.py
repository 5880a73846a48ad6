"""stack.py — what the black-box tests share: the running stack's settings and a small HTTP client.

The stack is the one tests/check.sh (or `make start`) started; its settings come from the
stack.env file named by $STACK_ENV (default run/stack.env). Requests go over real HTTP to nginx.
"""
import json
import os
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_env(path=None):
    path = path or os.environ.get("STACK_ENV", os.path.join(ROOT, "run", "stack.env"))
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            env[key] = value.strip('"')
    return env


ENV = load_env()
BASE_URL = ENV["BASE_URL"]


class Response:
    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def request(method, path, body=None, headers=None, timeout=10, micro_cache=False, base=None):
    """One HTTP exchange; never raises for HTTP error statuses.  Unless micro_cache is true it
    sends Cache-Control: no-cache, which bypasses nginx's micro-cache of anonymous GETs, so a
    test sees what the workers answer now rather than a copy from a few seconds ago.  base is
    another stack's URL (a test that starts one of its own)."""
    headers = dict(headers or {})
    if not micro_cache:
        headers.setdefault("Cache-Control", "no-cache")
    req = urllib.request.Request((base or BASE_URL) + path, data=body, method=method, headers=headers)
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Response(r.status, r.headers, r.read(), time.monotonic() - t0)
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read(), time.monotonic() - t0)


def get(path, **kw):
    return request("GET", path, **kw)
