"""The OWASP API Top 10 as black-box tests over every route the workers declare (read from
cgi-bin/*.c, as test_openapi does): no session → 401, a member on an admin route → 403, a cookie
session without the CSRF token → 403, member B on member A's objects → 404 and nothing changed,
operators and odd keys in bodies and query strings → 400, markup in reviews and names escaped on
every page that shows them, and no internal detail in any error. Other files test the single
cases in depth (test_accounts: mass assignment and the JWT list; test_foundation: body limits and
the login rate limit; test_watchlist: CSRF on the lists)."""
import glob
import json
import os
import re
import unittest

from stack import ROOT, get, request
from test_accounts import call, cookie_session, register, sync
from test_foundation import ErrorShape

ROUTE = re.compile(r'\{\s*(MQ_[A-Z_| ]+),\s*"(/[^"]*)",\s*\w+,\s*([^}]*?)\s*\}')
METHODS = {"MQ_GET": "GET", "MQ_POST": "POST", "MQ_PUT": "PUT", "MQ_PATCH": "PATCH", "MQ_DELETE": "DELETE"}
SOMEONE = "5f0c0ffee0c0ffee0c0ffee0"  # a well-formed ObjectId nobody has
INTERNALS = re.compile(r"/work/|/home/|/usr/|\.c:\d|Traceback|mongoc|libbson|bson_|segfault|core dumped", re.I)


class Shape(ErrorShape):
    def assertErrorShape(self, r, status, path=None):
        """The error shape; path (without its query) when given, else whatever path the error names."""
        return super().assertErrorShape(r, status, path.split("?")[0] if path else r.json().get("path"))


def routes(pages=False):
    """(method, path with its parameters filled in, flags) for every API route of every worker
    (every page route with pages set)."""
    out = []
    for source in sorted(glob.glob(os.path.join(ROOT, "cgi-bin", "*.c"))):
        with open(source, encoding="utf-8") as f:
            for methods, pattern, flags in ROUTE.findall(f.read()):
                if pattern.startswith("/api/v1/") == pages:
                    continue
                path = pattern.replace(":movieId", "550").replace(":type", "liked").replace(":id", SOMEONE)
                for m in methods.split("|"):
                    out.append((METHODS[m.strip()], path, {x.strip() for x in flags.split("|")} - {"0"}))
    assert len(out) > 20, out
    return out


