"""Black-box tests of the catalogue's pages over real HTTP: /, /movies, /movies/:id and its
similar page, /search, /genres and /genres/:id, in English and Persian, and the 404 page."""
import html as htmllib
import re
import unittest
import urllib.parse

from stack import get


def page(path, status=200, lang=None, theme=None):
    cookies = "; ".join(c for c in (lang and "mq_lang=" + lang, theme and "mq_theme=" + theme) if c)
    r = get(path, headers={"Cookie": cookies} if cookies else None)
    assert r.status == status, (path, r.status, r.body[:300])
    assert r.headers["Content-Type"].startswith("text/html"), path
    return r.body.decode("utf-8")


def images(html):
    return re.findall(r"<img [^>]*>", html)


class CataloguePagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tmdb_id in (550, 603, 13, 680):
            assert get(f"/api/v1/movies/{tmdb_id}").status == 200

    def assertLazyImagesSized(self, html):
        imgs = [i for i in images(html) if "tmdb-logo" not in i]
        self.assertTrue(imgs)
        for img in imgs:
            self.assertRegex(img, r'width="\d+"', img)
            self.assertRegex(img, r'height="\d+"', img)

    def test_home_has_rows_genres_and_attribution(self):
        html = page("/")
        self.assertIn("Trending this week", html)
        self.assertIn("Popular", html)
        self.assertGreaterEqual(html.count('class="card"'), 2)
        self.assertRegex(html, r'href="/movies/\d+"')
        self.assertIn('href="/genres/drama"', html)
        self.assertIn("This product uses the TMDB API", html)
        self.assertLazyImagesSized(html)
        self.assertIn('loading="lazy"', html)
        self.assertIn('<script src="/static/site.js" defer></script>', html)
        self.assertNotRegex(html, r"<script>(?!</script>)", "no inline scripts")

    def test_movie_page(self):
        html = page("/movies/550")
        self.assertIn("<h1", html)
        self.assertIn("Fight Club", html)
        self.assertIn("David Fincher", html)
        self.assertIn("Tyler Durden", html)            # cast with characters
        self.assertIn("2h 19m", html)                  # runtime
        self.assertIn('href="/genres/drama"', html)
        self.assertRegex(html, r"<strong>8\.\d</strong>/10")  # TMDB's rating
        self.assertIn("Not rated by members yet", html)
        self.assertRegex(html, r'data-src="/api/v1/movies/550/similar\?')  # loaded after first paint
        self.assertIn('class="cards skeleton"', html)
        self.assertIn('<noscript><p><a href="/movies/fight-club-1999/similar">', html)
        self.assertLazyImagesSized(html)
        # the same page either way, but for the language switch, which comes back to the address asked for
        switch = re.compile(r'<p class="language-switch">.*?</p>')
        self.assertIn('href="/language/fa?next=%2Fmovies%2F550"', html)
        self.assertEqual(switch.sub("", html), switch.sub("", page("/movies/fight-club-1999")),
                         "slug and TMDB id show the same page")

    def test_similar_page_for_browsers_without_javascript(self):
        html = page("/movies/550/similar")
        self.assertIn("Movies like \u2068Fight Club\u2069", html)  # the title set apart (bidi)
        self.assertGreaterEqual(html.count('class="card"'), 1)

    def test_persian_pages_are_right_to_left(self):
        html = page("/movies/550", lang="fa")
        self.assertIn('lang="fa" dir="rtl"', html)
        self.assertIn("باشگاه مشت", html)
        self.assertIn("کارگردان", html)
        home = page("/", lang="fa", theme="dark")
        self.assertIn('data-theme="dark"', home)
        self.assertIn("ژانرها", home)

    def test_movies_page_filters_and_pagination(self):
        html = page("/movies?genre=drama&sort=title&limit=1")
        self.assertIn('<option value="drama" selected>', html)
        self.assertIn('<option value="title" selected>', html)
        self.assertIn('rel="next" href="/movies?genre=drama&sort=title&limit=1&page=2"', htmllib.unescape(html))
        second = page("/movies?genre=drama&sort=title&limit=1&page=2")
        self.assertIn('rel="prev"', second)
        bad = page("/movies?year=abc&minRating=20", status=400)
        # the page's words for the problems (the API keeps its English)
        self.assertIn("Enter a whole number from 1870 to 2100.", bad)
        self.assertIn("Enter a number from 0 to 10.", bad)
        self.assertIn('class="filters"', bad)

    def test_search_page(self):
        self.assertIn('name="q"', page("/search"))
        html = page("/search?q=" + urllib.parse.quote("باشگاه"))
        self.assertIn('href="/movies/fight-club-1999"', html)
        self.assertIn("these results are TMDB's", htmllib.unescape(page("/search?q=zzzz%20qqqq%20xxxx")))
        self.assertIn("Type at least one letter or digit.", page("/search?q=--", status=400))

    def test_genre_pages(self):
        html = page("/genres")
        self.assertIn('href="/genres/science-fiction"', html)
        drama = page("/genres/drama")
        self.assertIn("<h1 id=\"genre-title\">Drama</h1>", drama)
        self.assertIn('href="/movies/fight-club-1999"', drama)
        self.assertNotIn('href="/movies/the-matrix-1999"', drama)
        self.assertIn("درام", page("/genres/18", lang="fa"))
        missing = page("/genres/no-such-genre", status=404)
        self.assertIn('class="site-header"', missing, "errors are shown in the site's layout")

    def test_not_found_page(self):
        html = page("/no/such/page", status=404)
        self.assertIn('class="site-header"', html)
        self.assertIn('class="error-code">404<', html)
        self.assertIn('action="/search"', html)
        self.assertIn("چنین فیلمی نیست", page("/movies/999999999", status=404, lang="fa"))

    def test_script_is_served(self):
        r = get("/static/site.js")
        self.assertEqual(r.status, 200)
        self.assertIn("javascript", r.headers["Content-Type"])
        self.assertIn(b"loadSection", r.body)


if __name__ == "__main__":
    unittest.main()
