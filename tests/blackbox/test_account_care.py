"""Black-box tests of account care (issue 18, item 10): the password change (every other session
ends, the caller's stays), "forgot your password" by e-mail through the stack's mail sink (a
neutral answer, a one-time link: wrong, used and simultaneous uses refused; expiry is
tests/lib/check_reset.c's, which can move the clock in the database), the avatar forms of the
settings page, account deletion (the member's data gone, the movies' rating fields following)
and a refused sign-up saying which field is taken, in the API and on the page."""
from concurrent.futures import ThreadPoolExecutor
import email
import email.policy
import glob
import os
import re
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from stack import BASE_URL, ENV, get, request
from test_account_pages import Browser, csrf_of
from test_accounts import PNG, call, cookie_session, media_files, multipart, register, signup
from test_auth import unique_email
from test_foundation import ErrorShape
from test_ratings import movie

MAIL_DIR = ENV.get("MAIL_DIR", "")


def mails_to(address, since=0.0):
    """The messages the mail sink kept for address (newest last), parsed."""
    found = []
    for path in sorted(glob.glob(os.path.join(MAIL_DIR, "*.eml"))):
        if os.path.getmtime(path) < since:
            continue
        with open(path, "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=email.policy.default)
        if msg["To"] == address.lower():
            found.append(msg)
    return found


def wait_for_mail(address, since, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = mails_to(address, since)
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError("no mail reached " + address)


def reset_token(msg):
    m = re.search(r"/password/reset\?token=([A-Za-z0-9_-]{43})", msg.get_content())
    assert m, msg.get_content()
    return m.group(1)


def login(address, password):
    return call("POST", "/api/v1/auth/login", None, {"email": address, "password": password})


def forgot(address):
    return call("POST", "/api/v1/auth/password/forgot", None, {"email": address})


class PasswordChangeTest(unittest.TestCase, ErrorShape):
    def test_change_ends_every_other_session_and_keeps_this_one(self):
        me = register()
        address = me["user"]["email"]
        other = login(address, me["password"]).json()["data"]  # another device
        r = call("POST", "/api/v1/users/me/password", me["token"],
                 {"current_password": me["password"], "new_password": "a new password"})
        self.assertEqual(r.status, 200, r.body)
        fresh = r.json()["data"]
        for key in ("token", "refresh_token", "csrf_token"):
            self.assertTrue(fresh[key], key)
        self.assertEqual(call("GET", "/api/v1/users/me", fresh["token"]).status, 200, "this device stays in")
        for token in (me["token"], other["token"]):
            self.assertErrorShape(call("GET", "/api/v1/users/me", token), 401, "/api/v1/users/me")
        for refresh in (me["refresh_token"], other["refresh_token"]):
            r = call("POST", "/api/v1/auth/refresh", None, {"refresh_token": refresh})
            self.assertEqual(r.status, 401, "the other devices' refresh tokens are dead too")
        self.assertEqual(call("POST", "/api/v1/auth/refresh", None, {"refresh_token": fresh["refresh_token"]}).status, 200)
        self.assertEqual(login(address, me["password"]).status, 401)
        self.assertEqual(login(address, "a new password").status, 200)

    def test_wrong_current_password_or_a_bad_new_one_changes_nothing(self):
        me = register()
        path = "/api/v1/users/me/password"
        body = self.assertErrorShape(call("POST", path, me["token"],
                                          {"current_password": "not it at all", "new_password": "a new password"}), 403, path)
        self.assertIn("current_password", body["errors"][0])
        for new in ("short", "x" * 73):
            self.assertErrorShape(call("POST", path, me["token"],
                                       {"current_password": me["password"], "new_password": new}), 400, path)
        self.assertErrorShape(call("POST", path, me["token"], {"new_password": "a new password"}), 400, path)
        self.assertErrorShape(call("POST", path, None, {"current_password": me["password"],
                                                        "new_password": "a new password"}), 401, path)
        self.assertEqual(call("GET", "/api/v1/users/me", me["token"]).status, 200, "still signed in")
        self.assertEqual(login(me["user"]["email"], me["password"]).status, 200)

    def test_the_settings_page_form(self):
        b = Browser()
        address = unique_email()
        self.assertEqual(b.submit("/register", {"email": address, "password": "correct horse", "name": "P"})[0], 303)
        other = login(address, "correct horse").json()["data"]
        self.assertIn('action="/me/password"', b.go("GET", "/me/settings")[2])
        token = csrf_of(b.go("GET", "/me/settings")[2])
        status, _, html = b.go("POST", "/me/password", {"_csrf": token, "current_password": "wrong password",
                                                        "new_password": "another password"})
        self.assertEqual(status, 403)
        self.assertIn('id="current_password-error"', html)
        self.assertIn("The current password is not right", html)
        status, _, html = b.go("POST", "/me/password", {"_csrf": token, "current_password": "correct horse",
                                                        "new_password": "short"})
        self.assertEqual(status, 400)
        self.assertIn('id="new_password-error"', html)
        self.assertEqual(call("GET", "/api/v1/users/me", other["token"]).status, 200, "nothing changed yet")
        status, headers, _ = b.go("POST", "/me/password", {"_csrf": token, "current_password": "correct horse",
                                                           "new_password": "another password"})
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/me/settings?done=password#password")
        status, _, html = b.go("GET", "/me/settings?done=password")
        self.assertEqual(status, 200, "this browser stays signed in with its new session")
        self.assertIn("Your password has been changed", html)
        self.assertEqual(call("GET", "/api/v1/users/me", other["token"]).status, 401)


class PasswordResetTest(unittest.TestCase, ErrorShape):
    @classmethod
    def setUpClass(cls):
        if not MAIL_DIR:
            raise unittest.SkipTest("the stack has a real mail transport, not the sink")

    def test_the_answer_is_the_same_whether_or_not_the_account_exists(self):
        me = register()
        since = time.time() - 1
        known, unknown = forgot(me["user"]["email"]), forgot(unique_email())
        self.assertEqual((known.status, unknown.status), (202, 202))
        self.assertEqual(known.json(), unknown.json())
        msg = wait_for_mail(me["user"]["email"], since)
        self.assertIn("Reset your Marquee password", msg["Subject"])
        self.assertEqual(len(reset_token(msg)), 43)
        self.assertErrorShape(forgot("not an address"), 400, "/api/v1/auth/password/forgot")
        # a second request within a minute sends nothing more, and is answered the same
        self.assertEqual(forgot(me["user"]["email"]).json(), known.json())
        time.sleep(0.5)
        self.assertEqual(len(mails_to(me["user"]["email"], since)), 1)

    def test_a_link_works_once_and_ends_every_session(self):
        me = register()
        address = me["user"]["email"]
        since = time.time() - 1
        forgot(address)
        token = reset_token(wait_for_mail(address, since))
        path = "/api/v1/auth/password/reset"
        self.assertErrorShape(call("POST", path, None, {"token": token, "password": "short"}), 400, path)
        self.assertErrorShape(call("POST", path, None, {"token": "x" * 43, "password": "a new password"}), 400, path)
        self.assertErrorShape(call("POST", path, None, {"token": token[:-1], "password": "a new password"}), 400, path)
        r = call("POST", path, None, {"token": token, "password": "a new password"})
        self.assertEqual(r.status, 200, r.body)
        self.assertErrorShape(call("GET", "/api/v1/users/me", me["token"]), 401, "/api/v1/users/me")
        self.assertEqual(call("POST", "/api/v1/auth/refresh", None, {"refresh_token": me["refresh_token"]}).status, 401)
        self.assertEqual(login(address, me["password"]).status, 401)
        self.assertEqual(login(address, "a new password").status, 200)
        body = self.assertErrorShape(call("POST", path, None, {"token": token, "password": "third password"}), 400, path)
        self.assertIn("already used", body["errors"][0])
        self.assertEqual(login(address, "a new password").status, 200, "a used link changes nothing")

    def test_simultaneous_uses_of_one_link_one_wins(self):
        me = register()
        since = time.time() - 1
        forgot(me["user"]["email"])
        token = reset_token(wait_for_mail(me["user"]["email"], since))
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda i: call("POST", "/api/v1/auth/password/reset", None,
                                                    {"token": token, "password": "password %d!" % i}).status, range(8)))
        self.assertEqual(sorted(statuses), [200] + [400] * 7)
        winners = [i for i in range(8) if login(me["user"]["email"], "password %d!" % i).status == 200]
        self.assertEqual(len(winners), 1)

    def test_the_pages_forgot_mail_reset_login(self):
        me = register()
        address = me["user"]["email"]
        b = Browser()
        status, _, html = b.go("GET", "/login")
        self.assertIn('href="/password/forgot"', html)
        status, _, html = b.submit("/password/forgot", {"email": "nope"})
        self.assertEqual(status, 400)
        self.assertIn('id="email-error"', html)
        since = time.time() - 1
        status, _, html = b.submit("/password/forgot", {"email": address.upper()})
        self.assertEqual(status, 200)
        self.assertIn("If an account uses this address", html)
        status, _, other = b.submit("/password/forgot", {"email": unique_email()})
        self.assertEqual((status, re.sub(r'value="[^"]*"', "", other)), (200, re.sub(r'value="[^"]*"', "", html)))
        link = re.search(r"http://[^/]+(/password/reset\?token=[A-Za-z0-9_-]{43})", wait_for_mail(address, since).get_content())
        status, headers, html = b.go("GET", link.group(1))
        self.assertEqual(status, 200)
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertIn('name="token"', html)
        token = csrf_of(html)
        reset = urllib.parse.parse_qs(urllib.parse.urlparse(link.group(1)).query)["token"][0]
        for form in ({"token": reset, "password": "short"}, {"token": reset}):
            status, _, html = b.go("POST", "/password/reset", dict(form, _csrf=token))
            self.assertEqual(status, 400)
            self.assertIn('id="password-error"', html)
            self.assertIn('name="token" value="%s"' % reset, html, "the form again, the link still good")
        status, headers, _ = b.go("POST", "/password/reset", {"_csrf": token, "token": reset, "password": "from the link"})
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/login?reset=done")
        self.assertIn("Log in with the new password", b.go("GET", "/login?reset=done")[2])
        status, _, html = b.go("GET", link.group(1))
        self.assertEqual(status, 410, "a used link says so")
        self.assertIn('href="/password/forgot"', html)
        self.assertEqual(login(address, "from the link").status, 200)
        self.assertEqual(b.go("GET", "/password/reset")[0], 410)

    def test_the_mail_is_in_the_members_language(self):
        me = register()
        self.assertEqual(call("PATCH", "/api/v1/users/me", me["token"], {"settings": {"language": "fa"}}).status, 200)
        since = time.time() - 1
        forgot(me["user"]["email"])
        msg = wait_for_mail(me["user"]["email"], since)
        self.assertIn("بازنشانی", msg["Subject"])
        self.assertIn("سلام", msg.get_content())


