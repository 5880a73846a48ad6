"""Black-box tests of the TMDB response cache through the tmdb worker, with the stand-in's counters
and fault injection proving where each answer came from. The check stack runs TMDB_CACHE_TTL=2."""
import json
import os
import time
import unittest
import urllib.request

from stack import ENV, get, request
from test_accounts import call, register, sync
from test_foundation import ErrorShape

TMDB = ENV["TMDB_BASE_URL"].rsplit("/3", 1)[0]


def control(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(TMDB + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"null")


def tmdb_count(path):
    return control("GET", "/__control/stats")["by_path"].get(path, 0)


class TmdbCacheTest(unittest.TestCase, ErrorShape):
    def setUp(self):
        if not ENV.get("TMDB_PID"):
            self.skipTest("the stack talks to the real TMDB")
        control("DELETE", "/__control/faults")
        self.admin = register()
        self.assertEqual(sync("admin", self.admin["user"]["email"]).returncode, 0)
        r = call("DELETE", "/api/v1/tmdb/cache", self.admin["token"])
        self.assertEqual(r.status, 200, r.body)

    def tearDown(self):
        control("DELETE", "/__control/faults")

    def test_miss_then_hit_then_stale_then_error(self):
        before = tmdb_count("/3/movie/popular")
        first = get("/api/v1/tmdb/movies/popular?page=1")
        self.assertEqual(first.status, 200, first.body)
        self.assertEqual(first.headers["X-Cache"], "MISS")
        body = first.json()
        self.assertTrue(body["data"])
        self.assertEqual(body["meta"]["page"], 1)
        self.assertTrue(all("tmdb_id" in m and "title" in m for m in body["data"]))
        self.assertEqual(tmdb_count("/3/movie/popular"), before + 1)

        again = get("/api/v1/tmdb/movies/popular?page=1")
        self.assertEqual(again.headers["X-Cache"], "HIT")
        self.assertEqual(again.json()["data"], body["data"])
        self.assertEqual(tmdb_count("/3/movie/popular"), before + 1, "a fresh entry never calls TMDB")

        # expired, and TMDB failing: the expired entry is served, marked stale
        time.sleep(2.2)
        control("POST", "/__control/faults", {"path": "/3/movie/popular", "status": 500})
        stale = get("/api/v1/tmdb/movies/popular?page=1", timeout=30)
        self.assertEqual(stale.status, 200, stale.body)
        self.assertEqual(stale.headers["X-Cache"], "STALE")
        self.assertIn("110", stale.headers["Warning"])
        self.assertEqual(stale.json()["data"], body["data"])
        self.assertGreater(tmdb_count("/3/movie/popular"), before + 2, "TMDB was retried")

        # nothing cached for that page: the failure comes back in the error shape
        r = get("/api/v1/tmdb/movies/popular?page=3", timeout=30)
        self.assertErrorShape(r, 502, "/api/v1/tmdb/movies/popular")
        control("DELETE", "/__control/faults")
        control("POST", "/__control/faults", {"path": "/3/movie/popular", "status": 503})
        r = get("/api/v1/tmdb/movies/popular?page=4", timeout=30)
        self.assertErrorShape(r, 503, "/api/v1/tmdb/movies/popular")

        stats = get("/api/v1/tmdb/cache/stats").json()["data"]
        self.assertGreaterEqual(stats["hits"], 1)
        self.assertGreaterEqual(stats["misses"], 1)
        self.assertGreaterEqual(stats["stale_served"], 1)
        self.assertIn("movie", stats["by_endpoint"])

    def test_tmdb_404_is_remembered_for_a_while(self):
        # a movie TMDB does not have: asked once, not on every view, until the entry expires
        path = "/3/movie/999999993"
        before = tmdb_count(path)
        for _ in range(3):
            r = get("/api/v1/movies/999999993")
            self.assertEqual(r.status, 404, r.body)
        self.assertEqual(get("/movies/999999993").status, 404)
        self.assertEqual(tmdb_count(path), before + 1, "TMDB's 404 is remembered")
        time.sleep(2.2)  # TMDB_CACHE_TTL
        self.assertEqual(get("/api/v1/movies/999999993").status, 404)
        self.assertEqual(tmdb_count(path), before + 2, "and asked again once it expired")

    def test_an_entry_of_an_earlier_release_is_fetched_again_and_replaced(self):
        """Entries are found by their _id, the key (FerretDB answers an _id equality without
        decoding every entry); one an earlier release stored under an ObjectId is not found: it is
        fetched again and replaced, not a unique-index error on its endpoint."""
        import datetime
        try:
            import pymongo
        except ImportError:
            self.skipTest("pymongo is not installed")
        client = pymongo.MongoClient(ENV["MONGODB_URI"])
        self.addCleanup(client.close)
        db = client[ENV.get("MARQUEE_DB", "marquee")]
        self.assertEqual(get("/api/v1/tmdb/movies/popular?page=2").headers["X-Cache"], "MISS")
        entry = db.tmdb_cache.find_one({"endpoint": {"$regex": "^/movie/popular.*page=2"}})
        self.assertEqual(entry["_id"], entry["endpoint"])
        db.tmdb_cache.delete_one({"_id": entry["_id"]})
        entry.pop("_id")
        entry["valid_until"] = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        db.tmdb_cache.insert_one(entry)  # as an earlier release kept it
        before = tmdb_count("/3/movie/popular")
        r = get("/api/v1/tmdb/movies/popular?page=2")
        self.assertEqual((r.status, r.headers["X-Cache"]), (200, "MISS"), r.body)
        self.assertEqual(tmdb_count("/3/movie/popular"), before + 1)
        self.assertEqual([e["_id"] for e in db.tmdb_cache.find({"endpoint": entry["endpoint"]})], [entry["endpoint"]])
        self.assertEqual(get("/api/v1/tmdb/movies/popular?page=2").headers["X-Cache"], "HIT")

    def test_tmdb_faults_are_retried_within_bounds_then_answered_clearly(self):
        """Through the whole stack: TMDB's 429s (with and without Retry-After), a slow answer and
        broken bodies. Each page is asked for once, so every answer is TMDB's, never the cache's."""
        path = "/3/movie/popular"

        def fetch(page, expect_tmdb_calls, fault=None):
            if fault:
                control("POST", "/__control/faults", dict(fault, path=path))
            before = tmdb_count(path)
            r = get("/api/v1/tmdb/movies/popular?page=%d" % page, timeout=60)
            control("DELETE", "/__control/faults")
            self.assertEqual(tmdb_count(path) - before, expect_tmdb_calls, fault)
            return r

        # rate limited twice, without Retry-After (as TMDB answers today): backed off and retried
        r = fetch(5, 3, {"status": 429, "times": 2})
        self.assertEqual((r.status, r.headers["X-Cache"]), (200, "MISS"), r.body)
        # Retry-After is honoured
        r = fetch(6, 2, {"status": 429, "retry_after": 1, "times": 1})
        self.assertEqual(r.status, 200, r.body)
        self.assertGreaterEqual(r.seconds, 1.0)
        # a slow answer, within the timeout, is waited for
        r = fetch(7, 1, {"delay_ms": 1500, "times": 1})
        self.assertEqual((r.status, r.headers["X-Cache"]), (200, "MISS"), r.body)
        # a body cut short is a failed transfer: retried
        self.assertEqual(fetch(8, 2, {"body": "truncated", "times": 1}).status, 200)
        # a complete answer that is not JSON is TMDB's answer: a 502, and nothing cached
        for body in ("malformed", "empty"):
            r = fetch(9, 1, {"body": body})
            self.assertIn("TMDB", self.assertErrorShape(r, 502, "/api/v1/tmdb/movies/popular")["message"])
        self.assertEqual(get("/api/v1/tmdb/movies/popular?page=9").headers["X-Cache"], "MISS")
        # rate limited beyond the retries: a bounded number of calls, then a 503 (TMDB is
        # unavailable to us; a 429 would tell our client to slow down)
        r = fetch(10, 4, {"status": 429})
        self.assertIn("TMDB", self.assertErrorShape(r, 503, "/api/v1/tmdb/movies/popular")["message"])

    def test_invalidation_is_admin_only_and_by_prefix(self):
        get("/api/v1/tmdb/movies/popular?page=1")
        user = register()
        self.assertErrorShape(call("DELETE", "/api/v1/tmdb/cache", user["token"]), 403, "/api/v1/tmdb/cache")
        self.assertErrorShape(call("DELETE", "/api/v1/tmdb/cache"), 401, "/api/v1/tmdb/cache")
        self.assertErrorShape(call("DELETE", "/api/v1/tmdb/cache?prefix=movie", self.admin["token"]), 400,
                              "/api/v1/tmdb/cache")
        r = call("DELETE", "/api/v1/tmdb/cache?prefix=/movie/pop", self.admin["token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertGreaterEqual(r.json()["data"]["removed"], 1)
        self.assertEqual(get("/api/v1/tmdb/movies/popular?page=1").headers["X-Cache"], "MISS")

    def test_bad_parameters_are_listed(self):
        r = get("/api/v1/tmdb/movies/popular?page=501&language=de&x=1")
        body = self.assertErrorShape(r, 400, "/api/v1/tmdb/movies/popular")
        self.assertEqual(len(body["errors"]), 3, body["errors"])


if __name__ == "__main__":
    unittest.main()
