"""Black-box tests of personalised recommendations: neighbours learnt by marquee-sync from what
members rated, a reason for every movie, nothing the member rated, watched or turned down, a list
that follows the member's changes, the cold start from favourite genres, and the pages."""
import re
import unittest

from stack import request
from test_accounts import call, cookie_session, register
from test_admin import make_admin
from test_sync import FIRST, control, sync

RECS = "/api/v1/user/recommendations"


def recommended(user, limit=10):
    r = call("GET", f"{RECS}?limit={limit}", user["token"])
    assert r.status == 200, r.body
    return r.json()["data"]


class RecommendationsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        control("POST", "/__control/reset")
        control("POST", "/__control/synthetic", {"movies": 60})
        for args in (("genres",), ("popular", "--pages", "3")):  # reasons name genres
            r = sync(*args)
            assert r.returncode == 0, r.stdout + r.stderr
        # five members who all loved the same five movies; a sixth who has seen two of them
        cls.crowd = [register() for _ in range(5)]
        cls.group = list(range(FIRST + 50, FIRST + 55))
        for u in cls.crowd:
            for m in cls.group:
                assert call("POST", "/api/v1/ratings", u["token"], {"movie_id": m, "rating": 9}).status == 201
        r = sync("neighbours")
        assert r.returncode == 0, r.stdout + r.stderr

    @classmethod
    def tearDownClass(cls):
        control("POST", "/__control/reset")

    def member_who_loved(self, *movies):
        me = register()
        for m in movies:
            self.assertEqual(call("POST", "/api/v1/ratings", me["token"], {"movie_id": m, "rating": 10}).status, 201)
        return me

    def test_the_crowds_other_favourites_come_first_with_their_reason(self):
        me = self.member_who_loved(self.group[0], self.group[1])
        recs = recommended(me)
        top3 = {m["tmdb_id"] for m in recs[:3]}
        self.assertEqual(top3, set(self.group[2:]), recs[:3])
        for m in recs[:3]:
            self.assertEqual(m["reason"]["kind"], "because")
            self.assertIn(m["reason"]["title"], (f"Synthetic Movie {self.group[0]}", f"Synthetic Movie {self.group[1]}"))
            self.assertTrue(m["poster_url"].startswith("/img/"))
        self.assertTrue(all(m["reason"]["kind"] in ("because", "genre", "popular") for m in recs))
        self.assertNotIn(self.group[0], [m["tmdb_id"] for m in recs], "never what the member rated")
        self.assertEqual(len({m["tmdb_id"] for m in recs}), len(recs), "no repeats")

    def test_the_list_follows_the_members_changes(self):
        me = self.member_who_loved(self.group[0])
        first = [m["tmdb_id"] for m in recommended(me)]
        self.assertIn(self.group[1], first)
        # watched it: gone; turned another down ("not interested"): gone too
        self.assertEqual(call("PUT", f"/api/v1/interactions/watched/{self.group[1]}", me["token"]).status, 201)
        self.assertEqual(call("PUT", f"/api/v1/interactions/disliked/{self.group[2]}", me["token"]).status, 201)
        after = [m["tmdb_id"] for m in recommended(me)]
        self.assertNotIn(self.group[1], after)
        self.assertNotIn(self.group[2], after)
        self.assertIn(self.group[3], after)

    def test_hidden_movies_are_never_recommended(self):
        admin = make_admin()
        ids = {m: call("GET", f"/api/v1/movies/{m}?fields=id").json()["data"]["id"] for m in self.group[2:4]}

        def admin_call(method, path):
            self.assertEqual(call(method, f"/api/v1/admin/movies/{path}", admin["token"]).status, 200)

        def restore():
            for movie in ids.values():
                admin_call("POST", f"{movie}/restore")
            self.assertEqual(sync("neighbours").returncode, 0)
        self.addCleanup(restore)
        admin_call("DELETE", ids[self.group[2]])  # before the neighbours are learnt
        self.assertEqual(sync("neighbours").returncode, 0)
        admin_call("DELETE", ids[self.group[3]])  # after
        me = self.member_who_loved(self.group[0], self.group[1])
        recs = [m["tmdb_id"] for m in recommended(me, 20)]
        self.assertIn(self.group[4], recs)
        self.assertNotIn(self.group[2], recs)
        self.assertNotIn(self.group[3], recs)

    def test_a_new_member_starts_from_their_favourite_genres(self):
        me = register()
        self.assertEqual(call("GET", RECS, me["token"]).status, 200, "no taste yet: still an answer")
        self.assertEqual(call("POST", "/api/v1/user/preferences", me["token"], {"genres": [18]}).status, 200)
        recs = recommended(me)
        self.assertTrue(recs)
        drama = [m for m in recs if m["reason"]["kind"] == "genre"]
        self.assertTrue(drama, recs)
        for m in drama[:3]:
            self.assertIn(18, [g["id"] for g in m.get("genres", [])] or [18])

    def test_errors(self):
        self.assertEqual(call("GET", RECS).status, 401)
        me = register()
        for bad in ("limit=0", "limit=51", "limit=x", "language=de", "sort=new"):
            r = call("GET", f"{RECS}?{bad}", me["token"])
            self.assertEqual(r.status, 400, bad)

    def test_the_page_and_the_home_row(self):
        data, jar, cookie = cookie_session()
        for m in self.group[:2]:
            r = call("POST", "/api/v1/ratings", data["token"], {"movie_id": m, "rating": 10})
            self.assertEqual(r.status, 201)
        page = request("GET", "/me/recommendations", headers=cookie)
        self.assertEqual(page.status, 200)
        html = page.body.decode()
        # the title is set apart in the sentence (U+2068 … U+2069) for right-to-left pages
        self.assertIn(f"Because you liked \u2068Synthetic Movie {self.group[0]}\u2069", html.replace("&#39;", "'"))
        self.assertEqual(len(re.findall(r'class="not-interested"', html)), html.count('class="card"'))
        home = request("GET", "/", headers=cookie).body.decode()
        self.assertIn('data-src="/api/v1/user/recommendations?limit=12&amp;language=en"', home)
        anonymous = request("GET", "/").body.decode()
        self.assertNotIn("/api/v1/user/recommendations", anonymous)
        signed_out = request("GET", "/me/recommendations")  # redirected to the login page
        self.assertIn('action="/login', signed_out.body.decode())
        self.assertNotIn("recs-title", signed_out.body.decode())


if __name__ == "__main__":
    unittest.main()
