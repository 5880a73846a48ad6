"""extras.py — the stand-in's answers for a richer movie page where no single recording holds
them: details with several sections appended, composed from the recordings that do hold each
section; a movie's videos and watch providers (recorded where a recording has them, generated
otherwise); and collections (/collection/{id}).

TMDB's shapes, as its reference documents them:

* /movie/{id}/videos: {"id", "results": [{iso_639_1, iso_3166_1, name, key, site, size, type,
  official, published_at, id}]}; appended, the same without "id".
* /movie/{id}/watch/providers: {"id", "results": {"US": {"link", "flatrate": [...], "rent":
  [...], "buy": [...]}}}, each provider {logo_path, provider_id, provider_name, display_priority}.
* /collection/{id}: {id, name, overview, poster_path, backdrop_path, parts: [movie list items
  with media_type "movie"]}, names and overviews in the request's language.

Recorded bodies are read in place and never changed; everything generated is a function of the
ids alone, so every run serves the same bytes.
"""

import hashlib
import json
import re

# sections a details request may append that this module can fill from elsewhere
SUB_SECTIONS = ("credits", "keywords", "translations", "release_dates", "videos", "watch/providers",
                "external_ids", "images")
PROVIDERS = [(8, "Netflix", "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"),
             (9, "Amazon Prime Video", "/emthp39XA2YScoYL1p0sdbAH2WA.jpg"),
             (2, "Apple TV", "/peURlLlr8jggOwK53fJ5wdQl05y.jpg"),
             (3, "Google Play Movies", "/tbEdFQDwx5LEVr8WpSeXQSIirVq.jpg"),
             (1899, "Max", "/6Q3ZYUNA9Hsgj6iWnVsw2gR5V6z.jpg")]
# The collections of the recorded and synthetic movies: real ids, titles and years.
COLLECTIONS = {
    2344: {"name": "The Matrix Collection", "name_fa": "مجموعهٔ ماتریکس",
           "overview": "The Matrix collection: a hacker learns that the world is a simulation.",
           "overview_fa": "مجموعهٔ ماتریکس: هکری درمی‌یابد که جهان شبیه‌سازی است.",
           "parts": [(603, "The Matrix", "ماتریکس", "1999-03-31", [28, 878]),
                     (604, "The Matrix Reloaded", "ماتریکس: بارگذاری دوباره", "2003-05-15", [12, 28, 53, 878]),
                     (605, "The Matrix Revolutions", "ماتریکس: انقلاب‌ها", "2003-11-05", [12, 28, 53, 878]),
                     (624860, "The Matrix Resurrections", "ماتریکس: رستاخیزها", "2021-12-16", [878, 28, 12])]},
    1570: {"name": "Die Hard Collection", "name_fa": "مجموعهٔ جان سخت",
           "overview": "An action series following New York detective John McClane.",
           "overview_fa": "مجموعه‌ای اکشن دربارهٔ جان مک‌کلین، کارآگاه نیویورکی.",
           "parts": [(562, "Die Hard", "جان سخت", "1988-07-15", [28, 53]),
                     (1573, "Die Hard 2", "جان سخت ۲", "1990-07-02", [28, 53]),
                     (1572, "Die Hard: With a Vengeance", "جان سخت: با انتقام", "1995-05-19", [28, 53]),
                     (1571, "Live Free or Die Hard", "زنده بمان یا با سختی بمیر", "2007-06-21", [28, 53]),
                     (47964, "A Good Day to Die Hard", "یک روز خوب برای جان سخت", "2013-02-06", [28, 53, 80])]},
}


def _hex(*parts):
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def _image(kind, key):
    """A TMDB-shaped image file name ('/' + 27 letters and digits + '.jpg')."""
    h = _hex("extras", kind, key)
    return "/" + (h + h)[:27] + ".jpg"


def _read(fixture):
    if fixture is None or fixture.status != 200:
        return None
    try:
        body = json.loads(fixture.file.read_bytes())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _appended(fixture):
    return set(fixture.params.get("append_to_response", "").split(",")) - {""}


def recorded_section(index, movie_id, name, language=""):
    """A section of a movie as a recording holds it (appended to recorded details, preferring the
    request's language, else the /movie/{id}/<name> recording without its "id"), or None."""
    candidates = [f for f in index.get(f"/3/movie/{movie_id}", ()) if name in _appended(f)]
    candidates.sort(key=lambda f: (f.params.get("language", "") != language, f.origin, f.order))
    for fixture in candidates:
        body = _read(fixture)
        if body is not None and name in body:
            return body[name]
    for fixture in index.get(f"/3/movie/{movie_id}/{name}", ()):
        body = _read(fixture)
        if body is not None:
            return {k: v for k, v in body.items() if k != "id"}
    return None


