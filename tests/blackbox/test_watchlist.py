"""Black-box tests of a member's lists: the watchlist and favourites (create, 409, owner-only
reads and changes, toggles, delete), interactions and history, the seed designs' per-user forms,
the lists state and its ETag, CSRF for cookie sessions, the door to /live, and every error."""
from concurrent.futures import ThreadPoolExecutor
import http.client
import re
import time
import unittest

from stack import ENV, get, request
from test_accounts import call, cookie_session, register, sync
from test_foundation import ErrorShape

WATCHLIST = "/api/v1/watchlist"
ETAG = re.compile(r'^W/"l([0-9a-f]{24})\.(\d+)"$')


def movie(ref):
    r = get(f"/api/v1/movies/{ref}?fields=id,tmdb_id,slug")
    assert r.status == 200, r.body
    return r.json()["data"]


def tmdb_ids(items):
    return [x["movie"]["tmdb_id"] for x in items]


class ListsCase(unittest.TestCase, ErrorShape):
    def setUp(self):
        self.alice = register()
        self.bob = register()

    def add(self, user, body):
        return call("POST", WATCHLIST, user["token"], body)

    def added(self, user, ref, favorite=False):
        r = self.add(user, {"movie_id": ref, "is_favorite": favorite})
        self.assertEqual(r.status, 201, r.body)
        return r.json()["data"]

    def page(self, user, path):
        r = call("GET", path, user["token"])
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def state(self, user):
        """The lists state as {tmdb_id: movie state}, and the version."""
        data = self.page(user, "/api/v1/lists")["data"]
        return {m["tmdb_id"]: m for m in data["movies"]}, data["version"]


