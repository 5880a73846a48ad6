"""Sessions and data integrity under attack and under races (the nine findings of an outside
review, each a regression test): no open redirect through next; a refresh token rotates once
however many requests present it at the same moment; logout ends every session of the user,
whatever the client sends; a revoked session is never honoured, on optional-session routes
either; concurrent admin saves keep their own lists; rating aggregates stay exact under twin
deletes and concurrent raters through two workers; /health/tmdb is no TMDB proxy; the
micro-cache keys on the language the page is in; no login CSRF.

Races are run many times over with many simultaneous requests, and each round asserts the exact
outcome, so "usually right" fails."""
import concurrent.futures
import json
import re
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request

from stack import ENV, ROOT, Response, get, request
from test_accounts import call, cookie_session, register
from test_admin import ADMIN, make_admin
from test_auth import unique_email

STANDIN = ENV["TMDB_BASE_URL"].rsplit("/3", 1)[0]
ROUNDS = 5
AT_ONCE = 8


def at_once(fn, args):
    """fn(arg) for every arg, released together from a barrier; the results in order."""
    barrier = threading.Barrier(len(args))

    def run(arg):
        barrier.wait()
        return fn(arg)

    with concurrent.futures.ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(run, args))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def plain(method, path, body=None, headers=None):
    """One exchange that does not follow redirects (a 303 and its Location are what is tested)."""
    req = urllib.request.Request(ENV["BASE_URL"] + path, data=body, method=method,
                                 headers=dict(headers or {}, **{"Cache-Control": "no-cache"}))
    try:
        with _OPENER.open(req, timeout=20) as r:
            return Response(r.status, r.headers, r.read(), 0)
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read(), 0)


def form(path, fields, headers=None):
    body = urllib.parse.urlencode(fields, doseq=True).encode()
    return plain("POST", path, body, dict(headers or {}, **{"Content-Type": "application/x-www-form-urlencoded"}))


def refresh(token):
    return call("POST", "/api/v1/auth/refresh", body={"refresh_token": token})


class OpenRedirectTest(unittest.TestCase):
    """1. next is a same-site path or nothing."""
    BAD = ("/%09/evil.example/x", "/%0a/evil.example/x", "/%0d%0a/evil.example", "/%20/evil.example",
           "//evil.example/", "/%5cevil.example", "https://evil.example/", "%2F%2Fevil.example", "/x%09y")

    def test_signed_in_login_page_never_sends_elsewhere(self):
        _, _, cookie = cookie_session()
        for target in self.BAD:
            with self.subTest(next=target):
                r = plain("GET", "/login?next=" + target, headers=cookie)
                self.assertEqual(r.status, 303)
                self.assertEqual(r.headers["Location"], "/")
        r = plain("GET", "/login?next=/movies%3Fpage%3D2", headers=cookie)
        self.assertEqual(r.headers["Location"], "/movies?page=2")


class RefreshRotationTest(unittest.TestCase):
    """2. Of simultaneous refreshes with one token exactly one wins, and reuse revokes the family."""

    def test_simultaneous_refreshes_fork_nothing(self):
        for round_ in range(ROUNDS):
            s = register()
            results = at_once(lambda _: refresh(s["refresh_token"]), range(AT_ONCE))
            won = [r for r in results if r.status == 200]
            self.assertEqual(len(won), 1, "round %d: %s" % (round_, [r.status for r in results]))
            self.assertEqual(sorted(r.status for r in results), [200] + [401] * (AT_ONCE - 1))
            # the losers were reuses: the winner's family is revoked, its child refreshes nothing
            child = won[0].json()["data"]
            self.assertEqual(refresh(child["refresh_token"]).status, 401, "round %d" % round_)

    def test_rotation_then_reuse(self):
        s = register()
        first = refresh(s["refresh_token"])
        self.assertEqual(first.status, 200)
        second = refresh(first.json()["data"]["refresh_token"])
        self.assertEqual(second.status, 200)
        self.assertEqual(refresh(s["refresh_token"]).status, 401, "a used token is refused")
        self.assertEqual(refresh(second.json()["data"]["refresh_token"]).status, 401, "and its family with it")
        self.assertEqual(call("GET", "/api/v1/users/me", second.json()["data"]["token"]).status, 200,
                         "access tokens already issued live out their short life")