def generated_videos(movie_id, title):
    """Videos as TMDB lists them: an official English trailer, a Persian teaser, an unofficial
    English trailer, and what a page never plays (a featurette, a Vimeo trailer)."""
    def video(lang, country, name, kind, official, site="YouTube", size=1080):
        return {"iso_639_1": lang, "iso_3166_1": country, "name": name,
                "key": _hex("video", movie_id, name)[:11], "site": site, "size": size, "type": kind,
                "official": official, "published_at": "2020-01-01T16:00:00.000Z",
                "id": _hex("video-id", movie_id, name)[:24]}
    return {"results": [
        video("en", "US", f"{title} — Behind the Scenes", "Featurette", True),
        video("en", "US", f"{title} — Fan Trailer", "Trailer", False, size=720),
        video("en", "US", f"{title} — Official Trailer", "Trailer", True),
        video("fa", "IR", f"آنونس {title}", "Teaser", True),
        video("en", "US", f"{title} — Trailer (Vimeo)", "Trailer", True, site="Vimeo"),
    ]}


def generated_providers(movie_id):
    """Watch providers for the US (stream, rent, buy), Great Britain (rent) and Germany (stream):
    none for Iran or anywhere else, as TMDB has none for most regions."""
    def provider(k):
        pid, name, logo = PROVIDERS[(movie_id + k) % len(PROVIDERS)]
        return {"logo_path": logo, "provider_id": pid, "provider_name": name, "display_priority": k}
    def link(region):
        return f"https://www.themoviedb.org/movie/{movie_id}/watch?locale={region}"
    return {"results": {
        "DE": {"link": link("DE"), "flatrate": [provider(0)]},
        "GB": {"link": link("GB"), "rent": [provider(2), provider(3)]},
        "US": {"link": link("US"), "flatrate": [provider(0), provider(1)], "rent": [provider(2)],
               "buy": [provider(2), provider(3)]},
    }}


def movie_section(index, movie_id, name, language=""):
    """A section of a movie the recordings hold (recorded_section), or one generated for a movie
    with recorded details (videos, watch/providers); None otherwise."""
    section = recorded_section(index, movie_id, name, language)
    if section is not None or name not in ("videos", "watch/providers"):
        return section
    details = next(filter(None, (_read(f) for f in index.get(f"/3/movie/{movie_id}", ()))), None)
    if details is None:
        return None
    if name == "videos":
        return generated_videos(movie_id, details.get("title") or f"Movie {movie_id}")
    return generated_providers(movie_id)


def composed_details(index, movie_id, params, appends):
    """Recorded details with the appended sections asked for, as a dict, or None when no details
    are recorded for the movie. The base is the recording that holds most of the sections asked
    for (in the request's language, else in none), so what a recording answered before stays as it
    was; each section it lacks comes from wherever a recording holds it, or is generated
    (movie_section). Sections nobody has are left out, as TMDB leaves out what it does not know."""
    language, wanted = params.get("language", ""), set(appends)
    candidates = [f for f in index.get(f"/3/movie/{movie_id}", ())
                  if f.status == 200 and f.params.get("page", "1") == "1"
                  and f.params.get("language", "") in (language, "")]
    candidates.sort(key=lambda f: (f.params.get("language", "") != language, -len(_appended(f) & wanted),
                                   len(_appended(f) - wanted), f.origin, f.order))
    base = next(filter(None, map(_read, candidates)), None)
    if base is None:
        return None
    for name in SUB_SECTIONS:
        if name not in wanted:
            base.pop(name, None)
    for name in appends:
        if name in SUB_SECTIONS and name not in base:
            section = movie_section(index, movie_id, name, language)
            if section is not None:
                base[name] = section
    return base


def collection(index, collection_id, language, list_item=None):
    """/collection/{id} in TMDB's shape, in the request's language, or None for an unknown id.
    list_item(movie id) may give a part's list item (the demo catalogue's)."""
    c = COLLECTIONS.get(collection_id)
    if c is None:
        return None
    fa = language.split("-")[0].lower() == "fa"
    parts = []
    for movie_id, title, title_fa, release, genres in c["parts"]:
        details = next(filter(None, (_read(f) for f in index.get(f"/3/movie/{movie_id}", ())
                                     if not f.params.get("language"))), None) or {}
        item = (list_item(movie_id) if list_item else None) or {}
        part = {"adult": False, "backdrop_path": details.get("backdrop_path") or _image("backdrop", movie_id),
                "id": movie_id, "title": title_fa if fa else title, "original_language": "en",
                "original_title": title, "overview": details.get("overview") or "",
                "poster_path": details.get("poster_path") or _image("poster", movie_id), "media_type": "movie",
                "genre_ids": genres, "popularity": details.get("popularity", 20.0), "release_date": release,
                "video": False, "vote_average": details.get("vote_average", 6.5),
                "vote_count": details.get("vote_count", 5000)}
        part.update({k: v for k, v in item.items() if k in part and k not in ("title", "media_type")})
        parts.append(part)
    return {"id": collection_id, "name": c["name_fa"] if fa else c["name"],
            "overview": c["overview_fa"] if fa else c["overview"],
            "poster_path": _image("collection-poster", collection_id),
            "backdrop_path": _image("collection-backdrop", collection_id), "parts": parts}


COLLECTION_RE = re.compile(r"/3/collection/([0-9]{1,9})")
