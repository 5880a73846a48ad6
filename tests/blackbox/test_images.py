"""nginx's cache of TMDB's images (/img/<size>/<file>, nginx/site.conf.in): served from our own
host, fetched once from the stand-in's image host (which counts its requests), only for sizes
TMDB's /configuration lists and file names of TMDB's shape, stale when TMDB fails, the
placeholder when there is no copy; and the pages' CSP allows images from our host only."""
import json
import secrets
import time
import unittest
import urllib.request

from stack import ENV, get

STANDIN = ENV["TMDB_BASE_URL"].rsplit("/3", 1)[0]


def control(method, path, body=None):
    req = urllib.request.Request(STANDIN + "/__control" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def upstream_count(path):
    """How many times the stand-in's image host was asked for /t/p/<path> (last 200 requests)."""
    return sum(1 for r in control("GET", "/stats")["requests"] if r["path"] == "/t/p/" + path)


def fresh_name(ext="jpg"):
    return f"mq{secrets.token_hex(10)}.{ext}"


class ImageCacheTest(unittest.TestCase):
    def tearDown(self):
        control("DELETE", "/faults")
        control("POST", "/images", {"max_age": 31536000})

    def test_second_request_is_served_without_tmdb(self):
        path = "w342/" + fresh_name()
        first = get("/img/" + path, micro_cache=True)
        self.assertEqual(first.status, 200)
        self.assertEqual(first.headers["Content-Type"], "image/svg+xml")
        self.assertEqual(first.headers["X-Cache-Status"], "MISS")
        second = get("/img/" + path, micro_cache=True)
        self.assertEqual((second.status, second.headers["X-Cache-Status"]), (200, "HIT"))
        self.assertEqual(second.body, first.body)
        self.assertEqual(upstream_count(path), 1, "the stand-in was asked once")
        # browsers keep it for a long time, and it carries the site's security headers
        self.assertIn("max-age=2592000", second.headers["Cache-Control"])
        self.assertEqual(second.headers["X-Content-Type-Options"], "nosniff")

    def test_every_size_tmdb_lists_is_served(self):
        name = fresh_name("png")
        for size in ("w92", "w185", "h632", "w780", "w1280", "original"):
            self.assertEqual(get(f"/img/{size}/{name}").status, 200, size)

    def test_unknown_size_is_404_and_never_reaches_tmdb(self):
        name = fresh_name()
        for size in ("w343", "w9999", "x", "W342"):
            self.assertEqual(get(f"/img/{size}/{name}").status, 404, size)
            self.assertEqual(upstream_count(f"{size}/{name}"), 0)

    def test_paths_outside_tmdbs_shape_are_refused(self):
        t = "mq" + secrets.token_hex(8)
        for path in (f"w342/{t}.gif", f"w342/{t}.b.jpg", f"w342/{t}-b.jpg", f"w342/x/{t}.jpg", f"w342/..%2F{t}.jpg",
                     f"w342/{t}.jpg%00.png", f"w342/{t}.JPG", f"w342/{t}{'a' * 60}.jpg", f"w342/{t}.jpg/",
                     "w342/", "w342", ""):
            self.assertIn(get("/img/" + path).status, (400, 404), path)
        self.assertFalse([r for r in control("GET", "/stats")["requests"] if t in r["path"]], "TMDB was never asked")

    def test_tmdb_failing_serves_the_stale_copy(self):
        control("POST", "/images", {"max_age": 1})  # TMDB says: good for one second
        path = "w500/" + fresh_name()
        first = get("/img/" + path)
        self.assertEqual(first.status, 200)
        time.sleep(2.2)
        control("POST", "/faults", {"path": "/t/p/" + path, "status": 503})
        stale = get("/img/" + path)
        self.assertEqual((stale.status, stale.headers["X-Cache-Status"]), (200, "STALE"))
        self.assertEqual(stale.body, first.body)
        self.assertEqual(upstream_count(path), 2, "nginx did ask TMDB again, and got the 503")

    def test_no_copy_and_tmdb_failing_is_the_placeholder(self):
        path = "w342/" + fresh_name()
        control("POST", "/faults", {"path": "/t/p/" + path, "status": 503})
        r = get("/img/" + path)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "image/svg+xml")
        self.assertIn(b'aria-label="No image"', r.body)
        self.assertIn("max-age=300", r.headers["Cache-Control"], "kept briefly: the image comes when TMDB has it")
        control("DELETE", "/faults")
        again = get("/img/" + path)
        self.assertEqual((again.status, again.headers["X-Cache-Status"]), (200, "MISS"), "the failure was not cached")

    def test_pages_allow_images_from_our_host_only(self):
        for path in ("/", "/movies/550", "/api/v1/movies/550"):
            csp = get(path).headers["Content-Security-Policy"]
            self.assertIn("img-src 'self';", csp, path)
            self.assertNotIn("tmdb.org", csp, path)
        movie = get("/api/v1/movies/550").json()["data"]
        self.assertRegex(movie["poster_url"], r"^/img/w342/[A-Za-z0-9]+\.jpg$")
        page = get("/movies/550").body.decode()
        self.assertNotIn("image.tmdb.org", page)
        self.assertIn('src="/img/', page)
