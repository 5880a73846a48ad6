"""Faults under load: a worker killed, the database killed and brought back, uploads onto a full
disk or into a media directory that cannot be written.

The database test starts a stack of its own (it kills that stack's database and starts it again on
the same port and data); the others use the shared stack and leave it as they found it.
"""
import collections
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from stack import ENV, ROOT, get, load_env, request
from test_accounts import PNG, multipart, register
from test_foundation import ErrorShape

BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))

Outcome = collections.namedtuple("Outcome", "thread start seconds status response")


def supervisor_pid(name, env=ENV):
    """The pid stack.env records for worker name: the --respawn process that holds its socket."""
    return int(env["WORKER_PIDS"].split()[env["WORKERS"].split().index(name)])


def serving_pid(supervisor):
    """The process that serves for a supervisor (its only child), or None between two."""
    try:
        with open(f"/proc/{supervisor}/task/{supervisor}/children") as f:
            children = f.read().split()
    except FileNotFoundError:
        return None
    return int(children[0]) if children else None


class Load:
    """Client threads, each calling fn(thread index, request number) until stopped; every outcome
    is kept, and an exchange that raises (a reset, a timeout) is kept with status 0."""

    def __init__(self, threads, fn):
        self.fn, self.outcomes, self.lock = fn, [], threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(threads)]

    def run(self, i):
        n = 0
        while not self.stopping.is_set():
            t0 = time.monotonic()
            try:
                r = self.fn(i, n)
            except Exception as e:  # noqa: BLE001 (recorded and asserted on, never swallowed)
                r = e
            if r is None:  # this thread has nothing more to send
                return
            status = getattr(r, "status", 0)
            with self.lock:
                self.outcomes.append(Outcome(i, t0, time.monotonic() - t0, status, r))
            n += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join(60)
            if t.is_alive():
                raise AssertionError("a client thread hung")


class WorkerKilledTest(unittest.TestCase, ErrorShape):
    def test_a_killed_worker_is_restarted_and_only_requests_in_flight_fail(self):
        supervisor = supervisor_pid("movies")
        old = serving_pid(supervisor)
        self.assertIsNotNone(old, "the movies worker has no serving process")
        path = "/api/v1/movies?limit=5"
        with Load(6, lambda i, n: get(path, timeout=15)) as load:
            time.sleep(1.0)
            killed_at = time.monotonic()
            os.kill(old, signal.SIGKILL)
            new = None
            while time.monotonic() < killed_at + 10:
                new = serving_pid(supervisor)
                if new and new != old:
                    break
                time.sleep(0.01)
            time.sleep(1.5)
        self.assertNotIn(new, (None, old), "no new worker process")
        os.kill(supervisor, 0)  # the supervisor itself lives on

        outcomes = load.outcomes
        statuses = collections.Counter(o.status for o in outcomes)
        self.assertLessEqual(set(statuses), {200, 503}, statuses)
        failed = [o for o in outcomes if o.status != 200]
        for o in failed:
            self.assertErrorShape(o.response, 503, "/api/v1/movies")
            self.assertLess(o.start, killed_at, "a request sent after the kill failed: the gap is not covered")
        self.assertLessEqual(len(failed), 6, "more failures than requests that can be in flight at once")
        after = [o for o in outcomes if o.start > killed_at]
        self.assertTrue(after and all(o.status == 200 for o in after), statuses)
        with open(os.path.join(ENV["RUN_DIR"], "log", "movies.log"), encoding="utf-8", errors="replace") as f:
            self.assertIn(f"worker process {old} died (signal 9)", f.read())


