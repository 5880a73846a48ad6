"""Black-box tests of issue 21 (fast at real size): the 100 → 1,000 comparison of `make
bench-scale`, printed (no timing is asserted: the machine may be busy), and the card catalogue
kept correct through the database (lib/domain/cards.h): an admin edit, a hide, a sync and a
member's own rating are seen by the very next request served by another worker process (the
admin, ratings and sync write; the movies, genres and watchlist workers read), and by a member
who asks elsewhere within a few seconds; and a member's own list changes, made in one worker, seen by
their next request in every other (lib/domain/lists_digest.h)."""
import os
import subprocess
import time
import unittest

from stack import ROOT, ENV, get
from test_accounts import call, register
from test_admin import ADMIN, make_admin
from test_sync import control, sync

BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))


def listed(path):
    """The ids of a public list's first page (as a visitor: the micro-cache bypassed)."""
    r = get(path)
    assert r.status == 200, r.body
    return {m["id"]: m for m in r.json()["data"] if "id" in m}  # none: TMDB's search answered


def eventually(check, seconds=5.0):
    """check() true within seconds (members see others' changes within about one)."""
    end = time.monotonic() + seconds
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


class ScaleComparisonTest(unittest.TestCase):
    def test_100_to_1000_movies_printed(self):
        fill = os.path.join(BUILD, "tests", "bench", "scale-fill")
        if not os.access(fill, os.X_OK):
            self.skipTest(f"{fill} is not built (make check builds it)")
        env = dict(os.environ, BUILD=BUILD, SIZES="100 1000", REQUESTS="3", ROW_BUDGET="3", SCALE_NEIGHBOURS="0",
                   SCALE_RUN_DIR=os.path.join(BUILD, "test-scale-run"))
        env.pop("PORT", None)
        r = subprocess.run([os.path.join(ROOT, "tests", "bench", "scale.sh")], env=env, capture_output=True, text=True,
                           timeout=600)
        print("\n" + r.stdout)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertIn("list, page 2", r.stdout)
        self.assertIn("RSS of each serving worker", r.stdout)


class CardInvalidationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.admin = make_admin()

    def tearDown(self):
        control("POST", "/__control/reset")

    def new_movie(self, title):
        r = call("POST", ADMIN + "/movies", self.admin["token"], {"title": title, "release_date": "2020-02-02",
                                                                  "genres": [{"id": 18, "name": "Drama"}]})
        self.assertEqual(r.status, 201, r.body)
        movie = r.json()["data"]
        self.addCleanup(call, "DELETE", ADMIN + f"/movies/{movie['id']}", self.admin["token"])
        return movie

    def test_an_admin_edit_is_seen_by_the_next_request_elsewhere(self):
        movie = self.new_movie("Cardboard Original")
        # the movies and genres workers have it in their cards now
        self.assertIn(movie["id"], listed("/api/v1/movies/search?q=cardboard"))
        self.assertIn(movie["id"], listed("/api/v1/genres/18/movies?sort=release&limit=100"))
        r = call("PATCH", ADMIN + f"/movies/{movie['id']}", self.admin["token"],
                 {"title": "Cardboard Renamed", "titles": {"en": "Cardboard Renamed"}, "popularity": 12345})
        self.assertEqual(r.status, 200, r.body)
        found = listed("/api/v1/movies/search?q=cardboard%20renamed")
        self.assertEqual(found[movie["id"]]["title"], "Cardboard Renamed", "the visitor's next request")
        self.assertEqual(listed("/api/v1/genres/18/movies?limit=1").get(movie["id"], {}).get("popularity"), 12345,
                         "the most popular drama now, in the genres worker")
        page = call("GET", "/search?q=cardboard", self.admin["token"])  # a page: the admin's session read
        self.assertEqual(page.status, 200)
        self.assertIn(b"Cardboard Renamed", page.body)

    def test_a_hide_is_seen_by_the_next_request_elsewhere(self):
        movie = self.new_movie("Cardboard Hideaway")
        self.assertIn(movie["id"], listed("/api/v1/movies/search?q=hideaway"))
        self.assertEqual(call("DELETE", ADMIN + f"/movies/{movie['id']}", self.admin["token"]).status, 200)
        self.assertNotIn(movie["id"], listed("/api/v1/movies/search?q=hideaway"))
        self.assertNotIn(movie["id"], listed("/api/v1/genres/18/movies?sort=release&limit=100"))
        self.assertEqual(get(f"/api/v1/movies/{movie['slug']}").status, 404)
        self.assertEqual(call("POST", ADMIN + f"/movies/{movie['id']}/restore", self.admin["token"]).status, 200)
        self.assertIn(movie["id"], listed("/api/v1/movies/search?q=hideaway"))

    def test_a_sync_is_seen_by_the_next_request(self):
        tmdb_id = 603  # The Matrix: in the stand-in's recordings
        self.assertEqual(sync("movie", str(tmdb_id)).returncode, 0)
        movie = get(f"/api/v1/movies/{tmdb_id}").json()["data"]
        member = register()
        call("POST", "/api/v1/watchlist", member["token"], {"movie_id": movie["id"]})
        self.assertEqual(call("GET", "/api/v1/watchlist", member["token"]).status, 200)
        control("POST", f"/__control/movies/{tmdb_id}", {"title": "Cardboard Matrix"})
        r = sync("movie", str(tmdb_id))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.addCleanup(sync, "movie", str(tmdb_id))  # TMDB's title back (tearDown resets the stand-in first)
        self.assertIn(movie["id"], listed("/api/v1/movies/search?q=cardboard%20matrix"), "a visitor's next request")

        def member_sees():
            items = call("GET", "/api/v1/watchlist", member["token"]).json()["data"]
            return any(i["movie"]["title"] == "Cardboard Matrix" for i in items)
        self.assertTrue(eventually(member_sees), "a member within a few seconds")

    def test_a_members_own_rating_is_seen_on_their_next_request(self):
        movie = self.new_movie("Cardboard Rated")
        member = register()
        self.assertEqual(call("POST", "/api/v1/watchlist", member["token"], {"movie_id": movie["id"]}).status, 201)
        # the watchlist worker has just looked at the catalogue: its next look is a second away
        before = call("GET", "/api/v1/watchlist", member["token"]).json()["data"]
        self.assertEqual(before[0]["movie"]["rating_count"], 0)
        r = call("POST", "/api/v1/ratings", member["token"], {"movie_id": movie["id"], "rating": 8})
        self.assertIn(r.status, (200, 201), r.body)
        after = call("GET", "/api/v1/watchlist", member["token"]).json()["data"]
        self.assertEqual((after[0]["movie"]["rating_count"], after[0]["movie"]["average_rating"]), (1, 8),
                         "the member's next request, in another worker than the rating's")
        self.assertEqual(listed("/api/v1/movies/search?q=cardboard%20rated")[movie["id"]]["rating_count"], 1,
                         "a visitor's next request")
        other = register()
        call("POST", "/api/v1/watchlist", other["token"], {"movie_id": movie["id"]})

        def other_sees():
            items = call("GET", "/api/v1/watchlist", other["token"]).json()["data"]
            return items and items[0]["movie"]["rating_count"] == 1
        self.assertTrue(eventually(other_sees), "another member within a few seconds")


