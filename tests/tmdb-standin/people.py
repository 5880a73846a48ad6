"""people.py — the stand-in's people: /person/{id} (append_to_response movie_credits,
translations, external_ids, images), those four as sub-resources, and /search/person.

Every person any credits name has a record, in TMDB's documented shapes:

* with --demo, the demo catalogue's people (demo.py: a pool with Persian names and biographies,
  plus everyone the recordings name) and their credits in its movies;
* always, everyone the recorded credits name (a record made from the credit, as demo.py makes
  them), with the recorded movies they are in as their credits;
* the synthetic movies' people (ids SYNTHETIC_PEOPLE: "Synthetic Actor 2000042" …), made from the
  id alone; their credits are not listed (finding them would mean generating every synthetic movie).

Adult titles: a recorded person whose id is a multiple of ADULT_CREDIT_EVERY (Edward Norton, 819)
also has a cast credit in an adult title (ADULT_MOVIE_FIRST + id), and ADULT_PERSON is an adult
performer whom /search/person names only with include_adult=true; the demo's adult movies credit
their casts as TMDB would. An id with no record answers TMDB's 404 with status_code 34.
"""

import random
import re

import demo

PERSON_PATH_RE = re.compile(r"/3/person/([0-9]{1,9})(/movie_credits|/images|/translations|/external_ids)?")
SEARCH_PATH = "/3/search/person"
SYNTHETIC_PEOPLE = range(2_000_000, 2_300_000)
ADULT_CREDIT_EVERY = 3
ADULT_MOVIE_FIRST = 7_700_000
ADULT_PERSON = 7_799_999
SUB_RESOURCES = ("movie_credits", "images", "translations", "external_ids")
SEARCH_PER_PAGE = 20
LIST_KEYS = ("adult", "backdrop_path", "genre_ids", "id", "original_language", "original_title", "overview",
             "popularity", "poster_path", "release_date", "title", "video", "vote_average", "vote_count")


def synthetic_person(pid):
    """The record of a synthetic movie's person (standin.synthetic_movie names them), or None."""
    if pid not in SYNTHETIC_PEOPLE:
        return None
    kind, department = (("Actor", "Acting") if pid < 2_100_000 else ("Director", "Directing") if pid < 2_200_000
                        else ("Writer", "Writing"))
    name = f"Synthetic {kind} {pid}"
    r = random.Random(f"person:{pid}")
    return demo.Demo._person_record(pid, name, name, 2 if pid % 2 else 1, department,
                                    demo.demo_path("profile", pid) if pid % 5 else None, 1.0, r)


def adult_title(pid):
    """The adult title a recorded person pid is credited in (a list item, adult)."""
    movie_id = ADULT_MOVIE_FIRST + pid % 90_000
    return {"adult": True, "backdrop_path": None, "genre_ids": [18], "id": movie_id, "original_language": "en",
            "original_title": f"Adult Title {movie_id}", "overview": "", "popularity": 0.5, "poster_path": None,
            "release_date": "2011-05-05", "title": f"Adult Title {movie_id}", "video": False,
            "vote_average": 5.0, "vote_count": 3}


