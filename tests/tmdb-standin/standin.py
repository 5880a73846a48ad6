#!/usr/bin/env python3
"""TMDB v3 stand-in server for Marquee's tests and offline demo.

Replays recorded TMDB response bodies (the shared recordings listed in
shared/fixtures/tmdb/MANIFEST.md, plus the small synthetic set in
tests/tmdb-standin/fixtures/) and generates the answers no fixture covers in
TMDB's real shapes: 401 code 7, 400 code 22, 422 {"errors": [...]}, 422 code 20,
404 code 34 and empty list pages.  Faults (status, Retry-After, delay, broken
bodies) can be injected through a small JSON control API under /__control/, which
also makes the catalogue "change": per-movie overrides, movies that went missing,
a controlled /movie/changes feed, and a generated catalogue of N synthetic movies
for benchmarks (--synthetic-movies N).  With --demo it also serves the demo catalogue
(demo.py): details, people and lists for every id any list names.  Its image host,
/t/p/<size>/<file> as on TMDB's image server, draws an SVG for any TMDB-shaped file.

Python 3.11 standard library only.  Listens on 127.0.0.1 only, prints
"http://127.0.0.1:PORT/3" once it is ready, logs one line per request to stderr
(never the credential) and exits with status 0 on SIGTERM or SIGINT.
See README.md next to this file.
"""

import argparse
import collections
import datetime
import hashlib
import functools
import json
import math
import random
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import demo  # noqa: E402  (next to this file)
import extras  # noqa: E402
import people  # noqa: E402
SYNTHETIC_DIR = HERE / "fixtures"
SHARED_DIR = HERE.parents[1].parent / "shared" / "fixtures" / "tmdb"  # <repo>/../shared/...

