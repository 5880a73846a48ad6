#!/usr/bin/env python3
"""TMDB v3 stand-in server for Marquee's tests and offline demo.

Replays recorded TMDB response bodies (the shared recordings listed in
shared/fixtures/tmdb/MANIFEST.md, plus the small synthetic set in
tests/tmdb-standin/fixtures/) and generates the answers no fixture covers in
TMDB's real shapes: 401 code 7, 400 code 22, 422 {"errors": [...]}, 422 code 20,
404 code 34 and empty list pages.  Faults (status, Retry-After, delay, broken
bodies) can be injected through a small JSON control API under /__control/.

Python 3.11 standard library only.  Listens on 127.0.0.1 only, prints
"http://127.0.0.1:PORT/3" once it is ready, logs one line per request to stderr
(never the credential) and exits with status 0 on SIGTERM or SIGINT.
See README.md next to this file.
"""

import argparse
import collections
import datetime
import hashlib
import json
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
SYNTHETIC_DIR = HERE / "fixtures"
SHARED_DIR = HERE.parents[1].parent / "shared" / "fixtures" / "tmdb"  # <repo>/../shared/...

JSON_TYPE = "application/json;charset=utf-8"
LIST_PATHS = {
    "/3/movie/popular", "/3/movie/top_rated", "/3/movie/now_playing", "/3/movie/upcoming",
    "/3/trending/movie/day", "/3/trending/movie/week", "/3/discover/movie", "/3/search/movie",
}
# TMDB status_code -> (HTTP status, status_message), from developer.themoviedb.org/docs/errors.
TMDB_ERRORS = {
    6: (404, "Invalid id: The pre-requisite id is invalid or not found."),
    7: (401, "Invalid API key: You must be granted a valid key."),
    9: (503, "Service offline: This service is temporarily offline, try again later."),
    11: (500, "Internal error: Something went wrong, contact TMDB."),
    20: (422, "Invalid date range: Should be a range no longer than 14 days."),
    22: (400, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."),
    23: (400, "Invalid date: Format needs to be YYYY-MM-DD."),
    24: (504, "Your request to the backend server timed out. Try again."),
    25: (429, "Your request count (41) is over the allowed limit of 40."),
    34: (404, "The resource you requested could not be found."),
}
FAULT_CODES = {429: 25, 500: 11, 503: 9, 504: 24, 401: 7, 404: 34}
FAULT_BODIES = {"malformed", "empty", "truncated"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def tmdb_error(code, http_status=None):
    """Return (status, body) for a TMDB error envelope, key order as recorded."""
    status, message = TMDB_ERRORS[code]
    if code == 25:    # the only 429 body ever recorded is the legacy one, without "success"
        body = {"status_code": code, "status_message": message}
    elif status == 404:  # 2025-26 404s put "success" first
        body = {"success": False, "status_code": code, "status_message": message}
    else:
        body = {"status_code": code, "status_message": message, "success": False}
    return http_status or status, compact(body)


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def normalise_query(pairs):
    """Query pairs -> dict used for matching: no api_key, page defaults to 1,
    append_to_response compared as a set."""
    params = {k: v for k, v in pairs if k != "api_key"}
    params.setdefault("page", "1")
    if re.fullmatch(r"[0-9]+", params["page"]):
        params["page"] = str(int(params["page"]))  # page=02 is page 2
    if "append_to_response" in params:
        params["append_to_response"] = ",".join(sorted(params["append_to_response"].split(",")))
    return params


class Fixture(NamedTuple):
    path: str
    params: dict
    status: int
    file: Path
    origin: int  # 0 = shared recording, 1 = synthetic (recordings win ties)
    order: int


def parse_request_line(text):
    """'GET /3/movie/550?language=en' -> (path, params), or None for a line that
    is not one concrete /3/ URL (placeholders such as <list> or '..')."""
    match = re.match(r"\s*GET\s+(\S+)", text)
    if not match or "<" in match.group(1) or ".." in match.group(1):
        return None
    url = urlsplit(match.group(1))
    if not url.path.startswith("/3/"):
        return None
    return url.path, normalise_query(parse_qsl(url.query, keep_blank_values=True))


def load_manifest(folder, origin):
    """Index the '### `file.json`' sections of MANIFEST.md.  401 and 429
    recordings are left out: those depend on the credential and the moment,
    which the server generates (auth check) or injects (faults) instead."""
    fixtures, current = [], None
    for line in (folder / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^###\s+`([^`]+\.json)`", line):
            current = {"file": m.group(1)}
        elif current is not None and (m := re.match(r"^\*\s+\*\*Request:\*\*\s*(.+)$", line)):
            current["request"] = m.group(1)
        elif current is not None and (m := re.match(r"^\*\s+\*\*HTTP status:\*\*\s*(\d{3})", line)):
            current["status"] = int(m.group(1))
            fixtures.append(current)
            current = None
    return make_fixtures(folder, fixtures, origin, skip_status={401, 429})


def make_fixtures(folder, entries, origin, skip_status=()):
    out = []
    for entry in entries:
        parsed = parse_request_line(entry.get("request", ""))
        file = folder / entry["file"]
        if parsed and entry["status"] not in skip_status and file.is_file():
            out.append(Fixture(parsed[0], parsed[1], entry["status"], file, origin, len(out)))
    return out


def load_fixtures(shared_dir):
    synthetic = json.loads((SYNTHETIC_DIR / "index.json").read_text(encoding="utf-8"))
    fixtures = make_fixtures(SYNTHETIC_DIR, synthetic, origin=1)
    if shared_dir is not None:
        fixtures = load_manifest(shared_dir, origin=0) + fixtures
    by_path = collections.defaultdict(list)
    for fixture in fixtures:
        by_path[fixture.path].append(fixture)
    return by_path


def match_key(fixture, params):
    """Sort key (lower is better), or None when the fixture cannot answer:
    a different page is a different resource."""
    if fixture.params["page"] != params["page"]:
        return None
    conflicts = sum(1 for k, v in fixture.params.items() if k in params and params[k] != v)
    missing = sum(1 for k in fixture.params if k not in params)
    matched = len(fixture.params) - conflicts - missing
    return (conflicts, missing, -matched, len(fixture.params), fixture.origin, fixture.order)


def best_fixture(index, path, params):
    scored = [(key, f) for f in index.get(path, ()) if (key := match_key(f, params)) is not None]
    return min(scored, key=lambda kf: kf[0])[1] if scored else None


class Fault(NamedTuple):
    id: int
    path: str
    status: int | None
    retry_after: int | None
    delay_ms: float
    body: str | None
    times: int | None


def parse_fault(spec, fault_id):
    """Validate a POST /__control/faults body; raises ValueError."""
    if not isinstance(spec, dict):
        raise ValueError("body must be a JSON object")
    path, status, body = spec.get("path", "/"), spec.get("status"), spec.get("body")
    retry_after, delay_ms, times = spec.get("retry_after"), spec.get("delay_ms", 0), spec.get("times")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("path must be a string starting with /")
    if status is not None and (type(status) is not int or not 100 <= status <= 599):
        raise ValueError("status must be an integer HTTP status")
    if body is not None and body not in FAULT_BODIES:
        raise ValueError("body must be one of " + ", ".join(sorted(FAULT_BODIES)))
    if retry_after is not None and (type(retry_after) is not int or retry_after < 0):
        raise ValueError("retry_after must be a non-negative integer (seconds)")
    if type(delay_ms) not in (int, float) or not 0 <= delay_ms < 3_600_000:
        raise ValueError("delay_ms must be a number of milliseconds below one hour")
    if times is not None and (type(times) is not int or times < 1):
        raise ValueError("times must be a positive integer")
    return Fault(fault_id, path, status, retry_after, delay_ms, body, times)


class State:
    """Faults and counters shared by all handler threads (guarded by one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.next_id = 1
        self.faults = []
        self.reset()

    def reset(self):
        with self.lock:
            self.faults = []
            self.total = 0
            self.by_path = collections.Counter()
            self.requests = collections.deque(maxlen=200)

    def add_fault(self, spec):
        with self.lock:
            fault = parse_fault(spec, self.next_id)
            self.next_id += 1
            self.faults.append(fault)
            return fault.id

    def clear_faults(self):
        with self.lock:
            cleared, self.faults = len(self.faults), []
            return cleared

    def take_fault(self, path):
        """The first queued fault whose path prefix matches, using up one of its times."""
        with self.lock:
            for i, fault in enumerate(self.faults):
                if path.startswith(fault.path):
                    if fault.times is not None:
                        if fault.times <= 1:
                            del self.faults[i]
                        else:
                            self.faults[i] = fault._replace(times=fault.times - 1)
                    return fault
        return None

    def record(self, path, query, auth, status):
        with self.lock:
            self.total += 1
            self.by_path[path] += 1
            self.requests.append({"path": path, "query": query, "auth": auth, "status": status})

    def snapshot(self):
        with self.lock:
            return {"total": self.total, "by_path": dict(self.by_path),
                    "requests": list(self.requests),
                    "faults": [f._asdict() for f in self.faults]}


class Answer(NamedTuple):
    status: int
    body: bytes
    cacheable: bool = False  # success answers get Cache-Control and a weak ETag


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "tmdb-standin"

    # ----- TMDB side -------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.startswith("/__control/"):
            return self.control("GET", url.path)
        pairs = parse_qsl(url.query, keep_blank_values=True)
        auth, credentials = self.credentials(pairs)
        fault = self.server.state.take_fault(url.path)
        if fault and fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault and fault.status is not None:
            code = FAULT_CODES.get(fault.status, 11)
            answer = Answer(*tmdb_error(code, fault.status))
        else:
            answer = self.answer(url.path, pairs, credentials)
        headers = {}
        if fault and fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        body, truncate = answer.body, False
        if fault and fault.body == "malformed":
            body = body[: max(1, len(body) // 2)]  # complete HTTP message, invalid JSON
        elif fault and fault.body == "empty":
            body = b""
        elif fault and fault.body == "truncated":
            truncate = True  # full Content-Length, half the bytes, then close
        query = "&".join(p for p in url.query.split("&") if p and not p.startswith("api_key="))
        self.server.state.record(url.path, query, auth, answer.status)
        self.log_line(f"{answer.status} {auth} GET {url.path}{'?' + query if query else ''}"
                      f"{' [fault %d]' % fault.id if fault else ''}")
        broken = fault is not None and (fault.status is not None or fault.body is not None)
        self.send(answer.status, body, headers, answer.cacheable and not broken, truncate)

    def credentials(self, pairs):
        """-> (kind for the stats, list of the credentials that were sent)."""
        header = self.headers.get("Authorization", "")
        bearer = header[7:].strip() if header[:7].lower() == "bearer " else ""
        api_key = dict(pairs).get("api_key", "")
        creds = [c for c in (bearer, api_key) if c]
        return ("bearer" if bearer else "api_key" if api_key else "none"), creds

    def answer(self, path, pairs, credentials):
        """The normal TMDB answer: checks in TMDB's order, then fixtures, then fallbacks."""
        if not credentials or "invalid" in credentials:
            return Answer(*tmdb_error(7))
        raw = dict(pairs)
        if "page" in raw and not (re.fullmatch(r"[0-9]+", raw["page"]) and 1 <= int(raw["page"]) <= 500):
            return Answer(*tmdb_error(22))
        if path == "/3/search/movie" and not raw.get("query", "").strip():
            return Answer(422, compact({"errors": ["query must be provided"]}))
        if path.startswith("/3/movie/") and path.endswith("/changes"):
            error = check_date_range(raw.get("start_date"), raw.get("end_date"))
            if error:
                return Answer(*tmdb_error(error))
        index, params = self.server.fixtures, normalise_query(pairs)
        fixture = best_fixture(index, path, params)
        if fixture:
            return Answer(fixture.status, fixture.file.read_bytes(), 200 <= fixture.status < 300)
        if path in LIST_PATHS:
            return Answer(200, empty_page(index, path, params), True)
        if re.fullmatch(r"/3/movie/0(/.*)?", path):
            return Answer(*tmdb_error(6))
        return Answer(*tmdb_error(34))

    def send(self, status, body, headers, cacheable, truncate=False):
        self.send_response(status)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(body)))
        if cacheable:
            self.send_header("Cache-Control", "public, max-age=600")
            self.send_header("ETag", 'W/"%s"' % hashlib.md5(body).hexdigest())
        for name, value in headers.items():
            self.send_header(name, value)
        if truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
            body = body[: len(body) // 2]
        self.end_headers()
        self.wfile.write(body)

    # ----- control API -----------------------------------------------------
    def do_POST(self):
        self.control("POST", urlsplit(self.path).path)

    def do_DELETE(self):
        self.control("DELETE", urlsplit(self.path).path)

    def control(self, method, path):
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        route = (method, path.rstrip("/"))
        if route == ("GET", "/__control/stats"):
            snap = state.snapshot()
            status, reply = 200, {k: snap[k] for k in ("total", "by_path", "requests")}
        elif route == ("GET", "/__control/faults"):
            status, reply = 200, {"faults": state.snapshot()["faults"]}
        elif route == ("POST", "/__control/faults"):
            try:
                status, reply = 201, {"id": state.add_fault(json.loads(raw or b"{}"))}
            except ValueError as exc:  # json.JSONDecodeError is a ValueError too
                status, reply = 400, {"error": str(exc)}
        elif route == ("DELETE", "/__control/faults"):
            status, reply = 200, {"cleared": state.clear_faults()}
        elif route == ("POST", "/__control/reset"):
            state.reset()
            status, reply = 200, {"reset": True}
        elif path.startswith("/__control/"):
            status, reply = 404, {"error": f"no control endpoint {method} {path}"}
        else:  # POST/DELETE on the API itself: TMDB's generic not-found
            status, body = tmdb_error(34)
            self.log_line(f"{status} {method} {path}")
            return self.send(status, body, {}, False)
        self.log_line(f"{status} {method} {path}")
        self.send(status, compact(reply), {}, False)

    # ----- logging: never the request line, it may carry api_key -----------
    def log_request(self, code="-", size="-"):
        pass

    def log_message(self, format, *args):
        self.log_line(re.sub(r"api_key=[^&\s]*", "api_key=***", format % args))

    def log_line(self, text):
        sys.stderr.write(f"[standin] {text}\n")
        sys.stderr.flush()


def check_date_range(start, end):
    """TMDB error code for bad change-feed dates, or None."""
    dates = []
    for value in (start, end):
        if value is None:
            continue
        if not DATE_RE.match(value):
            return 23
        try:
            dates.append(datetime.date.fromisoformat(value))
        except ValueError:  # e.g. 2024-02-30
            return 23
    if len(dates) == 2 and (dates[1] - dates[0]).days > 14:
        return 20
    return None


def empty_page(index, path, params):
    """A page past the recorded ones: no results, counters taken from page 1."""
    total_pages, total_results = 1, 0
    first = best_fixture(index, path, {**params, "page": "1"})
    if first and first.status == 200:
        try:
            data = json.loads(first.file.read_bytes())
            total_pages, total_results = data["total_pages"], data["total_results"]
        except (ValueError, KeyError, TypeError):
            pass
    return compact({"page": int(params["page"]), "results": [],
                    "total_pages": total_pages, "total_results": total_results})


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, fixtures):
        super().__init__(("127.0.0.1", port), Handler)
        self.fixtures = fixtures
        self.state = State()


def main(argv=None):
    parser = argparse.ArgumentParser(description="TMDB v3 stand-in server")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--fixtures", type=Path, help="folder with MANIFEST.md and recorded bodies")
    parser.add_argument("--no-shared", action="store_true", help="serve only the synthetic fixtures")
    args = parser.parse_args(argv)

    shared = None
    if not args.no_shared:
        shared = args.fixtures or (SHARED_DIR if SHARED_DIR.is_dir() else None)
        if shared is not None and not (shared / "MANIFEST.md").is_file():
            parser.error(f"{shared}/MANIFEST.md not found")
    server = StandinServer(args.port, load_fixtures(shared))

    def stop(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # interrupt the clean-up
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    count = sum(len(v) for v in server.fixtures.values())
    sys.stderr.write(f"[standin] {count} fixtures ({shared or 'synthetic only'})\n")
    try:  # print inside the try: a client may signal as soon as it reads the URL
        print(f"http://127.0.0.1:{server.server_address[1]}/3", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
