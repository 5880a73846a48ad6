"""Black-box tests of live updates: GET /live over real HTTP as Server-Sent Events (nginx hands
the connection to the member's nchan channel), hints after list and rating changes carrying the
lists version, and no member ever hearing of another's changes."""
import json
import socket
import time
import unittest

from stack import ENV
from test_accounts import call, cookie_session, register
from test_foundation import ErrorShape

HOST, PORT = "127.0.0.1", int(ENV["PORT"])


class Stream:
    """One open GET /live, read as text/event-stream over a plain socket (HTTP/1.0, so the
    stream arrives as it is, without chunked framing)."""

    def __init__(self, headers):
        self.sock = socket.create_connection((HOST, PORT), timeout=5)
        lines = ["GET /live HTTP/1.0", f"Host: {HOST}:{PORT}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        head, _, self.buffer = head.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines if ":" in h)}

    def events(self, seconds):
        """Every event (not comment) received so far and within seconds more, as (name, id, data)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                chunk = self.sock.recv(4096)
            except (socket.timeout, TimeoutError):
                break
            if not chunk:
                break
            self.buffer += chunk
        out = []
        for block in self.buffer.split(b"\n\n"):
            fields = {}
            for line in block.decode("utf-8").splitlines():
                if line and not line.startswith(":") and ":" in line:
                    key, value = line.split(":", 1)
                    fields[key] = value.lstrip(" ")
            if "data" in fields:
                out.append((fields.get("event"), fields.get("id"), json.loads(fields["data"])))
        return out

    def wait_for(self, count, seconds=5):
        end = time.monotonic() + seconds
        events = self.events(0)
        while time.monotonic() < end and len(events) < count:
            events = self.events(0.2)
        return events

    def close(self):
        self.sock.close()


def lists_version(user):
    r = call("GET", "/api/v1/lists", user["token"])
    assert r.status == 200, r.body
    return r.json()["data"]["version"]


class LiveTest(unittest.TestCase, ErrorShape):
    def setUp(self):
        self.alice = register()
        self.bob = register()
        self.streams = []

    def tearDown(self):
        for s in self.streams:
            s.close()

    def open(self, user=None, headers=None):
        h = dict(headers or {})
        if user:
            h["Authorization"] = "Bearer " + user["token"]
        s = Stream(h)
        self.streams.append(s)
        return s

    def test_without_a_session_live_is_401(self):
        s = self.open()
        self.assertEqual(s.status, 401)
        s = self.open(headers={"Authorization": "Bearer not.a.token"})
        self.assertEqual(s.status, 401)

    def test_each_member_hears_only_their_own_changes(self):
        a, b = self.open(self.alice), self.open(self.bob)
        for s in (a, b):
            self.assertEqual(s.status, 200)
            self.assertTrue(s.headers["content-type"].startswith("text/event-stream"))
        time.sleep(0.2)  # both subscribed before the change

        added = call("POST", "/api/v1/watchlist", self.alice["token"], {"movie_id": 550})
        self.assertEqual(added.status, 201, added.body)
        item = added.json()["data"]
        events = a.wait_for(1)
        self.assertEqual(len(events), 1, events)
        name, event_id, hint = events[0]
        self.assertEqual(name, "lists")
        self.assertTrue(event_id)
        self.assertEqual(hint, {"type": "watchlist", "op": "add", "movie": item["movie_id"], "favorite": False,
                                "v": lists_version(self.alice)})

        toggled = call("PATCH", f"/api/v1/watchlist/{item['id']}/favorite", self.alice["token"])
        self.assertEqual(toggled.status, 200, toggled.body)
        rated = call("POST", "/api/v1/ratings", self.alice["token"], {"movie_id": 550, "rating": 8.5})
        self.assertEqual(rated.status, 201, rated.body)
        events = a.wait_for(3)
        hints = [e[2] for e in events]
        self.assertEqual([(h["type"], h["op"]) for h in hints],
                         [("watchlist", "add"), ("favorite", "add"), ("rating", "set")])
        self.assertEqual(hints[2]["rating"], 8.5)
        self.assertEqual([h["v"] for h in hints], sorted(h["v"] for h in hints), "versions only grow")
        self.assertEqual(hints[-1]["v"], lists_version(self.alice))

        self.assertEqual(b.events(1.0), [], "Bob hears nothing of Alice's changes")

    def test_a_cookie_session_opens_live_too(self):
        data, _, cookie = cookie_session()
        s = self.open(headers=cookie)
        self.assertEqual(s.status, 200)
        time.sleep(0.2)
        token = data["token"]
        self.assertEqual(call("PUT", "/api/v1/interactions/watched/680", token).status, 201)
        hints = [e[2] for e in s.wait_for(1)]
        self.assertEqual([(h["type"], h["op"]) for h in hints], [("watched", "add")])

    def test_a_failed_change_publishes_nothing(self):
        a = self.open(self.alice)
        time.sleep(0.2)
        self.assertEqual(call("POST", "/api/v1/watchlist", self.alice["token"], {"movie_id": "no such slug"}).status, 400)
        self.assertEqual(call("POST", "/api/v1/watchlist", self.alice["token"], {"movie_id": 550}).status, 201)
        self.assertEqual(call("POST", "/api/v1/watchlist", self.alice["token"], {"movie_id": 550}).status, 409)
        hints = [e[2] for e in a.wait_for(2, seconds=1.5)]
        self.assertEqual([(h["type"], h["op"]) for h in hints], [("watchlist", "add")])


if __name__ == "__main__":
    unittest.main()
