"""scale.py — the body of `make bench-scale` (tests/bench/scale.sh starts the stack and calls this).

    scale.py STACK_ENV BUILD ROOT "SIZES" REQUESTS MEMBERS_PER_MOVIE

For each size: fills the catalogue (scale-fill) and the members (pymongo, straight into the
database), stores the catalogue's people (marquee-sync people), learns the neighbours, asks every
request REQUESTS times (each row stops early after ROW_BUDGET seconds, and says how many it
asked), then prints the table.
"""
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse

import bson
import pymongo

ROW_BUDGET = float(os.environ.get("ROW_BUDGET", "60"))  # seconds one row may take at one size
LEARN = os.environ.get("SCALE_NEIGHBOURS", "1") != "0"  # learn the recommender's lists at each size
FIRST_ID = 900001  # the stand-in's first synthetic id
APPENDS = ("credits", "keywords", "translations", "release_dates")

stack_env, build, root, sizes, requests, per_movie = sys.argv[1:7]
env = dict(l.split("=", 1) for l in open(stack_env).read().splitlines() if "=" in l and not l.startswith("#"))
env = {k: v.strip('"') for k, v in env.items()}
sizes = [int(s) for s in sizes.split()]
requests, per_movie = int(requests), float(per_movie)
base = urllib.parse.urlsplit(env["BASE_URL"])
db = pymongo.MongoClient(env["MONGODB_URI"])[env.get("MARQUEE_DB", "marquee")]
sys.path.insert(0, os.path.join(root, "tests", "tmdb-standin"))
import standin  # noqa: E402  the synthetic catalogue, generated here as the stand-in serves it

conn = None


def call(method, path, token=None, body=None, raw=False):
    """One request on a kept-alive connection: (status, parsed JSON or bytes, seconds)."""
    global conn
    headers = {"Cache-Control": "no-cache", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    for attempt in range(2):
        if conn is None:
            conn = http.client.HTTPConnection(base.hostname, base.port, timeout=120)
        try:
            t = time.monotonic()
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            r = conn.getresponse()
            data = r.read()
            took = time.monotonic() - t
            break
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = None
            if attempt:
                raise
    if r.getheader("Connection", "").lower() == "close":
        conn.close()
        conn = None
    if raw or not data or r.getheader("Content-Type", "").split(";")[0] != "application/json":
        return r.status, data, took
    return r.status, json.loads(data), took


def log(msg):
    print(f"bench-scale: {msg}", file=sys.stderr, flush=True)


def fill_movies(have, size):
    """Synthetic movies FIRST_ID+have .. FIRST_ID+size-1 into the catalogue."""
    t = time.monotonic()
    p = subprocess.Popen([os.path.join(build, "tests", "bench", "scale-fill")], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, MONGODB_URI=env["MONGODB_URI"], MARQUEE_DB=env.get("MARQUEE_DB", "marquee")))
    for i in range(FIRST_ID + have, FIRST_ID + size):
        p.stdin.write(json.dumps(standin.synthetic_details(i, APPENDS, ""), separators=(",", ":")) + "\n")
    out, err = p.communicate()
    if p.returncode:
        sys.exit(f"bench-scale: scale-fill failed: {out}{err}")
    # the stand-in (TMDB) knows them too: their videos and watch providers are TMDB's empty answers
    tmdb = urllib.parse.urlsplit(env["TMDB_BASE_URL"])
    c = http.client.HTTPConnection(tmdb.hostname, tmdb.port, timeout=30)
    c.request("POST", "/__control/synthetic", body=json.dumps({"movies": size}), headers={"Content-Type": "application/json"})
    c.getresponse().read()
    c.close()
    log(f"{size - have} movies stored in {time.monotonic() - t:.1f} s ({out.strip()})")


def fill_members(have, target, movie_ids, rng):
    """Members have..target-1, each with 25 watchlist items, 10 favourites, 15 interactions and
    10 ratings of random catalogue movies (the movies' averages are left as they are)."""
    if target <= have:
        return
    t = time.monotonic()
    now = bson.datetime.datetime.now(bson.datetime.timezone.utc)
    users, watch, fav, inter, rates = [], [], [], [], []
    for i in range(have, target):
        uid = bson.ObjectId()
        users.append({"_id": uid, "email": f"filler{i}@bench.test", "username": f"filler{i}", "name": f"Filler {i}",
                      "password_hash": "!", "role": "user", "created_at": now, "updated_at": now})
        picks = rng.sample(movie_ids, 60)
        watch += [{"user_id": uid, "movie_id": m, "added_at": now, "updated_at": now} for m in picks[:25]]
        fav += [{"user_id": uid, "movie_id": m, "added_at": now} for m in picks[25:35]]
        inter += [{"user_id": uid, "movie_id": m, "type": "liked", "at": now} for m in picks[35:50]]
        rates += [{"user_id": uid, "movie_id": m, "rating": float(rng.randint(5, 10)), "created_at": now,
                   "updated_at": now} for m in picks[50:60]]
    for name, docs in (("users", users), ("watchlist", watch), ("favorites", fav), ("interactions", inter),
                       ("ratings", rates)):
        for k in range(0, len(docs), 1000):
            db[name].insert_many(docs[k:k + 1000], ordered=False)
    log(f"members {have}..{target - 1} stored in {time.monotonic() - t:.1f} s")


