"""Black-box tests of the admin API: only admins get in; TMDB lookups by id, IMDb id and title
fill the review form without saving anything; movies created from TMDB and by hand; a TMDB movie
already there is a 409 with its link; edits lock fields that a sync then leaves alone, unlocking
lets TMDB's value back; hiding and restoring; every action audited with its field diff; a TMDB
failure during a lookup is a clear message."""
import time
import unittest

from test_accounts import call, register, sync as marquee_sync
from test_foundation import ErrorShape
from test_sync import control

ADMIN = "/api/v1/admin"


def make_admin():
    user = register()
    r = marquee_sync("admin", user["user"]["email"])
    assert r.returncode == 0, r.stderr
    return user


class AdminTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        cls.admin = make_admin()
        cls.plain = register()

    def tearDown(self):
        control("POST", "/__control/reset")

    def call(self, method, path, body=None, user=None):
        return call(method, ADMIN + path, (user or self.admin)["token"], body)

    def test_only_admins_get_in(self):
        movie = call("GET", "/api/v1/movies/550?fields=id").json()["data"]["id"]
        routes = (("GET", "/tmdb/lookup?q=550"), ("POST", "/movies"), ("GET", f"/movies/{movie}"),
                  ("PATCH", f"/movies/{movie}"), ("DELETE", f"/movies/{movie}"), ("POST", f"/movies/{movie}/restore"),
                  ("POST", f"/movies/{movie}/sync"), ("GET", "/audit"))
        for method, path in routes:
            body = {"title": "x"} if method in ("POST", "PATCH") else None
            self.assertErrorShape(call(method, ADMIN + path, self.plain["token"], body), 403, ADMIN + path.split("?")[0])
            self.assertErrorShape(call(method, ADMIN + path, None, body), 401, ADMIN + path.split("?")[0])
        self.assertEqual(call("GET", "/api/v1/movies/550?fields=title").json()["data"]["title"], "Fight Club",
                         "nothing changed")

    def test_lookups_fill_the_form_and_save_nothing(self):
        in_catalogue = call("GET", "/api/v1/movies/550?fields=id").json()["data"]["id"]
        for q in ("550", "tt0137523"):
            r = self.call("GET", f"/tmdb/lookup?q={q}")
            self.assertEqual(r.status, 200, r.body)
            d = r.json()["data"]
            self.assertEqual(d["movie"]["tmdb_id"], 550)
            self.assertEqual(d["movie"]["titles"]["en"], "Fight Club")
            self.assertTrue(d["movie"]["titles"]["fa"])
            self.assertTrue(d["movie"]["cast"] and d["movie"]["directors"] and d["movie"]["genres"])
            self.assertEqual(d["in_catalogue"], in_catalogue)
        r = self.call("GET", "/tmdb/lookup?q=fight")
        self.assertEqual(r.status, 200, r.body)
        titles = [c["title"] for c in r.json()["data"]["candidates"]]
        self.assertIn("Fight Club", titles)
        before = call("GET", "/api/v1/movies?limit=1").json()["meta"]["total"]
        self.call("GET", "/tmdb/lookup?q=13")  # Forrest Gump: looked up, not added
        self.assertEqual(call("GET", "/api/v1/movies?limit=1").json()["meta"]["total"], before)
        self.assertErrorShape(self.call("GET", "/tmdb/lookup?q=tt9999999"), 404, ADMIN + "/tmdb/lookup")
        self.assertErrorShape(self.call("GET", "/tmdb/lookup"), 400, ADMIN + "/tmdb/lookup")

    def test_a_tmdb_failure_during_lookup_is_a_clear_message(self):
        control("POST", "/__control/faults", {"path": "/3/movie/424", "status": 503, "times": 10})
        r = self.call("GET", "/tmdb/lookup?q=424")
        body = self.assertErrorShape(r, 503, ADMIN + "/tmdb/lookup")
        self.assertIn("TMDB is not answering", body["message"])

    def test_create_from_tmdb_and_by_hand_then_duplicates(self):
        form = self.call("GET", "/tmdb/lookup?q=680").json()["data"]
        settable = ("tmdb_id", "title", "titles", "original_title", "original_language", "overviews", "release_date",
                    "year", "runtime", "genres", "poster_path", "backdrop_path", "cast", "directors", "keywords",
                    "certification", "imdb_id", "popularity", "vote_average", "vote_count")
        fields = {k: v for k, v in form["movie"].items() if k in settable}
        if form["in_catalogue"] is None:
            r = self.call("POST", "/movies", fields)
            self.assertEqual(r.status, 201, r.body)
            self.assertEqual(r.json()["data"]["source"], "tmdb")
        again = self.call("POST", "/movies", fields)
        body = self.assertErrorShape(again, 409, ADMIN + "/movies")
        self.assertTrue(body["errors"][0].startswith(ADMIN + "/movies/"))

        manual = {"title": "Kitchen Sink Drama", "titles": {"fa": "درام آشپزخانه"}, "overview": "Filmed at home.",
                  "release_date": "2021-03-04", "runtime": 88, "genres": [{"id": 18, "name": "Drama"}]}
        r = self.call("POST", "/movies", manual)
        self.assertEqual(r.status, 201, r.body)
        m = r.json()["data"]
        self.addCleanup(self.call, "DELETE", f"/movies/{m['id']}")  # hidden again: other tests list the catalogue
        self.assertEqual((m["source"], m["year"], m["titles"]["fa"]), ("manual", 2021, "درام آشپزخانه"))
        self.assertNotIn("tmdb_id", m)
        self.assertTrue(m["slug"].startswith("kitchen-sink-drama-2021"))
        public = call("GET", f"/api/v1/movies/{m['slug']}")
        self.assertEqual(public.status, 200)
        self.assertEqual(public.json()["data"]["overview"], "Filmed at home.")
        twin = self.call("POST", "/movies", manual)
        self.assertEqual(twin.status, 201, "two hand-made movies may share a title")
        self.addCleanup(self.call, "DELETE", f"/movies/{twin.json()['data']['id']}")
        self.assertNotEqual(twin.json()["data"]["slug"], m["slug"])
        for bad in ({}, {"title": ""}, {"title": "x", "role": "admin"}, {"title": "x", "runtime": "long"},
                    {"title": "x", "rating_sum": 100}, {"title": {"$ne": None}}):
            self.assertErrorShape(self.call("POST", "/movies", bad), 400, ADMIN + "/movies")

    def test_edits_lock_fields_a_sync_leaves_and_unlocking_lets_tmdb_back(self):
        movie = call("GET", "/api/v1/movies/603?fields=id,runtime").json()["data"]
        path = f"/movies/{movie['id']}"
        tmdb_runtime = self.call("POST", path + "/sync").json()["data"]["movie"]["runtime"]
        r = self.call("PATCH", path, {"runtime": tmdb_runtime + 7})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("runtime", r.json()["data"]["locked_fields"])
        synced = self.call("POST", path + "/sync")
        self.assertEqual(synced.status, 200, synced.body)
        self.assertEqual(synced.json()["data"]["movie"]["runtime"], tmdb_runtime + 7, "the lock holds")
        self.assertNotIn("runtime", synced.json()["data"]["changed"])
        r = self.call("PATCH", path, {"unlock": ["runtime"]})
        self.assertNotIn("runtime", r.json()["data"]["locked_fields"])
        synced = self.call("POST", path + "/sync").json()["data"]
        self.assertEqual(synced["movie"]["runtime"], tmdb_runtime)
        self.assertIn("runtime", synced["changed"])
        # an edit that says lock: false stays open to the sync
        self.call("PATCH", path, {"runtime": tmdb_runtime + 1, "lock": False})
        self.assertEqual(self.call("POST", path + "/sync").json()["data"]["movie"]["runtime"], tmdb_runtime)
        # every step audited, newest first, with the diff of the fields
        audit = self.call("GET", f"/audit?movie={movie['id']}&limit=100").json()["data"]
        actions = [e["action"] for e in audit]
        self.assertEqual(actions[:7], ["movie.sync", "movie.edit", "movie.sync", "movie.unlock", "movie.sync",
                                       "movie.edit", "movie.sync"])
        edit = audit[5]
        runtime = next(c for c in edit["changes"] if c["field"] == "runtime")
        self.assertEqual((runtime["before"], runtime["after"]), (tmdb_runtime, tmdb_runtime + 7))
        self.assertEqual(edit["actor"], self.admin["user"]["id"])
        self.assertTrue(edit["at"] and edit["request_id"])
        self.assertErrorShape(self.call("PATCH", path, {"tmdb_id": 1}), 400, ADMIN + path)
        self.assertErrorShape(self.call("PATCH", path, {"unlock": ["password"]}), 400, ADMIN + path)
        self.assertErrorShape(self.call("PATCH", "/movies/nope", {"runtime": 1}), 404, ADMIN + "/movies/nope")

    def test_upload_a_poster_and_choose_a_backdrop_from_tmdb(self):
        from stack import request
        from test_accounts import JPEG, PNG, multipart
        movie = call("GET", "/api/v1/movies/603?fields=id").json()["data"]["id"]
        path = f"/movies/{movie}/images?kind=poster"

        def upload(data, user=None, kind="poster"):
            body, ctype = multipart("image", "p.png", data)
            headers = {"Content-Type": ctype, "Authorization": "Bearer " + (user or self.admin)["token"]}
            return request("POST", ADMIN + f"/movies/{movie}/images?kind={kind}", body=body, headers=headers)

        r = upload(PNG)
        self.assertEqual(r.status, 201, r.body)
        poster = r.json()["data"]["poster_path"]
        self.assertRegex(poster, r"^/media/posters/[0-9a-f]{32}\.png$")
        self.assertIn("poster_path", r.json()["data"]["locked_fields"])
        self.assertEqual(request("GET", poster).status, 200, "nginx serves it")
        self.assertTrue(call("GET", "/api/v1/movies/603").json()["data"]["poster_url"].endswith(poster))
        again = upload(JPEG)
        self.assertEqual(again.status, 201)
        self.assertEqual(request("GET", poster).status, 404, "the replaced upload is gone")
        self.assertErrorShape(upload(b"GIF89a" + b"\0" * 64), 415, ADMIN + f"/movies/{movie}/images")
        self.assertErrorShape(upload(PNG, user=self.plain), 403, ADMIN + f"/movies/{movie}/images")
        self.assertErrorShape(upload(PNG, kind="logo"), 400, ADMIN + f"/movies/{movie}/images")
        images = self.call("GET", f"/movies/{movie}/tmdb-images")
        self.assertEqual(images.status, 200, images.body)
        backdrop = images.json()["data"]["backdrops"][0]
        self.assertRegex(backdrop["url"], r"^/img/w780/[A-Za-z0-9]+\.(?:jpg|png|svg)$")  # our own host
        r = self.call("PATCH", f"/movies/{movie}", {"backdrop_path": backdrop["path"]})
        self.assertEqual(r.json()["data"]["backdrop_path"], backdrop["path"])
        actions = [e["action"] for e in self.call("GET", f"/audit?movie={movie}").json()["data"]]
        self.assertEqual(actions[:3], ["movie.edit", "movie.image", "movie.image"])
        # back to TMDB's images for the tests that follow
        self.call("PATCH", f"/movies/{movie}", {"unlock": ["poster_path", "backdrop_path"]})
        self.call("POST", f"/movies/{movie}/sync")

    def test_cache_invalidation_is_audited(self):
        r = call("DELETE", "/api/v1/tmdb/cache?prefix=/genre", self.admin["token"])
        self.assertEqual(r.status, 200, r.body)
        entry = self.call("GET", "/audit?action=cache.invalidate").json()["data"][0]
        self.assertEqual((entry["kind"], entry["target"], entry["actor"]), ("cache", "/genre", self.admin["user"]["id"]))
        self.assertEqual(entry["changes"][0]["field"], "removed")

    def test_hide_and_restore(self):
        m = self.call("POST", "/movies", {"title": "Soon Gone", "release_date": "2019-01-01"}).json()["data"]
        self.addCleanup(self.call, "DELETE", f"/movies/{m['id']}")
        self.assertEqual(call("GET", f"/api/v1/movies/{m['id']}").status, 200)
        r = self.call("DELETE", f"/movies/{m['id']}")
        self.assertEqual((r.status, r.json()["data"]["hidden"]), (200, True))
        self.assertEqual(call("GET", f"/api/v1/movies/{m['id']}").status, 404)
        listed = call("GET", "/api/v1/movies/search?q=soon%20gone").json()["data"]
        self.assertNotIn(m["id"], [x.get("id") for x in listed])
        self.assertEqual(self.call("GET", f"/movies/{m['id']}").status, 200, "admins still see it")
        self.assertEqual(self.call("POST", f"/movies/{m['id']}/restore").status, 200)
        self.assertEqual(call("GET", f"/api/v1/movies/{m['id']}").status, 200)
        actions = [e["action"] for e in self.call("GET", f"/audit?movie={m['id']}").json()["data"]]
        self.assertEqual(actions, ["movie.restore", "movie.hide", "movie.create"])
        self.assertErrorShape(self.call("POST", f"/movies/{m['id']}/sync"), 422, ADMIN + f"/movies/{m['id']}/sync")


class AdminNotificationsRunsUsersTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        cls.admin = make_admin()
        cls.other_admin = make_admin()
        cls.plain = register()

    def call(self, method, path, body=None, user=None):
        return call(method, ADMIN + path, (user or self.admin)["token"], body)

    def test_notifications_are_seen_per_admin(self):
        # a runtime change at TMDB raises one
        from test_sync import FIRST, sync
        control("POST", "/__control/reset")
        control("POST", "/__control/synthetic", {"movies": 20})
        self.assertEqual(sync("movie", str(FIRST + 3)).returncode, 0)
        control("POST", f"/__control/movies/{FIRST + 3}", {"runtime": 201})
        self.assertEqual(sync("movie", str(FIRST + 3)).returncode, 0)
        control("POST", "/__control/reset")
        r = self.call("GET", "/notifications?unseen=true")
        self.assertEqual(r.status, 200, r.body)
        unseen = int(r.headers["X-Unseen-Count"])
        self.assertGreaterEqual(unseen, 1)
        note = next(n for n in r.json()["data"] if n["tmdb_id"] == FIRST + 3)
        self.assertEqual((note["kind"], note["seen"]), ("tmdb_change", False))
        self.assertEqual(note["fields"][0]["field"], "runtime")
        self.assertEqual(self.call("GET", "/notifications/count").json()["data"]["unseen"], unseen)
        self.assertEqual(self.call("POST", f"/notifications/{note['id']}/seen").status, 204)
        self.assertEqual(self.call("GET", "/notifications/count").json()["data"]["unseen"], unseen - 1)
        self.assertGreaterEqual(self.call("GET", "/notifications/count", user=self.other_admin).json()["data"]["unseen"], 1,
                                "seen by one admin is not seen by the other")
        self.assertEqual(self.call("POST", "/notifications/seen").status, 204)
        self.assertEqual(self.call("GET", "/notifications/count").json()["data"]["unseen"], 0)
        self.assertErrorShape(self.call("POST", "/notifications/ffffffffffffffffffffffff/seen"), 404,
                              ADMIN + "/notifications/ffffffffffffffffffffffff/seen")

    def test_sync_runs_start_in_the_background_one_at_a_time(self):
        r = self.call("POST", "/sync/runs", {"kind": "genres"})
        self.assertEqual(r.status, 202, r.body)
        self.assertGreater(r.json()["data"]["pid"], 0)
        deadline = time.monotonic() + 20
        runs = []
        while time.monotonic() < deadline:
            runs = self.call("GET", "/sync/runs?limit=5").json()["data"]
            if runs and runs[0]["kind"] == "genres" and runs[0]["status"] != "in-progress":
                break
            time.sleep(0.2)
        self.assertEqual((runs[0]["kind"], runs[0]["status"]), ("genres", "success"))
        self.assertGreaterEqual(runs[0]["counts"]["genres"], 19)
        # while a run holds the lease, another is refused
        from test_sync import sync_env, SYNC
        import subprocess
        control("POST", "/__control/synthetic", {"movies": 100})
        long_run = subprocess.Popen([SYNC, "popular", "--pages", "5"], env=sync_env(TMDB_RATE="40"),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and "X-Sync-Running" not in self.call("GET", "/sync/runs").headers:
                time.sleep(0.05)
            self.assertErrorShape(self.call("POST", "/sync/runs", {"kind": "changes"}), 409, ADMIN + "/sync/runs")
            # the run in progress says how far it is, as it goes
            seen = []
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                run = self.call("GET", "/sync/runs?limit=1").json()["data"][0]
                if run["status"] == "in-progress" and "progress" in run:
                    seen.append((run["progress"]["phase"], run["progress"]["done"], run["progress"]["total"]))
                if run["status"] != "in-progress":
                    break
                time.sleep(0.1)
            self.assertTrue(seen, "no progress while the run was in progress")
            self.assertTrue(all(0 <= done <= total for _, done, total in seen), seen)
            self.assertIn("movies", [phase for phase, _, _ in seen], seen)
            self.assertEqual((run["progress"]["phase"], run["progress"]["done"]), ("movies", run["progress"]["total"]))
            self.assertEqual(run["status"], "success")
        finally:
            long_run.wait(timeout=60)
            control("POST", "/__control/reset")
        for bad in ({}, {"kind": "rm -rf /"}, {"kind": "genres", "extra": 1}):
            self.assertErrorShape(self.call("POST", "/sync/runs", bad), 400, ADMIN + "/sync/runs")
        self.assertIn("sync.start", [e["action"] for e in self.call("GET", "/audit?action=sync.start").json()["data"]])

    def test_users_and_roles(self):
        target = register()
        r = self.call("GET", "/users?q=" + target["user"]["email"][:10])
        self.assertEqual(r.status, 200)
        found = [u for u in r.json()["data"] if u["id"] == target["user"]["id"]]
        self.assertEqual(len(found), 1)
        self.assertNotIn("password_hash", found[0])
        self.assertEqual(self.call("GET", "/users?q=.*").json()["meta"]["total"], 0, "q is text, not a pattern")
        r = self.call("PATCH", f"/users/{target['user']['id']}/role", {"role": "admin"})
        self.assertEqual((r.status, r.json()["data"]["role"]), (200, "admin"))
        self.assertEqual(call("GET", ADMIN + "/audit", target["token"]).status, 200, "the new admin gets in at once")
        self.assertEqual(self.call("PATCH", f"/users/{target['user']['id']}/role", {"role": "user"}).status, 200)
        self.assertEqual(call("GET", ADMIN + "/audit", target["token"]).status, 403)
        audit = self.call("GET", f"/audit?action=user.role").json()["data"]
        entry = next(e for e in audit if e["target"] == target["user"]["id"])
        self.assertEqual(entry["changes"], [{"field": "role", "before": "admin", "after": "user"}])
        self.assertErrorShape(self.call("PATCH", f"/users/{self.admin['user']['id']}/role", {"role": "user"}), 422,
                              ADMIN + f"/users/{self.admin['user']['id']}/role")
        self.assertErrorShape(self.call("PATCH", f"/users/{target['user']['id']}/role", {"role": "root"}), 400,
                              ADMIN + f"/users/{target['user']['id']}/role")
        self.assertErrorShape(self.call("PATCH", "/users/ffffffffffffffffffffffff/role", {"role": "admin"}), 404,
                              ADMIN + "/users/ffffffffffffffffffffffff/role")
        for path in ("/notifications", "/notifications/count", "/sync/runs", "/users"):
            self.assertErrorShape(call("GET", ADMIN + path, self.plain["token"]), 403, ADMIN + path)


class AdminPagesTest(unittest.TestCase):
    """The CMS pages without JavaScript: plain forms carrying the CSRF token."""

    @classmethod
    def setUpClass(cls):
        from test_accounts import cookie_session
        cls.data, cls.jar, cls.cookie = cookie_session()
        assert marquee_sync("admin", cls.data["user"]["email"]).returncode == 0
        _, _, cls.plain_cookie = cookie_session()

    def post(self, path, fields, cookie=None):
        import urllib.parse
        from stack import request
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        headers = dict(cookie or self.cookie, **{"Content-Type": "application/x-www-form-urlencoded"})
        return request("POST", path, body=body, headers=headers)

    def page(self, path, cookie=None):
        from stack import request
        r = request("GET", path, headers=cookie or self.cookie)
        return r.status, r.body.decode()

    def test_every_page_is_admin_only(self):
        for path in ("/admin", "/admin/movies", "/admin/movies/new", "/admin/audit", "/admin/notifications",
                     "/admin/sync", "/admin/users"):
            status, html = self.page(path)
            self.assertEqual(status, 200, path)
            self.assertIn('class="admin-nav"', html)
            self.assertEqual(self.page(path, self.plain_cookie)[0], 403, path)

    def test_the_movie_list_filters_by_status_source_genre_and_year(self):
        made = {}
        for title, date, genre, hide in (("Filterable Hidden", "2011-05-01", {"id": 18, "name": "Drama"}, True),
                                         ("Filterable Shown", "2012-05-01", {"id": 35, "name": "Comedy"}, False)):
            r = call("POST", ADMIN + "/movies", self.data["token"],
                     {"title": title, "release_date": date, "genres": [genre]})
            self.assertEqual(r.status, 201, r.body)
            made[title] = r.json()["data"]["id"]
            # hidden when done, as the other tests leave their hand-made movies: the public
            # catalogue tests expect TMDB's movies only
            self.addCleanup(call, "DELETE", ADMIN + "/movies/" + made[title], self.data["token"])
            if hide:
                self.assertEqual(call("DELETE", ADMIN + "/movies/" + made[title], self.data["token"]).status, 200)

        def listed(query):
            status, html = self.page("/admin/movies?q=filterable&" + query)
            self.assertEqual(status, 200, query)
            return {t for t in made if made[t] in html}

        self.assertEqual(listed(""), set(made), "by default every movie, hidden ones too")
        self.assertEqual(listed("status=visible"), {"Filterable Shown"})
        self.assertEqual(listed("status=hidden"), {"Filterable Hidden"})
        self.assertEqual(listed("status=missing"), set())
        self.assertEqual(listed("source=manual&year=2012"), {"Filterable Shown"})
        self.assertEqual(listed("source=tmdb"), set())
        self.assertEqual(listed("genre=18"), {"Filterable Hidden"})
        for genres in ([18], [{"id": "18", "name": "Drama"}], [{"name": "Drama"}]):  # not a genre: refused
            r = call("POST", ADMIN + "/movies", self.data["token"], {"title": "Filterable Bad", "genres": genres})
            self.assertEqual(r.status, 400, genres)
        # the form's blank fields ("Any") mean no filter, here and on the public list
        self.assertEqual(listed("status=any&source=&genre=&year="), set(made))
        self.assertEqual(self.page("/movies?genre=&year=&minRating=")[0], 200)
        status, html = self.page("/admin/movies?status=gone&year=1200")
        self.assertEqual(status, 400)
        self.assertIn("status", html)
        self.assertIn("year", html)

    def test_add_by_hand_then_edit_with_locks_without_javascript(self):
        import re
        status, html = self.page("/admin/movies/new")
        self.assertIn('name="_csrf"', html)
        fields = {"_csrf": self.jar["mq_csrf"], "title": "Garden Story", "title_fa": "داستان باغ",
                  "overview": "A garden.", "release_date": "2018-06-01", "runtime": "77",
                  "genre": ["18:Drama", "35:Comedy"], "cast_name_0": "A. Actor", "cast_character_0": "Gardener",
                  "cast_name_1": "", "directors": "D. Rector\nS. Second"}
        r = self.post("/admin/movies", fields)
        self.assertEqual(r.status, 200, r.body[:300])  # followed the 303 to the movie's page
        html = r.body.decode()
        self.assertIn("Done: the movie is added.", html)
        movie_id = re.search(r'action="/admin/movies/([0-9a-f]{24})"', html).group(1)
        self.addCleanup(call, "DELETE", f"{ADMIN}/movies/{movie_id}", self.data["token"])
        m = call("GET", f"/api/v1/movies/{movie_id}").json()["data"]
        self.assertEqual((m["title"], m["titles"]["fa"], m["runtime"], m["year"]), ("Garden Story", "داستان باغ", 77, 2018))
        self.assertEqual([g["id"] for g in m["genres"]], [18, 35])
        self.assertEqual([(c["name"], c.get("character")) for c in m["cast"]], [("A. Actor", "Gardener")])
        self.assertEqual([d["name"] for d in m["directors"]], ["D. Rector", "S. Second"])
        # an edit: a new runtime, the cast row removed; without the token it is refused
        edit = dict(fields, runtime="80", cast_remove_0="on")
        self.assertEqual(self.post(f"/admin/movies/{movie_id}", dict(edit, _csrf="")).status, 403)
        r = self.post(f"/admin/movies/{movie_id}", edit)
        self.assertIn("Done: the changes are saved.", r.body.decode())
        m = call("GET", f"/api/v1/movies/{movie_id}").json()["data"]
        self.assertEqual((m["runtime"], m["cast"]), (80, []))
        # a form with problems comes back with them and changes nothing
        r = self.post(f"/admin/movies/{movie_id}", dict(edit, title="", runtime="forever"))
        self.assertEqual(r.status, 400)
        self.assertIn("title is required", r.body.decode())
        self.assertEqual(call("GET", f"/api/v1/movies/{movie_id}").json()["data"]["runtime"], 80)

    def test_lock_boxes_on_a_tmdb_movie(self):
        import re
        movie_id = call("GET", "/api/v1/movies/13?fields=id").json()["data"]["id"]
        status, html = self.page(f"/admin/movies/{movie_id}")
        self.assertEqual(status, 200)
        title = re.search(r'id="title" name="title"[^>]* value="([^"]*)"', html).group(1)
        fields = {"_csrf": self.jar["mq_csrf"], "title": title, "runtime": "150", "lock_runtime": "on",
                  "lockable": ["title", "runtime"]}
        self.post(f"/admin/movies/{movie_id}", fields)
        admin = {"token": self.data["token"]}
        locks = call("GET", f"{ADMIN}/movies/{movie_id}", admin["token"]).json()["data"]["locked_fields"]
        self.assertIn("runtime", locks)
        self.assertNotIn("title", locks, "only ticked boxes lock")
        html = self.page(f"/admin/movies/{movie_id}")[1]
        self.assertRegex(html, r'name="lock_runtime" checked')
        self.post(f"/admin/movies/{movie_id}", {"_csrf": self.jar["mq_csrf"], "poster_path": "/p.jpg"})
        self.assertIn("runtime", call("GET", f"{ADMIN}/movies/{movie_id}", admin["token"]).json()["data"]["locked_fields"],
                      "a partial form (no lock boxes) unlocks nothing")
        fields.pop("lock_runtime")  # the box shown but not ticked: unlocked
        self.post(f"/admin/movies/{movie_id}", fields)
        self.assertNotIn("runtime", call("GET", f"{ADMIN}/movies/{movie_id}", admin["token"]).json()["data"]["locked_fields"])
        # without JavaScript a changed field is locked, box or not: the next sync never silently
        # reverts an edit (as the API locks what it sets)
        self.post(f"/admin/movies/{movie_id}", {**fields, "runtime": "151"})
        locks = call("GET", f"{ADMIN}/movies/{movie_id}", admin["token"]).json()["data"]["locked_fields"]
        self.assertIn("runtime", locks)
        self.assertNotIn("title", locks, "an unchanged field stays as its box says")
        # site.js ticks the box of a changed field itself and says so (locks_exact): the boxes
        # are then the admin's word, an untick included
        self.post(f"/admin/movies/{movie_id}", {**fields, "runtime": "150", "locks_exact": "1"})
        self.assertNotIn("runtime", call("GET", f"{ADMIN}/movies/{movie_id}", admin["token"]).json()["data"]["locked_fields"])
        r = self.post(f"/admin/movies/{movie_id}/sync", {"_csrf": self.jar["mq_csrf"]})
        self.assertIn("Done: synced from TMDB.", r.body.decode())
        # TMDB's images to choose from; one chosen becomes the poster, locked
        status, html = self.page(f"/admin/movies/{movie_id}/images")
        self.assertEqual(status, 200)
        path = re.search(r'name="poster_path" value="([^"]+)"', html).group(1)
        self.post(f"/admin/movies/{movie_id}", {"_csrf": self.jar["mq_csrf"], "poster_path": path, "lock_poster_path": "on"})
        m = call("GET", f"{ADMIN}/movies/{movie_id}", admin["token"]).json()["data"]
        self.assertEqual(m["poster_path"], path)
        self.assertIn("poster_path", m["locked_fields"])
        self.call_unlock = call("PATCH", f"{ADMIN}/movies/{movie_id}", admin["token"], {"unlock": ["poster_path"]})


if __name__ == "__main__":
    unittest.main()
