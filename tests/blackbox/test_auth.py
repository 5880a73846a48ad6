"""Black-box tests of registration and login over HTTP (the JSON body pipeline end to end)."""
import base64
import json
import time
import unittest
import uuid

from stack import request
from test_foundation import ErrorShape


def post_json(path, body, headers=None, raw=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    data = raw if raw is not None else json.dumps(body).encode("utf-8")
    return request("POST", path, body=data, headers=h)


def unique_email():
    return "u%s@Example.org" % uuid.uuid4().hex[:12]


class BodyPipelineTest(unittest.TestCase, ErrorShape):
    def test_malformed_json_is_400(self):
        r = post_json("/api/v1/auth/login", None, raw=b'{"email": "a@b.c",')
        body = self.assertErrorShape(r, 400, "/api/v1/auth/login")
        self.assertIn("not valid JSON", body["errors"][0])

    def test_wrong_content_type_is_415(self):
        r = post_json("/api/v1/auth/login", None, raw=b"{}", headers={"Content-Type": "text/plain"})
        self.assertErrorShape(r, 415, "/api/v1/auth/login")

    def test_too_deep_is_400(self):
        r = post_json("/api/v1/auth/login", None, raw=b'{"a":' + b"[" * 40 + b"]" * 40 + b"}")
        body = self.assertErrorShape(r, 400, "/api/v1/auth/login")
        self.assertIn("deeper", body["errors"][0])

    def test_not_an_object_is_400(self):
        self.assertErrorShape(post_json("/api/v1/auth/login", [1, 2]), 400, "/api/v1/auth/login")

    def test_invalid_utf8_is_400(self):
        r = post_json("/api/v1/auth/login", None, raw=b'{"email":"\xff"}')
        self.assertErrorShape(r, 400, "/api/v1/auth/login")


class RegisterTest(unittest.TestCase, ErrorShape):
    def test_register_with_name_then_login(self):
        email = unique_email()
        r = post_json("/api/v1/auth/register", {"email": email, "password": "correct horse", "name": "Ann Lee",
                                                "date_of_birth": "1990-02-28"})
        self.assertEqual(r.status, 201, r.body)
        data = r.json()["data"]
        user = data["user"]
        self.assertEqual(user["email"], email.lower())
        self.assertEqual(user["name"], "Ann Lee")
        self.assertEqual(user["role"], "user")
        self.assertEqual(user["date_of_birth"], "1990-02-28")
        self.assertRegex(user["id"], r"^[0-9a-f]{24}$")
        self.assertTrue(user["username"])
        self.assertNotIn("password_hash", json.dumps(data))
        self.assertEqual(data["token_type"], "Bearer")
        cookies = r.headers.get_all("Set-Cookie")
        self.assertTrue(any(c.startswith("mq_session=") and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies))
        self.assertTrue(any(c.startswith("mq_csrf=") for c in cookies))

        # the token is an HS256 JWT for this user, expiring in the future
        header, payload, _ = data["token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        self.assertEqual(json.loads(base64.urlsafe_b64decode(header + "==")), {"alg": "HS256", "typ": "JWT"})
        self.assertEqual(claims["sub"], user["id"])
        self.assertGreater(claims["exp"], time.time())

        # e-mails are case-insensitive; the unversioned alias reaches the same handler
        r = post_json("/api/auth/login", {"email": email.upper(), "password": "correct horse"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["user"]["id"], user["id"])

    def test_register_with_username(self):
        name = "user_" + uuid.uuid4().hex[:8]
        r = post_json("/api/v1/auth/register", {"email": unique_email(), "password": "12345678", "username": name})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["data"]["user"]["username"], name)

    def test_duplicate_email_and_username_are_409(self):
        email, name = unique_email(), "dup_" + uuid.uuid4().hex[:8]
        self.assertEqual(post_json("/api/v1/auth/register",
                                   {"email": email, "password": "12345678", "username": name}).status, 201)
        self.assertErrorShape(post_json("/api/v1/auth/register",
                                        {"email": email.upper(), "password": "12345678", "name": "X"}),
                              409, "/api/v1/auth/register")
        self.assertErrorShape(post_json("/api/v1/auth/register",
                                        {"email": unique_email(), "password": "12345678", "username": name}),
                              409, "/api/v1/auth/register")

    def test_every_problem_is_listed_and_nothing_is_written(self):
        email = unique_email()
        r = post_json("/api/v1/auth/register", {"email": "not-an-email", "password": "short", "role": "admin",
                                                "$where": "1", "date_of_birth": "2999-01-01"})
        body = self.assertErrorShape(r, 400, "/api/v1/auth/register")
        text = " | ".join(body["errors"])
        for needle in ("unknown field 'role'", "unknown field '$where'", "email", "password",
                       "username or name", "date_of_birth"):
            self.assertIn(needle, text)
        # mass assignment of role is refused outright, not ignored
        r = post_json("/api/v1/auth/register", {"email": email, "password": "12345678", "name": "M", "role": "admin"})
        self.assertEqual(r.status, 400)
        self.assertEqual(post_json("/api/v1/auth/login", {"email": email, "password": "12345678"}).status, 401)

    def test_password_over_72_bytes_is_refused(self):
        r = post_json("/api/v1/auth/register", {"email": unique_email(), "password": "é" * 37, "name": "Long"})
        self.assertErrorShape(r, 400, "/api/v1/auth/register")

    def test_wrong_password_and_unknown_email_give_the_same_401(self):
        email = unique_email()
        self.assertEqual(post_json("/api/v1/auth/register",
                                   {"email": email, "password": "12345678", "name": "W"}).status, 201)
        wrong = post_json("/api/v1/auth/login", {"email": email, "password": "87654321"})
        unknown = post_json("/api/v1/auth/login", {"email": unique_email(), "password": "87654321"})
        for r in (wrong, unknown):
            self.assertErrorShape(r, 401, "/api/v1/auth/login")
        self.assertEqual(wrong.json()["message"], unknown.json()["message"])


if __name__ == "__main__":
    unittest.main()
