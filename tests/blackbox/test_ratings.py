"""Black-box tests of ratings and reviews: create, 409, owner-only reads and changes, the
seed designs' forms, the movie's exact average under 50 concurrent raters, and every error."""
from concurrent.futures import ThreadPoolExecutor
import unittest

from stack import get
from test_accounts import call, register
from test_foundation import ErrorShape


def movie(ref):
    r = get(f"/api/v1/movies/{ref}?fields=id,rating_count,average_rating")
    assert r.status == 200, r.body
    return r.json()["data"]


class RatingsTest(unittest.TestCase, ErrorShape):
    def setUp(self):
        self.alice = register()
        self.bob = register()

    def rate(self, user, body):
        return call("POST", "/api/v1/ratings", user["token"], body)

    def test_create_conflict_owner_only_update_delete(self):
        before = movie(13)
        r = self.rate(self.alice, {"movie_id": 13, "rating": 7.5, "review": "Run, Forrest"})
        self.assertEqual(r.status, 201, r.body)
        rating = r.json()["data"]
        self.assertEqual((rating["rating"], rating["review"]), (7.5, "Run, Forrest"))
        self.assertEqual(rating["movie_id"], before["id"])
        after = movie(13)
        self.assertEqual(after["rating_count"], before["rating_count"] + 1)

        again = self.rate(self.alice, {"movie_id": "forrest-gump-1994", "rating": 3})
        self.assertErrorShape(again, 409, "/api/v1/ratings")
        self.assertEqual(movie(13)["rating_count"], after["rating_count"], "a refused rating counts nothing")

        path = "/api/v1/ratings/" + rating["id"]
        self.assertEqual(call("GET", path, self.alice["token"]).json()["data"]["id"], rating["id"])
        for method, body in (("GET", None), ("PATCH", {"rating": 1}), ("DELETE", None)):
            self.assertErrorShape(call(method, path, self.bob["token"], body), 404, path)
        self.assertErrorShape(call("GET", path), 401, path)

        changed = call("PATCH", path, self.alice["token"], {"rating": 9, "review": None})
        self.assertEqual(changed.status, 200, changed.body)
        self.assertEqual((changed.json()["data"]["rating"], changed.json()["data"]["review"]), (9, None))
        self.assertEqual(movie(13)["rating_count"], after["rating_count"])

        mine = call("GET", "/api/v1/ratings", self.alice["token"]).json()
        self.assertEqual([x["id"] for x in mine["data"]], [rating["id"]])
        self.assertEqual(mine["meta"]["total"], 1)

        self.assertEqual(call("DELETE", path, self.alice["token"]).status, 204)
        self.assertEqual(movie(13)["rating_count"], before["rating_count"])
        self.assertErrorShape(call("DELETE", path, self.alice["token"]), 404, path)

    def test_movie_reviews_newest_first_with_names(self):
        self.assertEqual(self.rate(self.alice, {"movie_id": "680", "rating": 8, "review": "Royale"}).status, 201)
        self.assertEqual(self.rate(self.bob, {"movie_id": 680, "rating": 6}).status, 201)
        for path in ("/api/v1/ratings/movie/680", "/api/v1/movies/pulp-fiction-1994/reviews"):
            body = get(path + "?limit=100").json()
            mine = [x for x in body["data"] if x["user_id"] in (self.alice["user"]["id"], self.bob["user"]["id"])]
            self.assertEqual([x["user_id"] for x in mine], [self.bob["user"]["id"], self.alice["user"]["id"]], path)
            self.assertEqual(mine[1]["user"]["name"], self.alice["user"]["name"])
            self.assertNotIn("email", mine[1]["user"])
        self.assertErrorShape(get("/api/v1/ratings/movie/999999999"), 404, "/api/v1/ratings/movie/999999999")
        self.assertErrorShape(get("/api/v1/ratings/movie/Bad_Ref"), 400, "/api/v1/ratings/movie/Bad_Ref")

    def test_seed_forms_rate_and_re_rate(self):
        path = "/api/v1/movies/603/rating"
        first = call("POST", path, self.alice["token"], {"rating": 9})
        self.assertEqual(first.status, 201, first.body)
        second = call("POST", path, self.alice["token"], {"rating": 9.5, "review": "Whoa"})
        self.assertEqual(second.status, 200, second.body)
        self.assertEqual(second.json()["data"]["id"], first.json()["data"]["id"])
        summary = call("GET", path, self.alice["token"]).json()["data"]
        self.assertEqual(summary["my_rating"]["rating"], 9.5)
        self.assertIsNone(get(path).json()["data"]["my_rating"])
        reviews = call("GET", "/api/v1/users/me/reviews", self.alice["token"]).json()["data"]
        self.assertEqual([x["review"] for x in reviews], ["Whoa"])
        other = "/api/v1/users/%s/reviews" % self.alice["user"]["id"]
        self.assertErrorShape(call("GET", other, self.bob["token"]), 404, other)

    def test_removing_your_rating_of_a_movie(self):
        path = "/api/v1/movies/680/rating"
        self.assertEqual(call("PUT", path, self.alice["token"], {"rating": 8, "review": "Zed's dead"}).status, 201)
        self.assertEqual(call("PUT", path, self.bob["token"], {"rating": 6}).status, 201)
        before = movie(680)
        self.assertEqual(call("DELETE", path, self.alice["token"]).status, 204)
        self.assertIsNone(call("GET", path, self.alice["token"]).json()["data"]["my_rating"])
        after = movie(680)
        self.assertEqual(after["rating_count"], before["rating_count"] - 1)
        self.assertEqual(call("GET", "/api/v1/users/me/reviews", self.alice["token"]).json()["data"], [])
        self.assertEqual(call("GET", path, self.bob["token"]).json()["data"]["my_rating"]["rating"], 6, "only yours")
        self.assertErrorShape(call("DELETE", path, self.alice["token"]), 404, path)
        self.assertErrorShape(call("DELETE", path, None), 401, path)
        self.assertErrorShape(call("DELETE", "/api/v1/movies/not%20a%20ref/rating", self.alice["token"]), 400,
                              "/api/v1/movies/not%20a%20ref/rating")

    def test_bad_input_changes_nothing(self):
        before = movie(550)
        cases = [
            {"movie_id": 550, "rating": 0},
            {"movie_id": 550, "rating": 10.5},
            {"movie_id": 550, "rating": 7.3},
            {"movie_id": 550, "rating": "8"},
            {"movie_id": 550},
            {"rating": 8},
            {"movie_id": 550, "rating": 8, "review": "x" * 2001},
            {"movie_id": 550, "rating": 8, "user_id": self.bob["user"]["id"]},
            {"movie_id": {"$gt": ""}, "rating": 8},
            {"movie_id": "Fight Club!", "rating": 8},
        ]
        for body in cases:
            self.assertErrorShape(self.rate(self.alice, body), 400, "/api/v1/ratings")
        self.assertErrorShape(self.rate(self.alice, {"movie_id": 999999999, "rating": 8}), 404, "/api/v1/ratings")
        self.assertErrorShape(call("POST", "/api/v1/ratings", None, {"movie_id": 550, "rating": 8}), 401, "/api/v1/ratings")
        self.assertEqual(movie(550), before)
        self.assertEqual(call("GET", "/api/v1/ratings", self.alice["token"]).json()["data"], [])

    def test_fifty_concurrent_raters_leave_an_exact_average(self):
        users = [register() for _ in range(50)]
        before = movie(550)
        scores = [1 + (i % 19) / 2 for i in range(50)]  # 1, 1.5, … 10, …
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(lambda us: self.rate(us[0], {"movie_id": 550, "rating": us[1]}).status,
                                     zip(users, scores)))
        self.assertEqual(statuses, [201] * 50)
        after = movie(550)
        self.assertEqual(after["rating_count"], before["rating_count"] + 50)
        # the average shown before is rounded to two places: earlier ratings' sum is known to
        # within half a hundredth per rating, and the exact average lies in that band
        n, half = before["rating_count"], 0.005 * before["rating_count"]
        low = (before["average_rating"] * n - half + sum(scores)) / after["rating_count"]
        high = (before["average_rating"] * n + half + sum(scores)) / after["rating_count"]
        self.assertTrue(round(low, 2) - 1e-9 <= after["average_rating"] <= round(high, 2) + 1e-9,
                        (after["average_rating"], low, high))


if __name__ == "__main__":
    unittest.main()