class AvatarPageTest(unittest.TestCase):
    def upload(self, b, data, filename="me.png"):
        token = csrf_of(b.go("GET", "/me/settings")[2])
        body, ct = multipart("avatar", filename, data)
        # the form's token rides in the multipart body, beside the file
        boundary = ct.split("boundary=")[1]
        body = ("--%s\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n" % (boundary, token)).encode() + body
        req = urllib.request.Request(BASE_URL + "/me/avatar", data=body, method="POST", headers={"Content-Type": ct})
        try:
            with b.opener.open(req, timeout=10) as r:  # the browser's cookies; redirects not followed
                return r.status, r.headers, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8")

    def test_upload_show_and_remove_without_javascript(self):
        b = Browser()
        self.assertEqual(b.submit("/register", {"email": unique_email(), "password": "correct horse", "name": "P"})[0], 303)
        html = b.go("GET", "/me/settings")[2]
        self.assertIn('enctype="multipart/form-data"', html)
        self.assertIn("You have no avatar yet", html)
        before = media_files()
        status, _, html = self.upload(b, b"not an image")
        self.assertEqual(status, 415)
        self.assertIn('id="avatar-error"', html)
        self.assertIn("must be a PNG, JPEG or WebP image", html)
        self.assertEqual(media_files(), before)
        status, headers, _ = self.upload(b, PNG)
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/me/settings?done=avatar#avatar")
        html = b.go("GET", "/me/settings?done=avatar")[2]
        url = re.search(r'<img class="avatar" src="(/media/avatars/[0-9a-f]{32}\.png)"', html).group(1)
        self.assertEqual(get(url).body, PNG)
        self.assertIn('action="/me/avatar/remove"', html)
        status, headers, _ = b.go("POST", "/me/avatar/remove", {"_csrf": csrf_of(html)})
        self.assertEqual(status, 303)
        self.assertEqual(get(url).status, 404, "the file is gone")
        self.assertIn("You have no avatar yet", b.go("GET", "/me/settings?done=avatar_removed")[2])


