"""demo.py — the stand-in's demo catalogue (--demo) and its image host (/t/p/<size>/<file>).

The demo catalogue makes the offline site complete: every movie a list names (popular, top
rated, now playing, upcoming, trending, discover, search, similar, recommendations, a person's
credits, the changes feed) has details in English and Persian, with genres, cast and crew who
have person records of their own, videos, watch providers, release dates with certifications,
keywords and images.  Where a recording answers a request, the recording wins (standin.py asks
here only when none does); the demo fills the rest:

* DEMO_MOVIES movies of our own (ids DEMO_FIRST_ID up), made from the word lists below;
* every id a recorded list names without recorded details: its details are the list item's
  fields plus generated credits, translations and so on;
* every id the recorded changes feeds name: generated like ours, adult when the feed says so,
  and one in DELETED_EVERY answering 404 code 34, as a movie TMDB deleted;
* people: a pool of DEMO_PEOPLE generated people (ids DEMO_FIRST_PERSON up), plus everyone the
  recorded credits name.

Everything is a function of the ids and of the recordings, so every run serves the same bytes.
The image host draws an SVG for any TMDB-shaped file name: a poster, backdrop, photo or logo
with the title or name on it when the path is one the catalogue or a recording uses.
"""

import hashlib
import json
import math
import random
import re
from pathlib import Path

DEMO_FIRST_ID = 8_000_001
DEMO_MOVIES = 520
DEMO_FIRST_PERSON = 9_000_001
DEMO_PEOPLE = 600
DEMO_ADULT_EVERY = 101      # our movies 8000008, 8000109, … are adult titles (the site hides them)
DELETED_EVERY = 23          # changes-feed ids with id % 23 == 0 are "deleted at TMDB" (404)
PER_PAGE = 20
IMAGE_FILE_RE = re.compile(r"^/t/p/([a-z0-9]{1,12})/([A-Za-z0-9]{1,64}\.(?:jpg|png|svg))$")
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# ----- word lists: (English, Persian) -------------------------------------------------------
ADJECTIVES = [("Silent", "خاموش"), ("Long", "بلند"), ("Hidden", "پنهان"), ("Red", "سرخ"), ("Cold", "سرد"),
              ("Broken", "شکسته"), ("Golden", "طلایی"), ("Distant", "دور"), ("Lost", "گمشده"),
              ("Burning", "سوزان"), ("Quiet", "آرام"), ("Wild", "وحشی"), ("Blue", "آبی"), ("Dark", "تاریک"),
              ("Endless", "بی‌پایان"), ("Secret", "مخفی"), ("Sleeping", "خفته"), ("Northern", "شمالی"),
              ("Bitter", "تلخ"), ("Bright", "روشن"), ("Forgotten", "فراموش‌شده"), ("Iron", "آهنین"),
              ("Paper", "کاغذی"), ("Glass", "شیشه‌ای"), ("Winter", "زمستانی"), ("Summer", "تابستانی")]
NOUNS = [("Night", "شب"), ("River", "رود"), ("Garden", "باغ"), ("City", "شهر"), ("Road", "جاده"),
         ("House", "خانه"), ("Sea", "دریا"), ("Mountain", "کوه"), ("Letter", "نامه"), ("Mirror", "آینه"),
         ("Train", "قطار"), ("Bridge", "پل"), ("Harbour", "بندر"), ("Forest", "جنگل"), ("Window", "پنجره"),
         ("Song", "آواز"), ("Island", "جزیره"), ("Desert", "کویر"), ("Storm", "طوفان"), ("Clock", "ساعت"),
         ("Lantern", "فانوس"), ("Key", "کلید"), ("Door", "در"), ("Wind", "باد"), ("Moon", "ماه"),
         ("Star", "ستاره"), ("Shadow", "سایه"), ("Voice", "صدا"), ("Wall", "دیوار"), ("Market", "بازار"),
         ("Tower", "برج"), ("Ship", "کشتی"), ("Horse", "اسب"), ("Promise", "قول"), ("Dream", "رؤیا"),
         ("Border", "مرز"), ("Stranger", "غریبه")]
PLACES = [("Tehran", "تهران"), ("Lisbon", "لیسبون"), ("Shiraz", "شیراز"), ("Kyoto", "کیوتو"), ("Cairo", "قاهره"),
          ("Oslo", "اسلو"), ("Tabriz", "تبریز"), ("Havana", "هاوانا"), ("Venice", "ونیز"), ("Isfahan", "اصفهان"),
          ("Marseille", "مارسی"), ("Dublin", "دوبلین"), ("Rasht", "رشت"), ("Nairobi", "نایروبی")]
ROLES = [("teacher", "معلم"), ("fisherman", "ماهیگیر"), ("detective", "کارآگاه"), ("pianist", "پیانیست"),
         ("widow", "بیوه‌زن"), ("young doctor", "پزشک جوان"), ("retired pilot", "خلبان بازنشسته"),
         ("photographer", "عکاس"), ("taxi driver", "راننده تاکسی"), ("clockmaker", "ساعت‌ساز"),
         ("journalist", "روزنامه‌نگار"), ("student", "دانشجو"), ("baker", "نانوا"), ("night guard", "نگهبان شب")]
