"""Tests for the richer movie page's TMDB answers (extras.py): details with sections appended that
no one recording holds together, a movie's videos and watch providers, collections; in TMDB's
shapes, from the shared recordings where they exist (read in place; those tests are skipped when
../shared is absent) and generated otherwise; and the demo catalogue's collections and regions."""

import json
import unittest

from test_standin import SHARED, StandinCase

FULL = "append_to_response=credits,keywords,translations,release_dates,videos&include_video_language=en,fa,null"


class ExtrasTest(StandinCase):
    server_args = ("--no-shared",)

    def test_appended_videos_join_the_recorded_sections(self):
        status, d = self.get_json(f"/3/movie/603?{FULL}")
        self.assertEqual(status, 200)
        for section in ("credits", "keywords", "translations", "release_dates", "videos"):
            self.assertIn(section, d)
        self.assertNotIn("watch/providers", d)
        videos = d["videos"]["results"]
        self.assertTrue(all({"iso_639_1", "iso_3166_1", "name", "key", "site", "size", "type", "official",
                             "published_at", "id"} <= set(v) for v in videos))
        self.assertIn(("Trailer", True, "YouTube", "en"), {(v["type"], v["official"], v["site"], v["iso_639_1"]) for v in videos})
        self.assertIn(("Teaser", "fa"), {(v["type"], v["iso_639_1"]) for v in videos})
        self.assertEqual({r["iso_3166_1"] for r in d["release_dates"]["results"]}, {"US", "GB", "DE", "FR"})
        # what the recording answered before is unchanged
        plain = self.get_json("/3/movie/603?append_to_response=credits,keywords,translations,release_dates")[1]
        self.assertEqual({k: v for k, v in d.items() if k != "videos"}, plain)

    def test_only_the_sections_asked_for(self):
        d = self.get_json("/3/movie/550?append_to_response=videos")[1]
        self.assertIn("videos", d)
        self.assertNotIn("credits", d)

    def test_videos_and_watch_providers_of_a_movie(self):
        status, v = self.get_json("/3/movie/603/videos")
        self.assertEqual((status, v["id"]), (200, 603))
        self.assertGreaterEqual(len(v["results"]), 3)
        status, p = self.get_json("/3/movie/603/watch/providers")
        self.assertEqual((status, p["id"]), (200, 603))
        us = p["results"]["US"]
        self.assertTrue(us["link"].startswith("https://www.themoviedb.org/movie/603"))
        for kind in ("flatrate", "rent", "buy"):
            for provider in us[kind]:
                self.assertEqual(set(provider), {"logo_path", "provider_id", "provider_name", "display_priority"})
        self.assertNotIn("IR", p["results"])
        self.assertEqual(self.get_json("/3/movie/999999999/watch/providers")[1]["status_code"], 34)

    def test_collection_in_each_language(self):
        status, c = self.get_json("/3/collection/2344")
        self.assertEqual((status, c["name"]), (200, "The Matrix Collection"))
        self.assertEqual([p["id"] for p in c["parts"]], [603, 604, 605, 624860])
        self.assertEqual(c["parts"][0]["media_type"], "movie")
        self.assertEqual(c["parts"][0]["title"], "The Matrix")
        fa = self.get_json("/3/collection/2344?language=fa-IR")[1]
        self.assertEqual((fa["name"], fa["parts"][0]["title"]), ("مجموعهٔ ماتریکس", "ماتریکس"))
        self.assertEqual(self.get_json("/3/collection/1")[1]["status_code"], 34)

    def test_faults_reach_the_new_paths(self):
        self.add_fault(path="/3/movie/603/watch/providers", status=500, times=1)
        self.assertEqual(self.get("/3/movie/603/watch/providers")[0], 500)
        self.assertEqual(self.get("/3/movie/603/watch/providers")[0], 200)


@unittest.skipUnless(SHARED.is_dir(), "../shared absent")
class RecordedExtrasTest(StandinCase):
    def test_recorded_videos_and_release_dates_are_used(self):
        d = self.get_json(f"/3/movie/47964?{FULL}")[1]
        recorded = json.loads((SHARED / "movie_47964_videos.json").read_bytes())
        self.assertEqual(d["videos"]["results"], recorded["results"])
        dates = json.loads((SHARED / "movie_47964_release_dates.json").read_bytes())
        self.assertEqual(d["release_dates"]["results"], dates["results"])
        self.assertEqual(d["belongs_to_collection"]["id"], 1570)

    def test_recorded_watch_providers_and_videos_of_fight_club(self):
        trimmed = json.loads((SHARED / "movie_550__append_translations_videos_watch_providers__TRIMMED.json").read_bytes())
        self.assertEqual(self.get_json("/3/movie/550/watch/providers")[1]["results"], trimmed["watch/providers"]["results"])
        d = self.get_json(f"/3/movie/550?{FULL}")[1]
        self.assertEqual(d["videos"], trimmed["videos"])
        self.assertEqual(len(d["credits"]["cast"]), 3)  # the synthetic details' own sections stay


class DemoExtrasTest(StandinCase):
    server_args = ("--demo",)

    def test_demo_collections_and_regions(self):
        d = self.get_json(f"/3/movie/8000001?{FULL}")[1]
        cid = d["belongs_to_collection"]["id"]
        c = self.get_json(f"/3/collection/{cid}")[1]
        self.assertEqual([p["id"] for p in c["parts"]], [8000001, 8000002, 8000003])
        self.assertIn(8000001, [p["id"] for p in self.get_json(f"/3/collection/{cid}?language=fa-IR")[1]["parts"]])
        regions = {r["iso_3166_1"] for r in d["release_dates"]["results"]}
        self.assertTrue({"US", "IR", "GB", "DE"} <= regions)
        self.assertTrue(d["production_countries"] and d["spoken_languages"])
        self.assertIn("US", self.get_json("/3/movie/8000001/watch/providers")[1]["results"])


if __name__ == "__main__":
    unittest.main()
