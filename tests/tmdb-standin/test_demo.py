"""Tests for the stand-in's demo catalogue (--demo, demo.py) and its image host (/t/p/...).

The demo's promise: every id a list names has details (English and Persian, credits whose
people answer /person/{id}), recordings win where they exist, the same bytes on every run, a
few adult titles and a few movies TMDB deleted.  Run from the repository root:
python3 -m unittest discover -s tests/tmdb-standin -p 'test_*.py'
"""

import json
import re
import unittest

from test_standin import HAVE_SHARED, SHARED, StandinCase, needs_shared, start_server, stop_server

LISTS = {"/3/movie/popular": 28, "/3/movie/top_rated": 3, "/3/movie/now_playing": 3, "/3/movie/upcoming": 3,
         "/3/trending/movie/day": 2, "/3/trending/movie/week": 2, "/3/discover/movie": 2,
         "/3/discover/movie?with_genres=18": 2, "/3/search/movie?query=garden": 1, "/3/search/movie?query=fight": 1,
         "/3/search/movie?query=007&include_adult=false": 2}
PERSIAN = re.compile(r"[\u0600-\u06FF]")


class DemoCatalogueTest(StandinCase):
    server_args = ("--demo",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.listed = {}  # movie id -> the list that named it first
        case = cls("run")  # an instance, to borrow the request helpers
        for path, pages in LISTS.items():
            for page in range(1, pages + 1):
                status, body = case.get_json(f"{path}{'&' if '?' in path else '?'}page={page}")
                assert status == 200, (path, page, body)
                for item in body["results"]:
                    cls.listed.setdefault(item["id"], f"{path} page {page}")
        for movie in (550, 8000001):
            for kind in ("similar", "recommendations"):
                status, body = case.get_json(f"/3/movie/{movie}/{kind}")
                assert status == 200, (movie, kind, body)
                for item in body["results"]:
                    cls.listed.setdefault(item["id"], f"{movie}/{kind}")

    def test_at_least_500_movies_are_listed(self):
        status, body = self.get_json("/3/movie/popular?page=3")
        self.assertEqual(status, 200)
        self.assertGreaterEqual(len(self.listed), 500)
        self.assertEqual(len(body["results"]), 20)

    def test_every_listed_movie_has_details_in_english_and_persian_with_people(self):
        people = set()
        for movie_id, where in sorted(self.listed.items()):
            status, body = self.get_json(f"/3/movie/{movie_id}?append_to_response=credits,translations,release_dates")
            self.assertEqual(status, 200, f"{movie_id} ({where}) has no details: {body}")
            self.assertEqual(body["id"], movie_id)
            if "credits" not in body:  # a recording that was made without the appended sections
                continue
            self.assertTrue(body["title"] and body["genres"] is not None, movie_id)
            fa = [t for t in body["translations"]["translations"] if t["iso_639_1"] == "fa"]
            if movie_id >= 8_000_000 or movie_id not in (550, 603, 13, 680):
                self.assertTrue(fa and PERSIAN.search(fa[0]["data"]["title"]), f"{movie_id}: no Persian title")
            people.update(c["id"] for k in ("cast", "crew") for c in body["credits"][k])
        self.assertGreater(len(people), 300)
        for pid in sorted(people):
            status, person = self.get_json(f"/3/person/{pid}")
            self.assertEqual(status, 200, f"person {pid} dangles")
            self.assertEqual(person["id"], pid)

    def test_a_demo_movie_is_complete(self):
        appends = "credits,keywords,translations,release_dates,videos,watch/providers,images,similar"
        status, movie = self.get_json(f"/3/movie/8000001?append_to_response={appends}")
        self.assertEqual(status, 200)
        for key in ("credits", "keywords", "translations", "release_dates", "videos", "watch/providers", "images"):
            self.assertIn(key, movie)
        self.assertTrue(movie["credits"]["cast"] and movie["credits"]["crew"])
        self.assertIn("Director", [c["job"] for c in movie["credits"]["crew"]])
        self.assertTrue(movie["videos"]["results"])
        self.assertIn("US", movie["watch/providers"]["results"])
        certs = [d["certification"] for c in movie["release_dates"]["results"] for d in c["release_dates"]]
        self.assertTrue(any(certs))
        self.assertRegex(movie["poster_path"], r"^/[A-Za-z0-9]+\.svg$")
        status, fa = self.get_json("/3/movie/8000001?language=fa-IR")
        self.assertRegex(fa["title"], PERSIAN)
        self.assertRegex(fa["overview"], PERSIAN)
        # the person's credits name the movie back
        actor = movie["credits"]["cast"][0]["id"]
        status, credits = self.get_json(f"/3/person/{actor}/movie_credits")
        self.assertEqual(status, 200)
        self.assertIn(8000001, [c["id"] for c in credits["cast"]])
        for sub in ("credits", "videos", "watch/providers", "similar", "recommendations", "images"):
            status, _ = self.get_json(f"/3/movie/8000001/{sub}")
            self.assertEqual(status, 200, sub)

    def test_adult_titles_and_deleted_movies(self):
        adult = [i for p in range(3, 29) for i in
                 (m["id"] for m in self.get_json(f"/3/movie/popular?page={p}")[1]["results"] if m["adult"])]
        self.assertTrue(adult, "popular names a few adult titles (the site must hide them)")
        status, body = self.get_json("/3/search/movie?query=adult")
        self.assertEqual(body["results"], [], "search leaves adult titles out without include_adult")
        status, feed = self.get_json("/3/movie/changes")
        self.assertEqual(status, 200)
        answers = {}
        for item in feed["results"]:
            status, body = self.get_json(f"/3/movie/{item['id']}")
            answers[item["id"]] = status
            if status == 404:
                self.assertEqual(body["status_code"], 34)
        self.assertIn(404, answers.values(), "a few changed movies were deleted at TMDB")
        self.assertEqual(set(answers.values()), {200, 404})

    def test_unknown_person_and_movie_are_tmdb_404s(self):
        for path in ("/3/person/999999999", "/3/movie/999999998"):
            status, body = self.get_json(path)
            self.assertEqual((status, body["status_code"]), (404, 34), path)

    @needs_shared
    def test_recordings_win(self):
        for path, name in (("/3/movie/popular?page=1", "movie_popular__page1.json"),
                           ("/3/movie/47964", "movie_47964.json")):
            status, _, body = self.get(path)
            self.assertEqual(status, 200)
            self.assertEqual(body, (SHARED / name).read_bytes(), path)

    def test_the_same_bytes_on_every_run(self):
        paths = ("/3/movie/8000123?append_to_response=credits,translations", "/3/movie/popular?page=9",
                 "/3/person/9000042/movie_credits", "/3/search/movie?query=night")
        first = [self.get(p)[2] for p in paths]
        proc, host, port = start_server("--demo")
        try:
            import http.client
            for path, body in zip(paths, first):
                conn = http.client.HTTPConnection(host, port, timeout=10)
                conn.request("GET", path, headers={"Authorization": "Bearer x"})
                self.assertEqual(conn.getresponse().read(), body, path)
                conn.close()
        finally:
            stop_server(proc)

    def test_overrides_apply_to_demo_movies(self):
        self.ok("POST", "/__control/movies/8000002", {"runtime": 1})
        status, body = self.get_json("/3/movie/8000002")
        self.assertEqual((status, body["runtime"], body["id"]), (200, 1, 8000002))
        self.assertTrue(body["title"])


class ImageHostTest(StandinCase):
    """The image host answers in both modes, without a credential, as image.tmdb.org does."""

    def image(self, path):
        return self.request("GET", path)

    def test_any_tmdb_shaped_file_is_an_svg(self):
        status, headers, body = self.image("/t/p/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "image/svg+xml")
        self.assertIn("max-age=31536000", headers["cache-control"])
        self.assertTrue(body.startswith(b"<svg"))
        if HAVE_SHARED:  # a recorded poster carries its movie's title
            self.assertIn(b"Fight Club", body)
        _, _, other = self.image("/t/p/w342/somethingElse1.jpg")
        self.assertNotEqual(body, other)

    def test_sizes_and_names_outside_configuration_are_404(self):
        for path in ("/t/p/w343/abc.jpg", "/t/p/w342/abc.gif", "/t/p/w342/a.b.jpg", "/t/p/w342/",
                     "/t/p/w342/x/abc.jpg"):
            status, _, _ = self.image(path)
            self.assertEqual(status, 404, path)

    def test_counted_faulted_and_max_age_controlled(self):
        self.assertEqual(self.ok("POST", "/__control/images", {"max_age": 1}), {"max_age": 1})
        status, headers, _ = self.image("/t/p/w185/abc.jpg")
        self.assertEqual(headers["cache-control"], "public, max-age=1")
        self.add_fault(path="/t/p/w185/abc.jpg", status=503, times=1)
        self.assertEqual(self.image("/t/p/w185/abc.jpg")[0], 503)
        stats = self.ok("GET", "/__control/stats")
        self.assertEqual(stats["by_path"]["/t/p/w185/abc.jpg"], 2)
        self.assertEqual(self.control("POST", "/__control/images", {"max_age": -1})[0], 400)
        self.control("POST", "/__control/reset")
        self.assertEqual(self.ok("GET", "/__control/images"), {"max_age": 31536000})


if __name__ == "__main__":
    unittest.main()