TITLES = [("The {A} {N}", "{n} {a}"), ("{N} of {P}", "{n} {p}"), ("The {N} and the {N2}", "{n} و {n2}"),
          ("Beyond the {A} {N}", "آن سوی {n} {a}"), ("The {N} Keeper", "نگهبان {n}"),
          ("A {N} in {P}", "{n} در {p}"), ("{A} {N}", "{n} {a}"), ("Letters from {P}", "نامه‌هایی از {p}")]
PLOTS = [
    ("A {r} from {p} finds a {n} that should not exist, and has {d} days to learn who left it there.",
     "یک {r} اهل {p} {n}ی پیدا می‌کند که نباید وجود داشته باشد و {d} روز فرصت دارد تا بفهمد چه کسی آن را جا گذاشته است."),
    ("When the old {n} of {p} falls silent, a {r} and a childhood friend set out to bring it back.",
     "وقتی {n} قدیمی {p} خاموش می‌شود، یک {r} و دوستی از دوران کودکی راه می‌افتند تا آن را بازگردانند."),
    ("Two strangers share a {n} on the road to {p}, and neither of them tells the truth.",
     "دو غریبه در جادهٔ {p} در یک {n} شریک می‌شوند و هیچ‌کدام حقیقت را نمی‌گویند."),
    ("A {r} returns to {p} after twenty years to settle a debt, and finds the {n} still waiting.",
     "یک {r} پس از بیست سال به {p} بازمی‌گردد تا بدهی‌ای را صاف کند و {n} را هنوز چشم‌انتظار می‌یابد."),
    ("In a winter that will not end, a {r} keeps the {n} of {p} alight for one more night.",
     "در زمستانی که تمام نمی‌شود، یک {r} {n} {p} را یک شب دیگر روشن نگه می‌دارد."),
    ("Everyone in {p} knows the story of the {n}; only a {r} dares to ask whether it is true.",
     "همهٔ مردم {p} داستان {n} را می‌دانند؛ فقط یک {r} جرئت می‌کند بپرسد که آیا راست است."),
]
TAGLINES = [("Some doors open only once.", "بعضی درها فقط یک بار باز می‌شوند."),
            ("Nobody leaves {p} unchanged.", "هیچ‌کس از {p} همان‌طور که آمده بیرون نمی‌رود."),
            ("The truth keeps its own time.", "حقیقت ساعت خودش را دارد."),
            ("Every {n} has a keeper.", "هر {n} نگهبانی دارد."), ("", "")]
FIRST_NAMES = [("Ada", "آدا", 1), ("Omid", "امید", 2), ("Leila", "لیلا", 1), ("Marco", "مارکو", 2),
               ("Sara", "سارا", 1), ("Kenji", "کنجی", 2), ("Nadia", "نادیا", 1), ("Reza", "رضا", 2),
               ("Ines", "اینس", 1), ("Tomas", "توماس", 2), ("Yara", "یارا", 1), ("Darius", "داریوش", 2),
               ("Elena", "النا", 1), ("Farhad", "فرهاد", 2), ("Maya", "مایا", 1), ("Jonas", "یوناس", 2),
               ("Shirin", "شیرین", 1), ("Luca", "لوکا", 2), ("Amara", "آمارا", 1), ("Kaveh", "کاوه", 2),
               ("Noor", "نور", 1), ("Pablo", "پابلو", 2), ("Hana", "هانا", 1), ("Arash", "آرش", 2),
               ("Clara", "کلارا", 1), ("Idris", "ادریس", 2), ("Mina", "مینا", 1), ("Sven", "سون", 2),
               ("Roya", "رویا", 1), ("Theo", "تئو", 2)]
LAST_NAMES = [("Rahimi", "رحیمی"), ("Moreau", "مورو"), ("Tanaka", "تاناکا"), ("Okafor", "اوکافور"),
              ("Lindqvist", "لیندکویست"), ("Kazemi", "کاظمی"), ("Rossi", "روسی"), ("Novak", "نواک"),
              ("Haddad", "حداد"), ("Farahani", "فراهانی"), ("Silva", "سیلوا"), ("Becker", "بکر"),
              ("Nouri", "نوری"), ("Costa", "کوستا"), ("Ahmadi", "احمدی"), ("Walsh", "والش"), ("Sato", "ساتو"),
              ("Karimi", "کریمی"), ("Dubois", "دوبوا"), ("Mendes", "مندس"), ("Jafari", "جعفری"), ("Berg", "برگ"),
              ("Amini", "امینی"), ("Ortiz", "اورتیز"), ("Sadeghi", "صادقی")]
CREW_JOBS = [("Directing", "Director"), ("Writing", "Screenplay"), ("Sound", "Original Music Composer"),
             ("Camera", "Director of Photography"), ("Editing", "Editor")]
