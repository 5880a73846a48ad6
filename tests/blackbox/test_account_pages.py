"""Black-box tests of the account pages: forms that work without JavaScript, through a client that
keeps cookies and does not follow redirects (so each step is seen)."""
import http.cookiejar
import re
import unittest
import urllib.error
import urllib.parse
import urllib.request

from stack import BASE_URL
from test_auth import unique_email


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def go(self, method, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(BASE_URL + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(req, timeout=10) as r:
                return r.status, r.headers, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8")

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def submit(self, path, form):
        """Fills in the form at path as a person does: the page first (its _csrf field binds the
        post to this browser), then the post."""
        status, _, html = self.go("GET", path)
        token = csrf_of(html)
        assert status == 200 and token, (status, path)
        return self.go("POST", path, dict(form, _csrf=token))


def csrf_of(html):
    m = re.search(r'name="_csrf" value="([^"]+)"', html)
    return m.group(1) if m else None


class AccountPagesTest(unittest.TestCase):
    def test_register_settings_logout_login(self):
        b = Browser()
        status, _, html = b.go("GET", "/register")
        self.assertEqual(status, 200)
        for field in ("email", "password", "username", "name", "date_of_birth"):
            self.assertIn('name="%s"' % field, html)
        self.assertIn('<label for="email">', html)

        # every problem next to its field, the values kept (never the password)
        status, _, html = b.submit("/register", {"email": "not-an-email", "password": "short",
                                                 "name": "Pat <b>", "date_of_birth": "2999-01-01"})
        self.assertEqual(status, 400)
        self.assertIn('id="email-error"', html)
        self.assertIn('id="password-error"', html)
        self.assertIn('id="date_of_birth-error"', html)
        self.assertIn('value="not-an-email"', html)
        self.assertIn('value="Pat &lt;b&gt;"', html)
        self.assertNotIn('value="short"', html)

        email = unique_email()
        self.assertEqual(b.go("POST", "/register", {"email": email, "password": "correct horse", "name": "Pat"})[0], 403,
                         "without the form's token (another site's post)")
        status, headers, _ = b.submit("/register", {"email": email, "password": "correct horse", "name": "Pat"})
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/me")
        self.assertTrue(b.cookie("mq_session"))
        status, _, html = b.go("GET", "/me")
        self.assertEqual(status, 200)
        self.assertIn(email.lower(), html)

        # settings: refused without the CSRF field, saved with it, and every page follows them
        status, _, html = b.go("GET", "/me/settings")
        token = csrf_of(html)
        self.assertTrue(token)
        form = {"username": "pat_" + email[1:9], "name": "Pat Q", "language": "fa", "theme": "dark"}
        status, _, _ = b.go("POST", "/me/settings", form)
        self.assertEqual(status, 403)
        status, headers, _ = b.go("POST", "/me/settings", dict(form, _csrf=token))
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/me/settings?saved=1")
        status, _, html = b.go("GET", "/me/settings?saved=1")
        self.assertIn('<html lang="fa" dir="rtl" data-theme="dark"', html)
        self.assertIn('role="status"', html)
        status, _, html = b.go("GET", "/")
        self.assertIn('<html lang="fa" dir="rtl" data-theme="dark"', html)
        status, _, html = b.go("POST", "/me/settings", dict(form, username="x", language="de", _csrf=token))
        self.assertEqual(status, 400)
        self.assertIn('id="username-error"', html)

        # logout needs the CSRF field too; afterwards /me sends to the login form
        status, _, html = b.go("GET", "/logout")
        self.assertEqual(b.go("POST", "/logout", {})[0], 403)
        status, headers, _ = b.go("POST", "/logout", {"_csrf": csrf_of(html)})
        self.assertEqual((status, headers["Location"]), (303, "/"))
        status, headers, _ = b.go("GET", "/me")
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "/login?next=%2Fme")

        # login: a wrong password stays on the form; the right one goes back to next
        status, _, html = b.submit("/login", {"email": email, "password": "wrong pass", "next": "/me"})
        self.assertEqual(status, 401)
        self.assertIn("ایمیل یا گذرواژه نادرست است.", html)  # a Persian page says it in Persian
        self.assertIn('value="%s"' % email, html)
        status, headers, _ = b.submit("/login", {"email": email, "password": "correct horse", "next": "/me"})
        self.assertEqual((status, headers["Location"]), (303, "/me"))
        self.assertEqual(b.go("GET", "/me")[0], 200)

    def test_no_open_redirect(self):
        b = Browser()
        email = unique_email()
        b.submit("/register", {"email": email, "password": "correct horse", "name": "R"})
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example/x"):
            status, headers, _ = Browser().submit("/login", {"email": email, "password": "correct horse", "next": target})
            self.assertEqual(status, 303)
            self.assertFalse(headers["Location"].startswith("//") or "evil" in headers["Location"], target)


if __name__ == "__main__":
    unittest.main()
