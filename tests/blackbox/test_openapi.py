"""The OpenAPI description stays in step with the handlers: every route a worker declares is an
operation of templates/static/openapi.json and vice versa, and nginx serves that file and its
reference page (/api/docs, rendered by `make docs`)."""
import glob
import json
import os
import re
import unittest

from stack import ROOT, get

SPEC = os.path.join(ROOT, "templates", "static", "openapi.json")
ROUTE = re.compile(r'\{\s*(MQ_[A-Z_| ]+),\s*"(/api/v1/[^"]*)",\s*\w+,')
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


def documented_operations(spec):
    return {(method, path) for path, item in spec["paths"].items() for method in item
            if method in METHODS.values()}


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