def sync(*args):
    p = subprocess.run([os.path.join(build, "marquee-sync"), *args], capture_output=True, text=True,
                       env=dict(os.environ, MONGODB_URI=env["MONGODB_URI"], MARQUEE_DB=env.get("MARQUEE_DB", "marquee"),
                                TMDB_BASE_URL=env["TMDB_BASE_URL"], TMDB_READ_TOKEN="bench", TMDB_RATE="1000"))
    if p.returncode:
        log(f"marquee-sync {' '.join(args)} failed: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.stdout}")
    return p.returncode == 0


def serving_pids():
    """{worker: pid of the process serving it} (stack.sh runs each under a respawning parent)."""
    out = {}
    for name, pid in zip(env["WORKERS"].split(), env["WORKER_PIDS"].split()):
        try:
            children = open(f"/proc/{pid}/task/{pid}/children").read().split()
        except OSError:
            children = []
        out[name] = int(children[0]) if children else int(pid)
    return out


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


def log_offsets():
    logdir = os.path.join(env["RUN_DIR"], "log")
    return {f: os.path.getsize(os.path.join(logdir, f)) for f in os.listdir(logdir) if f.endswith(".log")}


def round_trips(since):
    """(requests served, round trips) in the workers' logs since the offsets."""
    logdir = os.path.join(env["RUN_DIR"], "log")
    served = trips = 0
    for f, off in since.items():
        with open(os.path.join(logdir, f), "rb") as fh:
            fh.seek(off)
            for line in fh:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("event") == "request" and "db" in e:
                    served += 1
                    trips += e["db"]
    return served, trips


def measure(method, path, token):
    """Median and p99 of the answers' times, how many were asked and how many failed (a 5xx: the
    workers give up on the database after its socket timeout), db round trips per request. path
    may be a function of the request's number (0: the warm-up), for a different URL each time."""
    at = path if callable(path) else (lambda i: path)
    status, body, _ = call(method, at(0), token)  # warm: connections, genres, the worker's caches
    if 400 <= status < 500:
        sys.exit(f"bench-scale: {method} {path} answered {status}: {body}")
    since = log_offsets()
    times, failed, start = [], 0, time.monotonic()
    while len(times) < requests and (not times or time.monotonic() - start < ROW_BUDGET):
        status, _, took = call(method, at(len(times) + 1), token)
        if 400 <= status < 500:
            sys.exit(f"bench-scale: {method} {path} answered {status}")
        failed += status >= 500
        times.append(took * 1000)
    time.sleep(0.2)  # the last request's log line written
    served, trips = round_trips(since)
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    return {"median": statistics.median(times), "p99": p99, "n": len(times), "failed": failed,
            "db": trips / served if served else None}


rng = random.Random(21)
stamp = time.time_ns()
st, me, _ = call("POST", "/api/v1/auth/register", body={"email": f"scale-{stamp}@example.test",
                                                         "password": "correct horse battery", "name": "Scale"})
