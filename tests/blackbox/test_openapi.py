"""The OpenAPI description stays in step with the handlers: every route a worker declares is an
operation of templates/static/openapi.json and vice versa, and nginx serves that file and its
reference page (/api/docs, rendered by `make docs`). The README's table of which worker serves
what holds for every route of every worker, and nginx's site file sends each route's path to
that worker."""
import glob
import json
import os
import re
import unittest

from stack import ROOT, get

SPEC = os.path.join(ROOT, "templates", "static", "openapi.json")
ROUTE = re.compile(r'\{\s*(MQ_[A-Z_| ]+),\s*"(/api/v1/[^"]*)",\s*\w+,')
ROUTE_FLAGS = re.compile(r'\{\s*(MQ_[A-Z_| ]+),\s*"(/api/v1/[^"]*)",\s*\w+,\s*([^}]*)\}')
ANY_ROUTE = re.compile(r'\{\s*MQ_[A-Z_| ]+,\s*"(/[^"]*)",\s*\w+,')
README = os.path.join(ROOT, "README.md")
SITE = os.path.join(ROOT, "nginx", "site.conf.in")
METHODS = {"MQ_GET": "get", "MQ_POST": "post", "MQ_PUT": "put", "MQ_PATCH": "patch", "MQ_DELETE": "delete"}


def declared_routes():
    ops = set()
    for path in glob.glob(os.path.join(ROOT, "cgi-bin", "*.c")):
        with open(path, encoding="utf-8") as f:
            for flags, pattern in ROUTE.findall(f.read()):
                api_path = re.sub(r":(\w+)", r"{\1}", pattern[len("/api/v1"):])
                for flag in flags.split("|"):
                    ops.add((METHODS[flag.strip()], api_path))
    return ops


