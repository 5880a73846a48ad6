"""The newcomer's first run (issue 19): a fresh run directory, no TMDB credential, the stack
started as `make start` starts it (MQ_DEMO=1: the stand-in's demo catalogue, seeded at start with
the demo members) on a free port of its own, then stopped by the pids it recorded.

The seed takes MQ_DEMO_PAGES=3 popular pages here (60 movies and the top-rated ones; `make run`
takes 26) so that `make check` stays quick. The site has no person pages yet (issue 20): every
person of the seeded movies' cast and crew is checked at the stand-in's /person/{id} instead.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest
import urllib.request
from html import unescape

from stack import ROOT, load_env, request

BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
# what the stack may inherit from the test run or a developer's shell, and must not here
INHERITED = ("MONGODB_URI", "MARQUEE_DB", "STACK_ENV", "RUN_DIR", "PORT", "JWT_SECRET", "MEDIA_DIR",
             "TEMPLATE_DIR", "PUBLIC_URL", "MARQUEE_SYNC", "NCHAN_PUBLISH_URL", "NCHAN_PUBLISH_SOCKET")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FirstRunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.run_dir = tempfile.mkdtemp(prefix="mq-first-run-")
        cls.env = {k: v for k, v in os.environ.items()
                   if k not in INHERITED and not k.startswith(("TMDB_", "MQ_"))}
        cls.env.update(BUILD=BUILD, RUN_DIR=cls.run_dir, PORT=str(free_port()), MQ_DEMO="1",
                       MQ_DEMO_PAGES="3", MQ_AUTH_RATE="100r/s", LOG_LEVEL="warn")
        try:
            started = cls.stack("start")
        except BaseException:
            cls.tearDownClass()
            raise
        cls.said = started.stderr
        own = load_env(os.path.join(cls.run_dir, "stack.env"))
        cls.base, cls.standin = own["BASE_URL"], own["TMDB_BASE_URL"]

    @classmethod
    def tearDownClass(cls):
        cls.stack("stop", check=False)
        shutil.rmtree(cls.run_dir, ignore_errors=True)

    @classmethod
    def stack(cls, command, check=True):
        return subprocess.run([os.path.join(ROOT, "tests", "stack.sh"), command], env=cls.env, check=check,
                              capture_output=True, text=True, timeout=300)

    def get(self, path, **kw):
        return request("GET", path, base=self.base, **kw)

    def page(self, path):
        r = self.get(path)
        self.assertEqual(r.status, 200, f"{path} answered {r.status}")
        return r.body.decode()

    def assert_images(self, html, where):
        """Every <img> of the page answers 200 with an image type, from our own host."""
        sources = [unescape(s) for s in re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', html)]
        for src in sources:
            self.assertTrue(src.startswith("/") and not src.startswith("//"), f"{where}: {src} is not on our host")
            r = self.get(src, micro_cache=True)
            self.assertEqual(r.status, 200, f"{where}: {src} answered {r.status}")
            self.assertTrue(r.headers.get("Content-Type", "").startswith("image/"), f"{where}: {src} is not an image")
        return len(sources)

    def test_start_says_what_it_seeded_and_where_to_go(self):
        self.assertRegex(self.said, r"demo catalogue: \d+ movies, 4 new demo members")
        self.assertIn("ada@demo.marquee.test", self.said)
        self.assertIn('password "marquee-demo"', self.said)
        self.assertIn(self.base + "/login", self.said)

    def test_movies_lists_at_least_40(self):
        total = self.get("/api/v1/movies?limit=1").json()["meta"]["total"]
        self.assertGreaterEqual(total, 40)
        links = set()
        for page in (1, 2, 3):
            links.update(re.findall(r'href="(/movies/[^"/?]+)"', self.page(f"/movies?page={page}")))
        self.assertGreaterEqual(len(links), 40, "the /movies pages list at least 40 movies")

    def test_every_home_card_opens_with_its_images(self):
        home = self.page("/")
        self.assertGreater(self.assert_images(home, "/"), 10, "the home rows show posters")
        cards = sorted(set(re.findall(r'href="(/movies/[^"/?#]+)"', home)))
        self.assertGreaterEqual(len(cards), 12, "the home page has at least a full row (trending and popular overlap)")
        for card in cards:
            html = self.page(card)
            self.assertNotIn("No such movie", html, card)
            self.assert_images(html, card)

    def test_every_person_of_the_seeded_movies_exists(self):
        """The site has no person pages yet (issue 20): each cast and crew id of the seeded movies
        answers 200 at the stand-in, so none will dangle when they come."""
        people = set()
        for page in range(1, 4):
            for m in self.get(f"/api/v1/movies?limit=20&page={page}").json()["data"]:
                movie = self.get(f"/api/v1/movies/{m['tmdb_id']}").json()["data"]
                people.update(c["tmdb_id"] for c in movie.get("cast", []) if c.get("tmdb_id"))
                people.update(d["tmdb_id"] for d in movie.get("directors", []) if d.get("tmdb_id"))
        self.assertGreater(len(people), 50)
        for pid in sorted(people):
            req = urllib.request.Request(f"{self.standin}/person/{pid}", headers={"Authorization": "Bearer demo"})
            with urllib.request.urlopen(req, timeout=10) as r:
                self.assertEqual(json.load(r)["id"], pid)

    def test_adult_titles_stay_hidden(self):
        req = urllib.request.Request(f"{self.standin}/movie/popular?page=3", headers={"Authorization": "Bearer demo"})
        with urllib.request.urlopen(req, timeout=10) as r:
            adult = [m["id"] for m in json.load(r)["results"] if m["adult"]]
        self.assertTrue(adult, "the demo's popular page 3 names an adult title")
        for movie_id in adult:
            self.assertEqual(self.get(f"/api/v1/movies/{movie_id}").status, 404)
        listed = self.get("/api/v1/movies/popular?page=3").json()["data"]
        self.assertFalse(set(adult) & {m.get("tmdb_id") for m in listed})

    def test_a_demo_member_signs_in_and_has_recommendations(self):
        for email, role in (("ada@demo.marquee.test", "admin"), ("chloe@demo.marquee.test", "user")):
            r = request("POST", "/api/v1/auth/login", base=self.base,
                        body=json.dumps({"email": email, "password": "marquee-demo"}).encode(),
                        headers={"Content-Type": "application/json"})
            self.assertEqual(r.status, 200, r.body)
            token = r.json()["data"]["token"]
            auth = {"Authorization": "Bearer " + token}
            me = self.get("/api/v1/users/me", headers=auth).json()["data"]
            self.assertEqual(me["role"], role)
            recs = self.get("/api/v1/user/recommendations?limit=10", headers=auth).json()["data"]
            self.assertTrue(recs, f"{email} has recommendations")
            self.assertIn("because", [m["reason"]["kind"] for m in recs], "learnt from the member's ratings")
            self.assertTrue(self.get("/api/v1/ratings", headers=auth).json()["data"], f"{email} has ratings")
            self.assertTrue(self.get("/api/v1/watchlist", headers=auth).json()["data"], f"{email} has a watchlist")