token = me["data"]["token"]
results, rss, learnt, have, members = {}, {}, {}, 0, 0
rows = []
for size in sizes:
    log(f"catalogue of {size} movies…")
    fill_movies(have, size)
    have = size
    ids = [d["_id"] for d in db.movies.find({}, {"_id": 1})]
    target = int(size * per_movie)
    fill_members(members, target, ids, rng)
    members = max(members, target)
    if not rows:  # the measured member's own lists: 10 watchlist, 5 favourites, 10 ratings, 5 likes
        for k in range(10):
            call("POST", "/api/v1/watchlist", token, {"movie_id": FIRST_ID + k})
            call("POST", "/api/v1/ratings", token, {"movie_id": FIRST_ID + 10 + k, "rating": 6 + k % 5})
        for k in range(5):
            call("PUT", f"/api/v1/interactions/liked/{FIRST_ID + 30 + k}", token)
            call("POST", f"/api/v1/users/{me['data']['user']['id']}/favorites", token, {"movie_id": FIRST_ID + 20 + k})
        rows = [
            ("list, page 2", "GET", "/api/v1/movies?page=2&limit=20", None),
            ("list, genre+minRating", "GET", "/api/v1/movies?genre=18&minRating=6", None),
            ("list, year", "GET", "/api/v1/movies?year=1999", None),
            ("list, sort rating p3", "GET", "/api/v1/movies?sort=rating&page=3", None),
            ("list, sort title", "GET", "/api/v1/movies?sort=title", None),
            ("search ?q=90005", "GET", "/api/v1/movies/search?q=90005", None),
            ("genre 18 movies", "GET", "/api/v1/genres/18/movies", None),
            ("movies page ?page=2", "GET", "/movies?page=2", None),
            ("search page", "GET", "/search?q=90005", None),
            ("home page", "GET", "/", None),
            ("watchlist (signed in)", "GET", "/api/v1/watchlist", token),
            ("lists state (signed in)", "GET", "/api/v1/lists", token),
            ("my ratings (signed in)", "GET", "/api/v1/ratings", token),
            ("history (signed in)", "GET", "/api/v1/interactions", token),
            ("my rating of a movie", "GET", f"/api/v1/movies/{FIRST_ID + 10}/rating", token),
            ("movie page (signed in)", "GET", f"/movies/{FIRST_ID + 10}", token),
            ("recommendations", "GET", "/api/v1/user/recommendations?limit=20", token),
        ]
    # the movie stored last: a lookup that scans finds it last
    movie = db.movies.find_one({"tmdb_id": FIRST_ID + size - 1}, {"slug": 1})
    oid, slug = str(movie["_id"]), movie["slug"]
    by_id = [
        ("movie by id (ObjectId)", "GET", f"/api/v1/movies/{oid}", None),
        ("movie by TMDB id", "GET", f"/api/v1/movies/{FIRST_ID + size - 1}", None),
        ("movie by slug", "GET", f"/api/v1/movies/{slug}", None),
        ("movie page /movies/:slug", "GET", f"/movies/{slug}", None),
        # a movie no page of this process has shown yet: its document is read by _id
        ("movie page, first view", "GET", lambda i, size=size: f"/movies/{FIRST_ID + size - 2 - i}", None),
    ]
    # the catalogue's people, as the nightly people sync stores them (directors and leading actors;
    # the synthetic movies share 5,500 people at most)
    t = time.monotonic()
    synced = sync("people", "--limit", "100000")
    log(f"people {'stored' if synced else 'NOT all stored'} in {time.monotonic() - t:.1f} s: {db.people.count_documents({})}")
    person = db.people.find_one({}, {"slug": 1}, sort=[("popularity", -1)])
    people_rows = [
        ("person page", "GET", f"/people/{person['slug']}" if person else "/people/1", None),
        ("search, movies and people", "GET", "/api/v1/search?q=synthetic%20actor%2020", None),
    ]
    if LEARN:
        log("learning the neighbours…")
    t = time.monotonic()
    learnt[size] = sync("neighbours") if LEARN else None
    if LEARN:
        log(f"neighbours {'learnt' if learnt[size] else 'FAILED'} in {time.monotonic() - t:.1f} s")
    for label, method, path, tok in by_id + rows + people_rows:
        r = results[(label, size)] = measure(method, path, tok)
        log(f"{size}: {label}: median {r['median']:.1f} ms, p99 {r['p99']:.1f} ms, n {r['n']}, failed {r['failed']}, "
            f"db {r['db'] if r['db'] is None else round(r['db'], 1)}")
    pids = serving_pids()
    rss[size] = {w: rss_mb(pid) for w, pid in pids.items()}

print()
print(f"make bench-scale: one client, past the micro-cache, up to {requests} requests a row (each row stops after "
      f"{ROW_BUDGET:.0f} s; n says how many), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
print("  the movie by id, TMDB id and slug is the one stored last (a scan finds it last); x by id: the last size's median over the movie by id's")
print("  n: requests asked; 'k!': k of them failed (5xx: the worker gave up on the database), their time counted")
print(f"  members: {per_movie:g} per movie (each 25 watchlist, 10 favourites, 15 interactions, 10 ratings); "
      f"db: database round trips per request (the workers' request log)")
first, last = sizes[0], sizes[-1]
head = f"{'request':<26}" + "".join(f" {f'{s} median':>13} {'p99':>8} {'n':>3} {'db':>4}" for s in sizes) + f" {'growth':>7} {'x by id':>8}"
print(head)
print("-" * len(head))
ref = {s: results[(by_id[0][0], s)]["median"] for s in sizes}
for label, *_ in by_id + rows + people_rows:
    line = f"{label:<26}"
    for s in sizes:
        r = results[(label, s)]
        db_s = "-" if r["db"] is None else f"{r['db']:.1f}"
        n_s = f"{r['n']}" if not r["failed"] else f"{r['failed']}!"
        line += f" {r['median']:>10.1f} ms {r['p99']:>8.1f} {n_s:>3} {db_s:>4}"
    growth = results[(label, last)]["median"] / results[(label, first)]["median"]
    line += f" {growth:>6.1f}x {results[(label, last)]['median'] / ref[last]:>7.1f}x"
    print(line)
failed = [str(s) for s in sizes if learnt[s] is False]
if not LEARN:
    print("  recommendations served without stored lists (SCALE_NEIGHBOURS=0)")
if failed:
    print(f"  marquee-sync neighbours failed at {', '.join(failed)} movies: recommendations there served without stored lists")
print()
print("RSS of each serving worker process after each size (VmRSS, MB):")
print(f"  {'worker':<10}" + "".join(f" {s:>8}" for s in sizes))
for w in env["WORKERS"].split():
    print(f"  {w:<10}" + "".join(f" {rss[s][w]:>8.1f}" for s in sizes))
