"""Black-box tests of marquee-sync against the running stack's database and the TMDB stand-in:
genres and list pages into the catalogue, reruns that write nothing, locked fields, notifications,
movies gone at TMDB, a 429 storm, the lease (a second run exits 75; a killed run is taken over),
--dry-run, the changes feed and the command line's errors."""
import json
import os
import pty
import re
import signal
import subprocess
import time
import unittest
import urllib.request

from stack import ENV, ROOT, get

BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
SYNC = os.path.join(BUILD, "marquee-sync")
STANDIN = ENV["TMDB_BASE_URL"].rsplit("/3", 1)[0]
FIRST = 900001  # the stand-in's synthetic catalogue starts here

SUMMARY = re.compile(r"(\d+) fetched, (\d+) new, (\d+) updated, (\d+) unchanged, (\d+) missing at TMDB, "
                     r"(\d+) failed, (\d+) notifications, (\d+) genres")
KEYS = ("fetched", "new", "updated", "unchanged", "missing", "failed", "notifications", "genres")


def sync_env(**extra):
    env = dict(os.environ, MONGODB_URI=ENV["MONGODB_URI"], MARQUEE_DB=ENV.get("MARQUEE_DB", "marquee"),
               TMDB_BASE_URL=ENV["TMDB_BASE_URL"], TMDB_READ_TOKEN="standin-read-token", TMDB_RATE="1000",
               LOG_LEVEL="error")
    env.pop("TMDB_API_KEY", None)
    env.update(extra)
    return env


def sync(*args, **env):
    return subprocess.run([SYNC, *args], env=sync_env(**env), capture_output=True, text=True, timeout=120)


def counts(result):
    m = SUMMARY.search(result.stdout)
    assert m, (result.returncode, result.stdout, result.stderr)
    return dict(zip(KEYS, map(int, m.groups())))


