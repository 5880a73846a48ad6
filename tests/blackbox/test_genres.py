"""Black-box tests of the genres API: filled from TMDB (through the stand-in) once, then served
from the database; English and Persian names; lookup by TMDB id or slug."""
import re
import unittest

from stack import get
from test_foundation import ErrorShape
from test_tmdb_cache import tmdb_count


class GenresTest(unittest.TestCase, ErrorShape):
    def test_list_in_both_languages(self):
        r = get("/api/v1/genres")
        self.assertEqual(r.status, 200, r.body)
        genres = r.json()["data"]
        self.assertEqual(len(genres), 19)
        by_id = {g["id"]: g for g in genres}
        self.assertEqual(by_id[18]["slug"], "drama")
        self.assertEqual(by_id[878]["slug"], "science-fiction")
        self.assertEqual(by_id[18]["name"], by_id[18]["names"]["en"])
        names = [g["names"]["en"] for g in genres]
        self.assertEqual(names, sorted(names))
        self.assertTrue(all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", g["slug"]) for g in genres))

        fa = get("/api/v1/genres?language=fa").json()["data"]
        drama = next(g for g in fa if g["id"] == 18)
        self.assertEqual(drama["name"], drama["names"]["fa"])
        self.assertRegex(drama["name"], "[\u0600-\u06ff]")

        # stored now: asking again does not go to TMDB
        calls = tmdb_count("/3/genre/movie/list")
        self.assertEqual(get("/api/v1/genres").status, 200)
        self.assertEqual(tmdb_count("/3/genre/movie/list"), calls)

    def test_one_genre_by_id_or_slug(self):
        a = get("/api/v1/genres/878")
        self.assertEqual(a.status, 200, a.body)
        b = get("/api/v1/genres/science-fiction")
        self.assertEqual(a.json(), b.json())
        self.assertEqual(a.json()["data"]["id"], 878)
        self.assertErrorShape(get("/api/v1/genres/99999"), 404, "/api/v1/genres/99999")
        self.assertErrorShape(get("/api/v1/genres/no-such-genre"), 404, "/api/v1/genres/no-such-genre")
        self.assertErrorShape(get("/api/v1/genres/Bad_Slug"), 400, "/api/v1/genres/Bad_Slug")
        self.assertErrorShape(get("/api/v1/genres?language=de"), 400, "/api/v1/genres")


if __name__ == "__main__":
    unittest.main()
