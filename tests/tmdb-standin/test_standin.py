"""Tests for the TMDB stand-in server (stdlib unittest; each class starts the
server as a subprocess on port 0 and talks to it over HTTP).

Run from the repository root:
    python3 -m unittest discover -s tests/tmdb-standin -p 'test_*.py'
"""

import http.client
import json
import re
import select
import socket
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
FULL = "append_to_response=credits,keywords,translations,release_dates"
FIGHT_CLUB_FULL = SYNTHETIC / "movie_550__append_credits_keywords_translations_release_dates.json"
GENRES = json.loads((SYNTHETIC / "genre_movie_list.json").read_text())["genres"]
NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}


def shape(value):
    """The key structure of a JSON value: dicts by key, lists by their items' shapes."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        shapes = []
        for item in value:
            if shape(item) not in shapes:
                shapes.append(shape(item))
        return shapes
    return None


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

    def ok(self, method, path, body=None):
        status, reply = self.control(method, path, body)
        self.assertEqual(status, 200, reply)
        return reply

    def changes(self, query=""):
        status, body = self.get_json("/3/movie/changes" + query)
        self.assertEqual(status, 200, body)
        return body

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
        for path in ("/3/movie/999999999", "/3/movie/550/lists", "/3/movie/999999999/videos", "/3/collection/1", "/3/tv/1399", "/3/nonsense"):
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


class CatalogueControlTest(StandinCase):
    """/__control/movies/... and /__control/changes over the synthetic fixtures."""
    server_args = ("--no-shared",)

    def test_override_merges_into_every_details_answer(self):
        reply = self.ok("POST", "/__control/movies/550", {"runtime": 150, "title": "New Title"})
        self.assertEqual(reply, {"id": 550, "override": {"runtime": 150, "title": "New Title"}})
        self.ok("POST", "/__control/movies/550", {"poster_path": None})  # a second POST adds fields
        plain = json.loads((SYNTHETIC / "movie_550.json").read_bytes())
        for query in ("", "?language=fa-IR", "?" + FULL, "?append_to_response=videos&language=de"):
            status, headers, body = self.get("/3/movie/550" + query)
            data = json.loads(body)
            self.assertEqual((status, data["runtime"], data["title"], data["poster_path"]),
                             (200, 150, "New Title", None), query)
            self.assertEqual(data["overview"], plain["overview"])
            self.assertIn("etag", headers)
        full = json.loads(FIGHT_CLUB_FULL.read_bytes())
        data = self.get_json("/3/movie/550?" + FULL)[1]
        self.assertEqual({**full, "runtime": 150, "title": "New Title", "poster_path": None}, data)
        self.assertEqual(self.get_json("/3/movie/550/similar")[0], 200)  # sub-resources untouched

    def test_nested_override_replaces_wholesale_and_needs_its_section(self):
        credits = {"cast": [], "crew": [{"id": 1, "name": "Someone Else", "job": "Director",
                                          "department": "Directing"}]}
        self.ok("POST", "/__control/movies/550", {"credits": credits, "genres": [{"id": 35, "name": "Comedy"}]})
        data = self.get_json("/3/movie/550?" + FULL)[1]
        self.assertEqual((data["credits"], data["genres"]), (credits, [{"id": 35, "name": "Comedy"}]))
        self.assertEqual(len(data["keywords"]["keywords"]), 4)
        data = self.get_json("/3/movie/550")[1]  # credits were not asked for
        self.assertNotIn("credits", data)
        self.assertEqual(data["genres"], [{"id": 35, "name": "Comedy"}])

    def test_override_get_delete_and_reset(self):
        self.assertEqual(self.ok("GET", "/__control/movies/603"), {"id": 603, "override": None, "missing": False})
        self.ok("POST", "/__control/movies/603", {"runtime": 1})
        self.ok("POST", "/__control/movies/13", {"title": "T"})
        self.assertEqual(self.ok("GET", "/__control/movies/603"), {"id": 603, "override": {"runtime": 1}, "missing": False})
        self.assertEqual(self.ok("GET", "/__control/movies"),
                         {"overrides": {"603": {"runtime": 1}, "13": {"title": "T"}}, "missing": []})
        self.assertEqual(self.ok("DELETE", "/__control/movies/603"), {"id": 603, "deleted": True})
        self.assertEqual(self.ok("DELETE", "/__control/movies/603"), {"id": 603, "deleted": False})
        self.assertEqual(self.get("/3/movie/603")[2], (SYNTHETIC / "movie_603.json").read_bytes())
        self.ok("POST", "/__control/reset")
        self.assertEqual(self.get("/3/movie/13")[2], (SYNTHETIC / "movie_13.json").read_bytes())
        self.assertEqual(self.ok("GET", "/__control/movies"), {"overrides": {}, "missing": []})

    def test_override_of_an_unknown_id_makes_a_movie(self):
        self.assertEqual(self.get("/3/movie/4242")[0], 404)
        self.ok("POST", "/__control/movies/4242", {"title": "Brand New"})
        status, data = self.get_json("/3/movie/4242?" + FULL)
        self.assertEqual((status, data["id"], data["title"]), (200, 4242, "Brand New"))
        self.assertEqual(shape(data), shape(json.loads(FIGHT_CLUB_FULL.read_bytes())))

    def test_bad_control_requests_rejected(self):
        for path, body in [("/__control/movies/550", [1]), ("/__control/movies/550", "x"),
                           ("/__control/movies/abc", {}), ("/__control/movies/0", {}),
                           ("/__control/changes", {"ids": ["1"]}), ("/__control/changes", {"ids": 5}),
                           ("/__control/changes", {"ids": [True]}), ("/__control/synthetic", {"movies": -1}),
                           ("/__control/synthetic", {"movies": "10"}), ("/__control/synthetic", {})]:
            status, reply = self.control("POST", path, body)
            self.assertEqual(status, 400, (path, body))
            self.assertIn("error", reply)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        conn.request("POST", "/__control/movies/550", body=b"{not json")
        self.assertEqual(conn.getresponse().status, 400)
        conn.close()
        self.assertEqual(self.control("GET", "/__control/movies/550/extra")[0], 404)

    def test_missing_movie_gives_404_code_34_everywhere(self):
        self.assertEqual(self.ok("POST", "/__control/movies/550/missing"),
                         {"id": 550, "missing": True, "was_missing": False})
        self.ok("POST", "/__control/movies/550", {"title": "Hidden"})  # missing wins over an override
        for path in ("/3/movie/550", "/3/movie/550?" + FULL, "/3/movie/550/similar", "/3/movie/550?language=fa-IR"):
            status, headers, body = self.get(path)
            self.assertEqual((status, json.loads(body)), (404, NOT_FOUND), path)
            self.assertEqual(list(json.loads(body)), ["success", "status_code", "status_message"])
            self.assertNotIn("cache-control", headers)
        self.assertEqual(self.get("/3/movie/550", auth=None)[0], 401)  # credentials checked first
        self.assertEqual(self.get("/3/movie/603")[0], 200)
        self.assertEqual(self.ok("GET", "/__control/movies/550/missing"), {"id": 550, "missing": True})
        self.assertEqual(self.ok("DELETE", "/__control/movies/550/missing"),
                         {"id": 550, "missing": False, "was_missing": True})
        self.assertEqual(self.get_json("/3/movie/550")[1]["title"], "Hidden")
        self.ok("POST", "/__control/movies/603/missing")
        self.ok("POST", "/__control/reset")
        self.assertEqual(self.get("/3/movie/603")[2], (SYNTHETIC / "movie_603.json").read_bytes())

    def test_changes_feed_lists_overridden_missing_and_added_ids(self):
        self.ok("POST", "/__control/movies/603", {"runtime": 137})
        self.ok("POST", "/__control/movies/424/missing")
        self.ok("POST", "/__control/movies/13", {"adult": True})
        reply = self.ok("POST", "/__control/changes", {"ids": [680, 603, 7]})
        self.assertEqual(reply, {"ids": [680, 603, 7], "listed": [603, 424, 13, 680, 7], "controlled": True})
        body = self.changes("?start_date=2024-01-01&end_date=2024-01-14")
        self.assertEqual(body, {"results": [{"id": 603, "adult": False}, {"id": 424, "adult": False},
                                            {"id": 13, "adult": True}, {"id": 680, "adult": False},
                                            {"id": 7, "adult": False}],
                                "page": 1, "total_pages": 1, "total_results": 5})
        self.assertEqual(list(body), ["results", "page", "total_pages", "total_results"])
        self.assertEqual(self.changes("?page=2"), {"results": [], "page": 2, "total_pages": 1, "total_results": 5})
        # DELETE /__control/changes drops the added ids, not the overrides and missing ids
        self.assertEqual(self.ok("DELETE", "/__control/changes"), {"cleared": 3})
        self.assertEqual([r["id"] for r in self.changes()["results"]], [603, 424, 13])
        # a removed override or missing flag is a change too: the id stays listed
        self.ok("DELETE", "/__control/movies/603")
        self.ok("DELETE", "/__control/movies/424/missing")
        self.assertEqual(self.ok("GET", "/__control/changes"),
                         {"ids": [603, 424], "listed": [603, 424, 13], "controlled": True})
        self.ok("DELETE", "/__control/changes")
        self.ok("DELETE", "/__control/movies/13")
        self.ok("DELETE", "/__control/changes")
        self.assertEqual(self.changes(), {"results": [], "page": 1, "total_pages": 1, "total_results": 0})

    def test_changes_feed_pages_of_100(self):
        self.ok("POST", "/__control/changes", {"ids": list(range(1000, 1250))})
        self.ok("POST", "/__control/changes", {"ids": [1000, 1001]})  # already listed: no duplicates
        pages = [self.changes(f"?page={p}") for p in (1, 2, 3, 4)]
        self.assertEqual([len(p["results"]) for p in pages], [100, 100, 50, 0])
        self.assertEqual({(p["total_pages"], p["total_results"]) for p in pages}, {(3, 250)})
        self.assertEqual([r["id"] for p in pages for r in p["results"]], list(range(1000, 1250)))

    def test_changes_feed_is_the_recording_until_controlled(self):
        recorded = (SYNTHETIC / "movie_changes__page1.json").read_bytes()
        self.assertEqual(self.get("/3/movie/changes?start_date=2024-01-01&end_date=2024-01-02")[2], recorded)
        self.assertEqual(self.changes("?page=2"), {"results": [], "page": 2, "total_pages": 1, "total_results": 12})
        self.ok("POST", "/__control/changes", {"ids": []})  # an empty control list wins too
        self.assertEqual(self.changes(), {"results": [], "page": 1, "total_pages": 1, "total_results": 0})
        self.ok("POST", "/__control/reset")
        self.assertEqual(self.ok("GET", "/__control/changes"), {"ids": [], "listed": [], "controlled": False})
        self.assertEqual(self.get("/3/movie/changes")[2], recorded)
        self.ok("POST", "/__control/movies/550/missing")
        self.assertEqual(self.changes()["results"], [{"id": 550, "adult": False}])

    def test_changes_date_and_page_checks_still_apply(self):
        self.ok("POST", "/__control/changes", {"ids": [550]})
        for query, code in (("?start_date=2024-01-01&end_date=2024-01-20", 20), ("?end_date=2024-02-30", 23),
                            ("?page=501", 22), ("?page=0", 22)):
            self.assertEqual(self.get_json("/3/movie/changes" + query)[1]["status_code"], code, query)


class AudienceTitlesTest(StandinCase):
    """The audience titles: adult flags, certifications per region, include_adult honoured."""
    server_args = ("--no-shared",)

    def ids(self, body):
        return [m["id"] for m in body["results"]]

    def test_details_carry_adult_flag_and_release_dates_per_region(self):
        status, night = self.get_json("/3/movie/9100003?" + FULL)
        self.assertEqual((status, night["adult"], night["title"]), (200, False, "Quokka Night Rider"))
        regions = {c["iso_3166_1"]: [r["certification"] for r in c["release_dates"]]
                   for c in night["release_dates"]["results"]}
        self.assertEqual(regions["US"], ["R", "R"])
        self.assertEqual(regions["AU"], ["MA 15+"])
        self.assertEqual(regions["GB"], ["15", "18"])
        self.assertTrue(self.get_json("/3/movie/9100004")[1]["adult"])
        self.assertNotIn("release_dates", self.get_json("/3/movie/9100004")[1])
        alone = self.get_json("/3/movie/9100002/release_dates")[1]
        self.assertEqual(alone["id"], 9100002)
        self.assertIn("US", [c["iso_3166_1"] for c in alone["results"]])

    def test_search_and_discover_list_adult_titles_only_when_asked(self):
        plain = self.get_json("/3/search/movie?query=quokka")[1]
        self.assertNotIn(9100004, self.ids(plain))
        self.assertIn(9100003, self.ids(plain))
        self.assertTrue(all(m["adult"] is False for m in plain["results"]))
        adult = self.get_json("/3/search/movie?query=Quokka&include_adult=true")[1]
        self.assertIn(9100004, self.ids(adult))
        self.assertIn(9100006, self.ids(adult))
        self.assertEqual(adult["total_results"], 6)
        found = self.get_json("/3/discover/movie?with_genres=10770&include_adult=false")[1]
        self.assertEqual(self.ids(found), self.ids(plain))
        self.assertIn(9100004, self.ids(self.get_json("/3/discover/movie?with_genres=35|10770&include_adult=true")[1]))

    def test_the_audience_person_is_credited_in_every_title(self):
        status, person = self.get_json("/3/person/9100100?append_to_response=movie_credits")
        self.assertEqual((status, person["name"]), (200, "Quokka Ensemble Player"))
        cast = {m["id"]: m["adult"] for m in person["movie_credits"]["cast"]}
        self.assertEqual(cast, {9100001: False, 9100002: False, 9100003: False, 9100004: True, 9100005: False,
                                9100006: True})
        self.assertEqual({(m["id"], m["job"]) for m in person["movie_credits"]["crew"]},
                         {(9100003, "Producer"), (9100004, "Producer")})
        credits = self.get_json("/3/movie/9100003/credits")[1]
        self.assertIn(9100100, [c["id"] for c in credits["cast"]])
        self.assertIn((9100100, "Producer"), [(c["id"], c["job"]) for c in credits["crew"]])

    def test_similar_and_the_lists_switch(self):
        similar = self.get_json("/3/movie/9100001/similar")[1]
        self.assertNotIn(9100001, self.ids(similar))
        self.assertIn(9100004, self.ids(similar))  # adult titles among them, as TMDB's may be
        self.assertNotIn(9100004, self.ids(self.get_json("/3/movie/popular")[1]))
        self.assertEqual(self.ok("POST", "/__control/audience", {"lists": True})["lists"], True)
        for path in ("/3/movie/popular", "/3/trending/movie/week", "/3/trending/movie/day"):
            self.assertIn(9100004, self.ids(self.get_json(path)[1]), path)
        self.assertNotIn(9100004, self.ids(self.get_json("/3/movie/popular?page=2")[1]))
        self.assertEqual(self.control("POST", "/__control/audience", {"lists": 1})[0], 400)
        self.ok("POST", "/__control/reset")
        self.assertFalse(self.ok("GET", "/__control/audience")["lists"])


class SyntheticCatalogueTest(StandinCase):
    """--synthetic-movies 45: popular and top_rated list generated movies 900001-900045."""
    server_args = ("--no-shared", "--synthetic-movies", "45")

    def test_list_pages(self):
        pages = {p: self.get_json(f"/3/movie/popular?page={p}&language=en-US")[1] for p in (1, 2, 3, 4)}
        self.assertEqual([len(pages[p]["results"]) for p in pages], [20, 20, 5, 0])
        self.assertEqual({(b["page"], b["total_pages"], b["total_results"]) for b in pages.values()},
                         {(1, 3, 45), (2, 3, 45), (3, 3, 45), (4, 3, 45)})
        popular = [m for p in (1, 2, 3) for m in pages[p]["results"]]
        self.assertEqual([m["id"] for m in popular], list(range(900001, 900046)))
        self.assertEqual(popular, sorted(popular, key=lambda m: -m["popularity"]))
        fixture_item = json.loads((SYNTHETIC / "movie_popular__page1.json").read_bytes())["results"][0]
        self.assertEqual(shape(popular[0]), shape(fixture_item))
        self.assertEqual(popular[0]["title"], "Synthetic Movie 900001")
        top = [m for p in (1, 2, 3) for m in self.get_json(f"/3/movie/top_rated?page={p}")[1]["results"]]
        self.assertEqual(sorted(m["id"] for m in top), list(range(900001, 900046)))
        self.assertNotEqual([m["id"] for m in top], [m["id"] for m in popular])
        self.assertEqual(top, sorted(top, key=lambda m: -m["vote_average"]))
        self.assertEqual(self.get_json("/3/movie/top_rated?page=500")[1]["results"], [])
        self.assertEqual(self.get_json("/3/movie/popular?page=501")[1]["status_code"], 22)

    def test_details_have_the_fight_club_shape(self):
        status, headers, body = self.get("/3/movie/900007?" + FULL)
        data = json.loads(body)
        self.assertEqual((status, headers["cache-control"]), (200, "public, max-age=600"))
        self.assertEqual(shape(data), shape(json.loads(FIGHT_CLUB_FULL.read_bytes())))
        self.assertEqual(list(data), list(json.loads(FIGHT_CLUB_FULL.read_bytes())))
        self.assertEqual((data["id"], data["title"], data["original_title"]),
                         (900007, "Synthetic Movie 900007", "Synthetic Movie 900007"))
        self.assertIn("Director", [c["job"] for c in data["credits"]["crew"]])
        self.assertGreaterEqual(len(data["credits"]["cast"]), 3)
        self.assertTrue(data["keywords"]["keywords"])
        fa = [t for t in data["translations"]["translations"] if (t["iso_639_1"], t["iso_3166_1"]) == ("fa", "IR")]
        self.assertEqual(len(fa), 1)
        self.assertTrue(fa[0]["data"]["title"])
        us = [r for r in data["release_dates"]["results"] if r["iso_3166_1"] == "US"][0]
        self.assertIn(max(d["certification"] for d in us["release_dates"]), ("G", "PG", "PG-13", "R", "NC-17"))
        self.assertTrue(data["genres"] and all(g in GENRES for g in data["genres"]))
        self.assertRegex(data["release_date"], r"^\d{4}-\d{2}-\d{2}$")
        self.assertRegex(data["poster_path"], r"^/[0-9A-Za-z]{27}\.jpg$")
        self.assertIsInstance(data["runtime"], int)
        self.assertIsInstance(data["popularity"], float)
        plain = self.get_json("/3/movie/900007")[1]
        self.assertEqual(plain, {k: v for k, v in data.items()
                                 if k not in ("credits", "keywords", "translations", "release_dates")})
        self.assertEqual(self.get_json("/3/movie/900007?append_to_response=keywords,credits")[1]["credits"],
                         data["credits"])
        self.assertEqual(self.get_json("/3/movie/900007?language=fa-IR")[1]["title"], fa[0]["data"]["title"])
        self.assertEqual(self.get_json("/3/movie/900007/credits")[1], {"id": 900007, **data["credits"]})
        self.assertEqual(self.get_json("/3/movie/900007/release_dates")[1], {"id": 900007, **data["release_dates"]})

    def test_details_are_deterministic_and_depend_on_the_id(self):
        first = self.get("/3/movie/900001?" + FULL)[2]
        self.assertEqual(self.get("/3/movie/900001?" + FULL)[2], first)
        proc, host, port = start_server("--no-shared", "--synthetic-movies", "3")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("GET", "/3/movie/900001?api_key=k&" + FULL)
            self.assertEqual(conn.getresponse().read(), first)  # same bytes from another process
            conn.close()
        finally:
            stop_server(proc)
        movies = [self.get_json(f"/3/movie/{i}")[1] for i in range(900001, 900011)]
        for key in ("title", "release_date", "runtime", "popularity", "vote_average", "poster_path", "imdb_id"):
            self.assertGreater(len({json.dumps(m[key]) for m in movies}), 5, key)

    def test_ids_outside_the_catalogue_are_not_found(self):
        for path in ("/3/movie/900000", "/3/movie/900046", "/3/movie/900046/videos"):
            self.assertEqual(self.get_json(path), (404, NOT_FOUND), path)

    def test_videos_and_watch_providers_are_empty_as_tmdb_has_for_most_movies(self):
        self.assertEqual(self.get_json("/3/movie/900001/videos"), (200, {"id": 900001, "results": []}))
        self.assertEqual(self.get_json("/3/movie/900001/watch/providers"), (200, {"id": 900001, "results": {}}))

    def test_overrides_and_missing_apply_to_synthetic_ids(self):
        self.ok("POST", "/__control/movies/900002", {"runtime": 42, "credits": {"cast": [], "crew": []}})
        self.ok("POST", "/__control/movies/900003/missing")
        data = self.get_json("/3/movie/900002?" + FULL)[1]
        self.assertEqual((data["runtime"], data["credits"], data["title"]),
                         (42, {"cast": [], "crew": []}, "Synthetic Movie 900002"))
        self.assertEqual(self.get_json("/3/movie/900003?" + FULL), (404, NOT_FOUND))
        self.assertEqual(self.get_json("/3/movie/900003/credits"), (404, NOT_FOUND))
        self.assertEqual([r["id"] for r in self.changes()["results"]], [900002, 900003])
        self.ok("POST", "/__control/reset")
        self.assertEqual(self.get_json("/3/movie/900003")[0], 200)
        self.assertNotEqual(self.get_json("/3/movie/900002")[1]["runtime"], 42)

    def test_synthetic_switch_through_the_control_api(self):
        self.assertEqual(self.ok("GET", "/__control/synthetic"), {"movies": 45, "first_id": 900001, "per_page": 20})
        self.assertEqual(self.ok("POST", "/__control/synthetic", {"movies": 0})["movies"], 0)
        self.assertEqual(self.get("/3/movie/popular")[2], (SYNTHETIC / "movie_popular__page1.json").read_bytes())
        self.assertEqual(self.get("/3/movie/900001")[0], 404)
        self.ok("POST", "/__control/synthetic", {"movies": 1001})
        body = self.get_json("/3/movie/popular?page=51")[1]
        self.assertEqual((body["total_pages"], body["total_results"], [m["id"] for m in body["results"]]),
                         (51, 1001, [901001]))
        self.ok("POST", "/__control/reset")  # back to the command line's 45
        self.assertEqual(self.get_json("/3/movie/popular")[1]["total_results"], 45)

    def test_a_thousand_details_over_keep_alive_connections(self):
        self.ok("POST", "/__control/synthetic", {"movies": 1000})
        ids, errors = list(range(900001, 901001)), []

        def client():
            conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            while ids:
                try:
                    movie_id = ids.pop()
                except IndexError:
                    break
                conn.request("GET", f"/3/movie/{movie_id}?{FULL}&language=en-US",
                             headers={"Authorization": "Bearer t"})
                resp = conn.getresponse()
                data = json.loads(resp.read())
                if resp.status != 200 or data["title"] != f"Synthetic Movie {movie_id}":
                    errors.append(movie_id)
            conn.close()
        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.control("GET", "/__control/stats")[1]["total"], 1000)

    def test_hundreds_of_simultaneous_connections(self):
        socks = []
        try:
            for _ in range(300):
                socks.append(socket.create_connection((self.host, self.port), timeout=10))
            for sock in socks:
                sock.sendall(b"GET /3/movie/900001?api_key=k HTTP/1.1\r\nHost: standin\r\n\r\n")
            for sock in socks:
                self.assertTrue(sock.recv(65536).startswith(b"HTTP/1.1 200 "))
        finally:
            for sock in socks:
                sock.close()


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

    def test_changes_recording_until_controlled_then_the_control_list(self):
        recorded = json.loads((SHARED / "movie_changes__2024-02.json").read_bytes())
        self.assertEqual(self.get_json("/3/movie/changes?start_date=2024-02-01&end_date=2024-02-05")[1], recorded)
        self.assertEqual(self.changes("?page=2"), {"results": [], "page": 2, "total_pages": recorded["total_pages"],
                                                   "total_results": recorded["total_results"]})
        self.ok("POST", "/__control/changes", {"ids": [550]})
        self.assertEqual(self.changes(), {"results": [{"id": 550, "adult": False}], "page": 1,
                                          "total_pages": 1, "total_results": 1})

    def test_override_base_is_the_recording(self):
        self.ok("POST", "/__control/movies/550", {"runtime": 1})
        recorded = json.loads((SHARED / "movie_550__2024-02.json").read_bytes())
        self.assertEqual(self.get_json("/3/movie/550")[1], {**recorded, "runtime": 1})
        self.ok("POST", "/__control/movies/999999999", {"title": "Not a 404 any more"})
        status, data = self.get_json("/3/movie/999999999")
        self.assertEqual((status, data["id"], data["title"]), (200, 999999999, "Not a 404 any more"))


class PeopleTest(StandinCase):
    """Default server: every person the recorded credits name has a record (people.py)."""

    def test_person_with_appended_sections_in_tmdb_shapes(self):
        status, p = self.get_json("/3/person/287?append_to_response=movie_credits,translations,external_ids")
        self.assertEqual(status, 200, p)
        self.assertEqual((p["id"], p["name"], p["known_for_department"]), (287, "Brad Pitt", "Acting"))
        for key in ("birthday", "deathday", "place_of_birth", "biography", "profile_path", "also_known_as"):
            self.assertIn(key, p)
        self.assertNotIn("id", p["movie_credits"], "appended sections carry no id of their own")
        self.assertIn(550, [c["id"] for c in p["movie_credits"]["cast"]])
        self.assertEqual(p["movie_credits"]["cast"][0]["character"], "Tyler Durden")
        langs = {t["iso_639_1"]: t["data"] for t in p["translations"]["translations"]}
        self.assertTrue(langs["en"]["biography"] and re.search("[\u0600-\u06ff]", langs["fa"]["biography"]))
        self.assertEqual(p["external_ids"]["imdb_id"], p["imdb_id"])
        status, credits = self.get_json("/3/person/7467/movie_credits")
        self.assertEqual((status, credits["id"]), (200, 7467))
        self.assertIn("Director", [c["job"] for c in credits["crew"]])

    def test_credits_may_include_an_adult_title(self):
        status, credits = self.get_json("/3/person/819/movie_credits")
        self.assertEqual(status, 200)
        self.assertEqual(sorted(c["adult"] for c in credits["cast"]), [False, True])

    def test_missing_person_is_a_tmdb_404(self):
        status, body = self.get_json("/3/person/999999999?append_to_response=movie_credits")
        self.assertEqual((status, body["status_code"]), (404, 34))

    def test_synthetic_people_resolve(self):
        status, p = self.get_json("/3/person/2000042")
        self.assertEqual((status, p["name"]), (200, "Synthetic Actor 2000042"))

    def test_search_person_honours_include_adult(self):
        status, body = self.get_json("/3/search/person?query=brad%20pitt&include_adult=false")
        self.assertEqual(status, 200)
        self.assertEqual([r["id"] for r in body["results"]], [287])
        self.assertEqual(body["results"][0]["known_for"][0]["media_type"], "movie")
        self.assertEqual(self.get_json("/3/search/person?query=velvet&include_adult=false")[1]["total_results"], 0)
        self.assertEqual(self.get_json("/3/search/person?query=velvet&include_adult=true")[1]["results"][0]["adult"], True)
        self.assertEqual(self.get_json("/3/search/person?query=")[0], 422)


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

    def test_bad_synthetic_movies_option_is_refused(self):
        proc = subprocess.run([sys.executable, str(STANDIN), "--synthetic-movies", "-1"],
                              capture_output=True, text=True, timeout=10)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn("--synthetic-movies", proc.stderr)

    def test_fixtures_folder_without_manifest_is_refused(self):
        proc = subprocess.run([sys.executable, str(STANDIN), "--fixtures", str(HERE / "no-such-dir")],
                              capture_output=True, text=True, timeout=10)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn("MANIFEST.md", proc.stderr)


if __name__ == "__main__":
    unittest.main()