class WatchlistTest(ListsCase):
    def test_add_then_conflict_by_any_ref_and_other_users_unaffected(self):
        fight_club = movie(550)
        item = self.added(self.alice, 550, favorite=True)
        self.assertRegex(item["id"], r"^[0-9a-f]{24}$")
        self.assertEqual((item["user_id"], item["movie_id"], item["is_favorite"]),
                         (self.alice["user"]["id"], fight_club["id"], True))
        self.assertTrue(item["added_at"] and item["updated_at"])

        for ref in ("fight-club-1999", "550", fight_club["id"]):
            self.assertErrorShape(self.add(self.alice, {"movie_id": ref}), 409, WATCHLIST)
        self.assertEqual(self.page(self.alice, WATCHLIST)["meta"]["total"], 1, "a refused add adds nothing")

        theirs = self.added(self.bob, "fight-club-1999")
        self.assertNotEqual(theirs["id"], item["id"])
        self.assertEqual((theirs["user_id"], theirs["movie_id"], theirs["is_favorite"]),
                         (self.bob["user"]["id"], fight_club["id"], False))
        self.assertEqual([x["id"] for x in self.page(self.alice, WATCHLIST)["data"]], [item["id"]])
        self.assertErrorShape(call("POST", WATCHLIST, None, {"movie_id": 550}), 401, WATCHLIST)

    def test_pages_newest_first_with_movies_and_the_favourites_filter(self):
        for ref, favorite in ((550, True), (13, False), (680, True)):
            self.added(self.alice, ref, favorite)
            time.sleep(0.01)
        first = self.page(self.alice, WATCHLIST + "?limit=2")
        self.assertEqual(tmdb_ids(first["data"]), [680, 13])
        meta = first["meta"]
        self.assertEqual((meta["total"], meta["page"], meta["limit"], meta["totalPages"], meta["hasNextPage"]),
                         (3, 1, 2, 2, True))
        second = self.page(self.alice, WATCHLIST + "?limit=2&page=2")
        self.assertEqual(tmdb_ids(second["data"]), [550])
        self.assertTrue(second["meta"]["hasPrevPage"])
        for x in first["data"] + second["data"]:
            self.assertTrue(x["movie"]["title"])
            self.assertIsInstance(x["movie"]["poster_url"], str)
            self.assertTrue(x["movie"]["poster_url"].endswith(x["movie"]["poster_path"]))
            self.assertEqual(x["movie"]["id"], x["movie_id"])

        self.assertEqual(tmdb_ids(self.page(self.alice, WATCHLIST + "?favorites=true")["data"]), [680, 550])
        only_others = self.page(self.alice, WATCHLIST + "?favorites=false")
        self.assertEqual((tmdb_ids(only_others["data"]), only_others["meta"]["total"]), ([13], 1))
        fa = self.page(self.alice, WATCHLIST + "?language=fa")["data"][2]["movie"]
        self.assertEqual(fa["title"], fa["titles"]["fa"])
        self.assertRegex(fa["title"], "[\u0600-\u06ff]")

        for query in ("favorites=maybe", "foo=1", "limit=0", "limit=101", "page=0", "language=de"):
            self.assertErrorShape(call("GET", WATCHLIST + "?" + query, self.alice["token"]), 400, WATCHLIST)
        self.assertErrorShape(call("GET", WATCHLIST), 401, WATCHLIST)
        self.assertEqual(self.page(self.bob, WATCHLIST)["data"], [])

    def test_an_item_is_its_owners_only(self):
        item = self.added(self.alice, 13)
        path = WATCHLIST + "/" + item["id"]
        self.assertEqual(self.page(self.alice, path)["data"], item)
        for method, where, body in (("GET", path, None), ("PATCH", path, {"is_favorite": True}),
                                    ("PUT", path, {"is_favorite": True}), ("DELETE", path, None),
                                    ("PATCH", path + "/favorite", None), ("POST", path + "/favorite", None)):
            self.assertErrorShape(call(method, where, self.bob["token"], body), 404, where)
        self.assertEqual(self.page(self.alice, path)["data"], item, "another member changed nothing")
        self.assertEqual(self.page(self.bob, WATCHLIST)["data"], [])

        for method, body in (("GET", None), ("PATCH", {"is_favorite": True}), ("DELETE", None)):
            self.assertErrorShape(call(method, path, None, body), 401, path)
        for method, body in (("GET", None), ("PATCH", {"is_favorite": True}), ("DELETE", None)):
            self.assertErrorShape(call(method, WATCHLIST + "/nope", self.alice["token"], body), 404,
                                  WATCHLIST + "/nope")
        self.assertEqual(self.page(self.alice, path)["data"], item)

    def test_patch_sets_and_the_favourite_route_toggles(self):
        item = self.added(self.alice, 550)
        path = WATCHLIST + "/" + item["id"]
        r = call("PATCH", path, self.alice["token"], {"is_favorite": True})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.json()["data"]["id"], r.json()["data"]["is_favorite"]), (item["id"], True))
        r = call("PUT", path, self.alice["token"], {"is_favorite": False})
        self.assertEqual((r.status, r.json()["data"]["is_favorite"]), (200, False))
        self.assertFalse(self.page(self.alice, path)["data"]["is_favorite"])

        empty = request("PATCH", path, headers={"Authorization": "Bearer " + self.alice["token"],
                                                "Content-Type": "application/json"})
        self.assertErrorShape(empty, 400, path)
        self.assertErrorShape(call("PATCH", path, self.alice["token"]), 415, path)
        for body in ({}, {"is_favorite": "yes"}, {"is_favorite": 1}, {"is_favorite": None}, {"role": "admin"},
                     {"is_favorite": True, "role": "admin"}, {"is_favorite": True, "movie_id": 13}):
            self.assertErrorShape(call("PATCH", path, self.alice["token"], body), 400, path)
        self.assertFalse(self.page(self.alice, path)["data"]["is_favorite"], "a refused patch changes nothing")

        fav = path + "/favorite"
        toggles = [call(method, fav, self.alice["token"]) for method in ("PATCH", "POST")]
        self.assertEqual([(r.status, r.json()["data"]["is_favorite"]) for r in toggles], [(200, True), (200, False)])
        for _ in range(2):
            r = call("PATCH", fav, self.alice["token"], {"is_favorite": True})
            self.assertEqual((r.status, r.json()["data"]["is_favorite"]), (200, True), "a value sets, not toggles")
        self.assertErrorShape(call("PATCH", fav, self.alice["token"], {"is_favorite": "no"}), 400, fav)
        self.assertErrorShape(call("PATCH", fav, self.alice["token"], {"favorite": False}), 400, fav)
        self.assertTrue(self.page(self.alice, path)["data"]["is_favorite"])

    def test_delete_then_gone(self):
        item = self.added(self.alice, 680, favorite=True)
        path = WATCHLIST + "/" + item["id"]
        r = call("DELETE", path, self.alice["token"])
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertErrorShape(call("GET", path, self.alice["token"]), 404, path)
        self.assertErrorShape(call("DELETE", path, self.alice["token"]), 404, path)
        self.assertErrorShape(call("PATCH", path + "/favorite", self.alice["token"]), 404, path + "/favorite")
        self.assertEqual(self.page(self.alice, WATCHLIST)["meta"]["total"], 0)
        again = self.added(self.alice, 680)
        self.assertNotEqual(again["id"], item["id"])
        self.assertTrue(again["is_favorite"], "the movie stayed a favourite while off the watchlist")

    def test_watchlist_and_favourites_are_independent(self):
        """Issue 18: removing a movie from the watchlist used to drop it from the favourites."""
        favs = "/api/v1/users/me/favorites"
        item = self.added(self.alice, 680, favorite=True)
        self.assertEqual(call("DELETE", WATCHLIST + "/" + item["id"], self.alice["token"]).status, 204)
        self.assertEqual(tmdb_ids(self.page(self.alice, favs)["data"]), [680], "still a favourite")
        state = self.state(self.alice)[0][680]
        self.assertEqual((state["watchlist"], state["favorite"]), (False, True))

        r = call("POST", favs, self.alice["token"], {"movie_id": 13})
        self.assertEqual((r.status, r.json()["data"]["is_favorite"]), (201, True))
        self.assertEqual(self.page(self.alice, WATCHLIST)["meta"]["total"], 0, "a favourite does not join the watchlist")
        self.assertEqual(call("DELETE", favs + "?movie_id=13", self.alice["token"]).status, 204)
        self.assertEqual(tmdb_ids(self.page(self.alice, favs)["data"]), [680])

        # the seed designs' flag reads and writes the favourites
        item = self.added(self.alice, 550)
        self.assertFalse(item["is_favorite"])
        r = call("PATCH", WATCHLIST + "/%s/favorite" % item["id"], self.alice["token"])
        self.assertEqual((r.status, r.json()["data"]["is_favorite"]), (200, True))
        self.assertEqual(tmdb_ids(self.page(self.alice, favs)["data"]), [550, 680])
        self.assertEqual(tmdb_ids(self.page(self.alice, WATCHLIST + "?favorites=true")["data"]), [550])
        self.assertEqual(call("DELETE", WATCHLIST + "/" + item["id"], self.alice["token"]).status, 204)
        self.assertEqual(tmdb_ids(self.page(self.alice, favs)["data"]), [550, 680])
        self.assertEqual(self.page(self.alice, WATCHLIST + "?favorites=false")["meta"]["total"], 0)

    def test_movies_are_resolved_and_bad_input_adds_nothing(self):
        r = self.add(self.alice, {"movie_id": 603})  # TMDB has it: fetched into the catalogue if need be
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["data"]["movie_id"], movie(603)["id"])

        for ref in (999999999, "999999999", "no-such-movie-1999", "0" * 24):
            self.assertErrorShape(self.add(self.alice, {"movie_id": ref}), 404, WATCHLIST)
        for body in ({"movie_id": ""}, {"movie_id": {"$gt": ""}}, {"movie_id": None}, {"movie_id": [550]}, {},
                     {"is_favorite": True}, {"movie_id": "Fight Club!"}, {"movie_id": 550, "is_favorite": "yes"},
                     {"movie_id": 550, "user_id": self.bob["user"]["id"]}, {"movie_id": 550, "type": "liked"}):
            self.assertErrorShape(self.add(self.alice, body), 400, WATCHLIST)
        auth = "Bearer " + self.alice["token"]
        for raw, content_type, status in ((b'{"movie_id": 550', "application/json", 400),
                                          (b'{"movie_id": 550}', "text/plain", 415),
                                          (b"movie_id=550", "application/x-www-form-urlencoded", 415)):
            r = request("POST", WATCHLIST, body=raw, headers={"Authorization": auth, "Content-Type": content_type})
            self.assertErrorShape(r, status, WATCHLIST)
        self.assertEqual(tmdb_ids(self.page(self.alice, WATCHLIST)["data"]), [603])