PROVIDERS = [(9001, "Marquee Stream"), (9002, "Cinema Club"), (9003, "Reel Rent"), (9004, "Filmkhaneh"),
             (9005, "Night Bus TV")]
US_CERTS = ("G", "PG", "PG-13", "R", "NC-17")
IR_CERTS = ("همه", "+12", "+15", "+18")
LIST_ITEM_KEYS = ("adult", "backdrop_path", "genre_ids", "id", "original_language", "original_title", "overview",
                  "popularity", "poster_path", "release_date", "softcore", "title", "video", "vote_average",
                  "vote_count")
DEMO_FIRST_COLLECTION = 7_000_001
DEMO_COLLECTION_EVERY = 40  # our movies 0-2, 40-42, … form collections of three (adult ones left out)
# production countries with their language, and the certifications their regions give
COUNTRIES = [("US", "en", "English"), ("FR", "fr", "French"), ("IR", "fa", "Persian"), ("JP", "ja", "Japanese"),
             ("DE", "de", "German"), ("GB", "en", "English")]
GB_CERTS = ("U", "PG", "12A", "15")
DE_CERTS = ("0", "6", "12", "16")
APPENDED = ("credits", "keywords", "translations", "release_dates", "videos", "watch/providers", "images",
            "external_ids", "similar", "recommendations")


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def demo_path(kind, key, ext="svg"):
    """A TMDB-shaped image path ('/' + 27 base-62 characters), .svg: what the image host draws."""
    n = int.from_bytes(hashlib.sha256(f"demo:{kind}:{key}".encode()).digest(), "big")
    chars = []
    for _ in range(27):
        n, r = divmod(n, 62)
        chars.append(BASE62[r])
    return "/" + "".join(chars) + "." + ext


def localised(details, fa, language):
    """A copy of details, with the Persian title, overview and tagline for a Persian language."""
    out = dict(details)
    if language.split("-")[0].lower() == "fa":
        out.update(title=fa["title"], overview=fa["overview"], tagline=fa["tagline"])
    return out


def recorded_bodies(index, wanted=lambda path: True):
    """(path, parsed JSON) of every 200 recording whose path wanted() accepts; unparseable skipped."""
    for path, fixtures in index.items():
        if not wanted(path):
            continue
        for fixture in fixtures:
            if fixture.status != 200:
                continue
            try:
                yield path, json.loads(fixture.file.read_bytes())
            except ValueError:
                continue


def hex_id(*parts):
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()[:24]