def control(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(STANDIN + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def status():
    r = sync("status", "--limit", "50")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def movie(tmdb_id):
    r = get(f"/api/v1/movies/{tmdb_id}")
    return r.status, (r.json()["data"] if r.status == 200 else None)


class SyncTest(unittest.TestCase):
    def setUp(self):
        control("POST", "/__control/reset")
        control("POST", "/__control/synthetic", {"movies": 100})
        control("POST", "/__control/changes", {"ids": []})  # the feed lists only what tests change

    def tearDown(self):
        control("POST", "/__control/reset")

    def ok(self, *args, **env):
        r = sync(*args, **env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return counts(r)

    def test_genres_then_two_pages_then_a_rerun_that_writes_nothing(self):
        c = self.ok("genres")
        self.assertGreaterEqual(c["genres"], 19)
        c = self.ok("popular", "--pages", "2")
        self.assertEqual(c["fetched"], 40)
        self.assertEqual(c["new"] + c["updated"] + c["unchanged"], 40)
        self.assertEqual(c["failed"], 0)
        code, m = movie(FIRST)
        self.assertEqual(code, 200)
        self.assertEqual(m["title"], f"Synthetic Movie {FIRST}")
        self.assertTrue(m["genres"] and all(g["name"] for g in m["genres"]), m["genres"])
        again = self.ok("popular", "--pages", "2")
        self.assertEqual((again["fetched"], again["new"], again["updated"], again["unchanged"]), (40, 0, 0, 40),
                         "nothing changed at TMDB: nothing written")
        total = get("/api/v1/movies?limit=1").json()["meta"]["total"]
        self.ok("popular", "--pages", "2")
        self.assertEqual(get("/api/v1/movies?limit=1").json()["meta"]["total"], total, "no duplicates")
        runs = [r for r in status()["runs"] if r["kind"] == "popular"]
        self.assertEqual(runs[0]["status"], "success")
        self.assertEqual(runs[0]["counts"]["unchanged"], 40)

    def test_a_locked_title_survives_a_change_at_tmdb(self):
        tmdb_id = FIRST + 5
        self.ok("movie", str(tmdb_id))
        r = sync("lock", str(tmdb_id), "title")
        self.assertEqual(r.returncode, 0, r.stderr)
        control("POST", f"/__control/movies/{tmdb_id}", {"title": "Renamed At TMDB", "runtime": 99})
        c = self.ok("movie", str(tmdb_id))
        self.assertEqual(c["updated"], 1)
        _, m = movie(tmdb_id)
        self.assertEqual(m["title"], f"Synthetic Movie {tmdb_id}", "the locked title stays")
        self.assertEqual(m["runtime"], 99, "unlocked fields follow TMDB")
        self.assertIn("title", m["locked_fields"])
        self.assertEqual(sync("lock", "--unlock", str(tmdb_id), "title").returncode, 0)
        self.ok("movie", str(tmdb_id))
        self.assertEqual(movie(tmdb_id)[1]["title"], "Renamed At TMDB")

    def test_a_runtime_change_at_tmdb_raises_a_notification(self):
        tmdb_id = FIRST + 7
        self.ok("movie", str(tmdb_id))
        before = movie(tmdb_id)[1]["runtime"]
        control("POST", f"/__control/movies/{tmdb_id}", {"runtime": before + 11})
        c = self.ok("movie", str(tmdb_id))
        self.assertEqual((c["updated"], c["notifications"]), (1, 1))
        note = next(n for n in status()["notifications"] if n["tmdb_id"] == tmdb_id)
        self.assertEqual(note["kind"], "tmdb_change")
        self.assertEqual(note["fields"], [{"field": "runtime", "before": before, "after": before + 11}])
        self.assertEqual(movie(tmdb_id)[1]["runtime"], before + 11)

    def test_a_movie_gone_at_tmdb_is_flagged_once_and_never_deleted(self):
        tmdb_id = FIRST + 8
        self.ok("movie", str(tmdb_id))
        notified = lambda: [n["kind"] for n in status()["notifications"] if n["tmdb_id"] == tmdb_id]  # noqa: E731
        before = notified()
        control("POST", f"/__control/movies/{tmdb_id}/missing")
        c = self.ok("movie", str(tmdb_id))
        self.assertEqual((c["missing"], c["notifications"], c["failed"]), (1, 1, 0))
        code, m = movie(tmdb_id)
        self.assertEqual(code, 200, "still in the catalogue")
        self.assertIs(m["tmdb_missing"], True)
        again = self.ok("movie", str(tmdb_id))
        self.assertEqual((again["missing"], again["notifications"]), (1, 0), "notified once")
        self.assertEqual(notified(), ["tmdb_missing"] + before)
        control("DELETE", f"/__control/movies/{tmdb_id}/missing")
        self.assertEqual(self.ok("movie", str(tmdb_id))["updated"], 1)
        self.assertNotIn("tmdb_missing", movie(tmdb_id)[1] or {})

    def test_a_429_storm_slows_the_run_down_and_it_completes(self):
        control("POST", "/__control/faults", {"path": "/3/movie/9000", "status": 429, "retry_after": 1, "times": 12})
        r = sync("popular", "--pages", "1")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        c = counts(r)
        self.assertEqual((c["fetched"], c["failed"]), (20, 0))
        stats = control("GET", "/__control/stats")
        refused = [q for q in stats["requests"] if q["status"] == 429]
        self.assertEqual(len(refused), 12, "every refusal was waited out and retried")

    def test_a_second_run_exits_75_while_the_first_holds_the_lease(self):
        first = subprocess.Popen([SYNC, "popular", "--pages", "5"], env=sync_env(TMDB_RATE="40"),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not status()["lease"]:
                time.sleep(0.05)
            self.assertTrue(status()["lease"], "the first run took the lease")
            second = sync("genres")
            self.assertEqual(second.returncode, 75, second.stdout + second.stderr)
            self.assertIn("another sync holds the lease", second.stderr)
            self.assertIn(f"pid {first.pid}", second.stderr)
        finally:
            out, err = first.communicate(timeout=60)
        self.assertEqual(first.returncode, 0, out + err)
        self.assertEqual(status()["lease"], [], "given back")

    def test_a_run_killed_midway_is_taken_over_and_the_next_run_completes(self):
        victim = subprocess.Popen([SYNC, "popular", "--pages", "5"], env=sync_env(TMDB_RATE="40"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and control("GET", "/__control/stats")["by_path"].get(f"/3/movie/{FIRST + 30}", 0) == 0:
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        c = self.ok("popular", "--pages", "5")
        self.assertEqual(c["fetched"], 100)
        self.assertEqual(c["new"] + c["updated"] + c["unchanged"], 100, "every movie accounted for")
        for tmdb_id in (FIRST, FIRST + 50, FIRST + 99):
            self.assertEqual(movie(tmdb_id)[0], 200)
        runs = status()["runs"]
        killed = next(r for r in runs if r.get("pid") == victim.pid)
        self.assertEqual(killed["status"], "failed")
        self.assertIn("interrupted", killed["error"])
        self.assertEqual(runs[0]["status"], "success")

    def test_dry_run_fetches_and_compares_but_writes_nothing(self):
        tmdb_id = FIRST + 12
        self.ok("movie", str(tmdb_id))
        runs_before = len(status()["runs"])
        control("POST", f"/__control/movies/{tmdb_id}", {"title": "Dry Title"})
        r = sync("movie", str(tmdb_id), str(FIRST + 97), "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("dry run, nothing written", r.stdout)
        c = counts(r)
        self.assertEqual(c["updated"], 1)
        self.assertEqual(movie(tmdb_id)[1]["title"], f"Synthetic Movie {tmdb_id}")
        self.assertEqual(len(status()["runs"]), runs_before, "not even a synclog")

    def test_changes_syncs_only_catalogue_movies_the_feed_lists(self):
        in_catalogue = FIRST + 20
        self.ok("movie", str(in_catalogue))
        self.ok("changes")  # the first may be a full pass: now there is a successful run to follow
        control("POST", f"/__control/movies/{in_catalogue}", {"runtime": 171})
        control("POST", "/__control/changes", {"ids": [123456789]})  # changed at TMDB, not ours
        c = self.ok("changes")
        self.assertEqual((c["fetched"], c["updated"]), (1, 1), "only the catalogue's changed movie")
        self.assertEqual(movie(in_catalogue)[1]["runtime"], 171)

    def test_recorded_movies_pass_through_unchanged_shapes(self):
        # the real recordings when ../shared is there, else the stand-in's own fixtures
        c = self.ok("movie", "550", "13", "680", "603")
        self.assertEqual((c["fetched"], c["failed"]), (4, 0))
        m = movie(550)[1]
        self.assertEqual((m["title"], m["year"]), ("Fight Club", 1999))
        self.assertTrue(m["directors"] and m["cast"])
        self.assertEqual(self.ok("movie", "550", "13", "680", "603")["unchanged"], 4)

    def test_translations_fetches_the_movies_missing_a_language(self):
        tmdb_id = FIRST + 40
        control("POST", f"/__control/movies/{tmdb_id}", {"translations": {"translations": []}})
        self.ok("movie", str(tmdb_id))
        self.assertNotIn("fa", movie(tmdb_id)[1]["titles"])
        control("DELETE", f"/__control/movies/{tmdb_id}")
        c = self.ok("translations")
        self.assertGreaterEqual(c["updated"], 1)
        titles = movie(tmdb_id)[1]["titles"]
        self.assertIn("fa", titles)
        self.assertNotEqual(titles["fa"], titles["en"])

    def test_on_a_terminal_progress_goes_to_stderr(self):
        leader, follower = pty.openpty()
        try:
            r = subprocess.run([SYNC, "popular", "--pages", "2"], env=sync_env(), stdout=subprocess.PIPE,
                               stderr=follower, text=True, timeout=60)
            os.close(follower)
            follower = None
            shown = b""
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal is closed once everything is read
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            if follower is not None:
                os.close(follower)
            os.close(leader)
        self.assertEqual(r.returncode, 0, r.stdout)
        text = shown.decode("utf-8", "replace")
        self.assertIn("popular pages 2/2", text)
        self.assertIn("movies 40/40", text)
        self.assertIn("\r", text, "redrawn in place")
        self.assertEqual(len(r.stdout.strip().splitlines()), 1, "and the one summary line on stdout")
        # not on a terminal: no progress at all
        self.assertNotIn("movies 40/40", sync("popular", "--pages", "2").stderr)

    def test_the_command_line_refuses_bad_arguments(self):
        for args in (("popular", "--pages", "0"), ("popular", "--pages", "501"), ("movie",), ("movie", "abc"),
                     ("movie", "-5"), ("genres", "--frobnicate"), ("lock", "550", "password_hash"),
                     ("frobnicate",)):
            r = sync(*args)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertTrue(r.stderr.strip(), args)
        for command in ("genres", "popular", "top-rated", "changes", "movie", "translations", "purge-cache",
                        "all", "seed", "status", "lock", "schema", "admin", "ping"):
            r = sync(command, "--help")
            self.assertEqual(r.returncode, 0, command)
            self.assertIn("usage: marquee-sync " + command, r.stdout)
        r = sync("genres", TMDB_READ_TOKEN="")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("TMDB_READ_TOKEN", r.stderr)
        r = sync("genres", TMDB_RATE="0")
        self.assertEqual(r.returncode, 78, r.stderr)

    def test_the_database_down_is_a_one_line_failure(self):
        r = sync("genres", MONGODB_URI="mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300&connectTimeoutMS=300")
        self.assertEqual(r.returncode, 69, r.stdout + r.stderr)
        reason = r.stderr.strip().splitlines()[-1]  # after the JSON log lines: one line for people
        self.assertEqual(reason, "marquee-sync genres: the database is unavailable (Service unavailable)")


if __name__ == "__main__":
    unittest.main()