class People:
    """Person records and credits over a fixture index and the demo catalogue (may be None);
    built once, read-only after."""

    def __init__(self, index, catalogue=None):
        self.demo = catalogue
        self.records = dict(catalogue.people) if catalogue else {}
        self.credits = {}  # pid -> [(movie id, list item or None, credit, "cast"|"crew")]
        recorded_movies = {}
        for path, data in demo.recorded_bodies(index, lambda p: re.fullmatch(r"/3/movie/[0-9]+(/credits)?", p)):
            if isinstance(data, dict) and isinstance(data.get("id"), int):
                movie_id = data["id"]
                if path.endswith("/credits"):
                    recorded_movies.setdefault(movie_id, {}).setdefault("credits", data)
                else:
                    entry = recorded_movies.setdefault(movie_id, {})
                    entry.setdefault("item", {k: data.get(k) for k in LIST_KEYS if k != "genre_ids"}
                                     | {"genre_ids": [g.get("id") for g in data.get("genres") or [] if isinstance(g, dict)]})
                    if isinstance(data.get("credits"), dict):
                        entry.setdefault("credits", data["credits"])
        for movie_id, entry in sorted(recorded_movies.items()):
            for key in ("cast", "crew"):
                for c in (entry.get("credits") or {}).get(key) or []:
                    if not isinstance(c, dict) or not isinstance(c.get("id"), int):
                        continue
                    pid = c["id"]
                    if pid not in self.records:
                        name = c.get("name") or c.get("original_name") or f"Person {pid}"
                        self.records[pid] = demo.Demo._person_record(
                            pid, name, name, c.get("gender") or 0,
                            c.get("known_for_department") or c.get("department") or "Acting",
                            c.get("profile_path"), c.get("popularity") or 1.0, random.Random(f"person:{pid}"))
                    mine = self.credits.setdefault(pid, [])
                    if not any(m == movie_id and k == key and cr.get("credit_id") == c.get("credit_id")
                               for m, _, cr, k in mine):
                        mine.append((movie_id, entry.get("item"), c, key))
        for pid in [p for p in self.credits if p % ADULT_CREDIT_EVERY == 0]:
            item = adult_title(pid)
            self.credits[pid].append((item["id"], item, {"character": "Himself", "credit_id": demo.hex_id("adult", pid),
                                                         "order": 0}, "cast"))
        if catalogue:
            for pid, credits in catalogue.credits_of.items():
                self.credits.setdefault(pid, []).extend((m, None, c, k) for m, c, k in credits)
        record = demo.Demo._person_record(ADULT_PERSON, "Velvet Adult Performer", "Velvet Adult Performer", 1,
                                          "Acting", None, 0.8, random.Random("adult-person"))
        self.records[ADULT_PERSON] = record | {"adult": True, "biography": "", "biography_fa": ""}
        self.credits[ADULT_PERSON] = [(adult_title(ADULT_PERSON)["id"], adult_title(ADULT_PERSON),
                                       {"character": "Herself", "credit_id": demo.hex_id("adult", ADULT_PERSON),
                                        "order": 0}, "cast")]

    def add(self, record, credits):
        """Adds a person with their credits [(movie id, list item, credit, "cast"|"crew")] (the
        stand-in's audience person: standin.AUDIENCE_PERSON); before serving only."""
        self.records[record["id"]] = record
        self.credits[record["id"]] = list(credits)

    def record(self, pid):
        return self.records.get(pid) or synthetic_person(pid)

    # ----- answers: (status, body bytes) or None when the path is not ours ------------------
    def answer(self, path, raw):
        if path == SEARCH_PATH:
            if not raw.get("query", "").strip():
                return 422, demo.compact({"errors": ["query must be provided"]})
            return 200, demo.compact(self.search(raw))
        match = PERSON_PATH_RE.fullmatch(path)
        if not match:
            return None
        pid, sub = int(match.group(1)), (match.group(2) or "").strip("/")
        person = self.record(pid)
        if person is None:
            return None  # TMDB's 404, status_code 34 (the caller's)
        language = raw.get("language", "")
        if sub:
            return 200, demo.compact({"id": pid, **self.section(pid, person, sub, language)})
        out = {k: v for k, v in person.items() if k != "biography_fa"}
        if language.split("-")[0].lower() == "fa":
            out["biography"] = person.get("biography_fa") or ""
        for name in dict.fromkeys(raw.get("append_to_response", "").split(",")):
            if name in SUB_RESOURCES:
                out[name] = self.section(pid, person, name, language)
        return 200, demo.compact(out)

    def section(self, pid, person, name, language):
        """An appendable section of a person, without its id (as TMDB appends them)."""
        if name == "movie_credits":
            return self.movie_credits(pid, language)
        if name == "translations":
            entries = [{"iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
                        "data": {"biography": person.get("biography") or "", "name": person["name"]}}]
            if person.get("biography_fa"):
                known = person.get("also_known_as") or []
                fa_name = next((n for n in known if re.search("[\u0600-\u06ff]", n)), "")
                entries.append({"iso_3166_1": "IR", "iso_639_1": "fa", "name": "فارسی", "english_name": "Persian",
                                "data": {"biography": person["biography_fa"], "name": fa_name}})
            return {"translations": entries}
        if name == "external_ids":
            return {"freebase_mid": None, "freebase_id": None, "imdb_id": person.get("imdb_id"), "tvrage_id": None,
                    "wikidata_id": None, "facebook_id": None, "instagram_id": None, "tiktok_id": None,
                    "twitter_id": None, "youtube_id": None}
        p = person.get("profile_path")
        return {"profiles": [{"aspect_ratio": 0.667, "height": 750, "iso_639_1": None, "file_path": p,
                              "vote_average": 5.3, "vote_count": 3, "width": 500}] if p else []}

    def movie_credits(self, pid, language):
        cast, crew = [], []
        for movie_id, item, c, key in self.credits.get(pid, []):
            if item is None and self.demo is not None:
                item = self.demo.list_item(movie_id, language)
            if not item:
                continue
            item = dict(item)
            if key == "cast":
                cast.append({**item, "character": c.get("character") or "", "credit_id": c.get("credit_id"),
                             "order": c.get("order", 0)})
            else:
                crew.append({**item, "credit_id": c.get("credit_id"), "department": c.get("department"),
                             "job": c.get("job")})
        return {"cast": cast, "crew": crew}

    def search(self, raw):
        """/search/person: every word of query in the name (or a Persian name), adult people
        only with include_adult=true, by popularity; known_for: up to three movies."""
        words = raw.get("query", "").casefold().split()
        adult_ok = raw.get("include_adult") == "true"
        page = int(raw["page"]) if raw.get("page", "").isdigit() else 1
        found = []
        for pid, person in self.records.items():
            if person.get("adult") and not adult_ok:
                continue
            text = " ".join([person["name"], *(person.get("also_known_as") or [])]).casefold()
            if all(w in text for w in words):
                found.append(person)
        found.sort(key=lambda p: (-p.get("popularity", 0), p["id"]))
        chosen = found[(page - 1) * SEARCH_PER_PAGE: page * SEARCH_PER_PAGE]
        results = []
        for p in chosen:
            known = [dict(c, media_type="movie") for c in self.movie_credits(p["id"], raw.get("language", ""))["cast"]
                     if adult_ok or not c.get("adult")][:3]
            known = [{k: c.get(k) for k in (*LIST_KEYS, "media_type")} for c in known]
            results.append({"adult": p.get("adult", False), "gender": p.get("gender", 0), "id": p["id"],
                            "known_for_department": p.get("known_for_department"), "name": p["name"],
                            "original_name": p["name"], "popularity": p.get("popularity", 0),
                            "profile_path": p.get("profile_path"), "known_for": known})
        total = len(found)
        return {"page": page, "results": results, "total_pages": max(1, -(-total // SEARCH_PER_PAGE)),
                "total_results": total}
