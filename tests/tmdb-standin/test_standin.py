"""Tests for the TMDB stand-in server (stdlib unittest; each class starts the
server as a subprocess on port 0 and talks to it over HTTP).

Run from the repository root:
    python3 -m unittest discover -s tests/tmdb-standin -p 'test_*.py'
"""

import http.client
import json
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
STANDIN = HERE / "standin.py"
SYNTHETIC = HERE / "fixtures"
SHARED = HERE.parents[1].parent / "shared" / "fixtures" / "tmdb"
HAVE_SHARED = (SHARED / "MANIFEST.md").is_file()
needs_shared = unittest.skipUnless(HAVE_SHARED, f"{SHARED} is absent")


def start_server(*args, stderr=subprocess.DEVNULL):
    """Start standin.py; return (process, host, port) once it printed its URL."""
    proc = subprocess.Popen([sys.executable, str(STANDIN), "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=stderr, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    line = proc.stdout.readline().strip() if ready else ""
    if not line.startswith("http://127.0.0.1:") or not line.endswith("/3"):
        proc.kill()
        proc.wait()
        raise RuntimeError(f"stand-in did not start (first line {line!r})")
    url = urlsplit(line)
    return proc, url.hostname, url.port


def stop_server(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


class StandinCase(unittest.TestCase):
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.proc, cls.host, cls.port = start_server(*cls.server_args)

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.proc)

    def setUp(self):
        self.control("POST", "/__control/reset")

    def request(self, method, path, body=None, headers=None):
        """-> (status, headers dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def get(self, path, auth="api_key"):
        """GET with a credential: auth is 'api_key', 'bearer' or None."""
        headers = {}
        if auth == "bearer":
            headers["Authorization"] = "Bearer test-read-token"
        elif auth == "api_key":
            path += ("&" if "?" in path else "?") + "api_key=0123456789abcdef"
        return self.request("GET", path, headers=headers)

    def get_json(self, path, auth="api_key"):
        status, _, body = self.get(path, auth)
        return status, json.loads(body)

    def control(self, method, path, body=None):
        status, _, data = self.request(method, path, body)
        return status, json.loads(data)

    def add_fault(self, **spec):
        status, reply = self.control("POST", "/__control/faults", spec)
        self.assertEqual(status, 201, reply)
        return reply["id"]


class SyntheticOnlyTest(StandinCase):
    """Server started with --no-shared: only tests/tmdb-standin/fixtures."""
    server_args = ("--no-shared",)

    def test_fixture_served_byte_for_byte(self):
        status, headers, body = self.get("/3/movie/550")
        self.assertEqual(status, 200)
        self.assertEqual(body, (SYNTHETIC / "movie_550.json").read_bytes())
        self.assertEqual(headers["content-type"], "application/json;charset=utf-8")
        self.assertEqual(headers["cache-control"], "public, max-age=600")
        self.assertTrue(headers["etag"].startswith('W/"'))

    def test_query_parameters_pick_the_fixture(self):
        status, body = self.get_json("/3/genre/movie/list?language=fa-IR")
        self.assertEqual((status, body["genres"][0]), (200, {"id": 28, "name": "اکشن"}))
        status, body = self.get_json("/3/genre/movie/list")
        self.assertEqual(body["genres"][0], {"id": 28, "name": "Action"})
        # append_to_response order does not matter
        _, _, body = self.get("/3/movie/603?append_to_response=translations,release_dates,credits,keywords")
        name = "movie_603__append_credits_keywords_translations_release_dates.json"
        self.assertEqual(body, (SYNTHETIC / name).read_bytes())
        _, _, body = self.get("/3/movie/popular?page=2&language=en-US")
        self.assertEqual(body, (SYNTHETIC / "movie_popular__page2.json").read_bytes())

    def test_missing_or_invalid_credentials_give_401(self):
        expected = {"status_code": 7, "status_message":
                    "Invalid API key: You must be granted a valid key.", "success": False}
        for path, headers in [("/3/movie/550", {}),
                              ("/3/movie/550?api_key=", {}),
                              ("/3/movie/550?api_key=invalid", {}),
                              ("/3/movie/550", {"Authorization": "Bearer invalid"}),
                              ("/3/search/movie", {})]:
            status, _, body = self.request("GET", path, headers=headers)
            self.assertEqual((status, json.loads(body)), (401, expected), path)

    def test_bearer_and_api_key_both_accepted(self):
        self.assertEqual(self.get("/3/configuration", auth="bearer")[0], 200)
        self.assertEqual(self.get("/3/configuration", auth="api_key")[0], 200)

    def test_page_out_of_range_gives_400_code_22(self):
        for page in ("501", "0", "-1", "abc", "1.5", "%C2%B2", ""):
            status, body = self.get_json(f"/3/movie/popular?page={page}")
            self.assertEqual((status, body["status_code"], body["success"]), (400, 22, False), page)

    def test_unknown_resources_give_404_code_34(self):
        for path in ("/3/movie/999999999", "/3/movie/550/videos", "/3/tv/1399", "/3/nonsense"):
            status, body = self.get_json(path)
            self.assertEqual((status, body["status_code"]), (404, 34), path)
            self.assertEqual(list(body), ["success", "status_code", "status_message"])

    def test_search_without_query_gives_422(self):
        for path in ("/3/search/movie", "/3/search/movie?query=", "/3/search/movie?query=%20"):
            self.assertEqual(self.get_json(path), (422, {"errors": ["query must be provided"]}))
        self.assertEqual(self.get("/3/search/movie?query=fight")[0], 200)

    def test_changes_window_longer_than_14_days_gives_422_code_20(self):
        status, body = self.get_json("/3/movie/changes?start_date=2024-01-01&end_date=2024-01-20")
        self.assertEqual((status, body["status_code"]), (422, 20))
        status, body = self.get_json("/3/movie/changes?start_date=2024-01-01&end_date=2024-01-15")
        self.assertEqual(status, 200)
        self.assertIn(None, [item["adult"] for item in body["results"]])

    def test_list_page_without_fixture_is_empty_with_page1_counters(self):
        self.assertEqual(self.get_json("/3/movie/popular?page=3"),
                         (200, {"page": 3, "results": [], "total_pages": 2, "total_results": 16}))
        self.assertEqual(self.get_json("/3/discover/movie"),
                         (200, {"page": 1, "results": [], "total_pages": 1, "total_results": 0}))

    def test_fault_with_times_and_retry_after(self):
        self.add_fault(path="/3/movie/popular", status=503, retry_after=2, times=2)
        for _ in range(2):
            status, headers, body = self.get("/3/movie/popular")
            self.assertEqual((status, headers.get("retry-after")), (503, "2"))
            self.assertEqual(json.loads(body)["status_code"], 9)
            self.assertNotIn("cache-control", headers)
        status, headers, _ = self.get("/3/movie/popular")
        self.assertEqual(status, 200)
        self.assertNotIn("retry-after", headers)
        self.assertEqual(self.control("GET", "/__control/faults")[1], {"faults": []})

    def test_fault_path_prefix_and_queue_order(self):
        self.add_fault(path="/3/movie/", status=429)
        self.add_fault(status=500)
        status, body = self.get_json("/3/movie/550")
        self.assertEqual((status, body), (429, {"status_code": 25, "status_message":
                         "Your request count (41) is over the allowed limit of 40."}))
        status, body = self.get_json("/3/configuration")
        self.assertEqual((status, body["status_code"]), (500, 11))
        self.assertEqual(self.control("DELETE", "/__control/faults"), (200, {"cleared": 2}))
        self.assertEqual(self.get("/3/configuration")[0], 200)

    def test_fault_delay(self):
        self.add_fault(path="/3/configuration", delay_ms=300, times=1)
        started = time.monotonic()
        status, _, body = self.get("/3/configuration")
        self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertEqual(body, (SYNTHETIC / "configuration.json").read_bytes())
        started = time.monotonic()
        self.get("/3/configuration")
        self.assertLess(time.monotonic() - started, 0.3)

    def test_fault_bodies(self):
        self.add_fault(path="/3/movie/550", body="malformed", times=1)
        status, _, body = self.get("/3/movie/550")
        self.assertEqual(status, 200)
        self.assertRaises(ValueError, json.loads, body)
        self.add_fault(path="/3/movie/550", status=502, body="empty", times=1)
        self.assertEqual(self.get("/3/movie/550")[::2], (502, b""))
        self.add_fault(path="/3/movie/550", body="truncated", times=1)
        with self.assertRaises(http.client.IncompleteRead):
            self.get("/3/movie/550")
        self.assertEqual(self.get("/3/movie/550")[0], 200)

    def test_bad_fault_rejected(self):
        for spec in ({"status": "503"}, {"body": "garbage"}, {"times": 0}, {"status": True}, {"path": "movie"}, {"delay_ms": -1}):
            status, reply = self.control("POST", "/__control/faults", spec)
            self.assertEqual(status, 400, spec)
            self.assertIn("error", reply)

    def test_stats_count_requests(self):
        self.get("/3/movie/popular?page=1", auth="bearer")
        self.get("/3/movie/popular?page=2")
        self.get("/3/movie/550", auth=None)
        status, stats = self.control("GET", "/__control/stats")
        self.assertEqual(status, 200)
        self.assertEqual(stats["total"], 3)
        self.assertEqual(stats["by_path"], {"/3/movie/popular": 2, "/3/movie/550": 1})
        self.assertEqual(stats["requests"], [
            {"path": "/3/movie/popular", "query": "page=1", "auth": "bearer", "status": 200},
            {"path": "/3/movie/popular", "query": "page=2", "auth": "api_key", "status": 200},
            {"path": "/3/movie/550", "query": "", "auth": "none", "status": 401}])
        self.control("POST", "/__control/reset")
        self.assertEqual(self.control("GET", "/__control/stats")[1]["total"], 0)

    def test_parallel_keep_alive_clients_are_all_counted(self):
        def client(errors):
            conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            for page in (1, 2, 3, 4) * 5:  # 20 requests on one persistent connection
                conn.request("GET", f"/3/movie/popular?page={page}&api_key=k")
                resp = conn.getresponse()
                if resp.status != 200 or json.loads(resp.read())["page"] != page:
                    errors.append(page)
            conn.close()
        errors = []
        threads = [threading.Thread(target=client, args=(errors,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.control("GET", "/__control/stats")[1]["by_path"], {"/3/movie/popular": 160})

    def test_synthetic_fixtures_are_valid_and_carry_the_quirks(self):
        index = json.loads((SYNTHETIC / "index.json").read_text())
        items = []
        for entry in index:
            data = json.loads((SYNTHETIC / entry["file"]).read_text(encoding="utf-8"))
            items += data.get("results", [])
        self.assertIn(None, [i.get("poster_path") for i in items])
        self.assertIn("", [i.get("release_date") for i in items])
        self.assertTrue(any(type(i.get("vote_average")) is int for i in items))
        self.assertEqual(len(json.loads((SYNTHETIC / "genre_movie_list.json").read_text())["genres"]), 19)


@needs_shared
class SharedRecordingsTest(StandinCase):
    """Default server: shared recordings (priority) plus the synthetic set."""

    def test_recording_served_byte_for_byte(self):
        status, headers, body = self.get("/3/movie/popular?page=2")
        self.assertEqual(status, 200)
        self.assertEqual(body, (SHARED / "movie_popular__page2.json").read_bytes())
        status, _, body = self.get("/3/movie/999999999")
        self.assertEqual((status, body), (404, (SHARED / "error_404__movie_999999999__status34.json").read_bytes()))

    def test_recordings_win_ties_but_synthetic_fills_gaps(self):
        self.assertEqual(self.get("/3/movie/550")[2], (SHARED / "movie_550__2024-02.json").read_bytes())
        self.assertEqual(self.get("/3/movie/550?append_to_response=credits,keywords,translations,release_dates")[2],
                         (SYNTHETIC / "movie_550__append_credits_keywords_translations_release_dates.json").read_bytes())
        self.assertEqual(self.get("/3/genre/movie/list?language=fa-IR")[2],
                         (SYNTHETIC / "genre_movie_list__language_fa-IR.json").read_bytes())

    def test_empty_page_uses_recorded_page1_counters(self):
        page1 = json.loads((SHARED / "movie_popular__page1.json").read_bytes())
        status, body = self.get_json("/3/movie/popular?page=500")
        self.assertEqual((status, body["results"], body["total_pages"]), (200, [], page1["total_pages"]))

    def test_credentials_still_required(self):
        self.assertEqual(self.get("/3/movie/popular?page=1", auth=None)[0], 401)
        self.assertEqual(self.get_json("/3/movie/popular?page=501")[1]["status_code"], 22)


class ProcessTest(unittest.TestCase):
    def test_sigterm_exits_cleanly_and_log_hides_the_key(self):
        with tempfile.TemporaryFile("w+") as log:
            proc, host, port = start_server("--no-shared", stderr=log)
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/3/movie/550?api_key=SECRETKEY42")
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/3/movie/550", headers={"Authorization": "Bearer SECRETTOKEN42"})
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
            self.assertEqual(stop_server(proc), 0)
            log.seek(0)
            text = log.read()
        self.assertIn("/3/movie/550", text)
        self.assertNotIn("SECRETKEY42", text)
        self.assertNotIn("SECRETTOKEN42", text)

    def test_sigint_exits_cleanly(self):
        proc, _, _ = start_server("--no-shared")
        proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(timeout=5), 0)
        proc.stdout.close()

    def test_fixtures_folder_without_manifest_is_refused(self):
        proc = subprocess.run([sys.executable, str(STANDIN), "--fixtures", str(HERE / "no-such-dir")],
                              capture_output=True, text=True, timeout=10)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn("MANIFEST.md", proc.stderr)


if __name__ == "__main__":
    unittest.main()