class DeletionTest(unittest.TestCase, ErrorShape):
    def test_deletion_removes_the_members_data_and_the_movies_follow(self):
        me, stays = register(), register()
        before = movie(550)
        self.assertEqual(call("POST", "/api/v1/ratings", me["token"], {"movie_id": 550, "rating": 10, "review": "Mine"}).status, 201)
        self.assertEqual(call("POST", "/api/v1/ratings", stays["token"], {"movie_id": 550, "rating": 4}).status, 201)
        self.assertEqual(call("POST", "/api/v1/watchlist", me["token"], {"movie_id": 13, "is_favorite": True}).status, 201)
        self.assertEqual(call("PUT", "/api/v1/interactions/watched/550", me["token"]).status, 201)
        body, ct = multipart("avatar", "me.png", PNG)
        r = request("POST", "/api/v1/users/me/avatar", body=body, headers={"Content-Type": ct, "Authorization": "Bearer " + me["token"]})
        avatar = r.json()["data"]["avatar"]
        with_both = movie(550)
        self.assertEqual(with_both["rating_count"], before["rating_count"] + 2)

        path = "/api/v1/users/me"
        self.assertErrorShape(call("DELETE", path, me["token"], {"password": "not my password"}), 403, path)
        self.assertErrorShape(call("DELETE", path, me["token"], {}), 400, path)
        self.assertEqual(movie(550), with_both, "nothing deleted")
        r = call("DELETE", path, me["token"], {"password": me["password"]})
        self.assertEqual(r.status, 204, r.body)

        after = movie(550)
        self.assertEqual(after["rating_count"], before["rating_count"] + 1)
        reviews = get("/api/v1/ratings/movie/550?limit=100").json()["data"]
        self.assertFalse([x for x in reviews if x.get("user_id") == me["user"]["id"]], "their review is gone")
        self.assertEqual(get(avatar).status, 404, "their avatar file is gone")
        self.assertErrorShape(call("GET", path, me["token"]), 401, path)
        self.assertEqual(call("POST", "/api/v1/auth/refresh", None, {"refresh_token": me["refresh_token"]}).status, 401)
        self.assertEqual(login(me["user"]["email"], me["password"]).status, 401)
        # the address and the username are free again
        again = signup({"email": me["user"]["email"], "password": "correct horse", "username": me["user"]["username"]})
        self.assertEqual(again.status, 201, again.body)
        for p in ("/api/v1/watchlist", "/api/v1/interactions", "/api/v1/ratings"):
            self.assertEqual(call("GET", p, again.json()["data"]["token"]).json()["data"], [], p)
        self.assertEqual(call("GET", "/api/v1/users/me", stays["token"]).status, 200, "others are untouched")

    def test_the_settings_page_form(self):
        b = Browser()
        address = unique_email()
        self.assertEqual(b.submit("/register", {"email": address, "password": "correct horse", "name": "P"})[0], 303)
        token = csrf_of(b.go("GET", "/me/settings")[2])
        status, _, html = b.go("POST", "/me/delete", {"_csrf": token, "password": "correct horse"})
        self.assertEqual(status, 400)
        self.assertIn('id="delete_confirm-error"', html)
        status, _, html = b.go("POST", "/me/delete", {"_csrf": token, "password": "wrong horse", "confirm": "yes"})
        self.assertEqual(status, 403)
        self.assertIn('id="delete_password-error"', html)
        self.assertEqual(login(address, "correct horse").status, 200, "still there")
        status, headers, _ = b.go("POST", "/me/delete", {"_csrf": token, "password": "correct horse", "confirm": "yes"})
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/me/deleted")
        self.assertFalse(b.cookie("mq_session"), "signed out")
        status, _, html = b.go("GET", "/me/deleted")
        self.assertEqual(status, 200)
        self.assertIn("Your account and everything in it have been deleted", html)
        self.assertEqual(login(address, "correct horse").status, 401)


