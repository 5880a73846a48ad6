"""Black-box tests of age-appropriate content (issue 20): every read path shows a visitor, a
15-year-old member in the US, an adult who has not opted in to adult titles and one who has
exactly what the audience rule lets them see.

The stand-in's audience titles (tests/tmdb-standin/standin.py, AUDIENCE_MOVIES): Family Picnic
(G everywhere), Teen Heist (PG-13), Night Rider (US R: 17; DE 16), Harbour Lights (DE 16 and no
US rating), and two adult titles, Velvet Hours and After Dark. The stack runs with the default
VISITOR_AGE (18: a visitor sees every title that is not adult). Quokka Ensemble Player (ENSEMBLE)
acts in all six and produced Night Rider and Velvet Hours."""
import datetime
import time
import unittest

from stack import get, request
from test_accounts import call, register
from test_admin import make_admin
from test_sync import control

PICNIC, HEIST, NIGHT, VELVET, HARBOUR, DARK = range(9100001, 9100007)
TITLES = {PICNIC: "Quokka Family Picnic", HEIST: "Quokka Teen Heist", NIGHT: "Quokka Night Rider",
          VELVET: "Quokka Velvet Hours", HARBOUR: "Quokka Harbour Lights", DARK: "Quokka After Dark"}
ADULT = {VELVET, DARK}
ENSEMBLE, ENSEMBLE_SLUG, PRODUCED = 9100100, "quokka-ensemble-player-9100100", {NIGHT, VELVET}


def born_years_ago(years):
    today = datetime.date.today() - datetime.timedelta(days=40)
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


def status_soon(path, token, expected, seconds=3.0):
    """The status of GET path for the member of token once it is expected, or the last one after
    seconds: another member sees a curator's change within a few seconds (a worker process looks
    for a newer catalogue at most once a second for members: README, "Fast at real size")."""
    deadline = time.monotonic() + seconds
    while True:
        status = call("GET", path, token).status
        if status == expected or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def ids(items):
    return {m.get("tmdb_id") for m in items}


def listed(path, token=None):
    r = call("GET", path, token)
    assert r.status == 200, (path, r.status, r.body)
    return r.json()["data"]


class AudienceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        control("POST", "/__control/reset")
        cls.teen = register(date_of_birth=born_years_ago(15))
        cls.grown = register(date_of_birth=born_years_ago(30))
        cls.opted = register(date_of_birth=born_years_ago(30))
        r = call("PATCH", "/api/v1/users/me", cls.opted["token"], {"settings": {"adult_content": True}})
        assert r.status == 200, r.body
        # every title not adult enters the catalogue through a visitor's fetch; one adult title
        # through the opted-in adult's
        for movie in (PICNIC, HEIST, NIGHT, HARBOUR):
            r = get(f"/api/v1/movies/{movie}")
            assert r.status == 200, (movie, r.body)
        r = call("GET", f"/api/v1/movies/{VELVET}", cls.opted["token"])
        assert r.status == 200, r.body
        cls.personas = {"visitor": None, "teen": cls.teen["token"], "grown": cls.grown["token"],
                        "opted": cls.opted["token"]}

    @classmethod
    def tearDownClass(cls):
        control("POST", "/__control/reset")

    def visible(self, persona):
        """The audience titles persona may see."""
        if persona == "opted":
            return set(TITLES)
        if persona == "teen":
            return {PICNIC, HEIST, HARBOUR}
        return set(TITLES) - ADULT

    def check_list(self, path, stored_only=False, among=None):
        """path's audience titles for each persona are exactly what they may see (of those the
        list can hold: among, and the catalogue's when stored_only)."""
        for persona, token in self.personas.items():
            got = ids(listed(path, token)) & set(TITLES)
            want = self.visible(persona) & (among if among is not None else set(TITLES))
            if stored_only:  # After Dark is stored once the opted-in adult opened it (an earlier run's too)
                want -= {DARK}
                got -= {DARK}
            self.assertEqual(got, want, f"{persona}: {path}")

    def test_stored_documents_carry_the_adult_flag_and_the_age_per_region(self):
        night = listed(f"/api/v1/movies/{NIGHT}?fields=adult,age_limits,min_age,certification")
        self.assertFalse(night["adult"])
        self.assertEqual(night["age_limits"], {"US": 17, "GB": 18, "DE": 16, "FR": 16, "AU": 15, "IT": 14,
                                               "ES": 16, "CA": 18})
        self.assertEqual(night["certification"], "R")
        velvet = listed(f"/api/v1/movies/{VELVET}?fields=adult,age_limits", self.opted["token"])
        self.assertEqual((velvet["adult"], velvet["age_limits"]), (True, {"US": 18, "DE": 18}))

    def test_a_movie_by_id_answers_404_to_whoever_may_not_see_it(self):
        for persona, token in self.personas.items():
            for movie in (PICNIC, HEIST, NIGHT, VELVET, HARBOUR):
                r = call("GET", f"/api/v1/movies/{movie}", token)
                self.assertEqual(r.status, 200 if movie in self.visible(persona) else 404, (persona, movie, r.body))
                if r.status == 404:
                    self.assertEqual(r.json()["message"], "No such movie")
        # by slug too, and the pages
        slug = listed(f"/api/v1/movies/{NIGHT}?fields=slug")["slug"]
        self.assertEqual(call("GET", f"/api/v1/movies/{slug}", self.teen["token"]).status, 404)
        teen_page = {"Cookie": "mq_session=" + self.teen["token"]}
        for path in (f"/movies/{NIGHT}", f"/movies/{slug}", f"/movies/{NIGHT}/similar", f"/movies/{NIGHT}/reviews"):
            self.assertEqual(get(path, headers=teen_page).status, 404, path)
            self.assertEqual(get(path).status, 200, path)
        self.assertEqual(get(f"/movies/{VELVET}").status, 404)
        self.assertEqual(get(f"/movies/{VELVET}", headers={"Cookie": "mq_session=" + self.opted["token"]}).status, 200)

    def test_fetch_through_brings_adult_titles_only_for_an_opted_in_adult(self):
        # an adult title only TMDB has (a new one each run: the catalogue keeps what it stored)
        movie = 9_200_000 + int(datetime.datetime.now().timestamp() * 1000) % 99_999
        control("POST", f"/__control/movies/{movie}", {"adult": True, "title": f"Quokka Adult {movie}"})
        for persona in ("visitor", "teen", "grown"):
            self.assertEqual(call("GET", f"/api/v1/movies/{movie}", self.personas[persona]).status, 404, persona)
        self.assertNotIn(movie, ids(listed(f"/api/v1/movies/search?q=quokka%20adult%20{movie}", self.opted["token"])))
        r = call("GET", f"/api/v1/movies/{movie}", self.opted["token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["X-Catalog"], "FETCHED")
        self.assertTrue(r.json()["data"]["adult"])
        # stored now, and still hidden from everyone else
        self.assertEqual(call("GET", f"/api/v1/movies/{movie}", self.grown["token"]).status, 404)
        self.assertEqual(get(f"/api/v1/movies/{movie}").status, 404)
        self.assertIn(movie, ids(listed(f"/api/v1/movies/search?q=quokka%20adult%20{movie}", self.opted["token"])))
        self.assertNotIn(movie, ids(listed(f"/api/v1/movies/search?q=quokka%20adult%20{movie}", self.grown["token"])))
        # and the seed forms that would store a movie refuse it as absent
        self.assertEqual(call("POST", "/api/v1/watchlist", self.grown["token"], {"movie_id": movie}).status, 404)
        self.assertEqual(call("POST", "/api/v1/watchlist", self.grown["token"], {"movie_id": DARK}).status, 404)
        self.assertEqual(call("POST", "/api/v1/ratings", self.teen["token"], {"movie_id": NIGHT, "rating": 8}).status, 404)

    def test_catalogue_lists_genre_lists_and_search(self):
        self.check_list("/api/v1/movies?genre=10770&limit=100", stored_only=True)
        self.check_list("/api/v1/genres/10770/movies?limit=100", stored_only=True)
        self.check_list("/api/v1/movies/search?q=quokka&limit=100", stored_only=True)
        for persona, token in self.personas.items():
            r = call("GET", "/api/v1/movies/search?q=quokka&limit=100", token)
            self.assertEqual(r.headers["X-Search-Source"], "catalog")
            self.assertEqual(r.json()["meta"]["total"], len(ids(r.json()["data"])), persona)
        # the pages: the teen's genre page and search page leave Night Rider out
        teen_page = {"Cookie": "mq_session=" + self.teen["token"]}
        for path in ("/genres/10770", "/search?q=quokka", "/movies?genre=10770"):
            self.assertNotIn(TITLES[NIGHT], get(path, headers=teen_page).body.decode(), path)
            self.assertIn(TITLES[NIGHT], get(path).body.decode(), path)
            self.assertNotIn(TITLES[VELVET], get(path).body.decode(), path)

    def test_a_persons_filmography_api_and_page(self):
        for persona, token in self.personas.items():
            for ref in (ENSEMBLE, ENSEMBLE_SLUG):
                person = listed(f"/api/v1/people/{ref}", token)
                self.assertEqual(ids(person["acting"]), self.visible(persona), (persona, ref))
                self.assertEqual(ids(person["crew"]), self.visible(persona) & PRODUCED, (persona, ref))
            night = next((c for c in person["acting"] if c["tmdb_id"] == NIGHT), None)
            if night:  # the catalogue's movie, first-class
                self.assertTrue(night["in_catalog"], night)
            cookie = {"Cookie": "mq_session=" + token} if token else {}
            for lang in ("", "?lang=fa"):
                r = get(f"/people/{ENSEMBLE}{lang}", headers=cookie)
                self.assertEqual(r.status, 200, (persona, r.body[:300]))
                html = r.body.decode()
                for movie, title in TITLES.items():
                    if movie in self.visible(persona):
                        self.assertIn(title, html, (persona, lang))
                    else:
                        self.assertNotIn(title, html, (persona, lang))
                        self.assertNotIn(f'/movies/{movie}"', html, (persona, lang))

    def test_search_of_movies_and_people(self):
        for persona, token in self.personas.items():
            r = call("GET", "/api/v1/search?q=quokka&limit=50", token)
            self.assertEqual(r.status, 200, r.body)
            found = r.json()["data"]
            self.assertEqual(found["sources"]["movies"], "catalog")
            got, want = ids(found["movies"]) - {DARK}, self.visible(persona) - {DARK}
            self.assertEqual(got & set(TITLES), want, persona)
            self.assertIn(ENSEMBLE, ids(found["people"]), persona)
            # TMDB's search when the catalogue has no match: gated the same way
            found = listed(f"/api/v1/search?q=quokka%20tmdb%20both%20{persona}&limit=50", token)
            self.assertEqual(found["sources"]["movies"], "tmdb")
            self.assertEqual(ids(found["movies"]) & set(TITLES), self.visible(persona), persona)
        # an adult performer is no one's result (people are never adult here)
        for token in self.personas.values():
            found = listed("/api/v1/search?q=velvet%20adult%20performer", token)
            self.assertEqual(found["people"], [])
        teen_page = {"Cookie": "mq_session=" + self.teen["token"]}
        html = get("/search?q=quokka", headers=teen_page).body.decode()
        self.assertIn("Quokka Ensemble Player", html)
        self.assertNotIn(TITLES[NIGHT], html)

    def test_tmdb_search_fallback_passes_include_adult_and_is_gated(self):
        control("POST", "/__control/reset")  # counts the requests from here
        for persona, token in self.personas.items():
            r = call("GET", "/api/v1/movies/search?q=quokka%20tmdb%20" + persona, token)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.headers["X-Search-Source"], "tmdb")
            self.assertEqual(ids(r.json()["data"]) & set(TITLES), self.visible(persona), persona)
        searches = [q for q in control("GET", "/__control/stats")["requests"] if q["path"] == "/3/search/movie"]
        self.assertEqual(len(searches), 4, searches)
        for q in searches:  # said every time: true only for the adult who opted in
            self.assertIn("include_adult=true" if "opted" in q["query"] else "include_adult=false", q["query"])

    def test_similar_recommendations_and_tmdb_lists(self):
        self.check_list(f"/api/v1/movies/{PICNIC}/similar", among=set(TITLES) - {PICNIC})
        self.check_list(f"/api/v1/movies/{PICNIC}/recommendations", among=set(TITLES) - {PICNIC})
        control("POST", "/__control/audience", {"lists": True})
        try:
            import time
            time.sleep(2.2)  # the stack's TMDB cache keeps an answer 2 s
            # After Dark is in the catalogue or not depending on the order of the tests: a
            # 15-year-old is never shown a TMDB title the catalogue cannot vouch for, adult or not
            for path in ("/api/v1/movies/popular", "/api/v1/movies/trending?window=week",
                         "/api/v1/movies/trending?window=day", "/api/v1/tmdb/movies/popular"):
                self.check_list(path)
            teen_page = {"Cookie": "mq_session=" + self.teen["token"]}
            home = get("/", headers=teen_page).body.decode()
            self.assertIn(TITLES[PICNIC], home)
            for movie in (NIGHT, VELVET, DARK):
                self.assertNotIn(TITLES[movie], home)
            home = get("/").body.decode()
            self.assertIn(TITLES[NIGHT], home)
            self.assertNotIn(TITLES[VELVET], home)
            opted_home = get("/", headers={"Cookie": "mq_session=" + self.opted["token"]}).body.decode()
            self.assertIn(TITLES[VELVET], opted_home)
        finally:
            control("POST", "/__control/audience", {"lists": False})

    def test_member_recommendations_and_the_discover_fallback(self):
        for persona in ("teen", "grown", "opted"):
            token = self.personas[persona]
            self.assertEqual(call("POST", "/api/v1/user/preferences", token, {"genres": [10770]}).status, 200)
            got = ids(listed("/api/v1/user/recommendations?limit=50", token)) & set(TITLES)
            self.assertTrue(got <= self.visible(persona), (persona, got))
            if persona == "teen":
                self.assertNotIn(NIGHT, got)
            if persona == "opted":
                self.assertIn(VELVET, got)  # discover with include_adult=true

    def test_lists_and_ratings_hide_what_a_member_may_no_longer_see(self):
        kid = register()  # no date of birth yet: treated as a visitor
        token = kid["token"]
        for path, body in (("/api/v1/watchlist", {"movie_id": NIGHT}), ("/api/v1/users/me/favorites", {"movie_id": NIGHT}),
                           ("/api/v1/ratings", {"movie_id": NIGHT, "rating": 7}),
                           ("/api/v1/interactions", {"movie_id": NIGHT, "type": "watched"}),
                           ("/api/v1/watchlist", {"movie_id": PICNIC})):
            r = call("POST", path, token, body)
            self.assertIn(r.status, (200, 201), (path, r.body))
        reads = ("/api/v1/watchlist", "/api/v1/users/me/watchlist", "/api/v1/users/me/favorites",
                 "/api/v1/users/me/history", "/api/v1/interactions", "/api/v1/ratings")

        def movies_of(path):
            return {(e.get("movie") or {}).get("tmdb_id") or e.get("movie_id") for e in listed(path, token)}

        before = {path: movies_of(path) for path in reads}
        self.assertIn(NIGHT, before["/api/v1/watchlist"])
        etag = call("GET", "/api/v1/watchlist", token).headers["ETag"]
        self.assertEqual(len(listed("/api/v1/ratings", token)), 1)
        # now the member says they are 15: Night Rider (R) leaves every list they read
        r = call("PATCH", "/api/v1/users/me", token, {"date_of_birth": born_years_ago(15)})
        self.assertEqual(r.status, 200, r.body)
        r = call("GET", "/api/v1/watchlist", token, headers={"If-None-Match": etag})
        self.assertEqual(r.status, 200, "the list's version moved with the date of birth: no 304 of the old list")
        for path in reads:
            self.assertNotIn(NIGHT, movies_of(path), path)
        self.assertEqual(listed("/api/v1/ratings", token), [])
        r = call("GET", "/api/v1/watchlist", token)
        self.assertEqual(r.json()["meta"]["total"], 1)  # Family Picnic
        # the seed forms of the movie answer as if it were absent
        for method, path in (("GET", f"/api/v1/movies/{NIGHT}/rating"), ("GET", f"/api/v1/ratings/movie/{NIGHT}"),
                             ("GET", f"/api/v1/movies/{NIGHT}/reviews"),
                             ("POST", f"/api/v1/movies/{NIGHT}/rating")):
            r = call(method, path, token, {"rating": 5} if method == "POST" else None)
            self.assertEqual(r.status, 404, (method, path, r.body))
        page = get("/me/watchlist", headers={"Cookie": "mq_session=" + token}).body.decode()
        self.assertIn(TITLES[PICNIC], page)
        self.assertNotIn(TITLES[NIGHT], page)

    def test_region_decides_which_certification_applies(self):
        me = register(date_of_birth=born_years_ago(15))
        token = me["token"]
        self.assertEqual(call("GET", f"/api/v1/movies/{HARBOUR}", token).status, 200)  # no US rating
        r = call("PATCH", "/api/v1/users/me", token, {"settings": {"region": "DE"}})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["settings"]["region"], "DE")
        self.assertIn("mq_region=DE", " ".join(r.headers.get_all("Set-Cookie") or []))
        self.assertEqual(call("GET", f"/api/v1/movies/{HARBOUR}", token).status, 404)  # DE 16
        self.assertEqual(call("GET", f"/api/v1/movies/{NIGHT}", token).status, 404)  # DE 16 too
        self.assertEqual(call("GET", f"/api/v1/movies/{HEIST}", token).status, 200)  # DE 12
        r = call("PATCH", "/api/v1/users/me", token, {"settings": {"region": None}})
        self.assertIsNone(r.json()["data"]["settings"]["region"])
        self.assertIn("mq_region=;", " ".join(r.headers.get_all("Set-Cookie") or []))
        self.assertEqual(call("GET", f"/api/v1/movies/{HARBOUR}", token).status, 200)
        # a Persian member without a region: Iran's ratings, else the reference (US) ones
        call("PATCH", "/api/v1/users/me", token, {"settings": {"language": "fa"}})
        self.assertEqual(call("GET", f"/api/v1/movies/{NIGHT}", token).status, 404)  # no IR rating: US R
        self.assertEqual(call("GET", f"/api/v1/movies/{PICNIC}", token).status, 200)

    def test_settings_refuse_adult_titles_below_18_and_unknown_regions(self):
        r = call("PATCH", "/api/v1/users/me", self.teen["token"], {"settings": {"adult_content": True}})
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("adult_content", r.body.decode())
        nobody = register()  # no date of birth
        r = call("PATCH", "/api/v1/users/me", nobody["token"], {"settings": {"adult_content": True}})
        self.assertEqual(r.status, 400, r.body)
        r = call("PATCH", "/api/v1/users/me", nobody["token"],
                 {"date_of_birth": born_years_ago(20), "settings": {"adult_content": True}})
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.json()["data"]["settings"]["adult_content"])
        self.assertEqual(call("GET", f"/api/v1/movies/{VELVET}", nobody["token"]).status, 200)
        r = call("PATCH", "/api/v1/users/me", nobody["token"], {"settings": {"region": "ZZ"}})
        self.assertEqual(r.status, 400, r.body)
        me = listed("/api/v1/users/me", self.grown["token"])
        self.assertEqual((me["settings"]["adult_content"], me["settings"]["region"]), (False, None))

    def test_a_curator_marks_a_movie_adult_or_sets_its_minimum_age(self):
        admin = make_admin()
        movie_id = listed(f"/api/v1/movies/{PICNIC}?fields=id")["id"]
        path = f"/api/v1/admin/movies/{movie_id}"
        try:
            r = call("PATCH", path, admin["token"], {"adult": True})
            self.assertEqual(r.status, 200, r.body)
            self.assertIn("adult", r.json()["data"]["locked_fields"])
            self.assertEqual(get(f"/api/v1/movies/{PICNIC}").status, 404)
            self.assertNotIn(PICNIC, ids(listed("/api/v1/genres/10770/movies?limit=100")))
            self.assertNotIn(PICNIC, ids(listed(f"/api/v1/movies/{HEIST}/similar")))  # a TMDB list: the curator's word
            self.assertEqual(status_soon(f"/api/v1/movies/{PICNIC}", self.opted["token"], 200), 200)
            r = call("PATCH", path, admin["token"], {"adult": False, "min_age": 16})
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["data"]["min_age"], 16)
            self.assertEqual(status_soon(f"/api/v1/movies/{PICNIC}", self.teen["token"], 404), 404)
            self.assertEqual(status_soon(f"/api/v1/movies/{PICNIC}", self.grown["token"], 200), 200)
            self.assertEqual(get(f"/api/v1/movies/{PICNIC}").status, 200)
            for bad in ({"min_age": 19}, {"min_age": 12.5}, {"min_age": "12"}, {"adult": None}, {"adult": "yes"}):
                self.assertEqual(call("PATCH", path, admin["token"], bad).status, 400, bad)
            audit = listed(f"/api/v1/admin/audit?movie={movie_id}&action=movie.edit", admin["token"])
            fields = {c["field"] for e in audit for c in e.get("changes", [])}
            self.assertTrue({"adult", "min_age"} <= fields, audit)
            # the curator's age over the certifications: 12 lets the teen see Night Rider (R)
            night = listed(f"/api/v1/movies/{NIGHT}?fields=id")["id"]
            r = call("PATCH", f"/api/v1/admin/movies/{night}", admin["token"], {"min_age": 12})
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(status_soon(f"/api/v1/movies/{NIGHT}", self.teen["token"], 200), 200)
            r = call("PATCH", f"/api/v1/admin/movies/{night}", admin["token"], {"min_age": None, "unlock": ["min_age"]})
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(status_soon(f"/api/v1/movies/{NIGHT}", self.teen["token"], 404), 404)
        finally:
            call("PATCH", path, admin["token"], {"adult": False, "min_age": None, "unlock": ["adult", "min_age"]})

    def test_the_admin_movie_page_sets_adult_and_the_minimum_age(self):
        import re
        import urllib.parse
        from test_accounts import cookie_session
        from test_admin import marquee_sync
        data, jar, cookie = cookie_session()
        self.assertEqual(marquee_sync("admin", data["user"]["email"]).returncode, 0)
        movie_id = listed(f"/api/v1/movies/{HEIST}?fields=id")["id"]
        html = get(f"/admin/movies/{movie_id}", headers=cookie).body.decode()
        for control_html in ('name="adult"', 'name="min_age"', 'name="lock_adult"', 'name="lock_min_age"'):
            self.assertIn(control_html, html)
        self.assertRegex(html, r"US 13")  # the age per region the certifications gave

        def post(fields):
            body = urllib.parse.urlencode({"_csrf": jar["mq_csrf"], **fields}).encode()
            return request("POST", f"/admin/movies/{movie_id}", body=body,
                           headers={**cookie, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            self.assertEqual(post({"has_adult": "1", "min_age": "99"}).status, 400)
            self.assertEqual(post({"has_adult": "1", "adult": "1", "min_age": "16"}).status, 200)  # the movie page, after the redirect
            stored = listed(f"/api/v1/admin/movies/{movie_id}", data["token"])
            self.assertEqual((stored["adult"], stored["min_age"]), (True, 16))
            self.assertTrue({"adult", "min_age"} <= set(stored["locked_fields"]))
            self.assertEqual(get(f"/api/v1/movies/{HEIST}").status, 404)
            html = get(f"/admin/movies/{movie_id}", headers=cookie).body.decode()
            self.assertRegex(html, r'name="adult" type="checkbox" value="1" checked')
        finally:
            self.assertEqual(post({"has_adult": "1", "min_age": ""}).status, 200)
            call("PATCH", f"/api/v1/admin/movies/{movie_id}", data["token"], {"unlock": ["adult", "min_age"]})
        stored = listed(f"/api/v1/admin/movies/{movie_id}", data["token"])
        self.assertEqual((stored["adult"], stored.get("min_age")), (False, None))
        self.assertEqual(get(f"/api/v1/movies/{HEIST}").status, 200)

    def test_the_micro_cache_keys_on_the_region(self):
        def fetch(cookie):
            return get("/genres/10770", headers={"Cookie": cookie} if cookie else {}, micro_cache=True)
        fetch("mq_region=GB")
        self.assertEqual(fetch("mq_region=GB").headers["X-Micro-Cache"], "HIT")
        self.assertNotEqual(fetch("mq_region=DE").headers["X-Micro-Cache"], "HIT")


if __name__ == "__main__":
    unittest.main()