class MemberListsTest(unittest.TestCase):
    """A member's lists are read from their digest at the version their session check reads
    (lib/domain/lists_digest.h), which each worker process keeps: a change made in one worker is
    seen by the member's very next request in every other, whatever digest that one kept."""

    def state(self, token, movie_id):
        r = call("GET", "/api/v1/lists", token)  # the watchlist worker
        self.assertEqual(r.status, 200, r.body)
        return next((m for m in r.json()["data"]["movies"] if m["movie_id"] == movie_id), None)

    def my_rating(self, token, movie_id):
        r = call("GET", f"/api/v1/movies/{movie_id}/rating", token)  # the ratings worker
        self.assertEqual(r.status, 200, r.body)
        mine = r.json()["data"]["my_rating"]
        return mine and mine["rating"]

    def test_a_change_in_one_worker_is_seen_at_once_in_the_others(self):
        r = call("POST", ADMIN + "/movies", make_admin()["token"], {"title": "Cardboard Digest",
                                                                   "release_date": "2021-03-03"})
        self.assertEqual(r.status, 201, r.body)
        movie = r.json()["data"]["id"]
        member = register()
        token = member["token"]
        r = call("POST", "/api/v1/ratings", token, {"movie_id": movie, "rating": 6})
        self.assertEqual(r.status, 201, r.body)
        rating_id = r.json()["data"]["id"]
        # every worker below now keeps the member's digest at this version
        self.assertEqual(self.state(token, movie)["rating"], 6)
        self.assertEqual(self.my_rating(token, movie), 6)
        self.assertIn(movie, {i["movie_id"] for i in call("GET", "/api/v1/ratings", token).json()["data"]})

        self.assertEqual(call("PATCH", f"/api/v1/ratings/{rating_id}", token, {"rating": 9}).status, 200)
        self.assertEqual(self.state(token, movie)["rating"], 9, "the watchlist worker, after the ratings worker's change")
        r = call("POST", "/api/v1/watchlist", token, {"movie_id": movie})
        self.assertEqual(r.status, 201, r.body)
        item = r.json()["data"]["id"]
        self.assertEqual(self.my_rating(token, movie), 9)
        self.assertTrue(self.state(token, movie)["watchlist"])
        page = call("GET", "/me/watchlist", token)  # the watchlist worker's page
        self.assertIn(b"Cardboard Digest", page.body)
        r = call("PUT", f"/api/v1/interactions/watched/{movie}", token)
        self.assertIn(r.status, (200, 201), r.body)
        history = call("GET", "/api/v1/interactions?type=watched", token).json()["data"]
        self.assertEqual([i["movie_id"] for i in history], [movie])

        self.assertEqual(call("DELETE", f"/api/v1/ratings/{rating_id}", token).status, 204)
        self.assertIsNone(self.state(token, movie)["rating"], "the watchlist worker, after the ratings worker's removal")
        self.assertIsNone(self.my_rating(token, movie))
        self.assertEqual(call("DELETE", f"/api/v1/watchlist/{item}", token).status, 204)
        self.assertFalse(self.state(token, movie)["watchlist"])
        self.assertEqual(call("GET", "/api/v1/watchlist", token).json()["data"], [])


if __name__ == "__main__":
    unittest.main()