JSON_TYPE = "application/json;charset=utf-8"
LIST_PATHS = {
    "/3/movie/popular", "/3/movie/top_rated", "/3/movie/now_playing", "/3/movie/upcoming",
    "/3/trending/movie/day", "/3/trending/movie/week", "/3/discover/movie", "/3/search/movie",
}
# TMDB status_code -> (HTTP status, status_message), from developer.themoviedb.org/docs/errors.
TMDB_ERRORS = {
    6: (404, "Invalid id: The pre-requisite id is invalid or not found."),
    7: (401, "Invalid API key: You must be granted a valid key."),
    9: (503, "Service offline: This service is temporarily offline, try again later."),
    11: (500, "Internal error: Something went wrong, contact TMDB."),
    20: (422, "Invalid date range: Should be a range no longer than 14 days."),
    22: (400, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."),
    23: (400, "Invalid date: Format needs to be YYYY-MM-DD."),
    24: (504, "Your request to the backend server timed out. Try again."),
    25: (429, "Your request count (41) is over the allowed limit of 40."),
    34: (404, "The resource you requested could not be found."),
}
FAULT_CODES = {429: 25, 500: 11, 503: 9, 504: 24, 401: 7, 404: 34}
FAULT_BODIES = {"malformed", "empty", "truncated"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOVIE_RE = re.compile(r"/3/movie/([0-9]+)(/.*)?")
IMAGE_MAX_AGE = 31_536_000  # what TMDB's image CDN sends; POST /__control/images changes it
CHANGES_PATH = "/3/movie/changes"
CHANGES_PER_PAGE = 100
# append_to_response sections: an override of one of these keys only shows in
# answers that asked for that section.
APPENDABLE = {"credits", "keywords", "translations", "release_dates", "images", "videos",
              "external_ids", "recommendations", "similar", "reviews", "alternative_titles",
              "lists", "changes", "watch/providers", "account_states"}
SYNTHETIC_FIRST_ID = 900001
SYNTHETIC_MAX = 100_000
SYNTHETIC_PER_PAGE = 20


def tmdb_error(code, http_status=None):
    """Return (status, body) for a TMDB error envelope, key order as recorded."""
    status, message = TMDB_ERRORS[code]
    if code == 25:    # the only 429 body ever recorded is the legacy one, without "success"
        body = {"status_code": code, "status_message": message}
    elif status == 404:  # 2025-26 404s put "success" first
        body = {"success": False, "status_code": code, "status_message": message}
    else:
        body = {"status_code": code, "status_message": message, "success": False}
    return http_status or status, compact(body)


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def normalise_query(pairs):
    """Query pairs -> dict used for matching: no api_key, page defaults to 1,
    append_to_response compared as a set."""
    params = {k: v for k, v in pairs if k != "api_key"}
    params.setdefault("page", "1")
    if re.fullmatch(r"[0-9]+", params["page"]):
        params["page"] = str(int(params["page"]))  # page=02 is page 2
    if "append_to_response" in params:
        params["append_to_response"] = ",".join(sorted(params["append_to_response"].split(",")))
    return params


class Fixture(NamedTuple):
    path: str
    params: dict
    status: int
    file: Path
    origin: int  # 0 = shared recording, 1 = synthetic (recordings win ties)
    order: int


def parse_request_line(text):
    """'GET /3/movie/550?language=en' -> (path, params), or None for a line that
    is not one concrete /3/ URL (placeholders such as <list> or '..')."""
    match = re.match(r"\s*GET\s+(\S+)", text)
    if not match or "<" in match.group(1) or ".." in match.group(1):
        return None
    url = urlsplit(match.group(1))
    if not url.path.startswith("/3/"):
        return None
    return url.path, normalise_query(parse_qsl(url.query, keep_blank_values=True))


def load_manifest(folder, origin):
    """Index the '### `file.json`' sections of MANIFEST.md.  401 and 429
    recordings are left out: those depend on the credential and the moment,
    which the server generates (auth check) or injects (faults) instead."""
    fixtures, current = [], None
    for line in (folder / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^###\s+`([^`]+\.json)`", line):
            current = {"file": m.group(1)}
        elif current is not None and (m := re.match(r"^\*\s+\*\*Request:\*\*\s*(.+)$", line)):
            current["request"] = m.group(1)
        elif current is not None and (m := re.match(r"^\*\s+\*\*HTTP status:\*\*\s*(\d{3})", line)):
            current["status"] = int(m.group(1))
            fixtures.append(current)
            current = None
    return make_fixtures(folder, fixtures, origin, skip_status={401, 429})


def make_fixtures(folder, entries, origin, skip_status=()):
    out = []
    for entry in entries:
        parsed = parse_request_line(entry.get("request", ""))
        file = folder / entry["file"]
        if parsed and entry["status"] not in skip_status and file.is_file():
            out.append(Fixture(parsed[0], parsed[1], entry["status"], file, origin, len(out)))
    return out


def load_fixtures(shared_dir):
    synthetic = json.loads((SYNTHETIC_DIR / "index.json").read_text(encoding="utf-8"))
    fixtures = make_fixtures(SYNTHETIC_DIR, synthetic, origin=1)
    if shared_dir is not None:
        fixtures = load_manifest(shared_dir, origin=0) + fixtures
    by_path = collections.defaultdict(list)
    for fixture in fixtures:
        by_path[fixture.path].append(fixture)
    return by_path


def match_key(fixture, params):
    """Sort key (lower is better), or None when the fixture cannot answer:
    a different page is a different resource."""
    if fixture.params["page"] != params["page"]:
        return None
    conflicts = sum(1 for k, v in fixture.params.items() if k in params and params[k] != v)
    missing = sum(1 for k in fixture.params if k not in params)
    matched = len(fixture.params) - conflicts - missing
    return (conflicts, missing, -matched, len(fixture.params), fixture.origin, fixture.order)


def best_fixture(index, path, params):
    scored = [(key, f) for f in index.get(path, ()) if (key := match_key(f, params)) is not None]
    return min(scored, key=lambda kf: kf[0])[1] if scored else None


def exact_fixture(index, path, params):
    """A fixture recorded for this very request: every recorded parameter sent, with its value
    (the request may add others).  The demo catalogue answers what has none."""
    fixture = best_fixture(index, path, params)
    return fixture if fixture and match_key(fixture, params)[:2] == (0, 0) else None


def recorded_pages(index, path, params):
    """How many pages, from page 1 on, the recordings hold for this list request."""
    n = 0
    while exact_fixture(index, path, {**params, "page": str(n + 1)}):
        n += 1
    return n


# ----- synthetic catalogue (--synthetic-movies N) ------------------------------
# Movies 900001 .. 900000+N, generated on demand from the id alone (random.Random(id)
# and md5 are deterministic across runs), in the shapes of the Fight Club fixture
# (details with append_to_response) and of the popular/top_rated list items.

GENRES = json.loads((SYNTHETIC_DIR / "genre_movie_list.json").read_text(encoding="utf-8"))["genres"]
CERTIFICATIONS = ("G", "PG", "PG-13", "R", "NC-17")
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def image_path(kind, movie_id):
    """A TMDB-looking image path: '/' + 27 base-62 characters + '.jpg'."""
    n = int.from_bytes(hashlib.sha256(f"{kind}:{movie_id}".encode()).digest(), "big")
    chars = []
    for _ in range(27):
        n, r = divmod(n, 62)
        chars.append(BASE62[r])
    return "/" + "".join(chars) + ".jpg"


def synthetic_vote(movie_id):
    """vote_average in 4.000-9.000, cheap enough to rank the whole catalogue."""
    h = int.from_bytes(hashlib.md5(b"vote:%d" % movie_id).digest()[:4], "big")
    return round(4 + 5 * h / 0xFFFFFFFF, 3)


def synthetic_popularity(movie_id):
    """Falls with the id, so /movie/popular (ids ascending) is in popularity order."""
    return round(1000 / (1 + max(0, movie_id - SYNTHETIC_FIRST_ID) / 50), 3)


def credit_id(*parts):
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()[:24]


def person(person_id, name, department, popularity, profile):
    return {"adult": False, "gender": 2 if person_id % 2 else 1, "id": person_id,
            "known_for_department": department, "name": name, "original_name": name,
            "popularity": popularity, "profile_path": profile}


@functools.lru_cache(maxsize=20_000)
def synthetic_movie(movie_id):
    """-> (details without appended sections, {section: value}, fa-IR data).
    Cached and shared between threads: callers copy, never mutate."""
    r = random.Random(movie_id)
    title = f"Synthetic Movie {movie_id}"
    genres = sorted(r.sample(GENRES, 1 + r.randrange(3)), key=lambda g: GENRES.index(g))
    release = datetime.date(1950 + r.randrange(76), 1 + r.randrange(12), 1 + r.randrange(28))
    runtime = 80 + r.randrange(101)
    kinds = " and ".join(g["name"].lower() for g in genres)
    overview = f"Synthetic movie number {movie_id}, a story of {kinds}, told in {runtime} minutes."
    tagline = f"Tagline number {movie_id}."
    company = 90000 + r.randrange(300)
    details = {
        "adult": False,
        "backdrop_path": image_path("backdrop", movie_id),
        "belongs_to_collection": None,
        "budget": r.randrange(1, 200) * 1_000_000,
        "genres": [dict(g) for g in genres],
        "homepage": f"https://example.com/synthetic/{movie_id}",
        "id": movie_id,
        "imdb_id": "tt%08d" % (movie_id + 10_000_000),
        "origin_country": ["US"],
        "original_language": "en",
        "original_title": title,
        "overview": overview,
        "popularity": synthetic_popularity(movie_id),
        "poster_path": image_path("poster", movie_id),
        "production_companies": [{"id": company, "logo_path": None,
                                  "name": f"Synthetic Pictures {company}", "origin_country": "US"}],
        "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
        "release_date": release.isoformat(),
        "revenue": r.randrange(0, 900) * 1_000_000,
        "runtime": runtime,
        "softcore": False,
        "spoken_languages": [{"english_name": "English", "iso_639_1": "en", "name": "English"}],
        "status": "Released",
        "tagline": tagline,
        "title": title,
        "video": False,
        "vote_average": synthetic_vote(movie_id),
        "vote_count": 50 + r.randrange(30000),
    }
    cast = []
    for order, actor in enumerate(r.sample(range(5000), 3 + r.randrange(3))):
        pid = 2_000_000 + actor
        cast.append({**person(pid, f"Synthetic Actor {pid}", "Acting", round(1 + actor / 100, 3),
                              image_path("profile", pid) if actor % 5 else None),
                     "cast_id": order + 1, "character": f"Character {order + 1}",
                     "credit_id": credit_id(movie_id, pid, "cast"), "order": order})
    director = 2_100_000 + r.randrange(500)
    writer = 2_200_000 + r.randrange(1000)
    crew = [{**person(director, f"Synthetic Director {director}", "Directing", 4.2,
                      image_path("profile", director)),
             "credit_id": credit_id(movie_id, director, "crew"), "department": "Directing", "job": "Director"},
            {**person(writer, f"Synthetic Writer {writer}", "Writing", 2.1, None),
             "credit_id": credit_id(movie_id, writer, "crew"), "department": "Writing", "job": "Screenplay"}]
    keywords = [{"id": 300_000 + k, "name": f"synthetic keyword {k}"}
                for k in sorted(r.sample(range(200), 2 + r.randrange(4)))]
    fa = {"homepage": "", "overview": f"خلاصهٔ ساختگی فیلم {movie_id}.", "runtime": runtime,
          "tagline": "", "title": f"فیلم ساختگی {movie_id}"}
    translations = [
        {"iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
         "data": {"homepage": details["homepage"], "overview": overview, "runtime": runtime,
                  "tagline": tagline, "title": title}},
        {"iso_3166_1": "IR", "iso_639_1": "fa", "name": "فارسی", "english_name": "Persian", "data": fa},
        {"iso_3166_1": "DE", "iso_639_1": "de", "name": "Deutsch", "english_name": "German",
         "data": {"homepage": "", "overview": f"Synthetischer Film {movie_id}.", "runtime": 0,
                  "tagline": "", "title": f"Synthetischer Film {movie_id}"}},
    ]
    stamp = release.isoformat() + "T00:00:00.000Z"
    release_dates = [{"iso_3166_1": "US", "release_dates": [
        {"certification": "", "descriptors": [], "iso_639_1": "", "note": "Premiere",
         "release_date": stamp, "type": 1},
        {"certification": r.choice(CERTIFICATIONS), "descriptors": [], "iso_639_1": "", "note": "",
         "release_date": stamp, "type": 3}]}]
    sections = {"credits": {"cast": cast, "crew": crew}, "keywords": {"keywords": keywords},
                "translations": {"translations": translations}, "release_dates": {"results": release_dates}}
    return details, sections, fa


def append_list(raw):
    """append_to_response as the request ordered it (normalise_query sorts it), de-duplicated."""
    seen = []
    for name in raw.get("append_to_response", "").split(","):
        if name and name not in seen:
            seen.append(name)
    return seen


def synthetic_details(movie_id, appends=(), language=""):
    """The details dict for any id (a fresh shallow copy that callers may change)."""
    details, sections, fa = synthetic_movie(movie_id)
    out = demo.localised(details, fa, language)
    for name in appends:
        if name in sections:
            out[name] = sections[name]
    return out


@functools.lru_cache(maxsize=8192)
def synthetic_details_body(movie_id, appends, language):
    return compact(synthetic_details(movie_id, appends, language))


@functools.lru_cache(maxsize=4096)
def synthetic_sub_body(movie_id, section):
    """/3/movie/{id}/credits|keywords|translations|release_dates."""
    return compact({"id": movie_id, **synthetic_movie(movie_id)[1][section]})


def list_item(movie_id):
    d = synthetic_movie(movie_id)[0]
    return {"adult": False, "backdrop_path": d["backdrop_path"], "genre_ids": [g["id"] for g in d["genres"]],
            "id": movie_id, "original_language": d["original_language"], "original_title": d["original_title"],
            "overview": d["overview"], "popularity": d["popularity"], "poster_path": d["poster_path"],
            "release_date": d["release_date"], "softcore": False, "title": d["title"], "video": False,
            "vote_average": d["vote_average"], "vote_count": d["vote_count"]}


# ----- audience titles: TMDB's adult flag and certifications in several regions ---------------
# A few movies that exist for the age-appropriate content tests: two adult titles and three
# rated differently per region (release_dates as TMDB gives them: several releases per country,
# spaces and case as contributors write them). They share the word "Quokka" (TMDB's search
# finds them by it) and the genre TV Movie (discover with that genre lists them); their similar
# and recommendations lists are one another; and with POST /__control/audience {"lists": true}
# popular and trending put them first, adult ones included, as TMDB's lists may.
AUDIENCE_GENRE = {"id": 10770, "name": "TV Movie"}
AUDIENCE_MOVIES = {  # id -> (title, adult, {region: [certification per release]})
    9_100_001: ("Quokka Family Picnic", False, {"US": ["G"], "GB": ["U"], "DE": ["0"], "FR": ["U"], "IR": ["G"]}),
    9_100_002: ("Quokka Teen Heist", False, {"US": ["", "PG-13"], "GB": ["12A"], "DE": ["12"], "FR": ["12"],
                                              "BR": ["12"], "NL": ["12"]}),
    9_100_003: ("Quokka Night Rider", False, {"US": ["R", "R"], "GB": ["15", "18"], "DE": ["16"], "FR": ["16"],
                                               "AU": ["MA 15+"], "IT": ["VM14"], "ES": ["16"], "CA": ["18A"]}),
    9_100_004: ("Quokka Velvet Hours", True, {"US": ["NC-17"], "DE": ["18"]}),
    9_100_005: ("Quokka Harbour Lights", False, {"DE": ["16"], "NL": ["16"]}),  # none for the US
    9_100_006: ("Quokka After Dark", True, {}),
}
# A person in the cast of every audience title, and a producer of Night Rider (R) and Velvet Hours
# (adult): their filmography shows each viewer what the audience rule lets them see.
AUDIENCE_PERSON = 9_100_100
AUDIENCE_PERSON_NAME = "Quokka Ensemble Player"
AUDIENCE_PRODUCED = (9_100_003, 9_100_004)


def audience_credits(movie_id, credits):
    """The synthetic credits of an audience title with the audience person added."""
    me = person(AUDIENCE_PERSON, AUDIENCE_PERSON_NAME, "Acting", 3.0, None)
    cast = [{**me, "cast_id": 0, "character": "Quokka Keeper", "credit_id": credit_id(movie_id, AUDIENCE_PERSON, "cast"),
             "order": len(credits["cast"])}]
    crew = [{**me, "credit_id": credit_id(movie_id, AUDIENCE_PERSON, "crew"), "department": "Production",
             "job": "Producer"}] if movie_id in AUDIENCE_PRODUCED else []
    return {**credits, "cast": credits["cast"] + cast, "crew": credits["crew"] + crew}


def audience_person_credits():
    """The audience person's credits as people.People.add takes them."""
    out = []
    for movie_id in AUDIENCE_MOVIES:
        item = audience_item(movie_id)
        credits = audience_details(movie_id, ("credits",))["credits"]
        for key in ("cast", "crew"):
            for c in credits[key]:
                if c["id"] == AUDIENCE_PERSON:
                    out.append((movie_id, item, c, key))
    return out


def audience_details(movie_id, appends=(), language=""):
    """Details of an audience title: a synthetic movie with its title, adult flag, genre and
    release_dates."""
    title, adult, certs = AUDIENCE_MOVIES[movie_id]
    details, sections, fa = synthetic_movie(movie_id)
    fa = {**fa, "title": title}
    out = demo.localised({**details, "title": title, "original_title": title, "adult": adult,
                          "genres": [dict(AUDIENCE_GENRE)]}, fa, language)
    stamp = details["release_date"] + "T00:00:00.000Z"
    release_dates = {"results": [
        {"iso_3166_1": region, "release_dates": [
            {"certification": c, "descriptors": [], "iso_639_1": "", "note": "", "release_date": stamp,
             "type": 3 + k} for k, c in enumerate(certifications)]}
        for region, certifications in certs.items()]}
    own = {**sections, "release_dates": release_dates, "credits": audience_credits(movie_id, sections["credits"])}
    for name in appends:
        if name in own:
            out[name] = own[name]
    return out


def audience_item(movie_id):
    d = audience_details(movie_id)
    return {"adult": d["adult"], "backdrop_path": d["backdrop_path"], "genre_ids": [AUDIENCE_GENRE["id"]],
            "id": movie_id, "original_language": "en", "original_title": d["original_title"],
            "overview": d["overview"], "popularity": d["popularity"], "poster_path": d["poster_path"],
            "release_date": d["release_date"], "title": d["title"], "video": False,
            "vote_average": d["vote_average"], "vote_count": d["vote_count"]}


def audience_page(with_adult):
    items = [audience_item(i) for i in AUDIENCE_MOVIES if with_adult or not AUDIENCE_MOVIES[i][1]]
    return {"page": 1, "results": items, "total_pages": 1, "total_results": len(items)}


def audience_answer(lists_on, path, raw, movie_id, sub):
    """The audience titles' answers, or None when the request is not about them. Search and
    discover list adult titles only with include_adult=true (TMDB's default is false)."""
    with_adult = raw.get("include_adult", "false") == "true"
    if movie_id in AUDIENCE_MOVIES:
        if sub is None:
            return compact(audience_details(movie_id, tuple(append_list(raw)), raw.get("language", "")))
        if sub in ("/similar", "/recommendations"):
            page = audience_page(True)
            page["results"] = [m for m in page["results"] if m["id"] != movie_id]
            return compact(page)
        if sub[1:] in ("credits", "keywords", "translations", "release_dates"):
            return compact({"id": movie_id, **audience_details(movie_id, (sub[1:],))[sub[1:]]})
        return None
    if path == "/3/search/movie" and "quokka" in raw.get("query", "").lower():
        return compact(audience_page(with_adult))
    if path == "/3/discover/movie" and str(AUDIENCE_GENRE["id"]) in re.split(r"[|,]", raw.get("with_genres", "")):
        return compact(audience_page(with_adult))
    if lists_on and path in ("/3/movie/popular", "/3/trending/movie/day", "/3/trending/movie/week") \
            and raw.get("page", "1") == "1":
        return compact(audience_page(True))
    return None


@functools.lru_cache(maxsize=4)
def top_rated_order(count):
    ids = range(SYNTHETIC_FIRST_ID, SYNTHETIC_FIRST_ID + count)
    return sorted(ids, key=lambda i: (-synthetic_vote(i), i))


@functools.lru_cache(maxsize=2048)
def synthetic_list_body(path, count, page):
    """Page `page` of /movie/popular (ids ascending, popularity descending) or
    /movie/top_rated (vote_average descending) over `count` synthetic movies."""
    start = (page - 1) * SYNTHETIC_PER_PAGE
    if path == "/3/movie/top_rated":
        ids = top_rated_order(count)[start:start + SYNTHETIC_PER_PAGE]
    else:
        ids = range(SYNTHETIC_FIRST_ID + start, SYNTHETIC_FIRST_ID + min(count, start + SYNTHETIC_PER_PAGE))
    return compact({"page": page, "results": [list_item(i) for i in ids],
                    "total_pages": math.ceil(count / SYNTHETIC_PER_PAGE), "total_results": count})


def changes_page(ids, page):
    """TMDB's /movie/changes shape, 100 ids a page."""
    start = (page - 1) * CHANGES_PER_PAGE
    return compact({"results": [{"id": i, "adult": adult} for i, adult in ids[start:start + CHANGES_PER_PAGE]],
                    "page": page, "total_pages": max(1, math.ceil(len(ids) / CHANGES_PER_PAGE)),
                    "total_results": len(ids)})


def parse_movie_id(text):
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) == 0:
        raise ValueError("movie id must be a positive integer")
    return int(text)


def control_int(spec, key, high, what):
    """spec[key] when spec is {key: N} with N an integer in 0-high; raises ValueError otherwise."""
    value = spec.get(key) if isinstance(spec, dict) else None
    if type(value) is not int or not 0 <= value <= high:
        raise ValueError(f'body must be {{"{key}": N}} with N {what} in 0-{high}')
    return value


class Fault(NamedTuple):
    id: int
    path: str
    status: int | None
    retry_after: int | None
    delay_ms: float
    body: str | None
    times: int | None


def parse_fault(spec, fault_id):
    """Validate a POST /__control/faults body; raises ValueError."""
    if not isinstance(spec, dict):
        raise ValueError("body must be a JSON object")
    path, status, body = spec.get("path", "/"), spec.get("status"), spec.get("body")
    retry_after, delay_ms, times = spec.get("retry_after"), spec.get("delay_ms", 0), spec.get("times")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("path must be a string starting with /")
    if status is not None and (type(status) is not int or not 100 <= status <= 599):
        raise ValueError("status must be an integer HTTP status")
    if body is not None and body not in FAULT_BODIES:
        raise ValueError("body must be one of " + ", ".join(sorted(FAULT_BODIES)))
    if retry_after is not None and (type(retry_after) is not int or retry_after < 0):
        raise ValueError("retry_after must be a non-negative integer (seconds)")
    if type(delay_ms) not in (int, float) or not 0 <= delay_ms < 3_600_000:
        raise ValueError("delay_ms must be a number of milliseconds below one hour")
    if times is not None and (type(times) is not int or times < 1):
        raise ValueError("times must be a positive integer")
    return Fault(fault_id, path, status, retry_after, delay_ms, body, times)


class State:
    """Faults, counters and catalogue changes shared by all handler threads
    (guarded by one lock)."""

    def __init__(self, synthetic_movies=0):
        self.lock = threading.Lock()
        self.next_id = 1
        self.faults = []
        self.initial_synthetic = synthetic_movies
        self.reset()

    def reset(self):
        with self.lock:
            self.faults = []
            self.total = 0
            self.by_path = collections.Counter()
            self.requests = collections.deque(maxlen=200)
            self.overrides = {}      # movie id -> fields merged into its details
            self.missing = set()     # movie ids answered with 404 code 34
            self.changed = {}        # ids listed by POST /__control/changes or a removed override/missing
            self.feed_seq = {}       # movie id -> order in which it entered the changes feed
            self.feed_controlled = False  # once set, /movie/changes is the control list, not a recording
            self.synthetic = self.initial_synthetic
            self.image_max_age = IMAGE_MAX_AGE
            self.audience_lists = False  # popular and trending lead with the audience titles

    # ----- catalogue changes (callers hold no lock) -----------------------------
    def _listed(self, movie_id):
        self.feed_seq.setdefault(movie_id, len(self.feed_seq))
        self.feed_controlled = True

    def movie_control(self, movie_id):
        with self.lock:
            override = self.overrides.get(movie_id)
            return (dict(override) if override is not None else None), movie_id in self.missing

    def merge_override(self, movie_id, fields):
        if not isinstance(fields, dict):
            raise ValueError("body must be a JSON object of top-level fields")
        with self.lock:
            merged = {**self.overrides.get(movie_id, {}), **fields}
            self.overrides[movie_id] = merged
            self._listed(movie_id)
            return dict(merged)

    def drop_override(self, movie_id):
        with self.lock:
            found = self.overrides.pop(movie_id, None) is not None
            if found:  # the movie changed back: it stays in the feed
                self.changed[movie_id] = None
            return found

    def set_missing(self, movie_id, missing):
        with self.lock:
            found = movie_id in self.missing
            if missing:
                self.missing.add(movie_id)
                self._listed(movie_id)
            elif found:
                self.missing.discard(movie_id)
                self.changed[movie_id] = None  # it came back: still a change
            return found

    def add_changes(self, spec):
        ids = spec.get("ids") if isinstance(spec, dict) else None
        if not isinstance(ids, list) or not all(type(i) is int and 0 < i < 10**9 for i in ids):
            raise ValueError('body must be {"ids": [positive integers]}')
        with self.lock:
            for movie_id in ids:
                self.changed[movie_id] = None
                self._listed(movie_id)
            self.feed_controlled = True

    def clear_changes(self):
        with self.lock:
            cleared, self.changed = len(self.changed), {}
            self.feed_controlled = True
            return cleared

    def feed(self):
        """-> (controlled, [(id, adult), ...] in the order the ids entered the feed)."""
        with self.lock:
            ids = set(self.overrides) | self.missing | set(self.changed)
            listed = sorted(ids, key=lambda i: self.feed_seq.get(i, -1))
            adult = [self.overrides.get(i, {}).get("adult", False) for i in listed]
            return self.feed_controlled, list(zip(listed, adult))

    def catalogue(self):
        with self.lock:
            return {"overrides": {str(k): v for k, v in self.overrides.items()},
                    "missing": sorted(self.missing)}

    def changes_snapshot(self):
        controlled, feed = self.feed()
        with self.lock:
            return {"ids": list(self.changed), "listed": [i for i, _ in feed], "controlled": controlled}

    def set_image_max_age(self, spec):
        max_age = control_int(spec, "max_age", IMAGE_MAX_AGE, "seconds")
        with self.lock:
            self.image_max_age = max_age

    def set_synthetic(self, spec):
        movies = control_int(spec, "movies", SYNTHETIC_MAX, "an integer")
        with self.lock:
            self.synthetic = movies
        return movies

    def add_fault(self, spec):
        with self.lock:
            fault = parse_fault(spec, self.next_id)
            self.next_id += 1
            self.faults.append(fault)
            return fault.id

    def clear_faults(self):
        with self.lock:
            cleared, self.faults = len(self.faults), []
            return cleared

    def take_fault(self, path):
        """The first queued fault whose path prefix matches, using up one of its times."""
        with self.lock:
            for i, fault in enumerate(self.faults):
                if path.startswith(fault.path):
                    if fault.times is not None:
                        if fault.times <= 1:
                            del self.faults[i]
                        else:
                            self.faults[i] = fault._replace(times=fault.times - 1)
                    return fault
        return None

    def record(self, path, query, auth, status):
        with self.lock:
            self.total += 1
            self.by_path[path] += 1
            self.requests.append({"path": path, "query": query, "auth": auth, "status": status})

    def snapshot(self):
        with self.lock:
            return {"total": self.total, "by_path": dict(self.by_path),
                    "requests": list(self.requests),
                    "faults": [f._asdict() for f in self.faults]}


class Answer(NamedTuple):
    status: int
    body: bytes
    cacheable: bool = False  # success answers get Cache-Control and a weak ETag
    content_type: str = JSON_TYPE
    cache_control: str = "public, max-age=600"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: headers and body leave in separate writes; with Nagle on, a
    # keep-alive client's delayed ACK held every body back ~40 ms (25 requests/s).
    disable_nagle_algorithm = True

    def version_string(self):
        return "tmdb-standin"

    # ----- TMDB side -------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.startswith("/__control/"):
            return self.control("GET", url.path)
        pairs = parse_qsl(url.query, keep_blank_values=True)
        auth, credentials = self.credentials(pairs)
        fault = self.server.state.take_fault(url.path)
        if fault and fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault and fault.status is not None:
            code = FAULT_CODES.get(fault.status, 11)
            answer = Answer(*tmdb_error(code, fault.status))
        elif url.path.startswith("/t/p/"):
            answer = self.image(url.path)
        else:
            answer = self.answer(url.path, pairs, credentials)
        headers = {}
        if fault and fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        body, truncate = answer.body, False
        if fault and fault.body == "malformed":
            body = body[: max(1, len(body) // 2)]  # complete HTTP message, invalid JSON
        elif fault and fault.body == "empty":
            body = b""
        elif fault and fault.body == "truncated":
            truncate = True  # full Content-Length, half the bytes, then close
        query = "&".join(p for p in url.query.split("&") if p and not p.startswith("api_key="))
        self.server.state.record(url.path, query, auth, answer.status)
        self.log_line(f"{answer.status} {auth} GET {url.path}{'?' + query if query else ''}"
                      f"{' [fault %d]' % fault.id if fault else ''}")
        broken = fault is not None and (fault.status is not None or fault.body is not None)
        self.send(answer.status, body, headers, answer.cacheable and not broken, truncate,
                  answer.content_type if not broken else JSON_TYPE, answer.cache_control)

    def image(self, path):
        """TMDB's image server (image.tmdb.org/t/p/<size>/<file>), no credential: an SVG for a
        size /configuration lists and a TMDB-shaped file name; TMDB's 404 otherwise."""
        match = demo.IMAGE_FILE_RE.fullmatch(path)
        server = self.server
        if not match or match.group(1) not in server.image_sizes():
            return Answer(*tmdb_error(34))
        return Answer(200, demo.image_svg(match.group(2), server.image_label("/" + match.group(2))), True,
                      "image/svg+xml", f"public, max-age={server.state.image_max_age}")

    def credentials(self, pairs):
        """-> (kind for the stats, list of the credentials that were sent)."""
        header = self.headers.get("Authorization", "")
        bearer = header[7:].strip() if header[:7].lower() == "bearer " else ""
        api_key = dict(pairs).get("api_key", "")
        creds = [c for c in (bearer, api_key) if c]
        return ("bearer" if bearer else "api_key" if api_key else "none"), creds

    def answer(self, path, pairs, credentials):
        """The normal TMDB answer: checks in TMDB's order, then fixtures, then fallbacks."""
        if not credentials or "invalid" in credentials:
            return Answer(*tmdb_error(7))
        raw = dict(pairs)
        if "page" in raw and not (re.fullmatch(r"[0-9]+", raw["page"]) and 1 <= int(raw["page"]) <= 500):
            return Answer(*tmdb_error(22))
        if path == "/3/search/movie" and not raw.get("query", "").strip():
            return Answer(422, compact({"errors": ["query must be provided"]}))
        if path == people.SEARCH_PATH or people.PERSON_PATH_RE.fullmatch(path):
            answer = self.server.people.answer(path, raw)
            return Answer(*answer, answer[0] == 200) if answer else Answer(*tmdb_error(34))
        if path.startswith("/3/movie/") and path.endswith("/changes"):
            error = check_date_range(raw.get("start_date"), raw.get("end_date"))
            if error:
                return Answer(*tmdb_error(error))
        state, index, params = self.server.state, self.server.fixtures, normalise_query(pairs)
        page = int(params["page"]) if params["page"].isdigit() else 1
        movie = MOVIE_RE.fullmatch(path)
        movie_id, sub = (int(movie.group(1)), movie.group(2)) if movie else (None, None)
        override = None
        catalogue = self.server.demo
        if movie_id:
            override, missing = state.movie_control(movie_id)
            if missing or (catalogue and catalogue.deleted(movie_id)):
                return Answer(*tmdb_error(34))
        audience = audience_answer(state.audience_lists, path, raw, movie_id, sub)
        if audience is not None:
            return Answer(200, audience, True)
        if path == CHANGES_PATH:
            controlled, feed = state.feed()
            if controlled or feed:
                return Answer(200, changes_page(feed, page), True)
        synthetic = state.synthetic
        if synthetic and path in ("/3/movie/popular", "/3/movie/top_rated"):
            return Answer(200, synthetic_list_body(path, synthetic, page), True)
        is_synthetic = synthetic and movie_id and 0 <= movie_id - SYNTHETIC_FIRST_ID < synthetic
        if catalogue and not is_synthetic:
            answer = self.demo_answer(catalogue, path, params, raw, movie_id, sub, override)
            if answer is not None:
                return answer
        if is_synthetic and sub is None and override is None:
            return Answer(200, synthetic_details_body(movie_id, tuple(append_list(raw)),
                                                      raw.get("language", "")), True)
        if is_synthetic and sub in ("/credits", "/keywords", "/translations", "/release_dates"):
            return Answer(200, synthetic_sub_body(movie_id, sub[1:]), True)
        if is_synthetic and sub in ("/videos", "/watch/providers"):  # none, as TMDB has for most movies
            return Answer(200, compact({"id": movie_id, "results": [] if sub == "/videos" else {}}), True)
        if override is not None and sub is None:
            return Answer(200, self.overridden(movie_id, override, is_synthetic, index, params, raw,
                                               self.server.demo), True)
        if movie_id and sub == "/images" and not best_fixture(index, path, params):
            images = self.images(movie_id, is_synthetic, index, params, raw)
            if images is not None:
                return Answer(200, images, True)
        extra = self.extra_answer(index, path, params, raw, movie_id, sub)
        if extra is not None:
            return extra
        fixture = best_fixture(index, path, params)
        if fixture:
            return Answer(fixture.status, fixture.file.read_bytes(), 200 <= fixture.status < 300)
        if path.startswith("/3/find/") and raw.get("external_source") == "imdb_id":
            return Answer(200, self.find_by_imdb(index, path[len("/3/find/"):]), True)
        if path in LIST_PATHS:
            return Answer(200, empty_page(index, path, params), True)
        if path == CHANGES_PATH:
            return Answer(200, empty_changes_page(index, params), True)
        if re.fullmatch(r"/3/movie/0(/.*)?", path):
            return Answer(*tmdb_error(6))
        return Answer(*tmdb_error(34))

    def demo_answer(self, catalogue, path, params, raw, movie_id, sub, override):
        """The demo catalogue's answer where no recording was made for this request, or None."""
        index = self.server.fixtures
        language = raw.get("language", "")
        if movie_id and catalogue.has(movie_id) and not best_fixture(index, path, params):
            if sub is None and override is None:
                return Answer(200, compact(catalogue.details(movie_id, tuple(append_list(raw)), language)), True)
            if sub is not None:
                body = catalogue.sub_resource(movie_id, sub, params)
                return Answer(200, body, True) if body is not None else None
        if path in LIST_PATHS and not exact_fixture(index, path, params):
            page = catalogue.list_page(path, params, recorded_pages(index, path, params))
            return Answer(200, compact(page), True) if page is not None else None
        return None

    def extra_answer(self, index, path, params, raw, movie_id, sub):
        """What extras.py composes or generates where no recording answers the request as it is:
        details with sections appended that no one recording holds together, a movie's videos and
        watch providers, a collection (the demo's own first); None otherwise."""
        exact = exact_fixture(index, path, params)
        if exact and exact.params.get("append_to_response") == params.get("append_to_response"):
            return None
        language = raw.get("language", "")
        body = None
        collection = extras.COLLECTION_RE.fullmatch(path)
        if movie_id and sub is None and append_list(raw):
            body = extras.composed_details(index, movie_id, params, append_list(raw))
        elif movie_id and sub in ("/videos", "/watch/providers"):
            section = extras.movie_section(index, movie_id, sub[1:], language)
            body = {"id": movie_id, **section} if section is not None else None
        elif collection:
            catalogue, cid = self.server.demo, int(collection.group(1))
            body = (catalogue.collection(cid, language) if catalogue else None) or extras.collection(
                index, cid, language, (lambda i: catalogue.list_item(i, language)) if catalogue else None)
            if body is None:
                return Answer(*tmdb_error(34))
        return Answer(200, compact(body), True) if body is not None else None

    @staticmethod
    def images(movie_id, is_synthetic, index, params, raw):
        """/movie/{id}/images in TMDB's shape, made from the movie's own poster and backdrop
        paths (and two more of each, as TMDB lists several), or None for a movie we do not have."""
        details = None
        if is_synthetic:
            details = synthetic_details(movie_id, (), "")
        else:
            fixture = best_fixture(index, f"/3/movie/{movie_id}", {"page": "1"})
            if fixture and fixture.status == 200:
                try:
                    details = json.loads(fixture.file.read_bytes())
                except ValueError:
                    details = None
        if not isinstance(details, dict):
            return None

        def entries(path, width, height, language):
            stem = (path or f"/standin{movie_id}.jpg").rsplit(".", 1)[0]
            return [{"aspect_ratio": round(width / height, 3), "height": height, "iso_639_1": lang,
                     "file_path": path if i == 0 and path else f"{stem}{'abc'[i]}.jpg", "vote_average": 5.3 - i,
                     "vote_count": 10 - i, "width": width} for i, lang in enumerate(language)]
        return compact({"backdrops": entries(details.get("backdrop_path"), 1280, 720, [None, None]),
                        "id": movie_id, "logos": [],
                        "posters": entries(details.get("poster_path"), 500, 750, ["en", None, "fa"])})

    @staticmethod
    def find_by_imdb(index, imdb_id):
        """/find/{imdb id}?external_source=imdb_id, answered from the details fixtures that carry
        that imdb_id, in TMDB's shape: the movie as a list item under movie_results."""
        found = []
        for _, details in demo.recorded_bodies(index, lambda path: re.fullmatch(r"/3/movie/[0-9]+", path)):
            if isinstance(details, dict) and details.get("imdb_id") == imdb_id:
                item = {k: details.get(k) for k in ("adult", "backdrop_path", "id", "original_language",
                                                      "original_title", "overview", "poster_path",
                                                      "release_date", "title", "video", "vote_average",
                                                      "vote_count", "popularity")}
                item["genre_ids"] = [g["id"] for g in details.get("genres", [])]
                item["media_type"] = "movie"
                found.append(item)
                break
        return compact({"movie_results": found[:1], "person_results": [], "tv_results": [],
                        "tv_episode_results": [], "tv_season_results": []})

    @staticmethod
    def overridden(movie_id, override, is_synthetic, index, params, raw, demo_catalogue=None):
        """Details with the override merged in.  The base is the synthetic movie or
        the matching 200 fixture; an id with neither gets a generated movie, so an
        override can also make a new movie appear."""
        appends = append_list(raw)
        base = None
        exact = exact_fixture(index, f"/3/movie/{movie_id}", params)
        if not is_synthetic and appends and not (exact and exact.params.get("append_to_response")
                                                 == params.get("append_to_response")):
            base = extras.composed_details(index, movie_id, params, appends)
        if not is_synthetic and base is None:
            fixture = best_fixture(index, f"/3/movie/{movie_id}", params)
            if fixture and fixture.status == 200:
                try:
                    base = json.loads(fixture.file.read_bytes())
                except ValueError:
                    base = None
        if not isinstance(base, dict) and demo_catalogue is not None:
            base = demo_catalogue.details(movie_id, appends, raw.get("language", ""))
        if not isinstance(base, dict):
            base = synthetic_details(movie_id, appends, raw.get("language", ""))
        for key, value in override.items():
            if key not in APPENDABLE or key in appends:
                base[key] = value
        return compact(base)

    def send(self, status, body, headers, cacheable, truncate=False, content_type=JSON_TYPE,
             cache_control="public, max-age=600"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if cacheable:
            self.send_header("Cache-Control", cache_control)
            self.send_header("ETag", 'W/"%s"' % hashlib.md5(body).hexdigest())
        for name, value in headers.items():
            self.send_header(name, value)
        if truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
            body = body[: len(body) // 2]
        self.end_headers()
        self.wfile.write(body)

    # ----- control API -----------------------------------------------------
    def do_POST(self):
        self.control("POST", urlsplit(self.path).path)

    def do_DELETE(self):
        self.control("DELETE", urlsplit(self.path).path)

    def control(self, method, path):
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        route = (method, path.rstrip("/"))
        if route == ("GET", "/__control/stats"):
            snap = state.snapshot()
            status, reply = 200, {k: snap[k] for k in ("total", "by_path", "requests")}
        elif route == ("GET", "/__control/faults"):
            status, reply = 200, {"faults": state.snapshot()["faults"]}
        elif route == ("POST", "/__control/faults"):
            try:
                status, reply = 201, {"id": state.add_fault(json.loads(raw or b"{}"))}
            except ValueError as exc:  # json.JSONDecodeError is a ValueError too
                status, reply = 400, {"error": str(exc)}
        elif route == ("DELETE", "/__control/faults"):
            status, reply = 200, {"cleared": state.clear_faults()}
        elif route == ("POST", "/__control/reset"):
            state.reset()
            status, reply = 200, {"reset": True}
        elif path.startswith("/__control/") and (result := self.catalogue_control(method, route[1], raw)):
            status, reply = result
        elif path.startswith("/__control/"):
            status, reply = 404, {"error": f"no control endpoint {method} {path}"}
        else:  # POST/DELETE on the API itself: TMDB's generic not-found
            status, body = tmdb_error(34)
            self.log_line(f"{status} {method} {path}")
            return self.send(status, body, {}, False)
        self.log_line(f"{status} {method} {path}")
        self.send(status, compact(reply), {}, False)

    def catalogue_control(self, method, path, raw):
        """Movies, changes and synthetic routes -> (status, reply), or None for an unknown route."""
        state = self.server.state
        movie = re.fullmatch(r"/__control/movies/([^/]+)(/missing)?", path)
        try:
            body = json.loads(raw) if raw.strip() else None
            if path == "/__control/movies" and method == "GET":
                return 200, state.catalogue()
            if movie and method in ("GET", "POST", "DELETE"):
                movie_id = parse_movie_id(movie.group(1))
                if movie.group(2):  # .../missing
                    if method == "GET":
                        return 200, {"id": movie_id, "missing": state.movie_control(movie_id)[1]}
                    was = state.set_missing(movie_id, method == "POST")
                    return 200, {"id": movie_id, "missing": method == "POST", "was_missing": was}
                if method == "GET":
                    override, missing = state.movie_control(movie_id)
                    return 200, {"id": movie_id, "override": override, "missing": missing}
                if method == "POST":
                    return 200, {"id": movie_id, "override": state.merge_override(movie_id, body)}
                return 200, {"id": movie_id, "deleted": state.drop_override(movie_id)}
            if path == "/__control/changes":
                if method == "POST":
                    state.add_changes(body)
                    return 200, state.changes_snapshot()
                if method == "DELETE":
                    return 200, {"cleared": state.clear_changes()}
                if method == "GET":
                    return 200, state.changes_snapshot()
            if path == "/__control/images":
                if method == "POST":
                    state.set_image_max_age(body)
                if method in ("GET", "POST"):
                    return 200, {"max_age": state.image_max_age}
            if path == "/__control/audience":
                if method == "POST":
                    if not isinstance(body, dict) or not isinstance(body.get("lists"), bool):
                        raise ValueError('body must be {"lists": true|false}')
                    with state.lock:
                        state.audience_lists = body["lists"]
                if method in ("GET", "POST"):
                    return 200, {"lists": state.audience_lists, "ids": sorted(AUDIENCE_MOVIES)}
            if path == "/__control/synthetic":
                if method == "POST":
                    state.set_synthetic(body)
                if method in ("GET", "POST"):
                    return 200, {"movies": state.synthetic, "first_id": SYNTHETIC_FIRST_ID,
                                 "per_page": SYNTHETIC_PER_PAGE}
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            return 400, {"error": str(exc)}
        return None

    # ----- logging: never the request line, it may carry api_key -----------
    def log_request(self, code="-", size="-"):
        pass

    def log_message(self, format, *args):
        self.log_line(re.sub(r"api_key=[^&\s]*", "api_key=***", format % args))

    def log_line(self, text):
        sys.stderr.write(f"[standin] {text}\n")
        sys.stderr.flush()


def check_date_range(start, end):
    """TMDB error code for bad change-feed dates, or None."""
    dates = []
    for value in (start, end):
        if value is None:
            continue
        if not DATE_RE.match(value):
            return 23
        try:
            dates.append(datetime.date.fromisoformat(value))
        except ValueError:  # e.g. 2024-02-30
            return 23
    if len(dates) == 2 and (dates[1] - dates[0]).days > 14:
        return 20
    return None


def empty_page(index, path, params):
    """A page past the recorded ones: no results, counters taken from page 1."""
    total_pages, total_results = 1, 0
    first = best_fixture(index, path, {**params, "page": "1"})
    if first and first.status == 200:
        try:
            data = json.loads(first.file.read_bytes())
            total_pages, total_results = data["total_pages"], data["total_results"]
        except (ValueError, KeyError, TypeError):
            pass
    return compact({"page": int(params["page"]), "results": [],
                    "total_pages": total_pages, "total_results": total_results})


def empty_changes_page(index, params):
    """/movie/changes with no recording for the page: TMDB's changes shape,
    counters from the page-1 recording if there is one."""
    total_pages, total_results = 1, 0
    first = best_fixture(index, CHANGES_PATH, {**params, "page": "1"})
    if first and first.status == 200:
        try:
            data = json.loads(first.file.read_bytes())
            total_pages, total_results = data["total_pages"], data["total_results"]
        except (ValueError, KeyError, TypeError):
            pass
    return compact({"results": [], "page": int(params["page"]),
                    "total_pages": total_pages, "total_results": total_results})


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    # listen() backlog (the default is 5; the kernel caps it at net.core.somaxconn).  A burst
    # of connects outruns the accept loop, which starts a thread per connection: with 128,
    # a burst of 300 lost SYNs that were retried only after 1 s.
    request_queue_size = 1024

    def __init__(self, port, fixtures, synthetic_movies=0, demo_catalogue=False):
        super().__init__(("127.0.0.1", port), Handler)
        self.fixtures = fixtures
        self.state = State(synthetic_movies)
        self.demo = None
        if demo_catalogue:
            genres = json.loads(best_fixture(fixtures, "/3/genre/movie/list", {"page": "1"}).file.read_bytes())
            self.demo = demo.Demo(fixtures, genres["genres"])
        self.people = people.People(fixtures, self.demo)
        self.people.add(demo.Demo._person_record(AUDIENCE_PERSON, AUDIENCE_PERSON_NAME, "بازیگر گروه کواکا", 1, "Acting",
                                                 None, 3.0, random.Random("audience-person")),
                        audience_person_credits())
        self._labels = None
        self._sizes = None

    def image_label(self, file_path):
        """(kind, title, subtitle) of an image the catalogue or a recording names, or None."""
        if self.demo is not None and file_path in self.demo.images:
            return self.demo.images[file_path]
        if self._labels is None:  # a benign race: two threads may both build the same dict
            self._labels = demo.labels_from_fixtures(self.fixtures)
        return self._labels.get(file_path)

    def image_sizes(self):
        if self._sizes is None:
            conf = best_fixture(self.fixtures, "/3/configuration", {"page": "1"})
            self._sizes = demo.image_sizes(conf.file.read_bytes() if conf else b"")
        return self._sizes


def main(argv=None):
    parser = argparse.ArgumentParser(description="TMDB v3 stand-in server")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--fixtures", type=Path, help="folder with MANIFEST.md and recorded bodies")
    parser.add_argument("--no-shared", action="store_true", help="serve only the synthetic fixtures")
    parser.add_argument("--synthetic-movies", type=int, default=0, metavar="N",
                        help=f"popular/top_rated list N generated movies, ids {SYNTHETIC_FIRST_ID} up (0 = off)")
    parser.add_argument("--demo", action="store_true",
                        help="serve the demo catalogue (demo.py) wherever no recording answers")
    args = parser.parse_args(argv)
    if not 0 <= args.synthetic_movies <= SYNTHETIC_MAX:
        parser.error(f"--synthetic-movies must be in 0-{SYNTHETIC_MAX}")

    shared = None
    if not args.no_shared:
        shared = args.fixtures or (SHARED_DIR if SHARED_DIR.is_dir() else None)
        if shared is not None and not (shared / "MANIFEST.md").is_file():
            parser.error(f"{shared}/MANIFEST.md not found")
    server = StandinServer(args.port, load_fixtures(shared), args.synthetic_movies, args.demo)

    def stop(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # interrupt the clean-up
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    count = sum(len(v) for v in server.fixtures.values())
    sys.stderr.write(f"[standin] {count} fixtures ({shared or 'synthetic only'})"
                     f"{'; %d synthetic movies' % args.synthetic_movies if args.synthetic_movies else ''}"
                     f"{'; demo catalogue of %d movies' % len(server.demo.movies) if server.demo else ''}\n")
    try:  # print inside the try: a client may signal as soon as it reads the URL
        print(f"http://127.0.0.1:{server.server_address[1]}/3", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