class DuplicateSignUpTest(unittest.TestCase, ErrorShape):
    def test_the_api_says_which_field_is_taken(self):
        me = register(username="dup_" + os.urandom(4).hex())
        path = "/api/v1/auth/register"
        body = self.assertErrorShape(signup({"email": me["user"]["email"].upper(), "password": "correct horse",
                                             "username": "free_" + os.urandom(4).hex()}), 409, path)
        self.assertEqual(body["errors"], ["email: an account with this e-mail already exists"])
        body = self.assertErrorShape(signup({"email": unique_email(), "password": "correct horse",
                                             "username": me["user"]["username"]}), 409, path)
        self.assertEqual(body["errors"], ["username: this username is taken"])
        body = self.assertErrorShape(signup({"email": me["user"]["email"], "password": "correct horse",
                                             "username": me["user"]["username"]}), 409, path)
        self.assertEqual(len(body["errors"]), 2)

    def test_the_page_says_it_next_to_the_field(self):
        me = register(username="dup_" + os.urandom(4).hex())
        b = Browser()
        status, _, html = b.submit("/register", {"email": me["user"]["email"], "password": "correct horse",
                                                 "username": "free_" + os.urandom(4).hex()})
        self.assertEqual(status, 409)
        self.assertRegex(html, r'id="email-error">An account with this e-mail already exists')
        self.assertNotIn('id="username-error"', html)
        self.assertIn('href="/password/forgot"', html)
        status, _, html = b.submit("/register", {"email": unique_email(), "password": "correct horse",
                                                 "username": me["user"]["username"]})
        self.assertEqual(status, 409)
        self.assertIn('id="username-error">This username is taken', html)
        self.assertNotIn('id="email-error"', html)


if __name__ == "__main__":
    unittest.main()