class LogoutEverywhereTest(unittest.TestCase):
    """3. Logout revokes every refresh family and access token of the user, whatever is sent."""

    def devices(self, s, n=3):
        out = []
        for _ in range(n):
            r = call("POST", "/api/v1/auth/login", body={"email": s["user"]["email"], "password": s["password"]})
            self.assertEqual(r.status, 200, r.body)
            out.append(r.json()["data"])
        return out

    def assertAllDead(self, devices):
        for d in devices:
            self.assertEqual(refresh(d["refresh_token"]).status, 401)
            self.assertEqual(call("GET", "/api/v1/users/me", d["token"]).status, 401)

    def test_bearer_only_logout(self):
        s = register()
        phones = self.devices(s)
        self.assertEqual(call("POST", "/api/v1/auth/logout", phones[0]["token"]).status, 200)
        self.assertAllDead(phones + [s])
        # and signing in again works
        self.assertEqual(len(self.devices(s, 1)), 1)

    def test_refresh_token_only_logout(self):
        s = register()
        phones = self.devices(s)
        r = call("POST", "/api/v1/auth/logout", body={"refresh_token": phones[1]["refresh_token"]})
        self.assertEqual(r.status, 200)
        self.assertAllDead(phones + [s])

    def test_page_logout_kills_the_api_refresh_cookie(self):
        data, jar, _ = cookie_session()
        self.assertIn("mq_refresh", jar)
        # what a browser sends to a page: not the refresh cookie, whose Path is /api/
        cookie = {"Cookie": "; ".join("%s=%s" % kv for kv in jar.items() if kv[0] != "mq_refresh")}
        html = get("/logout", headers=cookie).body.decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
        self.assertEqual(form("/logout", {"_csrf": token}, cookie).status, 303)
        r = request("POST", "/api/v1/auth/refresh", headers={"Cookie": "mq_refresh=" + jar["mq_refresh"]})
        self.assertEqual(r.status, 401)
        self.assertEqual(refresh(data["refresh_token"]).status, 401)

    def test_concurrent_logouts_and_refreshes(self):
        """Logging out while other devices refresh: afterwards nothing of the user's lives."""
        for _ in range(ROUNDS):
            s = register()
            phones = self.devices(s, AT_ONCE - 1)
            jobs = [("logout", s["token"])] + [("refresh", p["refresh_token"]) for p in phones]

            def run(job):
                kind, token = job
                if kind == "logout":
                    return call("POST", "/api/v1/auth/logout", token)
                return refresh(token)

            results = at_once(run, jobs)
            self.assertEqual(results[0].status, 200)
            children = [r.json()["data"] for r in results[1:] if r.status == 200]
            self.assertAllDead(phones + children + [s])


