"""Black-box tests of the richer movie page and its API (issue 20, "Richer movie pages"): the movie
JSON's tagline, key crew, collection, countries, languages, certifications and trailers; the watch
providers and collection endpoints; the page's sections in English and Persian, for the visitor's
region; the trailer that asks nothing of YouTube before the visitor plays it, and the CSP that
lets frames come from YouTube's privacy-enhanced player only; a TMDB failure that hides where to
watch without breaking the page. The Matrix (603) is the stand-in's movie with all of it."""
import html as htmllib
import re
import unittest

from stack import ENV, get
from test_accounts import call, register, sync
from test_tmdb_cache import control


def movie(ref, lang="en"):
    r = get(f"/api/v1/movies/{ref}?language={lang}")
    assert r.status == 200, (ref, r.status, r.body[:300])
    return r.json()["data"]


def page(path, lang=None, region=None, status=200):
    cookies = "; ".join(c for c in (lang and "mq_lang=" + lang, region and "mq_region=" + region) if c)
    r = get(path, headers={"Cookie": cookies} if cookies else None, timeout=30)
    assert r.status == status, (path, r.status, r.body[:300])
    return r.body.decode("utf-8")


def section(html, cls):
    """The <section class="cls"> … </section> of a page, or None."""
    m = re.search(r'<section class="%s"[^>]*>.*?</section>' % re.escape(cls), html, re.S)
    return m.group(0) if m else None


class MovieJsonTest(unittest.TestCase):
    def test_new_fields_in_english(self):
        m = movie(603)
        self.assertEqual(m["tagline"], "Welcome to the Real World.")
        self.assertEqual(m["taglines"]["fa"], "به دنیای واقعی خوش آمدید.")
        self.assertEqual({w["name"] for w in m["writers"]}, {"Lana Wachowski", "Lilly Wachowski"})
        self.assertTrue(all(isinstance(p["tmdb_id"], int) for key in ("cast", "directors", "writers", "composers",
                                                                       "cinematographers") for p in m[key]))
        self.assertEqual([p["name"] for p in m["composers"]], ["Don Davis"])
        self.assertEqual([p["name"] for p in m["cinematographers"]], ["Bill Pope"])
        self.assertEqual((m["collection"]["tmdb_id"], m["collection"]["name"]), (2344, "The Matrix Collection"))
        self.assertEqual(m["production_countries"], [{"iso_3166_1": "US", "name": "United States"},
                                                     {"iso_3166_1": "AU", "name": "Australia"}])
        self.assertEqual(m["spoken_languages"], [{"iso_639_1": "en", "name": "English"}])
        self.assertEqual(m["certifications"], {"US": "R", "GB": "15", "DE": "16"})
        self.assertEqual(m["certification"], "R")
        trailers = m["trailers"]
        self.assertTrue(trailers)
        self.assertEqual((trailers[0]["type"], trailers[0]["official"], trailers[0]["iso_639_1"]), ("Trailer", True, "en"))
        self.assertTrue(all(t["site"] == "YouTube" and t["type"] in ("Trailer", "Teaser") for t in trailers))
        self.assertTrue(all(t["iso_639_1"] == "en" for t in trailers), "English pages: English trailers only")
        self.assertTrue(all(re.fullmatch(r"[A-Za-z0-9_-]{1,32}", t["key"]) for t in trailers))

    def test_new_fields_in_persian(self):
        m = movie(603, "fa")
        self.assertEqual(m["tagline"], "به دنیای واقعی خوش آمدید.")
        self.assertEqual(m["production_countries"][0], {"iso_3166_1": "US", "name": "ایالات متحده"})
        self.assertEqual(m["spoken_languages"][0]["name"], "انگلیسی")
        self.assertEqual(m["trailers"][0]["iso_639_1"], "fa", "the page's language first")
        self.assertIn("en", [t["iso_639_1"] for t in m["trailers"]], "then English")

    def test_tagline_falls_back_to_english(self):
        m = movie(550, "fa")  # Fight Club's Persian translation has no tagline
        self.assertEqual(m["tagline"], "Mischief. Mayhem. Soap.")

    def test_fields_selects_the_new_fields(self):
        r = get("/api/v1/movies/603?fields=tagline,certifications,trailers")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(set(r.json()["data"]), {"tagline", "certifications", "trailers"})


