"""Black-box test of the counters at /api/v1/health/metrics: every worker's requests by status
(written by each process as it serves), TMDB calls and cache answers, as text lines."""
import re
import time
import unittest

from stack import get

LINE = re.compile(r'^marquee_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9]+$')


class MetricsTest(unittest.TestCase):
    def metrics(self):
        r = get("/api/v1/health/metrics")
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
        self.assertEqual(r.headers["Cache-Control"], "no-store")
        lines = [line for line in r.body.decode().splitlines() if line and not line.startswith("#")]
        for line in lines:
            self.assertRegex(line, LINE)
        return {line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1]) for line in lines}

    def test_counters_of_every_worker(self):
        for path in ("/api/v1/movies/550", "/api/v1/movies/550/similar", "/api/v1/genres", "/api/v1/movies/0"):
            get(path)
        deadline = time.monotonic() + 15  # each process writes its counters every 10 s at most
        while True:
            m = self.metrics()
            if m.get('marquee_requests_total{worker="genres",status="200"}', 0) >= 1 and \
               m.get('marquee_requests_total{worker="movies",status="400"}', 0) >= 1 or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertGreaterEqual(m["marquee_processes"], 2)
        self.assertGreaterEqual(m['marquee_requests_total{worker="movies",status="200"}'], 1)
        self.assertGreaterEqual(m['marquee_requests_total{worker="movies",status="400"}'], 1)
        self.assertGreaterEqual(m.get('marquee_requests_total{worker="genres",status="200"}', 0), 1)
        cache = {k: v for k, v in m.items() if k.startswith('marquee_tmdb_cache_answers_total{worker="movies"')}
        self.assertTrue(cache, "similar movies come through the TMDB cache")

    def test_no_parameters(self):
        self.assertEqual(get("/api/v1/health/metrics?x=1").status, 400)


if __name__ == "__main__":
    unittest.main()
