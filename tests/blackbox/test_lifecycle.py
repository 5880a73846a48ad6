"""Process lifecycle: a worker stops within a second of SIGTERM, and `make stop` leaves nothing."""
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from stack import ENV, ROOT, get

BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))


class WorkerShutdownTest(unittest.TestCase):
    def start_worker(self, name, sock):
        env = dict(os.environ, MONGODB_URI=ENV["MONGODB_URI"], JWT_SECRET="x" * 40,
                   TEMPLATE_DIR=os.path.join(ROOT, "templates"), WORKER_THREADS="4")
        proc = subprocess.Popen([os.path.join(BUILD, "cgi-bin", name), "--listen", sock], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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


class StackPidsTest(unittest.TestCase):
    def test_every_recorded_process_is_alive_while_running(self):
        pids = [ENV["NGINX_PID"]] + ENV["WORKER_PIDS"].split() + [p for p in (ENV["DB_PID"], ENV["TMDB_PID"]) if p]
        self.assertEqual(len(ENV["WORKER_PIDS"].split()), 9)
        for pid in pids:
            os.kill(int(pid), 0)  # raises if gone
        self.assertEqual(get("/api/v1/health").status, 200)


if __name__ == "__main__":
    unittest.main()