class WatchProvidersApiTest(unittest.TestCase):
    def test_a_regions_offers_with_attribution(self):
        r = get("/api/v1/movies/603/watch-providers?region=US")
        self.assertEqual(r.status, 200, r.body)
        w = r.json()["data"]
        self.assertEqual((w["tmdb_id"], w["region"], w["attribution"]), (603, "US", "JustWatch"))
        self.assertTrue(w["link"].startswith("https://www.themoviedb.org/movie/603"))
        for kind in ("flatrate", "rent", "buy"):
            self.assertTrue(w[kind], kind)
            for p in w[kind]:
                self.assertRegex(p["logo_url"], r"^/img/w\d+/[A-Za-z0-9]+\.(jpg|png|svg)$")
                self.assertIsInstance(p["provider_id"], int)
        prios = [p["display_priority"] for p in w["flatrate"]]
        self.assertEqual(prios, sorted(prios))
        self.assertEqual(get("/api/v1/movies/the-matrix-1999/watch-providers").json()["data"]["region"], "US")

    def test_a_region_without_offers(self):
        w = get("/api/v1/movies/603/watch-providers?region=IR").json()["data"]
        self.assertEqual((w["flatrate"], w["rent"], w["buy"], w["link"]), ([], [], [], None))

    def test_refused_input(self):
        for region in ("us", "USA", "U1", ""):
            r = get(f"/api/v1/movies/603/watch-providers?region={region}")
            self.assertEqual(r.status, 400, region)
            self.assertEqual(r.json()["status"], "error")
        self.assertEqual(get("/api/v1/movies/999999999/watch-providers").status, 404)
        self.assertEqual(get("/api/v1/movies/not a ref/watch-providers".replace(" ", "%20")).status, 400)


class CollectionApiTest(unittest.TestCase):
    def test_the_collection_and_its_parts(self):
        r = get("/api/v1/movies/603/collection?language=fa")
        self.assertEqual(r.status, 200, r.body)
        c = r.json()["data"]
        self.assertEqual((c["tmdb_id"], c["name"]), (2344, "مجموعهٔ ماتریکس"))
        parts = c["parts"]
        self.assertEqual([p["tmdb_id"] for p in parts], [603, 604, 605, 624860])
        self.assertEqual(parts[0]["slug"], "the-matrix-1999", "a catalogue part is the catalogue's")
        self.assertEqual(parts[0]["title"], "ماتریکس")
        self.assertNotIn("slug", parts[1], "the others are TMDB's")
        self.assertTrue(all(p["poster_url"].startswith(("/img/", "/media/")) for p in parts), "our own host")

    def test_no_collection(self):
        r = get("/api/v1/movies/550/collection")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["status"], "error")