class ETagTest(ListsCase):
    LISTS = (WATCHLIST, "/api/v1/lists", "/api/v1/interactions", "/api/v1/users/me/watchlist",
             "/api/v1/users/me/favorites", "/api/v1/users/me/history")

    def etag(self, path="/api/v1/lists"):
        r = call("GET", path, self.alice["token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["Cache-Control"], "private, no-cache")
        return r.headers["ETag"]

    def assertFresh(self, tag, path):
        r = call("GET", path, self.alice["token"], headers={"If-None-Match": tag})
        self.assertEqual((r.status, r.body), (304, b""), path)
        self.assertEqual(r.headers["ETag"], tag)

    def test_every_list_shares_one_etag_that_every_change_moves(self):
        tag = self.etag()
        m = ETAG.match(tag)
        self.assertTrue(m, tag)
        self.assertEqual(m.group(1), self.alice["user"]["id"])
        for path in self.LISTS:
            self.assertEqual(self.etag(path), tag, path)
            self.assertFresh(tag, path)

        item = {}

        def add():
            r = self.add(self.alice, {"movie_id": 550})
            item.update(r.json()["data"])
            return r

        a = self.alice["token"]
        changes = [
            ("add", 201, add),
            ("favourite toggle", 200, lambda: call("PATCH", WATCHLIST + "/%s/favorite" % item["id"], a)),
            ("favourite set", 200, lambda: call("PATCH", WATCHLIST + "/" + item["id"], a, {"is_favorite": False})),
            ("interaction", 201, lambda: call("PUT", "/api/v1/interactions/watched/550", a)),
            ("interaction again", 200, lambda: call("POST", "/api/v1/interactions", a,
                                                    {"movie_id": 550, "type": "watched"})),
            ("interaction removed", 204, lambda: call("DELETE", "/api/v1/interactions/watched/550", a)),
            ("rating", 201, lambda: call("POST", "/api/v1/ratings", a, {"movie_id": 550, "rating": 8})),
            ("delete", 204, lambda: call("DELETE", WATCHLIST + "/" + item["id"], a)),
        ]
        version = int(m.group(2))
        for name, status, change in changes:
            r = change()
            self.assertEqual(r.status, status, (name, r.body))
            new = self.etag()
            self.assertNotEqual(new, tag, name)
            self.assertGreater(int(ETAG.match(new).group(2)), version, name)
            version = int(ETAG.match(new).group(2))
            for path in (WATCHLIST, "/api/v1/lists", "/api/v1/interactions"):
                r = call("GET", path, self.alice["token"], headers={"If-None-Match": tag})
                self.assertEqual(r.status, 200, (name, path))
                self.assertEqual(r.headers["ETag"], new, (name, path))
                self.assertFresh(new, path)
            tag = new
        self.assertEqual(self.state(self.alice)[1], version)

    def test_refused_changes_and_other_members_leave_it_alone(self):
        self.added(self.alice, 13)
        tag = self.etag()
        self.assertErrorShape(self.add(self.alice, {"movie_id": 13}), 409, WATCHLIST)
        self.assertErrorShape(call("DELETE", "/api/v1/interactions/liked/13", self.alice["token"]), 404,
                              "/api/v1/interactions/liked/13")
        self.added(self.bob, 13)
        self.assertEqual(call("PUT", "/api/v1/interactions/liked/13", self.bob["token"]).status, 201)
        self.assertFresh(tag, "/api/v1/lists")
        self.assertFresh(tag, WATCHLIST)
        bobs = call("GET", WATCHLIST, self.bob["token"], headers={"If-None-Match": tag})
        self.assertEqual(bobs.status, 200, "one member's ETag is not another's")


class InteractionsTest(ListsCase):
    PATH = "/api/v1/interactions"

    def test_record_again_like_dislike_and_remove(self):
        r = call("POST", self.PATH, self.alice["token"], {"movie_id": 550, "type": "watched"})
        self.assertEqual(r.status, 201, r.body)
        first = r.json()["data"]
        self.assertEqual((first["type"], first["user_id"], first["movie_id"]),
                         ("watched", self.alice["user"]["id"], movie(550)["id"]))
        r = call("POST", self.PATH, self.alice["token"], {"movie_id": "fight-club-1999", "type": "watched"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["id"], first["id"])
        self.assertGreaterEqual(r.json()["data"]["at"], first["at"])

        self.assertEqual(call("PUT", self.PATH + "/liked/550", self.alice["token"]).status, 201)
        self.assertEqual(call("PUT", self.PATH + "/liked/550", self.alice["token"]).status, 200)
        s = self.state(self.alice)[0][550]
        self.assertEqual((s["watched"], s["liked"], s["disliked"], s["watchlist"]), (True, True, False, False))

        r = call("PUT", self.PATH + "/disliked/550", self.alice["token"])
        self.assertEqual((r.status, r.json()["data"]["type"]), (201, "disliked"))
        s = self.state(self.alice)[0][550]
        self.assertEqual((s["liked"], s["disliked"]), (False, True), "disliking removes the like")
        liked = self.page(self.alice, self.PATH + "?type=liked")
        self.assertEqual((liked["data"], liked["meta"]["total"]), ([], 0))

        r = call("DELETE", self.PATH + "/disliked/550", self.alice["token"])
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertErrorShape(call("DELETE", self.PATH + "/disliked/550", self.alice["token"]), 404,
                              self.PATH + "/disliked/550")
        s = self.state(self.alice)[0][550]
        self.assertEqual((s["watched"], s["liked"], s["disliked"]), (True, False, False))

        self.assertEqual(call("PUT", self.PATH + "/disliked/13", self.alice["token"]).status, 201)
        self.assertEqual(call("PUT", self.PATH + "/liked/13", self.alice["token"]).status, 201)
        s = self.state(self.alice)[0][13]
        self.assertEqual((s["liked"], s["disliked"]), (True, False), "liking removes the dislike")
        self.assertEqual(self.page(self.bob, self.PATH)["data"], [], "nothing of it is another member's")

    def test_lists_by_type_newest_first(self):
        for ref in (550, 13, 680):
            self.assertEqual(call("PUT", self.PATH + "/watched/%s" % ref, self.alice["token"]).status, 201)
            time.sleep(0.01)
        self.assertEqual(call("PUT", self.PATH + "/bookmarked/603", self.alice["token"]).status, 201)
        watched = self.page(self.alice, self.PATH + "?type=watched")
        self.assertEqual(tmdb_ids(watched["data"]), [680, 13, 550])
        self.assertEqual(watched["meta"]["total"], 3)
        self.assertTrue(all(x["type"] == "watched" and x["movie"]["title"] for x in watched["data"]))
        time.sleep(0.01)
        self.assertEqual(call("PUT", self.PATH + "/watched/550", self.alice["token"]).status, 200)
        self.assertEqual(tmdb_ids(self.page(self.alice, self.PATH + "?type=watched")["data"]), [550, 680, 13],
                         "recording again moves it to now")
        everything = self.page(self.alice, self.PATH)
        self.assertEqual(everything["meta"]["total"], 4)
        self.assertEqual(tmdb_ids(everything["data"])[:2], [550, 603])
        self.assertEqual(tmdb_ids(self.page(self.alice, self.PATH + "?type=bookmarked&limit=1")["data"]), [603])

    def test_errors(self):
        for body in ({"movie_id": 550, "type": "loved"}, {"movie_id": 550}, {"type": "watched"},
                     {"movie_id": 550, "type": "watched", "at": "2020-01-01T00:00:00Z"},
                     {"movie_id": {"$gt": ""}, "type": "watched"}, {"movie_id": 550, "type": ["watched"]}):
            self.assertErrorShape(call("POST", self.PATH, self.alice["token"], body), 400, self.PATH)
        self.assertErrorShape(call("POST", self.PATH, self.alice["token"], {"movie_id": 999999999, "type": "liked"}),
                              404, self.PATH)
        for method in ("PUT", "DELETE"):
            self.assertErrorShape(call(method, self.PATH + "/loved/550", self.alice["token"]), 404,
                                  self.PATH + "/loved/550")
            self.assertErrorShape(call(method, self.PATH + "/liked/999999999", self.alice["token"]), 404,
                                  self.PATH + "/liked/999999999")
            self.assertErrorShape(call(method, self.PATH + "/liked/Bad_Ref", self.alice["token"]), 400,
                                  self.PATH + "/liked/Bad_Ref")
            self.assertErrorShape(call(method, self.PATH + "/liked/550"), 401, self.PATH + "/liked/550")
        for query in ("type=loved", "type=", "sort=at"):
            self.assertErrorShape(call("GET", self.PATH + "?" + query, self.alice["token"]), 400, self.PATH)
        self.assertErrorShape(call("GET", self.PATH), 401, self.PATH)
        self.assertEqual(self.page(self.alice, self.PATH)["meta"]["total"], 0, "a refused interaction records nothing")


class HistoryTest(ListsCase):
    def test_mark_list_newest_first_and_remove(self):
        path = "/api/v1/users/me/history"
        r = call("POST", path, self.alice["token"], {"movie_id": 550})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["data"]["type"], "watched")
        time.sleep(0.05)
        self.assertEqual(call("POST", path, self.alice["token"], {"movie_id": "forrest-gump-1994"}).status, 201)
        history = self.page(self.alice, path)
        self.assertEqual(tmdb_ids(history["data"]), [13, 550])
        self.assertEqual(history["meta"]["total"], 2)
        self.assertTrue(self.state(self.alice)[0][550]["watched"])
        self.assertEqual(history["data"], self.page(self.alice, "/api/v1/interactions?type=watched")["data"])

        time.sleep(0.05)
        self.assertEqual(call("PUT", path, self.alice["token"], {"movie_id": "550"}).status, 200)
        self.assertEqual(tmdb_ids(self.page(self.alice, path)["data"]), [550, 13])

        r = call("DELETE", path + "?movie_id=550", self.alice["token"])
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertEqual(tmdb_ids(self.page(self.alice, path)["data"]), [13])
        self.assertErrorShape(call("DELETE", path + "?movie_id=550", self.alice["token"]), 404, path)
        self.assertEqual(call("DELETE", path + "/13", self.alice["token"]).status, 204)
        self.assertEqual(self.page(self.alice, path)["meta"]["total"], 0)

        self.assertErrorShape(call("POST", path, self.alice["token"], {"movie_id": 550, "type": "liked"}), 400, path)
        self.assertErrorShape(call("GET", path + "?type=liked", self.alice["token"]), 400, path)


class PerUserFormsTest(ListsCase):
    def test_watchlist_put_post_and_three_ways_to_delete(self):
        base = "/api/v1/users/%s/watchlist" % self.alice["user"]["id"]
        r = call("PUT", base, self.alice["token"], {"movie_id": 550})
        self.assertEqual(r.status, 201, r.body)
        item = r.json()["data"]
        r = call("PUT", base, self.alice["token"], {"movie_id": "fight-club-1999"})
        self.assertEqual((r.status, r.json()["data"]), (200, item), "PUT is idempotent")
        r = call("PUT", base, self.alice["token"], {"movie_id": 550, "is_favorite": True})
        self.assertEqual((r.status, r.json()["data"]["id"], r.json()["data"]["is_favorite"]), (200, item["id"], True))
        self.assertEqual(call("POST", base, self.alice["token"], {"movie_id": 13}).status, 201)
        self.assertErrorShape(call("POST", base, self.alice["token"], {"movie_id": 13}), 409, base)
        self.assertEqual(call("POST", "/api/v1/users/me/watchlist", self.alice["token"], {"movie_id": 680}).status, 201)

        listed = self.page(self.alice, base)
        self.assertEqual(tmdb_ids(listed["data"]), [680, 13, 550])
        self.assertEqual(self.page(self.alice, "/api/v1/users/me/watchlist")["data"], listed["data"])
        self.assertEqual(self.page(self.alice, base + "?favorites=true")["meta"]["total"], 1)

        # another member: 404 for every form, and nothing changes
        for method, path, body in (("GET", base, None), ("POST", base, {"movie_id": 603}),
                                   ("PUT", base, {"movie_id": 550, "is_favorite": False}),
                                   ("DELETE", base + "?movie_id=550", None), ("DELETE", base + "/13", None)):
            self.assertErrorShape(call(method, path, self.bob["token"], body), 404, path.split("?")[0])
        self.assertEqual(self.page(self.alice, base)["data"], listed["data"])
        self.assertEqual(self.page(self.bob, WATCHLIST)["data"], [])
        for bad in ("nope", "0" * 24):
            path = "/api/v1/users/%s/watchlist" % bad
            self.assertErrorShape(call("GET", path, self.alice["token"]), 404, path)
        self.assertErrorShape(call("GET", base), 401, base)

        r = call("DELETE", base + "?movie_id=550", self.alice["token"])
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertEqual(call("DELETE", base, self.alice["token"], {"movie_id": 13}).status, 204)
        self.assertEqual(call("DELETE", "/api/v1/users/me/watchlist/pulp-fiction-1994", self.alice["token"]).status,
                         204)
        self.assertEqual(self.page(self.alice, base)["meta"]["total"], 0)
        self.assertErrorShape(call("DELETE", base + "?movie_id=550", self.alice["token"]), 404, base)
        self.assertErrorShape(call("DELETE", base + "/550", self.alice["token"]), 404, base + "/550")
        self.assertErrorShape(call("DELETE", base, self.alice["token"]), 400, base)
        self.assertErrorShape(call("DELETE", base, self.alice["token"], {"movie": 550}), 400, base)

    def test_favourites_add_and_remove(self):
        favs = "/api/v1/users/me/favorites"
        r = call("POST", favs, self.alice["token"], {"movie_id": 550})
        self.assertEqual((r.status, r.json()["data"]["is_favorite"]), (201, True), "now a favourite")
        time.sleep(0.01)
        self.assertEqual(call("POST", WATCHLIST, self.alice["token"], {"movie_id": 13}).status, 201)
        r = call("POST", favs, self.alice["token"], {"movie_id": 13})
        self.assertEqual((r.status, r.json()["data"]["is_favorite"]), (201, True), "on the watchlist, now a favourite too")
        r = call("PUT", favs, self.alice["token"], {"movie_id": 13})
        self.assertEqual((r.status, r.json()["data"]["is_favorite"]), (200, True), "a favourite already")
        self.assertEqual(tmdb_ids(self.page(self.alice, favs)["data"]), [13, 550])

        r = call("DELETE", favs + "?movie_id=550", self.alice["token"])
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertEqual(tmdb_ids(self.page(self.alice, favs)["data"]), [13])
        kept = {x["movie"]["tmdb_id"]: x["is_favorite"] for x in self.page(self.alice, WATCHLIST)["data"]}
        self.assertEqual(kept, {13: True}, "the watchlist is its own list")
        other = "/api/v1/users/%s/favorites/forrest-gump-1994" % self.alice["user"]["id"]
        self.assertEqual(call("DELETE", other, self.alice["token"]).status, 204)
        self.assertEqual(self.page(self.alice, favs)["meta"]["total"], 0)
        self.assertEqual(self.page(self.alice, WATCHLIST)["meta"]["total"], 1)
        self.assertErrorShape(call("DELETE", favs + "?movie_id=680", self.alice["token"]), 404, favs)

        self.assertErrorShape(call("POST", favs, self.alice["token"], {"movie_id": 680, "is_favorite": False}),
                              400, favs)
        self.assertErrorShape(call("GET", favs + "?favorites=false", self.alice["token"]), 400, favs)
        theirs = "/api/v1/users/%s/favorites" % self.alice["user"]["id"]
        for method, path, body in (("GET", theirs, None), ("POST", theirs, {"movie_id": 680}),
                                   ("DELETE", theirs + "?movie_id=550", None)):
            self.assertErrorShape(call(method, path, self.bob["token"], body), 404, theirs)
        self.assertEqual(self.page(self.alice, favs)["meta"]["total"], 0)

    def test_an_admin_reads_anyones_lists(self):
        self.added(self.alice, 550, favorite=True)
        self.assertEqual(call("PUT", "/api/v1/interactions/watched/550", self.alice["token"]).status, 201)
        base = "/api/v1/users/%s/" % self.alice["user"]["id"]
        self.assertErrorShape(call("GET", base + "watchlist", self.bob["token"]), 404, base + "watchlist")
        r = sync("admin", self.bob["user"]["email"])
        self.assertEqual(r.returncode, 0, r.stderr)
        try:
            for kind in ("watchlist", "favorites", "history"):
                page = self.page(self.bob, base + kind)
                self.assertEqual(tmdb_ids(page["data"]), [550], kind)
                self.assertEqual(page["data"][0]["user_id"], self.alice["user"]["id"])
        finally:
            self.assertEqual(sync("admin", "--revoke", self.bob["user"]["email"]).returncode, 0)
        self.assertErrorShape(call("GET", base + "watchlist", self.bob["token"]), 404, base + "watchlist")


class ListsStateTest(ListsCase):
    def test_state_of_every_movie_with_ratings(self):
        data, version = self.state(self.alice)
        self.assertEqual((data, version), ({}, 0))
        self.added(self.alice, 550, favorite=True)
        self.assertEqual(call("PUT", "/api/v1/interactions/bookmarked/680", self.alice["token"]).status, 201)
        r = call("POST", "/api/v1/ratings", self.alice["token"], {"movie_id": 13, "rating": 8.5})
        self.assertEqual(r.status, 201, r.body)

        r = call("GET", "/api/v1/lists", self.alice["token"])
        body = r.json()["data"]
        self.assertEqual(r.headers["ETag"], 'W/"l%s.%d"' % (self.alice["user"]["id"], body["version"]))
        self.assertGreaterEqual(body["version"], 3)
        movies = {m["tmdb_id"]: m for m in body["movies"]}
        flags = ("watchlist", "favorite", "watched", "liked", "disliked", "bookmarked", "rating")
        self.assertEqual({k: [movies[k][f] for f in flags] for k in movies}, {
            550: [True, True, False, False, False, False, None],
            680: [False, False, False, False, False, True, None],
            13: [False, False, False, False, False, False, 8.5],
        })
        self.assertEqual(movies[13]["movie_id"], movie(13)["id"])
        self.assertEqual(self.state(self.bob), ({}, 0))
        self.assertErrorShape(call("GET", "/api/v1/lists?movie_id=550", self.alice["token"]), 400, "/api/v1/lists")
        self.assertErrorShape(call("GET", "/api/v1/lists"), 401, "/api/v1/lists")


class ConcurrencyTest(ListsCase):
    def test_double_submits_record_once(self):
        with ThreadPoolExecutor(max_workers=8) as pool:
            adds = list(pool.map(lambda _: self.add(self.alice, {"movie_id": 550}).status, range(8)))
            puts = list(pool.map(lambda _: call("PUT", "/api/v1/interactions/watched/13", self.alice["token"]).status,
                                 range(8)))
        self.assertEqual(sorted(adds), [201] + [409] * 7)
        self.assertEqual(sorted(puts), [200] * 7 + [201])
        self.assertEqual(self.page(self.alice, WATCHLIST)["meta"]["total"], 1)
        self.assertEqual(self.page(self.alice, "/api/v1/interactions")["meta"]["total"], 1)

    def test_concurrent_changes_each_move_the_version(self):
        """lists_version counts every change: it is the ETag and the v of live hints, so two states
        (or two hints) sharing one version would give a stale 304 or hide a missed hint."""
        a, refs = self.alice["token"], (550, 13, 680, 603)
        changes = [("PUT", "/api/v1/interactions/%s/%s" % (kind, ref), None, 201)
                   for kind in ("watched", "bookmarked") for ref in refs]
        changes += [("POST", WATCHLIST, {"movie_id": ref}, 201) for ref in refs]
        changes += [("POST", "/api/v1/ratings", {"movie_id": ref, "rating": 7}, 201) for ref in refs]
        with ThreadPoolExecutor(max_workers=len(changes)) as pool:
            statuses = list(pool.map(lambda c: call(c[0], c[1], a, c[2]).status, changes))
        self.assertEqual(statuses, [c[3] for c in changes])
        movies, version = self.state(self.alice)
        flags = ("watchlist", "watched", "bookmarked", "rating")
        self.assertEqual({ref: [movies[ref][f] for f in flags] for ref in refs},
                         {ref: [True, True, True, 7] for ref in refs})
        self.assertEqual(version, len(changes), "a concurrent change was not counted")


class CsrfTest(unittest.TestCase, ErrorShape):
    def test_cookie_sessions_need_the_csrf_token(self):
        _, jar, cookie = cookie_session()
        self.assertEqual(call("GET", WATCHLIST, headers=cookie).status, 200, "reading needs no token")
        for method, path, body in (("POST", WATCHLIST, {"movie_id": 550}),
                                   ("POST", "/api/v1/interactions", {"movie_id": 550, "type": "liked"}),
                                   ("PUT", "/api/v1/interactions/liked/550", None),
                                   ("POST", "/api/v1/users/me/favorites", {"movie_id": 550})):
            self.assertErrorShape(call(method, path, body=body, headers=cookie), 403, path)
            self.assertErrorShape(call(method, path, body=body, headers=dict(cookie, **{"X-CSRF-Token": "f" * 43})),
                                  403, path)
        self.assertEqual(call("GET", "/api/v1/lists", headers=cookie).json()["data"]["movies"], [],
                         "a refused request changes nothing")
        r = call("POST", WATCHLIST, body={"movie_id": 550}, headers=dict(cookie, **{"X-CSRF-Token": jar["mq_csrf"]}))
        self.assertEqual(r.status, 201, r.body)
        path = WATCHLIST + "/" + r.json()["data"]["id"]
        self.assertErrorShape(call("DELETE", path, headers=cookie), 403, path)
        self.assertEqual(call("GET", path, headers=cookie).status, 200)


class LiveDoorTest(unittest.TestCase):
    def test_live_needs_a_session(self):
        self.assertEqual(get("/live", headers={"Accept": "text/event-stream"}).status, 401)
        self.assertEqual(get("/live", headers={"Authorization": "Bearer not.a.token"}).status, 401)
        s = register()
        conn = http.client.HTTPConnection("127.0.0.1", int(ENV["PORT"]), timeout=5)
        try:
            conn.request("GET", "/live", headers={"Authorization": "Bearer " + s["token"],
                                                  "Accept": "text/event-stream"})
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertTrue(r.getheader("Content-Type").startswith("text/event-stream"), r.getheader("Content-Type"))
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