def session_reading_operations():
    """The operations whose worker checks identity (MQ_APP_AUTH) on every route not MQ_PUBLIC:
    a revoked or expired token gets a 401 there, even where signing in is optional."""
    ops = set()
    for path in glob.glob(os.path.join(ROOT, "cgi-bin", "*.c")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if "MQ_APP_AUTH" not in text:
            continue
        for flags, pattern, extra in ROUTE_FLAGS.findall(text):
            if "MQ_PUBLIC" in extra:
                continue
            api_path = re.sub(r":(\w+)", r"{\1}", pattern[len("/api/v1"):])
            for flag in flags.split("|"):
                ops.add((METHODS[flag.strip()], api_path))
    return ops


def documented_operations(spec):
    return {(method, path) for path, item in spec["paths"].items() for method in item
            if method in METHODS.values()}


def worker_routes():
    """{worker: {path pattern, …}} from the route tables of cgi-bin/<worker>*.c."""
    routes = {}
    for path in glob.glob(os.path.join(ROOT, "cgi-bin", "*.c")):
        worker = re.match(r"[a-z]+", os.path.basename(path)).group(0)
        with open(path, encoding="utf-8") as f:
            routes.setdefault(worker, set()).update(ANY_ROUTE.findall(f.read()))
    return routes


def readme_map():
    """{worker: (API patterns, page patterns)} from README.md's "Which worker serves what"."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    section = text.split("### Which worker serves what", 1)[1].split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.fullmatch(r"`([a-z]+)`", cells[0]) if len(cells) == 3 else None
        if m:
            table[m.group(1)] = tuple(re.findall(r"`(/[^`]*)`", cell) for cell in cells[1:])
    return table


def covers(pattern, path):
    """Whether a README pattern ("/movies/:id", "/genres…", "/auth/…") names the route path."""
    regex = "".join("[^/]+" if part.startswith(":") else re.escape(part)
                    for part in re.split(r"(:\w+)", pattern.rstrip("…")))
    if pattern.endswith("/…"):
        regex += ".+"
    elif pattern.endswith("…"):
        regex += "(?:/.*)?"
    return re.fullmatch(regex, re.sub(r":\w+", ":x", path)) is not None


def nginx_locations():
    """The top-level locations of the site's main server block: (modifier, match, worker)."""
    with open(SITE, encoding="utf-8") as f:
        lines = [line.split("#", 1)[0] for line in f]
    locations, depth, current = [], 0, None
    for line in lines:
        m = re.match(r'\s*location\s+(=|~\*|~|\^~)?\s*("[^"]*"|\S+)\s*\{', line)
        if m and depth == 1:
            current = [m.group(1) or "", m.group(2).strip('"'), None]
            locations.append(current)
        sock = re.search(r"fastcgi_pass unix:@SOCK_DIR@/(\w+)\.sock", line)
        if sock and current and depth >= 2 and current[2] is None:
            current[2] = sock.group(1)
        depth += line.count("{") - line.count("}")
        if depth == 0 and locations:
            break  # the main server block ends here; the nchan publisher's server follows
        if depth == 1:
            current = None
    return locations


def nginx_worker(locations, uri):
    """The worker nginx's location rules choose for uri (exact, then regexes in order unless the
    longest prefix is ^~, then the longest prefix)."""
    for mod, match, worker in locations:
        if mod == "=" and match == uri:
            return worker
    prefixes = [(len(match), mod, worker) for mod, match, worker in locations
                if mod in ("", "^~") and uri.startswith(match)]
    best = max(prefixes, default=None)
    if best and best[1] == "^~":
        return best[2]
    for mod, match, worker in locations:
        pcre = match.replace("(?<", "(?P<")
        if mod in ("~", "~*") and re.search(pcre, uri, re.I if mod == "~*" else 0):
            return worker
    return best[2] if best else None


class WorkerMapTest(unittest.TestCase):
    """README's table of which worker serves what, against the workers and nginx."""

    def test_every_route_is_in_its_workers_row(self):
        table, routes = readme_map(), worker_routes()
        self.assertEqual(sorted(table), sorted(routes), "one row per worker")
        for worker, paths in routes.items():
            api, pages = table[worker]
            for path in paths:
                if path.startswith("/api/v1/"):
                    row, rest = api, path[len("/api/v1"):]
                else:
                    row, rest = pages, path
                self.assertTrue(any(covers(p, rest) for p in row), f"{worker}: {path} is not in its README row")

    def test_every_pattern_in_the_table_names_a_route(self):
        table, routes = readme_map(), worker_routes()
        for worker, (api, pages) in table.items():
            for pattern in api:
                self.assertTrue(any(covers(pattern, r[len("/api/v1"):]) for r in routes[worker]
                                    if r.startswith("/api/v1/")), f"{worker}: README's {pattern} names no route")
            for pattern in pages:
                self.assertTrue(any(covers(pattern, r) for r in routes[worker] if not r.startswith("/api/")),
                                f"{worker}: README's page {pattern} names no route")

    def test_nginx_sends_every_route_to_its_worker(self):
        locations = nginx_locations()
        self.assertGreater(len(locations), 10)
        for worker, paths in worker_routes().items():
            for path in paths:
                uri = re.sub(r":\w+", "x1", path)
                self.assertEqual(nginx_worker(locations, uri), worker, f"nginx sends {uri} elsewhere")


class OpenApiTest(unittest.TestCase):
    def setUp(self):
        with open(SPEC, encoding="utf-8") as f:
            self.spec = json.load(f)

    def test_routes_and_operations_match(self):
        declared, documented = declared_routes(), documented_operations(self.spec)
        self.assertTrue(declared)
        self.assertEqual(sorted(declared - documented), [], "routes the OpenAPI description lacks")
        self.assertEqual(sorted(documented - declared), [], "documented operations no worker serves")

    def test_every_operation_documents_its_errors_and_ids_are_unique(self):
        ids = []
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                ids.append(op["operationId"])
                codes = set(op["responses"])
                self.assertTrue(any(c.startswith("2") for c in codes), (method, path))
                if "requestBody" in op:
                    self.assertTrue({"400", "413", "415"} <= codes, (method, path))
                if op.get("security") != [{}]:
                    self.assertIn("401", codes, (method, path))
        self.assertEqual(len(ids), len(set(ids)))

    def test_every_operation_that_reads_the_session_documents_401(self):
        ops = session_reading_operations()
        self.assertIn(("get", "/movies/{id}"), ops)
        for method, path in sorted(ops):
            self.assertIn("401", self.spec["paths"][path][method]["responses"], (method, path))

    def test_served_at_both_paths(self):
        for path in ("/api/v1/openapi.json", "/api/openapi.json"):
            r = get(path)
            self.assertEqual(r.status, 200, path)
            self.assertEqual(r.json(), self.spec)
            self.assertTrue(r.headers["Content-Type"].startswith("application/json"))

    def test_the_reference_page(self):
        for path in ("/api/docs", "/api/v1/docs"):
            r = get(path)
            self.assertEqual(r.status, 200, path)
            self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
            html = r.body.decode("utf-8")
            self.assertIn("<title>Marquee API</title>", html)
            self.assertIn("/ratings/movie/{movieId}", html, "every operation, rendered on the server")
            self.assertNotIn("<script src=\"http", html, "no script from elsewhere: the page works offline")
            csp = r.headers["Content-Security-Policy"]
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertNotIn("unsafe-eval", csp)
            self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")


if __name__ == "__main__":
    unittest.main()
