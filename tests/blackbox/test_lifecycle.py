"""Process lifecycle: a worker stops within a second of SIGTERM, and `make stop` leaves nothing."""
import os
import resource
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from stack import ENV, ROOT, get

BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))


def no_core_files():
    """The crash a test causes on purpose leaves no core file behind."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def running(pid):
    """Whether pid is a live process (a zombie no one has reaped yet counts as ended)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class WorkerShutdownTest(unittest.TestCase):
    def start_worker(self, name, sock, *options):
        env = dict(os.environ, MONGODB_URI=ENV["MONGODB_URI"], JWT_SECRET="x" * 40,
                   TEMPLATE_DIR=os.path.join(ROOT, "templates"), WORKER_THREADS="4")
        proc = subprocess.Popen([os.path.join(BUILD, "cgi-bin", name), "--listen", sock, *options], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=no_core_files)
        deadline = time.monotonic() + 10
        while not os.path.exists(sock):
            self.assertIsNone(proc.poll(), "worker exited at start")
            self.assertLess(time.monotonic(), deadline, "socket never appeared")
            time.sleep(0.05)
        return proc

    def test_sigterm_exits_cleanly_within_one_second(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("health", "movies", "auth"):
                sock = os.path.join(tmp, name + ".sock")
                proc = self.start_worker(name, sock)
                # an idle connection must not hold the shutdown up either
                idle = socket.socket(socket.AF_UNIX)
                idle.connect(sock)
                time.sleep(0.3)
                t0 = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                try:
                    rc = proc.wait(timeout=5)
                finally:
                    idle.close()
                    if proc.poll() is None:
                        proc.kill()
                    proc.stderr.close()
                self.assertEqual(rc, 0, name)
                self.assertLess(time.monotonic() - t0, 1.0, name)


    def test_respawn_restarts_the_serving_process_and_stops_with_its_supervisor(self):
        with tempfile.TemporaryDirectory() as tmp:
            sock = os.path.join(tmp, "genres.sock")
            supervisor = self.start_worker("genres", sock, "--respawn")
            try:
                first = self.wait_for_child(supervisor, None)
                os.kill(first, signal.SIGKILL)
                second = self.wait_for_child(supervisor, first)
                os.kill(second, signal.SIGABRT)  # a crash, as a failed assertion ends it (ASan catches SIGSEGV)
                third = self.wait_for_child(supervisor, second)
                self.assertIsNone(supervisor.poll())
                t0 = time.monotonic()
                supervisor.send_signal(signal.SIGTERM)
                self.assertEqual(supervisor.wait(timeout=5), 0)
                self.assertLess(time.monotonic() - t0, 1.0)
                self.assertFalse(running(third), "the serving process outlived its supervisor")
                log = supervisor.stderr.read().decode()
                self.assertIn("worker process %d died (signal 9)" % first, log)
                self.assertIn("worker process %d died (signal 6)" % second, log)
            finally:
                if supervisor.poll() is None:
                    supervisor.kill()
                supervisor.stderr.close()

    def test_a_supervisor_killed_outright_takes_its_serving_process_along(self):
        with tempfile.TemporaryDirectory() as tmp:
            supervisor = self.start_worker("genres", os.path.join(tmp, "genres.sock"), "--respawn")
            child = self.wait_for_child(supervisor, None)
            supervisor.kill()
            supervisor.wait(timeout=5)
            supervisor.stderr.close()
            deadline = time.monotonic() + 5
            while running(child) and time.monotonic() < deadline:
                time.sleep(0.02)
            self.assertFalse(running(child), "the serving process was orphaned")

    def wait_for_child(self, supervisor, previous):
        from test_faults import serving_pid
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pid = serving_pid(supervisor.pid)
            if pid and pid != previous:
                return pid
            time.sleep(0.01)
        self.fail("no serving process appeared")


class StackPidsTest(unittest.TestCase):
    def test_every_recorded_process_is_alive_while_running(self):
        pids = [ENV["NGINX_PID"]] + ENV["WORKER_PIDS"].split() + [p for p in (ENV["DB_PID"], ENV["TMDB_PID"], ENV.get("MAIL_PID")) if p]
        # one process per worker (tests/stack.sh's WORKERS: auth … people … health)
        self.assertEqual(len(ENV["WORKER_PIDS"].split()), len(ENV["WORKERS"].split()))
        self.assertIn("people", ENV["WORKERS"].split())
        for pid in pids:
            os.kill(int(pid), 0)  # raises if gone
        self.assertEqual(get("/api/v1/health").status, 200)


if __name__ == "__main__":
    unittest.main()
