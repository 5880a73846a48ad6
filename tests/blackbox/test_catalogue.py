"""Black-box tests of the catalogue lists: GET /movies (filters, sorting, pagination, fields),
/movies/search, /movies/trending, /movies/popular, /genres/:id/movies, their ETags, image URLs
and nginx's micro-cache. The catalogue is filled through fetch-through of the stand-in's movies;
other tests add movies too, so every assertion holds for whatever else is there."""
import unicodedata
import unittest
import urllib.parse

from stack import ENV, get
from test_accounts import bearer, register
from test_foundation import ErrorShape
from test_tmdb_cache import control, tmdb_count

SEEDED = {550: "Fight Club", 603: "The Matrix", 13: "Forrest Gump", 680: "Pulp Fiction"}


def data(path, **kw):
    r = get(path, **kw)
    assert r.status == 200, (path, r.status, r.body)
    return r.json()


def fold(title):
    """What the title sort orders by: accents off, lower case, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def walk(path):
    """Every item of a list endpoint, page by page (limit 2 to cross page boundaries)."""
    items, page = [], 1
    while True:
        sep = "&" if "?" in path else "?"
        body = data(f"{path}{sep}limit=2&page={page}")
        items += body["data"]
        if not body["meta"]["hasNextPage"]:
            return items, body["meta"]
        page += 1


class CatalogueListTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        for tmdb_id in SEEDED:
            assert get(f"/api/v1/movies/{tmdb_id}").status == 200

    def test_pages_cover_the_catalogue_once_with_true_meta(self):
        first = data("/api/v1/movies?limit=2")
        total = first["meta"]["total"]
        self.assertGreaterEqual(total, len(SEEDED))
        self.assertEqual(first["meta"]["totalPages"], (total + 1) // 2)
        self.assertEqual((first["meta"]["hasPrevPage"], first["meta"]["hasNextPage"]), (False, True))
        items, last = walk("/api/v1/movies?sort=popularity")
        ids = [m["id"] for m in items]
        self.assertEqual(len(ids), total)
        self.assertEqual(len(set(ids)), total, "no movie on two pages")
        self.assertTrue(last["hasPrevPage"])
        self.assertTrue({m["tmdb_id"] for m in items} >= set(SEEDED))
        beyond = data(f"/api/v1/movies?limit=2&page={last['totalPages'] + 1}")
        self.assertEqual(beyond["data"], [])
        self.assertEqual(beyond["meta"]["total"], total)

    def test_summaries_are_lean_and_have_image_urls(self):
        fight, page = None, 1
        while fight is None:  # other tests add movies: Fight Club may be past the first page
            items = data(f"/api/v1/movies?limit=100&page={page}")["data"]
            self.assertTrue(items, "Fight Club is in the catalogue")
            fight = next((m for m in items if m.get("tmdb_id") == 550), None)
            page += 1
        for key in ("id", "slug", "title", "year", "genres", "vote_average", "average_rating", "poster_url"):
            self.assertIn(key, fight)
        for key in ("cast", "keywords", "search_keys", "overviews", "title_key", "rating_sum"):
            self.assertNotIn(key, fight)
        self.assertRegex(fight["poster_url"], r"^/img/w342/[A-Za-z0-9]+\.jpg$")  # our own host, never TMDB's
        self.assertRegex(fight["backdrop_url"], r"^/img/w1280/")

    def test_genre_by_id_or_slug_year_and_min_rating(self):
        by_slug, _ = walk("/api/v1/movies?genre=drama")
        by_id, _ = walk("/api/v1/movies?genre=18")
        self.assertEqual([m["id"] for m in by_slug], [m["id"] for m in by_id])
        self.assertTrue(by_slug)
        self.assertTrue(all(18 in [g["id"] for g in m["genres"]] for m in by_slug))
        self.assertNotIn(603, [m["tmdb_id"] for m in by_slug], "The Matrix is not a drama")

        y1999, _ = walk("/api/v1/movies?year=1999")
        self.assertTrue(all(m["year"] == 1999 for m in y1999))
        self.assertTrue({550, 603} <= {m["tmdb_id"] for m in y1999})

        good, _ = walk("/api/v1/movies?minRating=8.45")
        self.assertTrue(all(m["vote_average"] >= 8.45 for m in good))
        everything, _ = walk("/api/v1/movies")
        self.assertEqual(len(good), sum(1 for m in everything if m["vote_average"] >= 8.45))

    def test_sorts_and_orders(self):
        by_title, _ = walk("/api/v1/movies?sort=title")
        keys = [fold(m["title"]) for m in by_title]
        self.assertEqual(keys, sorted(keys), "titles A to Z by default")
        desc, _ = walk("/api/v1/movies?sort=title&order=desc")
        self.assertEqual([m["id"] for m in desc], [m["id"] for m in reversed(by_title)])
        rated, _ = walk("/api/v1/movies?sort=rating&order=asc")
        votes = [m["vote_average"] for m in rated]
        self.assertEqual(votes, sorted(votes))
        released, _ = walk("/api/v1/movies?sort=release")
        dates = [m["release_date"] for m in released if m["release_date"]]
        self.assertEqual(dates, sorted(dates, reverse=True), "newest first by default")
        popular, _ = walk("/api/v1/movies")
        pops = [m["popularity"] for m in popular]
        self.assertEqual(pops, sorted(pops, reverse=True))

    def test_sparse_fieldsets(self):
        body = data("/api/v1/movies?fields=title,year&limit=3")
        self.assertTrue(body["data"])
        self.assertTrue(all(set(m) == {"title", "year"} for m in body["data"]))
        movie = data("/api/v1/movies/550?fields=title,directors,poster_url")["data"]
        self.assertEqual(set(movie), {"title", "directors", "poster_url"})
        self.assertErrorShape(get("/api/v1/movies?fields=title,password_hash"), 400, "/api/v1/movies")
        self.assertErrorShape(get("/api/v1/movies/550?fields=,"), 400, "/api/v1/movies/550")

    def test_invalid_values_are_400_listing_each(self):
        r = get("/api/v1/movies?year=abc&minRating=11&sort=x&order=up&limit=0&page=-1&genre=no-such-genre&extra=1")
        body = self.assertErrorShape(r, 400, "/api/v1/movies")
        text = " | ".join(body["errors"])
        for name in ("year", "minRating", "sort", "order", "limit", "page", "extra"):
            self.assertIn(name, text)
        for bad in ("minRating=1e1", "minRating=nan", "year=1999.5", "genre=" + "x" * 300):
            self.assertErrorShape(get("/api/v1/movies?" + bad), 400, "/api/v1/movies")
        self.assertErrorShape(get("/api/v1/movies?genre=no-such-genre"), 400, "/api/v1/movies")

    def test_genre_movies(self):
        drama = data("/api/v1/genres/drama/movies?limit=100")
        self.assertEqual(drama["data"], data("/api/v1/genres/18/movies?limit=100")["data"])
        self.assertTrue(all(18 in [g["id"] for g in m["genres"]] for m in drama["data"]))
        self.assertEqual(drama["meta"]["total"], data("/api/v1/movies?genre=18")["meta"]["total"])
        self.assertErrorShape(get("/api/v1/genres/no-such-genre/movies"), 404, "/api/v1/genres/no-such-genre/movies")
        self.assertErrorShape(get("/api/v1/genres/drama/movies?genre=18"), 400, "/api/v1/genres/drama/movies")

    def test_etags(self):
        for path in ("/api/v1/movies?genre=drama", "/api/v1/movies/search?q=fight", "/api/v1/genres/18/movies"):
            r = get(path)
            again = get(path, headers={"If-None-Match": r.headers["ETag"]})
            self.assertEqual(again.status, 304, path)
            self.assertEqual(again.body, b"")


class SearchTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        for tmdb_id in SEEDED:
            assert get(f"/api/v1/movies/{tmdb_id}").status == 200

    def found(self, q):
        r = get("/api/v1/movies/search?q=" + urllib.parse.quote(q))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["X-Search-Source"], "catalog", q)
        return {m["tmdb_id"] for m in r.json()["data"]}

    def test_any_word_start_any_case_and_accents(self):
        for q in ("fight", "FIGHT CLUB", "club", "Fìght", "matr", "the matrix", "pulp-fiction", "  forrest   gump "):
            hits = self.found(q)
            self.assertTrue(hits & {550, 603, 13, 680}, q)
        self.assertIn(550, self.found("club"))
        self.assertNotIn(603, self.found("club"))

    def test_persian_and_original_titles(self):
        fa = data("/api/v1/movies/550?language=fa")["data"]["titles"]["fa"]
        self.assertIn(550, self.found(fa))
        self.assertIn(550, self.found(fa.split()[0]))
        # a zero-width non-joiner and a plain space are the same to search
        self.assertIn(550, self.found(fa.replace("\u200c", " ")))
        persian = get("/api/v1/movies/search?language=fa&q=" + urllib.parse.quote(fa)).json()["data"]
        self.assertEqual(next(m for m in persian if m["tmdb_id"] == 550)["title"], fa)

    def test_no_match_falls_back_to_tmdb_search(self):
        before = tmdb_count("/3/search/movie")
        r = get("/api/v1/movies/search?q=fight%20club%20zzqx")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["X-Search-Source"], "tmdb")
        self.assertIn(r.headers["X-Cache"], ("MISS", "HIT"))
        self.assertTrue(all("tmdb_id" in m for m in r.json()["data"]))
        if ENV.get("TMDB_PID"):
            self.assertLessEqual(tmdb_count("/3/search/movie"), before + 1)

    def test_bad_queries(self):
        for q in ("", "--", "%20"):
            self.assertErrorShape(get("/api/v1/movies/search?q=" + q), 400, "/api/v1/movies/search")
        self.assertErrorShape(get("/api/v1/movies/search"), 400, "/api/v1/movies/search")
        self.assertErrorShape(get("/api/v1/movies/search?q=" + "a" * 201), 400, "/api/v1/movies/search")
        # regex metacharacters are punctuation to search, never patterns
        self.assertIn(550, self.found("^fight"))
        for q in (".*", "(", "[a-z]+", "\\d"):
            r = get("/api/v1/movies/search?q=" + urllib.parse.quote(q))
            self.assertIn(r.status, (200, 400), q)
            if r.status == 200 and r.headers["X-Search-Source"] == "catalog":
                self.assertEqual(r.json()["data"], [], q)


class TmdbListsTest(unittest.TestCase, ErrorShape):
    def test_trending_and_popular(self):
        for path in ("/api/v1/movies/trending", "/api/v1/movies/trending?window=day",
                     "/api/v1/movies/popular?page=2", "/api/v1/movies/popular?language=fa"):
            r = get(path)
            self.assertEqual(r.status, 200, (path, r.body))
            self.assertIn(r.headers["X-Cache"], ("HIT", "MISS", "STALE"))
            body = r.json()
            self.assertTrue(body["data"], path)
            self.assertTrue(all("tmdb_id" in m and "poster_url" in m for m in body["data"]))
        slim = data("/api/v1/movies/trending?fields=tmdb_id,title")
        self.assertTrue(all(set(m) == {"tmdb_id", "title"} for m in slim["data"]))
        self.assertEqual(data("/api/v1/movies/popular?page=2")["meta"]["page"], 2)

    def test_bad_parameters(self):
        for query in ("window=month", "page=0", "page=501", "fields=password", "limit=5"):
            self.assertErrorShape(get("/api/v1/movies/trending?" + query), 400, "/api/v1/movies/trending")
        self.assertErrorShape(get("/api/v1/movies/popular?window=day"), 400, "/api/v1/movies/popular")

    def test_tmdb_down_and_nothing_cached_is_503(self):
        if not ENV.get("TMDB_PID"):
            self.skipTest("the stack talks to the real TMDB")
        control("DELETE", "/__control/faults")
        try:
            control("POST", "/__control/faults", {"path": "/3/trending/movie/day", "status": 503})
            r = get("/api/v1/movies/trending?window=day&page=77", timeout=30)
            self.assertErrorShape(r, 503, "/api/v1/movies/trending")
        finally:
            control("DELETE", "/__control/faults")


class MicroCacheTest(unittest.TestCase):
    def test_anonymous_gets_are_micro_cached_signed_in_ones_are_not(self):
        path = "/api/v1/movies?fields=title&limit=1&sort=popularity"
        first = get(path, micro_cache=True)
        self.assertEqual(first.status, 200)
        second = get(path, micro_cache=True)
        self.assertEqual(second.headers["X-Micro-Cache"], "HIT")
        self.assertEqual(second.body, first.body)
        self.assertEqual(get(path).headers["X-Micro-Cache"], "BYPASS", "Cache-Control: no-cache")
        user = register()
        signed_in = get(path, headers=bearer(user["token"]), micro_cache=True)
        self.assertEqual(signed_in.headers["X-Micro-Cache"], "BYPASS")
        page = get("/movies", headers={"Cookie": "mq_lang=fa"}, micro_cache=True)
        again = get("/movies", headers={"Cookie": "mq_lang=fa"}, micro_cache=True)
        english = get("/movies", micro_cache=True)
        self.assertIn(again.headers["X-Micro-Cache"], ("HIT", "MISS"))
        self.assertIn('dir="rtl"', again.body.decode())
        self.assertNotIn('dir="rtl"', english.body.decode(), "the language cookie is part of the key")
        self.assertEqual(page.status, 200)


if __name__ == "__main__":
    unittest.main()
