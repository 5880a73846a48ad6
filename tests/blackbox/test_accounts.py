"""Black-box tests of accounts: sessions, refresh rotation, logout, profile, preferences, roles."""
import json
import os
import subprocess
import time
import unittest

from stack import ENV, ROOT, get, request
from test_auth import post_json, unique_email
from test_foundation import ErrorShape

BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))


def signup(body):
    """POST /auth/register, waiting out nginx's per-address limit on the auth paths (make check
    signs up many members from one address; test_foundation trips the limit on purpose)."""
    for _ in range(10):
        r = post_json("/api/v1/auth/register", body)
        if r.status != 429:
            return r
        time.sleep(float(r.headers.get("Retry-After") or 1))
    return r


def register(**extra):
    body = {"email": unique_email(), "password": "correct horse", "name": "Test User"}
    body.update(extra)
    r = signup(body)
    assert r.status == 201, r.body
    data = r.json()["data"]
    data["password"] = body["password"]
    return data


def cookie_session(password="12345678"):
    """A new member signed in as a browser is: (the registration's data, its cookies by name,
    a Cookie header carrying them)."""
    r = signup({"email": unique_email(), "password": password, "name": "C"})
    assert r.status == 201, r.body
    jar = {}
    for c in r.headers.get_all("Set-Cookie"):
        k, v = c.split(";", 1)[0].split("=", 1)
        jar[k] = v
    return r.json()["data"], jar, {"Cookie": "; ".join("%s=%s" % kv for kv in jar.items())}


def bearer(token):
    return {"Authorization": "Bearer " + token}


def call(method, path, token=None, body=None, headers=None):
    h = dict(headers or {})
    if token:
        h.update(bearer(token))
    data = None
    if body is not None:
        h["Content-Type"] = "application/json"
        data = json.dumps(body).encode("utf-8")
    return request(method, path, body=data, headers=h)


def sync(*args):
    env = dict(os.environ, MONGODB_URI=ENV["MONGODB_URI"], MARQUEE_DB=ENV.get("MARQUEE_DB", "marquee"))
    return subprocess.run([os.path.join(BUILD, "marquee-sync"), *args], env=env, capture_output=True, text=True,
                          timeout=30)


class SessionTest(unittest.TestCase, ErrorShape):
    def test_full_session_lifecycle(self):
        s = register()
        me = call("GET", "/api/v1/users/me", s["token"])
        self.assertEqual(me.status, 200, me.body)
        self.assertEqual(me.json()["data"]["id"], s["user"]["id"])
        self.assertEqual(call("GET", "/api/user/profile", s["token"]).json()["data"]["id"], s["user"]["id"])

        # refresh rotates: the new pair works, the old refresh token is spent
        r = post_json("/api/v1/auth/refresh", {"refresh_token": s["refresh_token"]})
        self.assertEqual(r.status, 200, r.body)
        second = r.json()["data"]
        self.assertNotEqual(second["refresh_token"], s["refresh_token"])
        self.assertEqual(call("GET", "/api/v1/users/me", second["token"]).status, 200)

        # presenting the spent token again is reuse: 401, and the whole family is revoked
        self.assertErrorShape(post_json("/api/v1/auth/refresh", {"refresh_token": s["refresh_token"]}),
                              401, "/api/v1/auth/refresh")
        self.assertErrorShape(post_json("/api/v1/auth/refresh", {"refresh_token": second["refresh_token"]}),
                              401, "/api/v1/auth/refresh")

        # a fresh login, then logout revokes the access tokens and the refresh family
        r = post_json("/api/v1/auth/login", {"email": s["user"]["email"], "password": s["password"]})
        third = r.json()["data"]
        out = call("POST", "/api/v1/auth/logout", third["token"], {"refresh_token": third["refresh_token"]})
        self.assertEqual(out.status, 200, out.body)
        self.assertTrue(any(c.startswith("mq_session=;") for c in out.headers.get_all("Set-Cookie")))
        self.assertErrorShape(call("GET", "/api/v1/users/me", third["token"]), 401, "/api/v1/users/me")
        self.assertErrorShape(call("GET", "/api/v1/users/me", second["token"]), 401, "/api/v1/users/me")
        self.assertEqual(post_json("/api/v1/auth/refresh", {"refresh_token": third["refresh_token"]}).status, 401)
        # and the account still works with a new login
        r = post_json("/api/v1/auth/login", {"email": s["user"]["email"], "password": s["password"]})
        self.assertEqual(call("GET", "/api/v1/users/me", r.json()["data"]["token"]).status, 200)

    def test_bad_refresh_tokens(self):
        for body in ({"refresh_token": "x" * 43}, {"refresh_token": "short"}, {}):
            r = post_json("/api/v1/auth/refresh", body)
            self.assertErrorShape(r, 401, "/api/v1/auth/refresh")
        self.assertErrorShape(post_json("/api/v1/auth/refresh", {"refresh_token": 5}), 400, "/api/v1/auth/refresh")

    def test_protected_routes_need_a_valid_token(self):
        self.assertErrorShape(call("GET", "/api/v1/users/me"), 401, "/api/v1/users/me")
        r = call("GET", "/api/v1/users/me", "not.a.token")
        self.assertErrorShape(r, 401, "/api/v1/users/me")
        self.assertIn("invalid_token", r.headers["WWW-Authenticate"])


