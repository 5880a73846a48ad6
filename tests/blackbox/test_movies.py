"""Black-box tests of GET /api/v1/movies/:id: fetch-through from TMDB once, the catalogue after."""
from concurrent.futures import ThreadPoolExecutor
import unittest

from stack import get
from test_foundation import ErrorShape
from test_tmdb_cache import tmdb_count


class MovieByIdTest(unittest.TestCase, ErrorShape):
    def test_fetched_once_then_served_from_the_catalogue(self):
        first = get("/api/v1/movies/680")
        self.assertEqual(first.status, 200, first.body)
        movie = first.json()["data"]
        self.assertEqual(movie["tmdb_id"], 680)
        self.assertRegex(movie["id"], r"^[0-9a-f]{24}$")
        self.assertTrue(movie["slug"].startswith("pulp-fiction"))
        self.assertEqual(movie["titles"]["en"], movie["title"])
        self.assertTrue(movie["cast"] and all("character" in c for c in movie["cast"]))
        self.assertTrue(movie["directors"])
        self.assertEqual(movie["certification"], "R")  # from the appended release dates
        self.assertEqual((movie["rating_count"], movie["average_rating"]), (0, 0))
        self.assertNotIn("search_keys", movie)

        calls = tmdb_count("/3/movie/680")
        for ref in ("680", movie["id"], movie["slug"]):
            r = get("/api/v1/movies/" + ref)
            self.assertEqual(r.status, 200, ref)
            self.assertEqual(r.headers["X-Catalog"], "STORED")
            self.assertEqual(r.json()["data"]["id"], movie["id"])
        self.assertEqual(tmdb_count("/3/movie/680"), calls, "the catalogue answers without TMDB")

    def test_persian_title_and_overview_when_translated(self):
        en = get("/api/v1/movies/550").json()["data"]
        fa = get("/api/v1/movies/550?language=fa").json()["data"]
        self.assertEqual(fa["title"], fa["titles"]["fa"])
        self.assertRegex(fa["title"], "[\u0600-\u06ff]")
        self.assertEqual(en["title"], "Fight Club")

    def test_concurrent_first_fetches_store_one_movie(self):
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: get("/api/v1/movies/603"), range(8)))
        self.assertTrue(all(r.status == 200 for r in results), [r.status for r in results])
        self.assertEqual(len({r.json()["data"]["id"] for r in results}), 1)

    def test_unknown_and_malformed(self):
        self.assertErrorShape(get("/api/v1/movies/999999999"), 404, "/api/v1/movies/999999999")
        self.assertErrorShape(get("/api/v1/movies/no-such-movie-1999"), 404, "/api/v1/movies/no-such-movie-1999")
        for bad in ("Fight_Club", "0550", "-1", "a--b", "12345678901234567890"):
            self.assertErrorShape(get("/api/v1/movies/" + bad), 400, "/api/v1/movies/" + bad)
        self.assertErrorShape(get("/api/v1/movies/550?language=de"), 400, "/api/v1/movies/550")


class RelatedMoviesTest(unittest.TestCase, ErrorShape):
    def test_similar_and_recommendations(self):
        slug = get("/api/v1/movies/550").json()["data"]["slug"]
        for kind in ("similar", "recommendations"):
            r = get("/api/v1/movies/550/" + kind)
            self.assertEqual(r.status, 200, (kind, r.body))
            body = r.json()
            self.assertTrue(body["data"], kind)
            self.assertTrue(all(m["tmdb_id"] != 550 and m["title"] for m in body["data"]))
            self.assertEqual(body["meta"]["page"], 1)
            self.assertIn(r.headers["X-Cache"], ("MISS", "HIT"))
            # the same list by slug, now from the cache
            again = get("/api/v1/movies/%s/%s" % (slug, kind))
            if again.headers["X-Cache"] == "MISS":
                # make check keeps entries 2 s (TMDB_CACHE_TTL): on a slow machine the first
                # answer's entry may have expired in between; the refreshed one is fresh now
                again = get("/api/v1/movies/%s/%s" % (slug, kind))
            self.assertEqual(again.headers["X-Cache"], "HIT")
            self.assertEqual(again.json()["data"], body["data"])

    def test_errors(self):
        self.assertErrorShape(get("/api/v1/movies/999999999/similar"), 404, "/api/v1/movies/999999999/similar")
        self.assertErrorShape(get("/api/v1/movies/Bad_Id/recommendations"), 400, "/api/v1/movies/Bad_Id/recommendations")
        self.assertErrorShape(get("/api/v1/movies/550/similar?page=0"), 400, "/api/v1/movies/550/similar")


if __name__ == "__main__":
    unittest.main()