class DatabaseKilledTest(unittest.TestCase, ErrorShape):
    """Members add to their watchlists while the database is killed and, 2.5 s later, started
    again: every answer is a success or a 503 in the error shape within 2 s, the same worker processes answer 201 again once it is back, and every add that was
    answered 201 is on the watchlist afterwards."""

    WRITERS = 4

    @classmethod
    def setUpClass(cls):
        if not ENV.get("DB_PID"):
            raise unittest.SkipTest("MONGODB_URI was given: the stack does not own a database to kill")
        cls.run_dir = tempfile.mkdtemp(prefix="mq-faults-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cls.env = {k: v for k, v in os.environ.items()
                   if k not in ("MONGODB_URI", "TMDB_API_KEY", "TMDB_READ_TOKEN", "TMDB_BASE_URL", "STACK_ENV")}
        cls.env.update(BUILD=BUILD, RUN_DIR=cls.run_dir, PORT=str(port), MQ_AUTH_RATE="1000r/s", LOG_LEVEL="warn")
        cls.stack("start")
        cls.stack_env = os.path.join(cls.run_dir, "stack.env")
        own = load_env(cls.stack_env)
        cls.base, cls.own = own["BASE_URL"], own
        # the stand-in makes up details for the ids it lists (its recordings have a handful)
        control = urllib.request.Request(own["TMDB_BASE_URL"].rsplit("/3", 1)[0] + "/__control/synthetic",
                                         data=b'{"movies": 60}', headers={"Content-Type": "application/json"})
        urllib.request.urlopen(control, timeout=10).close()
        for args in (["genres"], ["popular", "--pages", "2"]):
            subprocess.run([os.path.join(BUILD, "marquee-sync"), *args], check=True, capture_output=True, timeout=60,
                           env=dict(cls.env, MONGODB_URI=own["MONGODB_URI"], TMDB_BASE_URL=own["TMDB_BASE_URL"],
                                    TMDB_READ_TOKEN="faults"))

    @classmethod
    def tearDownClass(cls):
        cls.stack("stop")
        shutil.rmtree(cls.run_dir, ignore_errors=True)

    @classmethod
    def stack(cls, command):
        subprocess.run([os.path.join(ROOT, "tests", "stack.sh"), command], env=cls.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def call(self, method, path, token=None, body=None):
        headers = {"Authorization": "Bearer " + token} if token else {}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        return request(method, path, body=data, headers=headers, base=self.base, timeout=15)

    def restart_database(self):
        """Starts the database again on the port and data directory it had; records its pid where
        tests/stack.sh stop will find it."""
        port = self.own["MONGODB_URI"].split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1]
        log = open(os.path.join(self.run_dir, "log", "ferretdb.log"), "ab")
        proc = subprocess.Popen([os.path.join(ROOT, "build", "ferretdb-test"), "-dir", os.path.join(self.run_dir, "db"),
                                 "-tcp", "127.0.0.1:" + port], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=log)
        log.close()
        with open(self.stack_env, encoding="utf-8") as f:
            text = f.read()
        with open(self.stack_env, "w", encoding="utf-8") as f:
            f.write(text.replace("DB_PID=%s\n" % self.own["DB_PID"], "DB_PID=%d\n" % proc.pid))
        self.own["DB_PID"] = str(proc.pid)
        self.assertTrue(proc.stdout.readline().startswith(b"mongodb://"), "the database did not start again")
        proc.stdout.close()
        type(self).database = proc  # tests/stack.sh stop ends it, by the pid it now reads

    def test_database_killed_under_load_then_back(self):
        movies = self.call("GET", "/api/v1/movies?limit=100").json()["data"]
        self.assertGreaterEqual(len(movies), 30)
        members = []
        for i in range(self.WRITERS):
            r = self.call("POST", "/api/v1/auth/register",
                          body={"email": f"faults{i}-{os.urandom(4).hex()}@example.org", "password": "correct horse",
                                "name": "Faults"})
            self.assertEqual(r.status, 201, r.body)
            members.append(r.json()["data"]["token"])
        workers = {w: serving_pid(supervisor_pid(w, self.own)) for w in ("watchlist", "movies")}

        def writer(i, n):
            if n >= len(movies):
                return None
            time.sleep(0.08)
            return self.call("POST", "/api/v1/watchlist", members[i], {"movie_id": movies[n]["id"]})

        def reader(i, n):
            time.sleep(0.05)
            return self.call("GET", "/api/v1/movies/" + movies[n % len(movies)]["id"])

        with Load(self.WRITERS, writer) as writes, Load(2, reader) as reads:
            time.sleep(1.0)
            os.kill(int(self.own["DB_PID"]), signal.SIGKILL)
            killed_at = time.monotonic()
            time.sleep(2.5)
            self.restart_database()
            back_at = time.monotonic()
            for t in writes.threads:
                t.join(120)

        outcomes = writes.outcomes + reads.outcomes
        statuses = collections.Counter(o.status for o in outcomes)
        self.assertLessEqual(set(statuses), {200, 201, 503}, statuses)
        self.assertGreater(statuses[503], 0, "the outage was never seen")
        for o in outcomes:
            if o.status == 503:
                self.assertEqual(o.response.json()["statusCode"], 503, o.response.body)
                self.assertErrorShape(o.response, 503, json.loads(o.response.body)["path"])
            self.assertLess(o.seconds, 2.0, "an answer took longer than the server-selection timeout allows")
        self.assertTrue(any(o.status == 201 and o.start < killed_at for o in writes.outcomes))
        self.assertTrue(any(o.status == 201 and o.start > back_at for o in writes.outcomes),
                        "no write succeeded once the database was back")
        self.assertTrue(any(o.status == 200 and o.start > back_at for o in reads.outcomes))
        self.assertEqual(workers, {w: serving_pid(supervisor_pid(w, self.own)) for w in workers},
                         "recovery needed a worker restart")

        for i, token in enumerate(members):
            acknowledged = {o.response.json()["data"]["movie_id"] for o in writes.outcomes
                            if o.thread == i and o.status == 201}
            r = self.call("GET", "/api/v1/watchlist?limit=100", token)
            self.assertEqual(r.status, 200, r.body)
            listed = {x["movie_id"] for x in r.json()["data"]}
            self.assertLessEqual(acknowledged, listed, "an acknowledged write was lost")