class MoviePageTest(unittest.TestCase):
    def test_sections_in_english(self):
        html = page("/movies/603")
        self.assertIn('<p class="tagline" dir="auto">Welcome to the Real World.</p>', html)
        self.assertIn("<dt>Writing</dt>", html)
        self.assertIn('href="/people/4949"><bdi>Don Davis</bdi>', html)
        self.assertIn("Bill Pope", html)
        self.assertIn("United States, Australia", html)
        self.assertIn('title="Rating in United States"', html)
        self.assertRegex(html, r'<abbr class="certification"[^>]*>R</abbr>')
        # every person links to their page here, none to TMDB's
        self.assertNotIn("themoviedb.org/person", html)
        people = re.findall(r'<a class="person" href="([^"]+)"', html)
        self.assertTrue(people)
        self.assertTrue(all(re.fullmatch(r"/people/\d+", p) for p in people), people)
        collection = section(html, "collection")
        self.assertIn("Part of \u2068The Matrix Collection\u2069", collection)
        self.assertIn("The Matrix Reloaded", collection)
        self.assertIn('href="/movies/604"', collection, "a part not in the catalogue opens through the fetch-through")
        self.assertNotIn('href="/movies/the-matrix-1999"', collection, "the movie itself is not among its other parts")

    def test_trailer_asks_nothing_of_youtube_before_the_click(self):
        html = page("/movies/603")
        trailer = htmllib.unescape(section(html, "trailer"))
        self.assertRegex(trailer, r'<a class="trailer-play" href="https://www\.youtube\.com/watch\?v=[A-Za-z0-9_-]+"')
        self.assertRegex(trailer, r'data-embed="https://www\.youtube-nocookie\.com/embed/[A-Za-z0-9_-]+\?autoplay=1"')
        self.assertIn('data-title="Trailer: \u2068The Matrix — Official Trailer\u2069"', trailer)
        self.assertIn("Play the trailer", trailer)
        # nothing that a browser would fetch from elsewhere: no frame, and every resource is ours
        self.assertNotIn("<iframe", html)
        for tag, attr in (("img", "src"), ("script", "src"), ("link", "href"), ("source", "src")):
            for value in re.findall(r"<%s\b[^>]*\b%s=\"([^\"]*)\"" % (tag, attr), html):
                self.assertTrue(value.startswith("/") and not value.startswith("//"), (tag, value))
        self.assertNotRegex(html, r"ytimg|img\.youtube")

    def test_where_to_watch_for_the_region(self):
        watch = section(page("/movies/603"), "watch")
        self.assertIsNotNone(watch)
        self.assertIn("Where to watch in United States", watch)
        for label in ("Stream", "Rent", "Buy"):
            self.assertIn(f"<h3>{label}</h3>", watch)
        self.assertRegex(watch, r'<img src="/img/w\d+/[A-Za-z0-9]+\.(jpg|png|svg)" alt=""')
        self.assertIn('Data provided by <a href="https://www.justwatch.com/"', watch)
        self.assertIn('href="https://www.themoviedb.org/movie/603/watch?locale=US"', htmllib.unescape(watch))
        gb = page("/movies/603", region="GB")
        self.assertIn("Where to watch in United Kingdom", section(gb, "watch"))
        self.assertRegex(gb, r'<abbr class="certification"[^>]*>15</abbr>')
        self.assertNotIn("<h3>Stream</h3>", section(gb, "watch"), "the region's own kinds only")

    def test_persian_page(self):
        html = page("/movies/603", lang="fa")
        self.assertIn("به دنیای واقعی خوش آمدید.", html)
        self.assertIn("<dt>موسیقی</dt>", html)
        self.assertIn("ایالات متحده، استرالیا", html)
        self.assertIn("پخش آنونس", html)
        self.assertIsNone(section(html, "watch"), "TMDB knows no offers in Iran: no section")
        self.assertNotRegex(html, r'<abbr class="certification"', "no certification for Iran")
        self.assertIn("مجموعهٔ ماتریکس", section(html, "collection"))
        # a Persian visitor who chose the US sees the US's
        us = page("/movies/603", lang="fa", region="US")
        self.assertIn("کجا ببینیم در ایالات متحده", us)
        self.assertIn("داده‌ها از", us)

    def test_micro_cache_keeps_regions_apart(self):
        cert = re.compile(r'<abbr class="certification"[^>]*>([^<]*)</abbr>')
        for _ in range(2):  # the second round from the micro-cache
            gb = get("/movies/603", headers={"Cookie": "mq_region=GB"}, micro_cache=True).body.decode()
            us = get("/movies/603", micro_cache=True).body.decode()
            made_up = get("/movies/603", headers={"Cookie": "mq_region=zz"}, micro_cache=True).body.decode()
            self.assertEqual((cert.search(gb).group(1), cert.search(us).group(1), cert.search(made_up).group(1)),
                             ("15", "R", "R"))

    def test_csp_allows_frames_from_the_nocookie_player_only(self):
        for path in ("/movies/603", "/", "/api/v1/movies/603"):
            csp = get(path).headers["Content-Security-Policy"]
            directives = {d.split()[0]: d.split()[1:] for d in (x.strip() for x in csp.split(";")) if d}
            self.assertEqual(directives["frame-src"], ["https://www.youtube-nocookie.com"], path)
            self.assertNotIn("child-src", directives, path)
            self.assertEqual(directives["default-src"], ["'self'"], path)
            self.assertEqual(directives["frame-ancestors"], ["'none'"], path)
            self.assertNotIn("youtube", csp.replace("frame-src https://www.youtube-nocookie.com", ""), path)
        self.assertEqual(get("/movies/603").headers["X-DNS-Prefetch-Control"], "off", "no look-ups of linked hosts")


class ProvidersFailureTest(unittest.TestCase):
    """TMDB failing for where to watch hides that section; the page is whole otherwise."""

    def setUp(self):
        if not ENV.get("TMDB_PID"):
            self.skipTest("the stack talks to the real TMDB")
        control("DELETE", "/__control/faults")
        admin = register()
        self.assertEqual(sync("admin", admin["user"]["email"]).returncode, 0)
        self.assertEqual(call("DELETE", "/api/v1/tmdb/cache", admin["token"]).status, 200)

    def tearDown(self):
        control("DELETE", "/__control/faults")

    def test_failure_hides_the_section(self):
        control("POST", "/__control/faults", {"path": "/3/movie/603/watch/providers", "status": 500})
        control("POST", "/__control/faults", {"path": "/3/collection/2344", "status": 503})
        html = page("/movies/603")
        self.assertIsNone(section(html, "watch"))
        self.assertIsNone(section(html, "collection"))
        self.assertIn("Welcome to the Real World.", html)
        self.assertIsNotNone(section(html, "trailer"))
        self.assertIn(get("/api/v1/movies/603/watch-providers").status, (502, 503, 504))
        control("DELETE", "/__control/faults")
        self.assertIsNotNone(section(page("/movies/603"), "watch"), "back once TMDB answers")


if __name__ == "__main__":
    unittest.main()