class RouteGuardsTest(unittest.TestCase, Shape):
    """API2 authentication and API5 function-level authorisation, route by route."""

    def test_no_session_is_401_everywhere_one_is_needed(self):
        for method, path, flags in routes():
            if flags & {"MQ_NEEDS_AUTH", "MQ_NEEDS_ADMIN"}:
                with self.subTest(method=method, path=path):
                    self.assertErrorShape(call(method, path, body={} if method != "GET" else None), 401, path)

    def test_a_member_is_403_on_every_admin_route(self):
        member = register()
        for method, path, flags in routes():
            if "MQ_NEEDS_ADMIN" in flags:
                with self.subTest(method=method, path=path):
                    self.assertErrorShape(call(method, path, member["token"], {} if method != "GET" else None), 403, path)

    def test_a_member_is_403_on_every_admin_page(self):
        _, jar, cookie = cookie_session()
        pages = [(method, path) for method, path, flags in routes(pages=True) if "MQ_NEEDS_ADMIN" in flags]
        self.assertGreater(len(pages), 10)
        for method, path in pages:
            with self.subTest(method=method, path=path):
                # with the CSRF token: what refuses a change is the role, not a missing token
                r = request(method, path, body=b"_csrf=" + jar["mq_csrf"].encode() if method == "POST" else None,
                            headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
                self.assertEqual(r.status, 403, path)
                self.assertNotIn(b"/api/v1/admin", r.body, "no admin content")

    def test_a_cookie_session_without_the_csrf_token_is_403_on_every_change(self):
        _, _, cookie = cookie_session()
        for method, path, flags in routes():
            if "MQ_CSRF" in flags and "MQ_NEEDS_ADMIN" not in flags and "/auth/" not in path:
                with self.subTest(method=method, path=path):
                    self.assertErrorShape(call(method, path, body={}, headers=cookie), 403, path)
        self.assertEqual(call("GET", "/api/v1/lists", headers=cookie).json()["data"]["movies"], [],
                         "nothing was changed")

    def test_an_admin_cookie_without_the_csrf_token_is_403_too(self):
        data, _, cookie = cookie_session()
        self.assertEqual(sync("admin", data["user"]["email"]).returncode, 0)
        self.assertEqual(call("GET", "/api/v1/admin/audit", headers=cookie).status, 200, "an admin, reading")
        for method, path, flags in routes():
            if {"MQ_CSRF", "MQ_NEEDS_ADMIN"} <= flags:
                with self.subTest(method=method, path=path):
                    self.assertErrorShape(call(method, path, body={}, headers=cookie), 403, path)


class ObjectLevelTest(unittest.TestCase, Shape):
    """API1: member B with member A's ids gets 404 (or 403 on the per-user forms) and A's data
    stays as it was."""

    def test_b_cannot_reach_as_objects(self):
        a, b = register(), register()
        rating = call("POST", "/api/v1/ratings", a["token"], {"movie_id": 550, "rating": 8, "review": "mine"})
        self.assertEqual(rating.status, 201, rating.body)
        rating = rating.json()["data"]
        item = call("POST", "/api/v1/watchlist", a["token"], {"movie_id": 550})
        self.assertEqual(item.status, 201, item.body)
        item = item.json()["data"]
        self.assertEqual(call("PUT", "/api/v1/interactions/watched/550", a["token"]).status, 201)
        for method, path, body in (
                ("GET", f"/api/v1/ratings/{rating['id']}", None),
                ("PATCH", f"/api/v1/ratings/{rating['id']}", {"rating": 1}),
                ("PUT", f"/api/v1/ratings/{rating['id']}", {"rating": 1}),
                ("DELETE", f"/api/v1/ratings/{rating['id']}", None),
                ("GET", f"/api/v1/watchlist/{item['id']}", None),
                ("PATCH", f"/api/v1/watchlist/{item['id']}", {"is_favorite": True}),
                ("PATCH", f"/api/v1/watchlist/{item['id']}/favorite", None),
                ("DELETE", f"/api/v1/watchlist/{item['id']}", None)):
            with self.subTest(method=method, path=path):
                self.assertErrorShape(call(method, path, b["token"], body), 404, path)
        uid = a["user"]["id"]
        for method, path, body in (
                ("GET", f"/api/v1/users/{uid}/watchlist", None),
                ("POST", f"/api/v1/users/{uid}/watchlist", {"movie_id": 680}),
                ("DELETE", f"/api/v1/users/{uid}/watchlist/550", None),
                ("GET", f"/api/v1/users/{uid}/favorites", None),
                ("POST", f"/api/v1/users/{uid}/favorites", {"movie_id": 680}),
                ("GET", f"/api/v1/users/{uid}/history", None),
                ("DELETE", f"/api/v1/users/{uid}/history/550", None)):
            with self.subTest(method=method, path=path):
                r = call(method, path, b["token"], body)
                self.assertIn(r.status, (403, 404), path)
                self.assertErrorShape(r, r.status, path)
        mine = call("GET", f"/api/v1/ratings/{rating['id']}", a["token"]).json()["data"]
        self.assertEqual((mine["rating"], mine["review"]), (8, "mine"))
        lists = call("GET", "/api/v1/lists", a["token"]).json()["data"]["movies"]
        self.assertEqual(len(lists), 1, lists)
        self.assertTrue(lists[0]["watchlist"] and lists[0]["watched"] and not lists[0]["favorite"], lists)


class InjectionTest(unittest.TestCase, Shape):
    """API8: operators, odd keys and malformed ids never reach a query."""

    def test_operators_in_bodies_are_400(self):
        me = register()
        for path, body in (("/api/v1/auth/login", {"email": {"$ne": None}, "password": {"$ne": None}}),
                           ("/api/v1/auth/login", {"email": {"$gt": ""}, "password": "x"}),
                           ("/api/v1/auth/login", {"email": me["user"]["email"], "password": {"$where": "1"}}),
                           ("/api/v1/ratings", {"movie_id": {"$ne": None}, "rating": 8}),
                           ("/api/v1/ratings", {"movie_id": 550, "rating": {"$gt": 0}}),
                           ("/api/v1/watchlist", {"movie_id": {"$where": "sleep(1000)"}}),
                           ("/api/v1/watchlist", {"movie_id": 550, "$set": {"user_id": SOMEONE}}),
                           ("/api/v1/interactions", {"movie_id": 550, "type": {"$in": ["liked"]}})):
            with self.subTest(path=path, body=body):
                self.assertErrorShape(call("POST", path, me["token"], body), 400, path)
        self.assertEqual(call("GET", "/api/v1/lists", me["token"]).json()["data"]["movies"], [])

    def test_odd_keys_in_profile_updates_are_400(self):
        me = register()
        for body in ({"name.first": "x"}, {"$rename": {"name": "role"}}, {"settings": {"$set": 1}},
                     {"preferences": {"genres.0": 18}}):
            with self.subTest(body=body):
                self.assertErrorShape(call("PATCH", "/api/v1/users/me", me["token"], body), 400)

    def test_operators_in_query_strings_are_400(self):
        for query in ("genre[$ne]=1", "genre=%7B%22%24ne%22%3A1%7D", "sort=$where", "year[$gt]=1",
                      "minRating=%24gt", "page[$ne]=1", "language[$regex]=.*", "fields=$where"):
            with self.subTest(query=query):
                self.assertErrorShape(get("/api/v1/movies?" + query), 400, "/api/v1/movies")
        r = get("/api/v1/movies/search?q=" + "fight%2E%2A%28club%7Cx%29%24%5B%5E%5D")  # fight.*(club|x)$[^]
        self.assertEqual(r.status, 200, "a search with regex characters is text, not a pattern")
        self.assertErrorShape(get("/api/v1/movies/search?q=%2E%2A%24"), 400, "/api/v1/movies/search")

    def test_malformed_ids_are_404_or_400(self):
        me = register()
        for bad in ("zzz", "0" * 23, "0" * 25, "%24ne", "..%2F..%2Fetc", "5f0c0ffee0c0ffee0c0ffeeg"):
            for path in (f"/api/v1/ratings/{bad}", f"/api/v1/watchlist/{bad}", f"/api/v1/movies/{bad}",
                         f"/api/v1/users/{bad}/watchlist"):
                with self.subTest(path=path):
                    r = call("GET", path, me["token"])
                    self.assertIn(r.status, (400, 403, 404), path)
                    self.assertErrorShape(r, r.status, path)


class ResourceTest(unittest.TestCase, Shape):
    """API4: page sizes and JSON depth are bounded; the worker survives."""

    def test_page_size_and_depth_limits(self):
        me = register()
        for path in ("/api/v1/movies?limit=1000", "/api/v1/ratings?limit=101", "/api/v1/watchlist?limit=100000",
                     "/api/v1/movies?page=99999999999999999999"):
            with self.subTest(path=path):
                self.assertErrorShape(call("GET", path, me["token"]), 400, path)
        deep = "[" * 5000 + "]" * 5000
        r = request("POST", "/api/v1/ratings", body=deep.encode(),
                    headers={"Authorization": "Bearer " + me["token"], "Content-Type": "application/json"})
        self.assertErrorShape(r, 400)
        self.assertEqual(call("GET", "/api/v1/ratings", me["token"]).status, 200, "the worker still answers")


class XssTest(unittest.TestCase):
    """Markup in a review and a display name is shown as text on every page that shows them."""
    MARKUP = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'

    def test_reviews_and_names_are_escaped(self):
        data, _, cookie = cookie_session()
        token = data["token"]
        self.assertEqual(call("PATCH", "/api/v1/users/me", token, {"name": "Eve " + self.MARKUP[:40]}).status, 200)
        r = call("POST", "/api/v1/ratings", token, {"movie_id": 550, "rating": 7, "review": "Review " + self.MARKUP})
        self.assertEqual(r.status, 201, r.body)
        self.addCleanup(call, "DELETE", f"/api/v1/ratings/{r.json()['data']['id']}", token)
        for path in ("/movies/550", "/movies/550/reviews", "/me", "/me/ratings"):
            with self.subTest(path=path):
                page = request("GET", path, headers=cookie)
                if page.status == 404:
                    continue  # a page this site does not have
                self.assertEqual(page.status, 200, path)
                html = page.body.decode("utf-8")
                self.assertNotIn("<script>alert(1)", html)
                self.assertNotIn("<img src=x", html)
                self.assertNotIn("onerror=alert", html.replace("onerror=alert(2)&gt;", ""))
        self.assertEqual(sync("admin", data["user"]["email"]).returncode, 0)  # the admin's pages too
        for path in ("/admin/users?q=Eve", "/admin/audit"):
            with self.subTest(path=path):
                page = request("GET", path, headers=cookie)
                self.assertEqual(page.status, 200, path)
                self.assertNotIn("<script>alert(1)", page.body.decode("utf-8"))
        self.assertIn("Eve &lt;script&gt;", request("GET", "/admin/users?q=Eve", headers=cookie).body.decode("utf-8"))
        reviews = request("GET", "/movies/550/reviews", headers=cookie).body.decode("utf-8")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", reviews, "the review is there, as text")
        self.assertIn("Eve &lt;script&gt;", reviews, "and its author's name")


class ErrorDisclosureTest(unittest.TestCase):
    """API8/API10: errors say what was wrong with the request, never how the server is built."""

    def test_no_internals_in_errors(self):
        me = register()
        probes = [("GET", "/api/v1/movies?sort=%00"), ("GET", "/api/v1/nowhere"), ("POST", "/api/v1/ratings"),
                  ("GET", "/api/v1/movies/" + "9" * 40), ("GET", "/api/v1/movies/search?q=" + "a" * 5000),
                  ("PATCH", "/api/v1/users/me"), ("DELETE", "/api/v1/watchlist/" + SOMEONE)]
        for method, path in probes:
            for raw in (b"{", b"\xff\xfe", b'{"a":' * 100):
                with self.subTest(method=method, path=path, raw=raw[:8]):
                    r = request(method, path, body=raw if method != "GET" else None,
                                headers={"Authorization": "Bearer " + me["token"], "Content-Type": "application/json"})
                    self.assertLess(r.status, 500, r.body)
                    self.assertIsNone(INTERNALS.search(r.body.decode("utf-8", "replace")), r.body)
                    json.loads(r.body)


if __name__ == "__main__":
    unittest.main()