class RevokedSessionTest(unittest.TestCase):
    """4. A revoked session is refused wherever the identity is used, sign-in optional or not."""

    def test_optional_routes_see_the_revocation(self):
        data, jar, cookie = cookie_session()
        token = data["token"]
        self.assertEqual(call("GET", "/api/v1/movies/550/rating", token).status, 200)
        self.assertIn(b'name="_csrf"', get("/movies/550", headers=cookie).body)
        self.assertEqual(call("POST", "/api/v1/auth/logout", token).status, 200)

        r = call("GET", "/api/v1/movies/550/rating", token)
        self.assertEqual(r.status, 401)
        self.assertEqual(call("GET", "/api/v1/lists", token).status, 401)
        self.assertEqual(call("GET", "/api/v1/movies/550", token).status, 401,
                         "a revoked bearer token is no visitor (what a movie shows depends on who asks)")
        self.assertEqual(call("GET", "/api/v1/genres", token).status, 200,
                         "the genres' own reads are the same for everyone: they never read the token")
        live = request("GET", "/live", headers=cookie, timeout=5)
        self.assertEqual(live.status, 401)
        page = get("/movies/550", headers=cookie)
        self.assertEqual(page.status, 200)
        self.assertNotIn(b'name="_csrf"', page.body, "shown as to a visitor")
        self.assertNotIn(b'href="/me"', page.body)
        cleared = [c for c in page.headers.get_all("Set-Cookie") or [] if c.startswith("mq_session=;")]
        self.assertTrue(cleared, "the dead session cookie is cleared")
        # a page that needs a session sends to the login form, which shows it (no redirect loop)
        self.assertEqual(plain("GET", "/me", headers=cookie).status, 303)
        self.assertEqual(plain("GET", "/login?next=%2Fme", headers=cookie).status, 200)

    def test_logout_closes_the_open_live_streams(self):
        """A stream opened before the logout ends with it, on every device."""
        from test_live import Stream
        data, _, cookie = cookie_session()
        streams = [Stream(cookie), Stream({"Authorization": "Bearer " + data["token"]})]
        try:
            self.assertEqual([s.status for s in streams], [200, 200])
            self.assertEqual(call("POST", "/api/v1/auth/logout", data["token"]).status, 200)
            for s in streams:
                s.sock.settimeout(5)
                while True:  # until the server closes it (a timeout fails the test)
                    chunk = s.sock.recv(4096)
                    if not chunk:
                        break
        finally:
            for s in streams:
                s.close()

    def test_demoted_admin_loses_admin_links_at_once(self):
        data, _, cookie = cookie_session()
        boss = make_admin()
        self.assertEqual(call("PATCH", f"{ADMIN}/users/{data['user']['id']}/role", boss["token"], {"role": "admin"}).status, 200)
        self.assertIn(b'href="/admin"', get("/", headers=cookie).body)
        self.assertEqual(call("PATCH", f"{ADMIN}/users/{data['user']['id']}/role", boss["token"], {"role": "user"}).status, 200)
        self.assertNotIn(b'href="/admin"', get("/", headers=cookie).body)
        self.assertEqual(plain("GET", "/admin", headers=cookie).status, 403)


class ThreadSafetyTest(unittest.TestCase):
    """5. Concurrent admin saves through one threaded worker keep their own directors lists."""

    def test_concurrent_saves_keep_their_lists(self):
        data, jar, cookie = cookie_session()
        boss = make_admin()
        self.assertEqual(call("PATCH", f"{ADMIN}/users/{data['user']['id']}/role", boss["token"], {"role": "admin"}).status, 200)
        movies = []
        for i in range(AT_ONCE):
            r = call("POST", ADMIN + "/movies", boss["token"], {"title": "Race %d %s" % (i, unique_email()[:8])})
            self.assertEqual(r.status, 201, r.body)
            movies.append(r.json()["data"]["id"])
            self.addCleanup(call, "DELETE", f"{ADMIN}/movies/{movies[-1]}", boss["token"])

        def names(i, round_):  # long lists: the longer each save parses, the more saves overlap
            return ["Director %d-%d-%d" % (i, round_, k) for k in range(400)]

        for round_ in range(ROUNDS):
            def save(i):
                fields = {"_csrf": jar["mq_csrf"], "title": "Race %d" % i, "directors": "\r\n".join(names(i, round_))}
                return form(f"/admin/movies/{movies[i]}", fields, cookie)

            statuses = [r.status for r in at_once(save, range(AT_ONCE))]
            self.assertTrue(all(s in (200, 303) for s in statuses), statuses)
            for i, movie in enumerate(movies):
                got = [d["name"] for d in call("GET", f"/api/v1/movies/{movie}").json()["data"]["directors"]]
                self.assertEqual(got, names(i, round_), "round %d, movie %d" % (round_, i))