class UploadFaultsTest(unittest.TestCase, ErrorShape):
    """An upload onto a full disk is a 507, into a media directory that cannot be written a 500;
    either way the member's avatar is unchanged and no file, whole or partial, is left."""

    PATH = "/api/v1/users/me/avatar"

    def setUp(self):
        self.member = register()
        self.avatars = os.path.join(ENV["RUN_DIR"], "media", "avatars")
        self.assertEqual(self.upload(PNG).status, 201)
        self.before = self.state()

    def upload(self, data):
        body, content_type = multipart("avatar", "me.png", data)
        return request("POST", self.PATH, body=body,
                       headers={"Content-Type": content_type, "Authorization": "Bearer " + self.member["token"]})

    def state(self):
        me = request("GET", "/api/v1/users/me", headers={"Authorization": "Bearer " + self.member["token"]})
        return me.json()["data"]["avatar"], sorted(os.listdir(self.avatars))

    def test_full_disk_is_507_and_leaves_nothing(self):
        pid = serving_pid(supervisor_pid("users"))
        old = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (16 * 1024, old[1]))
        try:
            r = self.upload(PNG + b"\0" * (64 * 1024))
        finally:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, old)
        body = self.assertErrorShape(r, 507, self.PATH)
        self.assertIn("out of storage space", body["message"])
        self.assertEqual(self.state(), self.before)
        self.assertEqual(self.upload(PNG).status, 201, "uploads work again once there is room")

    def test_unwritable_media_directory_is_500_and_leaves_nothing(self):
        # a file where the directory should be: unwritable even for root, who ignores permissions
        aside = self.avatars + ".aside"
        os.rename(self.avatars, aside)
        try:
            with open(self.avatars, "w", encoding="utf-8"):
                pass
            r = self.upload(PNG)
            os.unlink(self.avatars)
        finally:
            if os.path.isfile(self.avatars):
                os.unlink(self.avatars)
            os.rename(aside, self.avatars)
        body = self.assertErrorShape(r, 500, self.PATH)
        self.assertIn("not writable", body["message"])
        self.assertNotIn(ENV["RUN_DIR"], r.body.decode())
        self.assertEqual(self.state(), self.before)


if __name__ == "__main__":
    unittest.main()
