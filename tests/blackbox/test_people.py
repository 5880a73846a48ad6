"""Black-box tests of people over real HTTP and the stand-in: GET /api/v1/people/:id (TMDB id or
slug, fetched from TMDB once and stored), the filmography (catalogue movies first-class, adult
titles hidden, others opening through the fetch-through), a person TMDB lacks, the /people/:id
page in English and Persian, actor= and director= on the catalogue lists and the /movies page,
/api/v1/search with movies and people and the search page, and `marquee-sync people`."""
import re
import unittest
import urllib.parse
import urllib.request

from stack import BASE_URL, get
from test_catalogue_pages import page
from test_foundation import ErrorShape
from test_sync import sync

PITT, NORTON, FINCHER = 287, 819, 7467
PERSIAN_DIGITS = re.compile("[۰-۹]")


def data(path, **kw):
    r = get(path, **kw)
    assert r.status == 200, (path, r.status, r.body[:400])
    return r.json()["data"]


def listed(path):
    r = get(path)
    assert r.status == 200, (path, r.status, r.body[:400])
    return {m["tmdb_id"] for m in r.json()["data"]}


class PeopleApiTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        assert get("/api/v1/movies/550").status == 200  # Fight Club in the catalogue

    def test_a_person_by_id_and_by_slug(self):
        first = get(f"/api/v1/people/{PITT}")
        self.assertEqual(first.status, 200, first.body)
        self.assertIn(first.headers["X-Catalog"], ("FETCHED", "STORED"))
        p = first.json()["data"]
        self.assertEqual((p["tmdb_id"], p["name"], p["slug"]), (PITT, "Brad Pitt", "brad-pitt-287"))
        for key in ("profile_path", "known_for_department", "birthday", "deathday", "place_of_birth",
                    "biography", "biographies", "acting", "crew", "id"):
            self.assertIn(key, p)
        self.assertNotIn("search_keys", p)
        self.assertRegex(p["profile_url"], r"^/img/w\d+/[A-Za-z0-9]+\.(jpg|png|svg)$")
        self.assertRegex(p["birthday"], r"^\d{4}-\d{2}-\d{2}$")
        again = get("/api/v1/people/brad-pitt-287")
        self.assertEqual((again.status, again.headers["X-Catalog"]), (200, "STORED"))
        self.assertEqual(again.json()["data"]["id"], p["id"])
        # an old slug (the name changed at TMDB) still names them by its id
        self.assertEqual(data("/api/v1/people/william-pitt-287")["tmdb_id"], PITT)

    def test_a_person_stored_by_an_earlier_release_is_fetched_again_under_their_id(self):
        """People are found by an _id made of their TMDB id (FerretDB answers an _id equality without
        decoding every person); one an earlier release stored under a random ObjectId is fetched
        again and replaces that document, not a unique-index error."""
        try:
            import pymongo
        except ImportError:
            self.skipTest("pymongo is not installed")
        from bson import ObjectId
        from stack import ENV
        client = pymongo.MongoClient(ENV["MONGODB_URI"])
        self.addCleanup(client.close)
        people = client[ENV.get("MARQUEE_DB", "marquee")].people
        self.assertEqual(get(f"/api/v1/people/{NORTON}").status, 200)
        stored = people.find_one({"tmdb_id": NORTON})
        self.assertEqual(stored["_id"], ObjectId(f"{0:08x}{NORTON:016x}"))
        people.delete_one({"_id": stored["_id"]})
        stored["_id"] = ObjectId()  # as an earlier release kept them
        people.insert_one(stored)
        r = get(f"/api/v1/people/{NORTON}")
        self.assertEqual((r.status, r.headers["X-Catalog"]), (200, "FETCHED"), r.body)
        self.assertEqual(r.json()["data"]["id"], f"{0:08x}{NORTON:016x}")
        self.assertEqual([d["_id"] for d in people.find({"tmdb_id": NORTON})], [ObjectId(f"{0:08x}{NORTON:016x}")])
        self.assertEqual(get(f"/api/v1/people/{NORTON}").headers["X-Catalog"], "STORED")

    def test_filmography_catalogue_movies_first_class(self):
        p = data(f"/api/v1/people/{PITT}")
        fight_club = next(c for c in p["acting"] if c["tmdb_id"] == 550)
        self.assertTrue(fight_club["in_catalog"])
        self.assertEqual(fight_club["character"], "Tyler Durden")
        self.assertRegex(fight_club["id"], r"^[0-9a-f]{24}$")
        self.assertTrue(fight_club["slug"])
        self.assertTrue(fight_club["poster_url"].startswith("/img/"))
        fa = data(f"/api/v1/people/{PITT}?language=fa")
        self.assertRegex(next(c for c in fa["acting"] if c["tmdb_id"] == 550)["title"], "[\u0600-\u06ff]")
        self.assertRegex(fa["biography"], "[\u0600-\u06ff]")
        self.assertEqual(fa["biography_language"], "fa")

    def test_adult_titles_are_not_in_the_filmography(self):
        # the stand-in credits Edward Norton in an adult title as well as in Fight Club
        p = data(f"/api/v1/people/{NORTON}")
        titles = [c["title"] for c in p["acting"]]
        self.assertIn("Fight Club", titles)
        self.assertFalse([t for t in titles if t.startswith("Adult Title")], titles)

    def test_newest_first(self):
        dates = [c["release_date"] for c in data(f"/api/v1/people/{NORTON}")["acting"] if c["release_date"]]
        self.assertEqual(dates, sorted(dates, reverse=True))

    def test_a_person_tmdb_lacks_and_malformed_refs(self):
        body = self.assertErrorShape(get("/api/v1/people/999999999"), 404, "/api/v1/people/999999999")
        self.assertEqual(body["message"], "No such person")
        for ref in ("brad-pitt", "Brad-Pitt-287", "0", "2147483648"):
            self.assertErrorShape(get(f"/api/v1/people/{ref}"), 400, f"/api/v1/people/{ref}")
        self.assertErrorShape(get(f"/api/v1/people/{PITT}?language=de"), 400, f"/api/v1/people/{PITT}")
        self.assertErrorShape(get(f"/api/v1/people/{PITT}?unknown=1"), 400, f"/api/v1/people/{PITT}")


class PersonPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        assert get("/api/v1/movies/550").status == 200

    def test_a_bare_id_redirects_to_the_slug(self):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args):
                return None
        opener = urllib.request.build_opener(NoRedirect)
        for ref in (str(PITT), "william-pitt-287"):
            try:
                opener.open(urllib.request.Request(f"{BASE_URL}/people/{ref}", headers={"Cache-Control": "no-cache"}))
                self.fail("no redirect")
            except urllib.error.HTTPError as e:
                self.assertEqual((e.code, e.headers["Location"]), (303, "/people/brad-pitt-287"))

    def test_the_page_in_english(self):
        html = page("/people/brad-pitt-287")
        self.assertIn('<h1 id="person-name"><bdi>Brad Pitt</bdi></h1>', html)
        self.assertRegex(html, r'<img class="person-photo" src="/img/w\d+/')
        self.assertIn('href="/movies/fight-club-1999"', html)
        self.assertIn("Tyler Durden", html)
        self.assertIn('href="/movies?actor&#61;brad-pitt-287"', html)
        self.assertRegex(html, r'<time datetime="\d{4}-\d{2}-\d{2}">')

    def test_the_page_in_persian(self):
        html = page("/people/brad-pitt-287", lang="fa")
        self.assertRegex(html, r'<html[^>]* lang="fa"[^>]* dir="rtl"')
        born = re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">([^<]*)</time>', html).group(1)
        self.assertRegex(born, PERSIAN_DIGITS)
        self.assertRegex(html, r'class="biography" lang="fa"')
        self.assertIn("باشگاه مشت", html)

    def test_a_person_without_a_photo_has_a_placeholder(self):
        html = page("/people/synthetic-actor-2000005")  # the stand-in's: no photo
        self.assertIn('class="person-photo no-photo" role="img"', html)
        self.assertNotIn('<img class="person-photo"', html)

    def test_a_person_tmdb_lacks_is_a_404_page(self):
        page("/people/999999999", status=404)
        page("/people/not-a-person", status=404)

    def test_movie_pages_link_their_people(self):
        html = page("/movies/550")
        self.assertIn(f'href="/people/{PITT}"', html)
        self.assertIn(f'href="/people/{FINCHER}"', html)


class PersonFiltersTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        for tmdb_id in (550, 603):
            assert get(f"/api/v1/movies/{tmdb_id}").status == 200
        assert get(f"/api/v1/people/{PITT}").status == 200  # stored: his name resolves

    def test_actor_and_director_by_id_slug_or_name(self):
        for ref in (str(PITT), "brad-pitt-287", "Brad%20Pitt", "brad%20pitt"):
            found = listed(f"/api/v1/movies?actor={ref}&limit=100")
            self.assertIn(550, found, ref)
            self.assertNotIn(603, found, ref)
        self.assertIn(550, listed(f"/api/v1/movies?director={FINCHER}&limit=100"))
        self.assertNotIn(603, listed(f"/api/v1/movies?director={FINCHER}&limit=100"))
        self.assertEqual(listed(f"/api/v1/movies?actor={PITT}&director={FINCHER}&limit=100"), {550})
        self.assertEqual(listed(f"/api/v1/movies?actor={PITT}&director={NORTON}"), set())
        self.assertEqual(listed(f"/api/v1/movies?actor={PITT}&year=1998"), set())
        self.assertEqual(listed(f"/api/v1/movies?actor={PITT}&genre=drama&year=1999"), {550})

    def test_the_genre_list_takes_them_too(self):
        self.assertIn(550, listed(f"/api/v1/genres/18/movies?actor={PITT}"))
        self.assertEqual(listed(f"/api/v1/genres/35/movies?actor={PITT}"), set())

    def test_an_unknown_name_is_a_problem(self):
        path = "/api/v1/movies?actor=Nobody%20Of%20That%20Name"
        body = self.assertErrorShape(get(path), 400, "/api/v1/movies")
        self.assertTrue(any("actor" in e for e in body["errors"]), body)
        self.assertErrorShape(get("/api/v1/movies?director=" + "x" * 201), 400, "/api/v1/movies")

    def test_the_movies_page_filters_by_person(self):
        html = page("/movies?actor=brad-pitt-287")
        self.assertIn('href="/movies/fight-club-1999"', html)
        self.assertNotIn('href="/movies/the-matrix-1999"', html)
        self.assertIn('id="actor" name="actor" type="text" maxlength="200" value="brad-pitt-287"', html)
        html = page("/movies?actor=" + urllib.parse.quote("Nobody Of That Name"), status=400)
        self.assertIn('class="field-error"', html)


class SearchTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        assert get("/api/v1/movies/550").status == 200
        assert get(f"/api/v1/people/{PITT}").status == 200

    def test_search_returns_movies_and_people(self):
        d = data("/api/v1/search?q=fight")
        self.assertIn(550, [m["tmdb_id"] for m in d["movies"]])
        self.assertEqual(d["sources"]["movies"], "catalog")
        d = data("/api/v1/search?q=PITT")
        self.assertEqual(d["sources"]["people"], "catalog")
        pitt = next(p for p in d["people"] if p["tmdb_id"] == PITT)
        self.assertEqual((pitt["slug"], pitt["name"]), ("brad-pitt-287", "Brad Pitt"))
        self.assertTrue(pitt["profile_url"].startswith("/img/"))
        self.assertLessEqual(len(data("/api/v1/search?q=a&limit=1")["people"]), 1)

    def test_tmdb_person_search_is_the_fallback_without_adult_people(self):
        d = data("/api/v1/search?q=velvet")
        self.assertEqual((d["sources"]["people"], d["people"]), ("tmdb", []))
        d = data("/api/v1/search?q=keanu")
        if d["sources"]["people"] == "tmdb":  # unless another test stored him already
            self.assertIn(6384, [p["tmdb_id"] for p in d["people"]])

    def test_search_problems(self):
        for query in ("", "?q=", "?q=%21%21", "?q=a&limit=0", "?q=a&limit=51", "?q=a&type=x"):
            self.assertErrorShape(get("/api/v1/search" + query), 400, "/api/v1/search")

    def test_the_search_page_shows_people(self):
        html = page("/search?q=pitt")
        self.assertIn('href="/people/brad-pitt-287"', html)
        self.assertIn('id="people-title"', html)
        html = page("/search?q=pitt", lang="fa")
        self.assertIn('id="people-title">افراد<', html)


class SyncPeopleTest(unittest.TestCase):
    def test_sync_people_fetches_the_catalogue_people_then_none(self):
        assert get("/api/v1/movies/550").status == 200
        r = sync("people", "--limit", "100000")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"marquee-sync people: (\d+) people in the catalogue, (\d+) due, (\d+) fetched, "
                      r"(\d+) missing at TMDB, (\d+) failed", r.stdout)
        self.assertTrue(m, r.stdout)
        candidates, due, fetched, missing, failed = map(int, m.groups())
        self.assertGreaterEqual(candidates, 4)  # Fight Club's director and leading actors at least
        self.assertEqual((fetched + missing, failed), (due, 0))
        # everyone is fresh now: a second run fetches no one
        r = sync("people")
        self.assertIn(" 0 due, 0 fetched", r.stdout)
        self.assertEqual(get(f"/api/v1/people/{FINCHER}").headers["X-Catalog"], "STORED")

    def test_usage(self):
        r = sync("people", "--limit", "0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--limit", r.stderr)
        r = sync("people", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: marquee-sync people [--limit N]", r.stdout)


if __name__ == "__main__":
    unittest.main()