class RatingAggregatesTest(unittest.TestCase):
    """6. The movie's rating count and average are exact under twin deletes and concurrent raters."""

    @classmethod
    def setUpClass(cls):
        """A movie of its own (added by hand), so that no other test's ratings meet these."""
        cls.admin = make_admin()
        r = call("POST", ADMIN + "/movies", cls.admin["token"], {"title": "Rating race " + unique_email()[:8]})
        assert r.status == 201, r.body
        cls.MOVIE = r.json()["data"]["id"]

    @classmethod
    def tearDownClass(cls):
        call("DELETE", f"{ADMIN}/movies/{cls.MOVIE}", cls.admin["token"])

    def assertExact(self):
        ratings, page = [], 1
        while True:
            r = get(f"/api/v1/ratings/movie/{self.MOVIE}?limit=100&page={page}").json()
            ratings += [x["rating"] for x in r["data"]]
            if not r["meta"]["hasNextPage"]:
                break
            page += 1
        movie = get(f"/api/v1/movies/{self.MOVIE}").json()["data"]
        self.assertEqual(movie["rating_count"], len(ratings))
        want = sum(ratings) / len(ratings) if ratings else 0
        self.assertAlmostEqual(movie["average_rating"], want, delta=0.005 + 1e-9)  # rounded to cents

    def test_twin_deletes_count_once(self):
        for _ in range(ROUNDS):
            s = register()
            r = call("POST", "/api/v1/ratings", s["token"], {"movie_id": self.MOVIE, "rating": 7})
            self.assertEqual(r.status, 201, r.body)
            rid = r.json()["data"]["id"]
            statuses = sorted(x.status for x in at_once(lambda _: call("DELETE", f"/api/v1/ratings/{rid}", s["token"]),
                                                        range(AT_ONCE)))
            self.assertEqual(statuses.count(404), AT_ONCE - 1, statuses)
            self.assertIn(statuses[0], (200, 204))
            self.assertExact()

    def test_twin_list_removals_answer_once(self):
        """The same decision for the watchlist and the interactions: one removal succeeds."""
        for _ in range(ROUNDS):
            s = register()
            r = call("POST", "/api/v1/watchlist", s["token"], {"movie_id": self.MOVIE})
            self.assertEqual(r.status, 201, r.body)
            item = r.json()["data"]["id"]
            self.assertEqual(call("PUT", f"/api/v1/interactions/liked/{self.MOVIE}", s["token"]).status // 100, 2)
            for path in (f"/api/v1/watchlist/{item}", f"/api/v1/interactions/liked/{self.MOVIE}"):
                statuses = sorted(x.status for x in at_once(lambda _: call("DELETE", path, s["token"]), range(AT_ONCE)))
                self.assertEqual(statuses.count(404), AT_ONCE - 1, (path, statuses))

    def test_concurrent_raters_through_two_workers(self):
        """Half rate through the API (ratings worker), half through the movie page's form
        (movies worker), all at once; then they change and remove them, all at once."""
        for round_ in range(ROUNDS):
            raters = [register() for _ in range(AT_ONCE // 2)] + [cookie_session()[1:] for _ in range(AT_ONCE // 2)]

            def rate(job):
                i, who = job
                value = 1 + (i * 3 + round_) % 10
                if isinstance(who, dict):
                    return call("PUT", f"/api/v1/movies/{self.MOVIE}/rating", who["token"], {"rating": value})
                jar, cookie = who
                return form(f"/movies/{self.MOVIE}/review", {"_csrf": jar["mq_csrf"], "rating": str(value)}, cookie)

            for r in at_once(rate, list(enumerate(raters))):
                self.assertIn(r.status, (200, 201, 303), r.body[:200])
            self.assertExact()
            for r in at_once(rate, [(i + 5, who) for i, who in enumerate(raters)]):
                self.assertIn(r.status, (200, 201, 303), r.body[:200])
            self.assertExact()
            api = [w for w in raters if isinstance(w, dict)]

            def unrate(who):
                mine = call("GET", f"/api/v1/movies/{self.MOVIE}/rating", who["token"]).json()["data"]["my_rating"]
                return call("DELETE", f"/api/v1/ratings/{mine['id']}", who["token"])

            for r in at_once(unrate, api):
                self.assertIn(r.status, (200, 204))
            self.assertExact()


class HealthTmdbTest(unittest.TestCase):
    """7. /health/tmdb answers from a short-lived check and is rate-limited: no TMDB proxy."""

    def stats(self):
        with urllib.request.urlopen(STANDIN + "/__control/stats", timeout=5) as r:
            return json.load(r)["by_path"].get("/3/configuration", 0)

    def test_a_burst_makes_at_most_a_few_tmdb_calls(self):
        before = self.stats()
        results = at_once(lambda _: get("/api/v1/health/tmdb"), range(40))
        calls = self.stats() - before
        statuses = [r.status for r in results]
        self.assertLessEqual(calls, 2, "TMDB calls for 40 health checks")
        self.assertIn(429, statuses, "nginx limits the endpoint")
        ok = [r.json()["data"]["tmdb"] for r in results if r.status == 200]
        self.assertTrue(ok and all(t["status"] == "up" and t["checked_at"] for t in ok))


class LanguageCacheTest(unittest.TestCase):
    """8. The micro-cache serves each visitor the language the worker would choose for them."""

    def lang(self, accept_language, path="/genres"):
        headers = {"Accept-Language": accept_language} if accept_language is not None else {}
        html = get(path, headers=headers, micro_cache=True).body.decode()
        return re.search(r'<html lang="(\w+)"', html).group(1)

    def test_refused_persian_never_poisons_the_persian_page(self):
        path = "/genres?n=" + unique_email()[:8]  # a key no other test has warmed
        self.assertEqual(self.lang("fa;q=0", path), "en")
        self.assertEqual(self.lang("fa", path), "fa")
        self.assertEqual(self.lang("fab", path), "en")
        self.assertEqual(self.lang("fa-IR", path), "fa")

    def test_the_shared_cases(self):
        with open(f"{ROOT}/tests/lang-cases.txt", encoding="utf-8") as f:
            cases = [line.rstrip("\n").split("|", 1) for line in f if "|" in line and not line.startswith("#")]
        self.assertGreater(len(cases), 20)
        for want, header in cases:
            header = header.replace("\\t", "\t")
            with self.subTest(accept_language=header):
                self.assertEqual(self.lang(header, "/?c=" + urllib.parse.quote(header)), want)
                self.assertEqual(self.lang(header, "/?c=" + urllib.parse.quote(header)), want, "from the cache")


class LoginCsrfTest(unittest.TestCase):
    """9. Another site can neither sign a visitor in nor post anything as them."""

    def test_cross_site_login_and_register_are_refused(self):
        s = register()
        fields = {"email": s["user"]["email"], "password": s["password"]}
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                        {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}):
            with self.subTest(headers=headers):
                r = form("/login", fields, headers)
                self.assertEqual(r.status, 403)
                self.assertNotIn("mq_session", str(r.headers.get_all("Set-Cookie")))
                self.assertEqual(form("/register", {"email": unique_email(), "password": "correct horse", "name": "X"},
                                      headers).status, 403)
                self.assertEqual(call("POST", "/api/v1/auth/login", body=fields, headers=headers).status, 403)

    def test_forms_need_the_pre_session_token(self):
        s = register()
        fields = {"email": s["user"]["email"], "password": s["password"]}
        self.assertEqual(form("/login", fields).status, 403, "no token: a cross-site post from an old browser")
        r = get("/login")
        pre = next(c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") if c.startswith("mq_presession="))
        token = re.search(r'name="_csrf" value="([^"]+)"', r.body.decode()).group(1)
        self.assertIn("HttpOnly", next(c for c in r.headers.get_all("Set-Cookie") if c.startswith("mq_presession=")))
        self.assertEqual(form("/login", dict(fields, _csrf=token)).status, 403, "the token without its cookie")
        self.assertEqual(form("/login", dict(fields, _csrf="x" * 43), {"Cookie": pre}).status, 403)
        same = {"Cookie": pre, "Origin": ENV["BASE_URL"], "Sec-Fetch-Site": "same-origin"}
        r = form("/login", dict(fields, _csrf=token), same)
        self.assertEqual(r.status, 303)
        self.assertIn("mq_session=", str(r.headers.get_all("Set-Cookie")))

    def test_api_clients_without_browser_headers_still_work(self):
        s = register()
        r = call("POST", "/api/v1/auth/login", body={"email": s["user"]["email"], "password": s["password"]},
                 headers={"Origin": ENV["BASE_URL"]})
        self.assertEqual(r.status, 200)


if __name__ == "__main__":
    unittest.main()