class ProfileTest(unittest.TestCase, ErrorShape):
    def test_patch_writable_fields(self):
        s = register()
        name = "renamed_" + os.urandom(3).hex()
        r = call("PATCH", "/api/v1/users/me", s["token"], {"name": "Renamed", "username": name,
                                                          "date_of_birth": "1985-12-31",
                                                          "settings": {"language": "fa", "theme": "dark"}})
        self.assertEqual(r.status, 200, r.body)
        user = r.json()["data"]
        self.assertEqual((user["name"], user["username"], user["date_of_birth"]), ("Renamed", name, "1985-12-31"))
        self.assertEqual(user["settings"], {"language": "fa", "theme": "dark", "region": None, "adult_content": False})
        # partial settings keep the other one; null removes an optional field
        r = call("PATCH", "/api/user/profile", s["token"], {"settings": {"theme": "light"}, "date_of_birth": None})
        user = r.json()["data"]
        self.assertEqual(user["settings"], {"language": "fa", "theme": "light", "region": None, "adult_content": False})
        self.assertIsNone(user["date_of_birth"])

    def test_mass_assignment_is_400_and_changes_nothing(self):
        s = register()
        before = call("GET", "/api/v1/users/me", s["token"]).json()["data"]
        for body in ({"role": "admin"}, {"name": "X", "role": "admin"}, {"email": "x@y.zz"}, {"id": "0" * 24},
                     {"token_version": 0}, {"lists_version": 9}, {"settings": {"language": "de"}},
                     {"name": "Y", "settings": {"theme": "dark", "role": "admin"}}, {"$set": {"role": "admin"}},
                     {"settings.theme": "dark"}, {"avatar": "/etc/passwd"}, {}):
            r = call("PATCH", "/api/v1/users/me", s["token"], body)
            self.assertErrorShape(r, 400, "/api/v1/users/me")
        after = call("GET", "/api/v1/users/me", s["token"]).json()["data"]
        self.assertEqual(after, before)
        self.assertEqual(after["role"], "user")

    def test_username_taken_is_409(self):
        a, b = register(), register()
        r = call("PATCH", "/api/v1/users/me", b["token"], {"username": a["user"]["username"]})
        self.assertErrorShape(r, 409, "/api/v1/users/me")

    def test_preferences(self):
        s = register()
        empty = call("GET", "/api/v1/user/preferences", s["token"])
        self.assertEqual(empty.json()["data"], {"genres": [], "actors": [], "movies": []})
        r = call("POST", "/api/v1/user/preferences", s["token"], {"genres": [18, 35], "actors": [287, "Cate Blanchett"]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"], {"genres": [18, 35], "actors": [287, "Cate Blanchett"], "movies": []})
        r = call("POST", "/api/v1/user/preferences", s["token"], {"movies": [550]})
        self.assertEqual(r.json()["data"]["genres"], [18, 35])
        self.assertEqual(r.json()["data"]["movies"], [550])
        for bad in ({"genres": [0]}, {"genres": ["Drama"]}, {"movies": [1.5]}, {"actors": [{"$ne": 1}]},
                    {"genres": list(range(1, 60))}, {"colours": [1]}, {}):
            self.assertErrorShape(call("POST", "/api/v1/user/preferences", s["token"], bad), 400,
                                  "/api/v1/user/preferences")
        self.assertEqual(call("GET", "/api/v1/user/preferences", s["token"]).json()["data"]["movies"], [550])


class UsersByIdTest(unittest.TestCase, ErrorShape):
    def test_yourself_yes_others_404_admin_yes(self):
        a, b = register(), register()
        self.assertEqual(call("GET", "/api/v1/users/" + a["user"]["id"], a["token"]).status, 200)
        r = call("GET", "/api/v1/users/" + b["user"]["id"], a["token"])
        self.assertErrorShape(r, 404, "/api/v1/users/" + b["user"]["id"])
        self.assertErrorShape(call("GET", "/api/v1/users/" + "0" * 24, a["token"]), 404, "/api/v1/users/" + "0" * 24)
        self.assertErrorShape(call("GET", "/api/v1/users/nope", a["token"]), 400, "/api/v1/users/nope")

        # the sync binary grants the admin role; the live session follows without a new login
        r = sync("admin", a["user"]["email"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("now an admin", r.stdout)
        self.assertIn("already", sync("admin", a["user"]["email"]).stdout)
        r = call("GET", "/api/v1/users/" + b["user"]["id"], a["token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["email"], b["user"]["email"])
        self.assertEqual(sync("admin", "--revoke", a["user"]["email"]).returncode, 0)
        self.assertEqual(call("GET", "/api/v1/users/" + b["user"]["id"], a["token"]).status, 404)
        self.assertEqual(sync("admin", "nobody-" + unique_email()).returncode, 1)
        self.assertEqual(sync("admin", "not-an-email").returncode, 2)


class CsrfTest(unittest.TestCase, ErrorShape):
    def test_cookie_sessions_need_the_csrf_token(self):
        data, jar, header = cookie_session()
        cookie = header["Cookie"]
        self.assertEqual(jar["mq_csrf"], data["csrf_token"])
        # another session's token (same user, new login) does not pass for this session
        other = post_json("/api/v1/auth/login", {"email": data["user"]["email"], "password": "12345678"})
        r2 = call("PATCH", "/api/v1/users/me", body={"name": "Forged"},
                  headers={"Cookie": cookie, "X-CSRF-Token": other.json()["data"]["csrf_token"]})
        self.assertErrorShape(r2, 403, "/api/v1/users/me")
        # reading with the cookie works; writing without the token is refused and changes nothing
        self.assertEqual(call("GET", "/api/v1/users/me", headers={"Cookie": cookie}).status, 200)
        r = call("PATCH", "/api/v1/users/me", body={"name": "Forged"}, headers={"Cookie": cookie})
        self.assertErrorShape(r, 403, "/api/v1/users/me")
        r = call("PATCH", "/api/v1/users/me", body={"name": "Forged"},
                 headers={"Cookie": cookie, "X-CSRF-Token": "f" * len(jar["mq_csrf"])})
        self.assertErrorShape(r, 403, "/api/v1/users/me")
        self.assertEqual(call("GET", "/api/v1/users/me", headers={"Cookie": cookie}).json()["data"]["name"], "C")
        r = call("PATCH", "/api/v1/users/me", body={"name": "Mine"},
                 headers={"Cookie": cookie, "X-CSRF-Token": jar["mq_csrf"]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["name"], "Mine")


if __name__ == "__main__":
    unittest.main()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def multipart(field, filename, data, content_type="image/png"):
    boundary = "----marquee" + os.urandom(8).hex()
    body = (("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
             "Content-Type: %s\r\n\r\n" % (boundary, field, filename, content_type)).encode()
            + data + ("\r\n--%s--\r\n" % boundary).encode())
    return body, "multipart/form-data; boundary=" + boundary


def media_files():
    root = os.path.join(ENV["RUN_DIR"], "media", "avatars")
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


class AvatarTest(unittest.TestCase, ErrorShape):
    def upload(self, token, field, filename, data, content_type="image/png"):
        body, ct = multipart(field, filename, data, content_type)
        return request("POST", "/api/v1/users/me/avatar", body=body,
                       headers={"Content-Type": ct, "Authorization": "Bearer " + token})

    def test_upload_replace_and_remove(self):
        s = register()
        r = self.upload(s["token"], "avatar", "me.png", PNG)
        self.assertEqual(r.status, 201, r.body)
        first = r.json()["data"]["avatar"]
        self.assertRegex(first, r"^/media/avatars/[0-9a-f]{32}\.png$")
        served = get(first)
        self.assertEqual(served.status, 200)
        self.assertEqual(served.body, PNG)
        self.assertEqual(served.headers["Content-Type"], "image/png")
        self.assertEqual(served.headers["X-Content-Type-Options"], "nosniff")

        # the declared type means nothing: a JPEG sent as image/png is stored as .jpg
        r = self.upload(s["token"], "avatar", "x.png", JPEG, "image/png")
        second = r.json()["data"]["avatar"]
        self.assertTrue(second.endswith(".jpg"))
        self.assertEqual(get(first).status, 404, "the replaced avatar is deleted")
        self.assertTrue(self.upload(s["token"], "avatar", "w.webp", WEBP).json()["data"]["avatar"].endswith(".webp"))

        r = call("PATCH", "/api/v1/users/me", s["token"], {"avatar": None})
        self.assertIsNone(r.json()["data"]["avatar"])

    def test_bad_uploads_write_nothing(self):
        s = register()
        before = media_files()
        cases = [
            (self.upload(s["token"], "avatar", "evil.png", b"<?php system($_GET['c']); ?>"), 415),
            (self.upload(s["token"], "avatar", "a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"), 415),
            (self.upload(s["token"], "avatar", "big.png", PNG + b"\x00" * (2 * 1024 * 1024)), 413),
            (self.upload(s["token"], "picture", "a.png", PNG), 400),
            (request("POST", "/api/v1/users/me/avatar", body=PNG,
                     headers={"Content-Type": "image/png", "Authorization": "Bearer " + s["token"]}), 415),
            (request("POST", "/api/v1/users/me/avatar", body=b"--x\r\nbroken",
                     headers={"Content-Type": "multipart/form-data; boundary=x",
                              "Authorization": "Bearer " + s["token"]}), 400),
        ]
        for r, status in cases:
            self.assertErrorShape(r, status, "/api/v1/users/me/avatar")
        # far over the limit: nginx refuses before the worker sees it
        body, ct = multipart("avatar", "huge.png", PNG + b"\x00" * (4 * 1024 * 1024))
        r = request("POST", "/api/v1/users/me/avatar", body=body,
                    headers={"Content-Type": ct, "Authorization": "Bearer " + s["token"]})
        self.assertErrorShape(r, 413, "/api/v1/users/me/avatar")
        self.assertEqual(media_files(), before)
        self.assertIsNone(call("GET", "/api/v1/users/me", s["token"]).json()["data"]["avatar"])

    def test_upload_needs_a_session(self):
        body, ct = multipart("avatar", "a.png", PNG)
        r = request("POST", "/api/v1/users/me/avatar", body=body, headers={"Content-Type": ct})
        self.assertErrorShape(r, 401, "/api/v1/users/me/avatar")