class Demo:
    """The demo catalogue over a fixture index (path -> [Fixture]); built once, read-only after."""

    def __init__(self, index, genres):
        self.genres = genres
        self.genre_by_id = {g["id"]: g for g in genres}
        self.items = {}          # movie id -> list item (from a recording, or ours)
        self.recorded = set()    # ids with a recorded details answer: the recording wins
        self.feed_adult = {}     # changes-feed id -> adult flag
        self.movies = {}         # movie id -> (details, sections, fa) for every demo movie
        self.people = {}         # person id -> person record
        self.credits_of = {}     # person id -> [(movie id, credit dict, "cast"|"crew")]
        self.images = {}         # image file path -> (kind, label, sublabel)
        self._read_recordings(index)
        self._make_people()
        for i in range(DEMO_MOVIES):
            self._add(DEMO_FIRST_ID + i, None)
        for movie_id, item in list(self.items.items()):
            if movie_id not in self.movies and movie_id not in self.recorded:
                self._add(movie_id, item)
        for movie_id, adult in self.feed_adult.items():
            if movie_id not in self.movies and movie_id not in self.recorded and not self.deleted(movie_id):
                self._add(movie_id, None, adult=bool(adult))
        self._index_credits()
        self._make_collections()
        self._vary_regions()
        ours = [DEMO_FIRST_ID + i for i in range(DEMO_MOVIES)]
        self.popular = ours  # ids ascending: popularity falls with the id
        self.top_rated = sorted(ours, key=lambda i: (-self.movies[i][0]["vote_average"], i))
        self.recent = sorted(ours, key=lambda i: (self.movies[i][0]["release_date"], i), reverse=True)
        self.listed = sorted(set(self.items) | set(ours))

    # ----- recordings ---------------------------------------------------------------------
    def _read_recordings(self, index):
        for path, data in recorded_bodies(index):
            if not isinstance(data, dict):
                continue
            if re.fullmatch(r"/3/movie/[0-9]+", path):
                self.recorded.add(int(path.rsplit("/", 1)[1]))
                self._note_images(data)
                for section in (data, data.get("credits") or {}):
                    for key in ("cast", "crew"):
                        for c in section.get(key) or []:
                            if isinstance(c, dict) and isinstance(c.get("id"), int):
                                self._note_person(c)
                for key in ("similar", "recommendations"):
                    self._note_items((data.get(key) or {}).get("results"))
            elif path == "/3/movie/changes":
                for r in data.get("results") or []:
                    if isinstance(r, dict) and isinstance(r.get("id"), int) and r["id"] > 0:
                        self.feed_adult.setdefault(r["id"], r.get("adult"))
            elif re.fullmatch(r"/3/movie/[0-9]+/credits", path):
                for key in ("cast", "crew"):
                    for c in data.get(key) or []:
                        if isinstance(c, dict) and isinstance(c.get("id"), int):
                            self._note_person(c)
            else:
                self._note_items(data.get("results"))

    def _note_items(self, results):
        for item in results or []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), int) or item["id"] <= 0:
                continue
            if item.get("media_type") not in (None, "movie") or not isinstance(item.get("title"), str):
                continue
            self.items.setdefault(item["id"], item)
            self._note_images(item)

    def _note_images(self, m):
        title = m.get("title") or m.get("name") or ""
        year = (m.get("release_date") or "")[:4]
        for key, kind in (("poster_path", "poster"), ("backdrop_path", "backdrop")):
            if isinstance(m.get(key), str):
                self.images.setdefault(m[key], (kind, title, year))

    def _note_person(self, c):
        pid = c["id"]
        if isinstance(c.get("profile_path"), str):
            self.images.setdefault(c["profile_path"], ("profile", c.get("name") or "", ""))
        if pid in self.people:
            return
        name = c.get("name") or c.get("original_name") or f"Person {pid}"
        r = random.Random(f"person:{pid}")
        self.people[pid] = self._person_record(pid, name, name, c.get("gender") or 0,
                                               c.get("known_for_department") or c.get("department") or "Acting",
                                               c.get("profile_path"), c.get("popularity") or 1.0, r)

    # ----- people -------------------------------------------------------------------------
    def _make_people(self):
        names = [(f, l) for l in LAST_NAMES for f in FIRST_NAMES]
        random.Random("demo-people").shuffle(names)
        self.actors, self.crew_pool = [], []
        for i in range(DEMO_PEOPLE):
            pid = DEMO_FIRST_PERSON + i
            (first, first_fa, gender), (last, last_fa) = names[i]
            r = random.Random(f"person:{pid}")
            department = "Acting" if i % 5 else CREW_JOBS[(i // 5) % len(CREW_JOBS)][0]
            profile = demo_path("profile", pid) if i % 11 else None  # some have no photo, as on TMDB
            self.people[pid] = self._person_record(pid, f"{first} {last}", f"{first_fa} {last_fa}", gender,
                                                   department, profile, round(40 - i / 20, 3), r)
            (self.actors if department == "Acting" else self.crew_pool).append(pid)
            if profile:
                self.images[profile] = ("profile", f"{first} {last}", "")

    @staticmethod
    def _person_record(pid, name, name_fa, gender, department, profile, popularity, r):
        place, place_fa = r.choice(PLACES)
        born = f"{1940 + r.randrange(60)}-{1 + r.randrange(12):02d}-{1 + r.randrange(28):02d}"
        work = {"Acting": "actor", "Directing": "director", "Writing": "writer"}.get(department, "film-maker")
        bio = (f"{name} is {'an' if work[0] in 'aeiou' else 'a'} {work} born in {place}. Known for patient, quiet work, {name.split()[0]} "
               f"has appeared in festivals from {r.choice(PLACES)[0]} to {r.choice(PLACES)[0]}.")
        bio_fa = f"{name_fa} متولد {place_fa} است و به کار آرام و صبورانه شناخته می‌شود."
        return {"adult": False, "also_known_as": [name_fa] if name_fa != name else [], "biography": bio,
                "biography_fa": bio_fa, "birthday": born, "deathday": None, "gender": gender,
                "homepage": None, "id": pid, "imdb_id": "nm%07d" % (pid % 10_000_000),
                "known_for_department": department, "name": name, "place_of_birth": place,
                "popularity": popularity, "profile_path": profile}

    # ----- movies -------------------------------------------------------------------------
    def _add(self, movie_id, item, adult=None):
        r = random.Random(f"demo-movie:{movie_id}")
        a, n, n2, p = r.choice(ADJECTIVES), r.choice(NOUNS), r.choice(NOUNS), r.choice(PLACES)
        if n2 == n:
            n2 = NOUNS[(NOUNS.index(n) + 1) % len(NOUNS)]
        pattern = r.choice(TITLES)
        words = {"A": a[0], "N": n[0], "N2": n2[0], "P": p[0], "a": a[1], "n": n[1], "n2": n2[1], "p": p[1]}
        title_fa = pattern[1].format(**words)
        role = r.choice(ROLES)
        plot = r.sample(PLOTS, 2)
        fill = {"r": role[0], "p": p[0], "n": n[0].lower(), "d": 3 + r.randrange(9)}
        fill_fa = {"r": role[1], "p": p[1], "n": n[1], "d": fill["d"]}
        overview_fa = " ".join(t[1].format(**fill_fa) for t in plot)
        tag = r.choice(TAGLINES)
        tagline, tagline_fa = tag[0].format(p=p[0], n=n[0].lower()), tag[1].format(p=p[1], n=n[1])
        if item:  # a movie a recording lists: its own words, our extras
            title = item.get("title") or item.get("original_title") or pattern[0].format(**words)
            genres = [self.genre_by_id[g] for g in item.get("genre_ids") or [] if g in self.genre_by_id]
            release = item.get("release_date") or ""
            overview = item.get("overview") or " ".join(t[0].format(**fill) for t in plot)
            poster, backdrop = item.get("poster_path"), item.get("backdrop_path")
            popularity, vote, votes = item.get("popularity", 1.0), item.get("vote_average", 0), item.get("vote_count", 0)
            original, language = item.get("original_title") or title, item.get("original_language") or "en"
            adult = bool(item.get("adult"))
        else:
            title = pattern[0].format(**words)
            genres = sorted(r.sample(self.genres, 1 + r.randrange(3)), key=self.genres.index)
            release = f"{1960 + r.randrange(66)}-{1 + r.randrange(12):02d}-{1 + r.randrange(28):02d}"
            overview = " ".join(t[0].format(**fill) for t in plot)
            poster, backdrop = demo_path("poster", movie_id), demo_path("backdrop", movie_id)
            ours = movie_id - DEMO_FIRST_ID
            popularity = round(900 / (1 + max(0, ours) / 40), 3) if 0 <= ours < DEMO_MOVIES else round(r.random() * 5, 3)
            vote, votes = round(5 + r.random() * 3.8, 3), 40 + r.randrange(20000)
            original, language = title, "en"
            if adult is None:
                adult = 0 <= ours < DEMO_MOVIES and ours % DEMO_ADULT_EVERY == 7  # the first on popular page 3
            if adult:
                title = original = f"Adult Title {movie_id}"
                title_fa = f"عنوان بزرگسالان {movie_id}"
        year = release[:4]
        for path, kind in ((poster, "poster"), (backdrop, "backdrop")):
            if path:
                self.images.setdefault(path, (kind, title, year))
        runtime = 78 + r.randrange(90)
        details = {
            "adult": adult, "backdrop_path": backdrop, "belongs_to_collection": None,
            "budget": r.randrange(0, 120) * 1_000_000, "genres": [dict(g) for g in genres],
            "homepage": "", "id": movie_id, "imdb_id": "tt%08d" % (movie_id % 100_000_000 + 20_000_000),
            "origin_country": ["US"], "original_language": language, "original_title": original,
            "overview": overview, "popularity": popularity, "poster_path": poster,
            "production_companies": [{"id": 7000 + movie_id % 40, "logo_path": None,
                                      "name": f"{p[0]} Film Society", "origin_country": "US"}],
            "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
            "release_date": release, "revenue": r.randrange(0, 400) * 1_000_000, "runtime": runtime,
            "softcore": False,
            "spoken_languages": [{"english_name": "English", "iso_639_1": "en", "name": "English"}],
            "status": "Released", "tagline": tagline, "title": title, "video": False,
            "vote_average": vote, "vote_count": votes,
        }
        cast = []
        for order, pid in enumerate(r.sample(self.actors, 4 + r.randrange(5))):
            person = self.people[pid]
            cast.append({**self._credit_person(person), "cast_id": order + 1,
                         "character": f"{r.choice(ROLES)[0].title()} {r.choice(FIRST_NAMES)[0]}",
                         "credit_id": hex_id(movie_id, pid, "cast"), "order": order})
        crew = []
        for department, job in CREW_JOBS[: 2 + r.randrange(4)]:
            candidates = [pid for pid in self.crew_pool if self.people[pid]["known_for_department"] == department]
            pid = r.choice(candidates or self.crew_pool)
            crew.append({**self._credit_person(self.people[pid]), "credit_id": hex_id(movie_id, pid, job),
                         "department": department, "job": job})
        fa = {"homepage": "", "overview": overview_fa, "runtime": runtime, "tagline": tagline_fa, "title": title_fa}
        stamp = (release or "2000-01-01") + "T00:00:00.000Z"
        cert = "NC-17" if adult else r.choice(US_CERTS[:4])
        sections = {
            "credits": {"cast": cast, "crew": crew},
            "keywords": {"keywords": [{"id": 400_000 + NOUNS.index(n), "name": n[0].lower()},
                                      {"id": 400_100 + PLACES.index(p), "name": p[0].lower()}]},
            "translations": {"translations": [
                {"iso_3166_1": "US", "iso_639_1": "en", "name": "English", "english_name": "English",
                 "data": {"homepage": "", "overview": overview, "runtime": runtime, "tagline": tagline, "title": title}},
                {"iso_3166_1": "IR", "iso_639_1": "fa", "name": "فارسی", "english_name": "Persian", "data": fa}]},
            "release_dates": {"results": [
                {"iso_3166_1": "US", "release_dates": [
                    {"certification": "", "descriptors": [], "iso_639_1": "", "note": "Premiere",
                     "release_date": stamp, "type": 1},
                    {"certification": cert, "descriptors": [], "iso_639_1": "", "note": "",
                     "release_date": stamp, "type": 3}]},
                {"iso_3166_1": "IR", "release_dates": [
                    {"certification": "+18" if adult else r.choice(IR_CERTS[:3]), "descriptors": [],
                     "iso_639_1": "fa", "note": "", "release_date": stamp, "type": 3}]}]},
            "videos": {"results": [
                {"iso_639_1": "en", "iso_3166_1": "US", "name": f"{title} — Official Trailer",
                 "key": hex_id("video", movie_id)[:11], "site": "YouTube", "size": 1080, "type": "Trailer",
                 "official": True, "published_at": stamp, "id": hex_id(movie_id, "trailer")},
                {"iso_639_1": "fa", "iso_3166_1": "IR", "name": f"آنونس {title_fa}",
                 "key": hex_id("video-fa", movie_id)[:11], "site": "YouTube", "size": 720, "type": "Teaser",
                 "official": True, "published_at": stamp, "id": hex_id(movie_id, "teaser")}]},
            "watch/providers": {"results": {
                country: {"link": f"https://www.themoviedb.org/movie/{movie_id}/watch?locale={country}",
                          kind: [{"logo_path": demo_path("logo", pid_), "provider_id": pid_,
                                  "provider_name": name, "display_priority": k}
                                 for k, (pid_, name) in enumerate(r.sample(PROVIDERS, 1 + r.randrange(2)))]}
                for country, kind in (("US", "flatrate"), ("IR", "rent"))}},
            "external_ids": {"imdb_id": details["imdb_id"], "wikidata_id": None, "facebook_id": None,
                             "instagram_id": None, "twitter_id": None},
        }
        self.movies[movie_id] = (details, sections, fa)

    def _make_collections(self):
        """Collections of three of our movies each (ids DEMO_FIRST_COLLECTION up), named after the
        first; each part's belongs_to_collection names it."""
        self.collections = {}
        for k, first in enumerate(range(0, DEMO_MOVIES - 2, DEMO_COLLECTION_EVERY)):
            ids = [DEMO_FIRST_ID + first + j for j in range(3)]
            if any(self.movies[i][0]["adult"] for i in ids):
                continue
            cid = DEMO_FIRST_COLLECTION + k
            head, _, head_fa = self.movies[ids[0]]
            name, name_fa = f"{head['title']} Collection", f"مجموعهٔ {head_fa['title']}"
            poster = demo_path("poster", f"collection:{cid}")
            self.images.setdefault(poster, ("poster", name, ""))
            self.collections[cid] = (name, name_fa, poster, ids)
            for i in ids:
                self.movies[i][0]["belongs_to_collection"] = {"id": cid, "name": name, "poster_path": poster,
                                                              "backdrop_path": None}

    def _vary_regions(self):
        """Our movies come from one or two countries, in their languages, with certifications for
        Great Britain and Germany as well as the US and Iran."""
        for i in range(DEMO_MOVIES):
            movie_id = DEMO_FIRST_ID + i
            details, sections, _ = self.movies[movie_id]
            r = random.Random(f"demo-regions:{movie_id}")
            chosen = r.sample(COUNTRIES, 1 + r.randrange(2))
            details["production_countries"] = [{"iso_3166_1": c, "name": c} for c, _, _ in chosen]
            details["spoken_languages"] = [{"english_name": n, "iso_639_1": lang, "name": n}
                                           for lang, n in dict((lang, n) for _, lang, n in chosen).items()]
            adult = details["adult"]
            stamp = (details["release_date"] or "2000-01-01") + "T00:00:00.000Z"
            for region, certs in (("GB", GB_CERTS), ("DE", DE_CERTS)):
                sections["release_dates"]["results"].append({"iso_3166_1": region, "release_dates": [
                    {"certification": "18" if adult else r.choice(certs), "descriptors": [], "iso_639_1": "",
                     "note": "", "release_date": stamp, "type": 3}]})

    def collection(self, collection_id, language=""):
        """/collection/{id} for one of ours, in TMDB's shape, or None."""
        if collection_id not in self.collections:
            return None
        name, name_fa, poster, ids = self.collections[collection_id]
        fa = language.split("-")[0].lower() == "fa"
        return {"id": collection_id, "name": name_fa if fa else name,
                "overview": "", "poster_path": poster, "backdrop_path": None,
                "parts": [{**self.list_item(i, language), "media_type": "movie"} for i in ids]}

    @staticmethod
    def _credit_person(person):
        return {k: person[k] for k in ("adult", "gender", "id", "known_for_department", "name",
                                       "popularity", "profile_path")} | {"original_name": person["name"]}

    def _index_credits(self):
        for movie_id, (_, sections, _) in self.movies.items():
            for key in ("cast", "crew"):
                for c in sections["credits"][key]:
                    self.credits_of.setdefault(c["id"], []).append((movie_id, c, key))

    # ----- answers ------------------------------------------------------------------------
    def deleted(self, movie_id):
        """A changes-feed id TMDB "deleted" (404), never one a list or a recording names."""
        return (movie_id in self.feed_adult and movie_id % DELETED_EVERY == 0
                and movie_id not in self.items and movie_id not in self.recorded)

    def has(self, movie_id):
        return movie_id in self.movies

    def details(self, movie_id, appends=(), language=""):
        """The details dict (a fresh copy), or None for an id the demo does not hold."""
        if movie_id not in self.movies:
            return None
        details, sections, fa = self.movies[movie_id]
        out = localised(details, fa, language)
        for name in appends:
            if name in sections:
                out[name] = sections[name]
            elif name in ("similar", "recommendations"):
                out[name] = self.related(movie_id, name, 1)
            elif name == "images":
                out[name] = self.images_of(movie_id)
        return out

    def list_item(self, movie_id, language=""):
        if movie_id in self.movies:
            d = self.details(movie_id, (), language)
            item = {k: d.get(k) for k in LIST_ITEM_KEYS if k != "genre_ids"}
            item["genre_ids"] = [g["id"] for g in d["genres"]]
            return {k: item[k] for k in LIST_ITEM_KEYS}
        return self.items.get(movie_id)

    def sub_resource(self, movie_id, sub, params):
        """/movie/{id}/<sub> as JSON bytes, or None."""
        if movie_id not in self.movies:
            return None
        name = sub.strip("/")
        sections = self.movies[movie_id][1]
        if name in sections:
            return compact({"id": movie_id, **sections[name]})
        if name in ("similar", "recommendations"):
            return compact(self.related(movie_id, name, int(params.get("page", "1"))))
        if name == "images":
            return compact(self.images_of(movie_id))
        return None

    def images_of(self, movie_id):
        d = self.movies[movie_id][0]
        def entry(path, w, h, lang):
            return {"aspect_ratio": round(w / h, 3), "height": h, "iso_639_1": lang, "iso_3166_1": None,
                    "file_path": path, "vote_average": 5.3, "vote_count": 3, "width": w}
        return {"backdrops": [entry(d["backdrop_path"], 1280, 720, None)] if d["backdrop_path"] else [],
                "id": movie_id, "logos": [],
                "posters": [entry(d["poster_path"], 500, 750, "en")] if d["poster_path"] else []}

    def related(self, movie_id, kind, page):
        """Similar (same first genre) or recommended (shared genre, by popularity) movies: ours only,
        never adult, never the movie itself; two pages of 20."""
        genres = [g["id"] for g in self.movies[movie_id][0]["genres"]]
        r = random.Random(f"{kind}:{movie_id}")
        pool = [i for i in self.popular if i != movie_id and not self.movies[i][0]["adult"]
                and (not genres or any(g["id"] in genres[:1 if kind == "similar" else 3]
                                       for g in self.movies[i][0]["genres"]))]
        chosen = sorted(r.sample(pool, min(40, len(pool))), key=self.popular.index)
        return self.page_of(chosen, page, "")

    def page_of(self, ids, page, language, offset=0, total_extra=0):
        start = (page - 1) * PER_PAGE - offset
        chosen = ids[max(0, start):max(0, start + PER_PAGE)] if start + PER_PAGE > 0 else []
        results = [dict(self.list_item(i, language)) for i in chosen]
        total = len(ids) + offset
        return {"page": page, "results": results,
                "total_pages": max(1, math.ceil(total / PER_PAGE)) + total_extra, "total_results": total}

    def list_page(self, path, params, recorded_pages):
        """A list page no recording answers: ours, after the recorded_pages pages the recordings
        hold (so page recorded_pages+1 is our first). None when the path is not a list we fill."""
        page, language = int(params.get("page", "1")), params.get("language", "")
        offset = recorded_pages * PER_PAGE
        if path in ("/3/movie/popular", "/3/trending/movie/day", "/3/trending/movie/week"):
            return self.page_of(self.popular, page, language, offset)
        if path == "/3/movie/top_rated":
            return self.page_of([i for i in self.top_rated if not self.movies[i][0]["adult"]], page, language, offset)
        if path in ("/3/movie/now_playing", "/3/movie/upcoming"):
            return self.page_of([i for i in self.recent if not self.movies[i][0]["adult"]], page, language, offset)
        if path == "/3/discover/movie":
            return self.discover(params, page, language)
        if path == "/3/search/movie":
            return self.search(params, page, language)
        return None

    def discover(self, params, page, language):
        ids = [i for i in self.listed if i in self.movies]
        if params.get("include_adult") != "true":
            ids = [i for i in ids if not self.movies[i][0]["adult"]]
        wanted = [int(g) for g in re.split(r"[,|]", params.get("with_genres", "")) if g.isdigit()]
        if wanted:
            ids = [i for i in ids if any(g["id"] in wanted for g in self.movies[i][0]["genres"])]
        year = params.get("primary_release_year", "")
        if year:
            ids = [i for i in ids if self.movies[i][0]["release_date"][:4] == year]
        sort = params.get("sort_by", "popularity.desc")
        key = {"vote_average": "vote_average", "primary_release_date": "release_date",
               "title": "title"}.get(sort.split(".")[0], "popularity")
        ids.sort(key=lambda i: (self.movies[i][0][key], -i), reverse=not sort.endswith(".asc"))
        return self.page_of(ids, page, language)

    def search(self, params, page, language):
        words = params.get("query", "").casefold().split()
        year = params.get("year") or params.get("primary_release_year") or ""
        found = []
        for i in self.listed:
            if i not in self.movies:
                continue
            d, _, fa = self.movies[i]
            if d["adult"] and params.get("include_adult") != "true":
                continue
            text = " ".join((d["title"], d["original_title"], fa["title"])).casefold()
            if all(w in text for w in words) and (not year or d["release_date"][:4] == year):
                found.append(i)
        found.sort(key=lambda i: (-self.movies[i][0]["popularity"], i))
        return self.page_of(found, page, language)


# ----- the image host ---------------------------------------------------------------------
SHAPES = {"poster": (500, 750), "profile": (500, 750), "backdrop": (1280, 720), "logo": (300, 300)}


def xml_text(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def wrap(text, width):
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > 4:
        lines = lines[:4]
        lines[3] = lines[3][: max(1, width - 1)] + "…"
    return lines


def image_svg(file_path, label=None):
    """An SVG for the image file: (kind, title, subtitle) from the catalogue when known, else a
    plain poster with no words.  Colours come from the file name, so each image differs."""
    kind, title, sub = label or ("poster", "", "")
    w, h = SHAPES.get(kind, SHAPES["poster"])
    digest = hashlib.sha256(file_path.encode()).digest()
    hue, hue2 = digest[0] * 360 // 256, (digest[0] * 360 // 256 + 40 + digest[1] % 80) % 360
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
             '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
             f'<stop offset="0" stop-color="hsl({hue},45%,32%)"/>'
             f'<stop offset="1" stop-color="hsl({hue2},50%,12%)"/></linearGradient></defs>',
             f'<rect width="{w}" height="{h}" fill="url(#g)"/>']
    if kind == "profile":
        parts.append(f'<circle cx="{w / 2}" cy="{h * 0.36}" r="{w * 0.2}" fill="hsl({hue},30%,70%)" fill-opacity="0.55"/>'
                     f'<path d="M{w * 0.14} {h} C{w * 0.18} {h * 0.62} {w * 0.82} {h * 0.62} {w * 0.86} {h} Z" '
                     f'fill="hsl({hue},30%,70%)" fill-opacity="0.55"/>')
    else:
        for k in range(3):
            r_ = (digest[2 + k] / 255 * 0.35 + 0.15) * w
            parts.append(f'<circle cx="{digest[5 + k] / 255 * w:.0f}" cy="{digest[8 + k] / 255 * h * 0.7:.0f}" '
                         f'r="{r_:.0f}" fill="hsl({(hue + 120 * k) % 360},60%,60%)" fill-opacity="0.18"/>')
    # readable where cards show a poster 150 px wide; a backdrop is shown large, and cropped
    size = max(18, w // {"backdrop": 26, "profile": 12, "logo": 8}.get(kind, 10))
    lines = wrap(title, max(8, int(w / (size * 0.64))))  # bold sans-serif: about 0.6 em a letter
    y = h * (0.5 if kind == "backdrop" else 0.62) - (len(lines) - 1) * size * 0.6
    if kind == "profile":
        y = h - 40 - (len(lines) - 1) * size * 1.2
    for line in lines:
        parts.append(f'<text x="{w / 2}" y="{y:.0f}" font-family="sans-serif" font-size="{size}" font-weight="bold" '
                     f'fill="#fff" text-anchor="middle">{xml_text(line)}</text>')
        y += size * 1.2
    if sub:
        parts.append(f'<text x="{w / 2}" y="{y + size * 0.2:.0f}" font-family="sans-serif" font-size="{size * 0.7:.0f}" '
                     f'fill="#fff" fill-opacity="0.8" text-anchor="middle">{xml_text(sub)}</text>')
    parts.append(f'<text x="{w - 12}" y="{h - 12}" font-family="sans-serif" font-size="{max(10, w // 40)}" '
                 'fill="#fff" fill-opacity="0.5" text-anchor="end">Marquee demo</text></svg>')
    return "".join(parts).encode()


def labels_from_fixtures(index):
    """image path -> (kind, title, subtitle) for the images recordings name (no demo needed)."""
    labels = {}
    for _, data in recorded_bodies(index, lambda path: path.startswith("/3/movie")):
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                title = node.get("title") or node.get("name") or ""
                year = (node.get("release_date") or "")[:4] if isinstance(node.get("release_date"), str) else ""
                for key, kind in (("poster_path", "poster"), ("backdrop_path", "backdrop"),
                                  ("profile_path", "profile"), ("logo_path", "logo")):
                    if isinstance(node.get(key), str) and title:
                        labels.setdefault(node[key], (kind, title, year if kind != "profile" else ""))
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return labels


def image_sizes(configuration):
    """Every size a /configuration answer lists (bytes in), as a set."""
    try:
        images = json.loads(configuration)["images"]
        return {s for k, v in images.items() if k.endswith("_sizes") for s in v if isinstance(s, str)}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {"w45", "w92", "w154", "w185", "w300", "w342", "w500", "w780", "w1280", "h632", "original"}
