#!/usr/bin/env bash
# recs.sh — `make bench-recs`: what learning the recommender's lists costs, and what one member's
# recommendations cost the users worker with a catalogue of N movies (default 10,000).
# First, training alone (tests/bench/recs_train.c, no database): the stored lists learnt from
# synthetic events at TRAIN_SIZES movies (default "10000 100000"; TRAIN_MEMBERS members with
# TRAIN_EVENTS movies each, default 20,000 and 50), its wall and CPU time and peak RSS.
# Then serving: starts a stack of its own (fresh database, the TMDB stand-in with a synthetic
# catalogue), syncs the catalogue, lets 30 members rate, learns the neighbours, then asks for one
# member's list R times, each after a change that invalidates the cached list, and prints the
# users worker's CPU time per request (from /proc) and the wall time.
# A benchmark, not a test: it asserts nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
N=${MOVIES:-10000}
R=${REQUESTS:-20}
for size in ${TRAIN_SIZES:-10000 100000}; do
	"$BUILD/tests/bench/recs-train" "$size" "${TRAIN_MEMBERS:-20000}" "${TRAIN_EVENTS:-50}"
done
export RUN_DIR=$BUILD/bench-recs-run PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export MQ_AUTH_RATE=1000r/s LOG_LEVEL=warn
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/db"
# The test database, started here rather than by the stack so that the workers may wait longer for
# it: on FerretDB the summaries of a list (one _id $in over the catalogue) are a whole-collection
# read, several seconds at 10,000 movies on a busy machine, past the workers' 5 s socket timeout.
"$ROOT/build/ferretdb-test" -dir "$RUN_DIR/db" < /dev/null > "$RUN_DIR/db.uri" 2> "$RUN_DIR/ferretdb.log" &
FERRET_PID=$!  # not DB_PID: stack.env, read below, has one of its own (empty: the stack's is not)
stop_all() {
	BUILD=$BUILD "$ROOT/tests/stack.sh" stop >/dev/null 2>&1
	kill "$FERRET_PID" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$FERRET_PID" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$FERRET_PID" 2>/dev/null || true
}
trap stop_all EXIT
for _ in $(seq 300); do [ -s "$RUN_DIR/db.uri" ] && break; sleep 0.1; done
export MONGODB_URI="$(head -n 1 "$RUN_DIR/db.uri")?socketTimeoutMS=60000"
BUILD=$BUILD "$ROOT/tests/stack.sh" start >/dev/null 2>&1
# shellcheck disable=SC1091
. "$RUN_DIR/stack.env"
STANDIN=${TMDB_BASE_URL%/3}
curl -s -X POST -H 'Content-Type: application/json' -d "{\"movies\": $N}" "$STANDIN/__control/synthetic" > /dev/null
sync() {
	MONGODB_URI=$MONGODB_URI TMDB_BASE_URL=$TMDB_BASE_URL TMDB_READ_TOKEN=bench TMDB_RATE=1000 \
		"$BUILD/marquee-sync" "$@" >&2
}
# the movies members rate first (rating is slow on FerretDB once the catalogue is large), the rest
# of the catalogue once they have rated
RATED=$(( N < 2000 ? N : 2000 ))
echo "syncing $RATED synthetic movies…" >&2
sync popular --pages $(( (RATED + 19) / 20 )) --parallel 8
# the users worker's serving process: the child of the pid stack.env records (stack.sh uses --respawn)
users_pid=$(pgrep -P "$(echo "$WORKER_PIDS" | cut -d' ' -f2)")
python3 - "$BASE_URL" "$MONGODB_URI" "$TMDB_BASE_URL" "$BUILD" "$users_pid" "$R" "$N" <<'PY'
import json, os, random, subprocess, sys, time, urllib.request
base, uri, tmdb, build, pid, requests, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
def call(method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")
def cpu():  # seconds on a CPU, all the worker's threads together (schedstat: nanoseconds)
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
        except FileNotFoundError:  # a thread that just ended
            pass
    return total / 1e9
rng = random.Random(1)
members = [call("POST", "/api/v1/auth/register", body={"email": f"b{i}-{time.time_ns()}@example.test", "password": "correct horse", "name": "B"})["data"]["token"] for i in range(30)]
first = 900001
for i, token in enumerate(members):  # each rates 20 movies of a popular quarter of the catalogue,
    # the member measured 100 (as many movies as serving reads the lists of: the worst case)
    for m in rng.sample(range(first, first + min(n, 2000)), 100 if i == 0 else 20):
        call("POST", "/api/v1/ratings", token, {"movie_id": m, "rating": rng.choice([6, 7, 8, 9, 10])})
env = dict(os.environ, MONGODB_URI=uri, TMDB_BASE_URL=tmdb, TMDB_READ_TOKEN="bench", TMDB_RATE="1000")
print(f"syncing the rest of the {n} movies…", file=sys.stderr)
subprocess.run([os.path.join(build, "marquee-sync"), "popular", "--pages", str((n + 19) // 20), "--parallel", "8"],
               env=env, check=True, capture_output=True)
t = time.monotonic()
subprocess.run([os.path.join(build, "marquee-sync"), "neighbours"], env=env, check=True, capture_output=True)
learnt = time.monotonic() - t
me = members[0]
call("GET", "/api/v1/user/recommendations?limit=20", me)  # warm: connections, genres, images config
c0 = cpu()
time.sleep(5)
idle = (cpu() - c0) / 5  # what the worker spends with nothing to do, per second
c0, t0, wall = cpu(), time.monotonic(), 0.0
for i in range(requests):
    call("PUT", f"/api/v1/interactions/bookmarked/{first + n - 1 - i % n}", me)  # a change: the cached list is stale
    t = time.monotonic()
    items = call("GET", "/api/v1/user/recommendations?limit=20", me)["data"]
    wall += time.monotonic() - t
c1 = cpu()
print(f"recommendations for one member ({n} movies in the catalogue, 30 members, 680 ratings, the member's 100, limit 20):")
print(f"  users worker CPU {1000 * (c1 - c0) / requests:.2f} ms per request ({requests} uncached requests, all threads, /proc schedstat)")
print(f"  of which idle {1000 * idle * (time.monotonic() - t0) / requests:.2f} ms (the worker at rest uses {1000 * idle:.3f} ms/s)")
print(f"  wall time {1000 * wall / requests:.1f} ms per request through nginx (the database's time included); {len(items)} movies")
print(f"  marquee-sync neighbours on this database: {learnt:.1f} s (reading, learning and writing the lists)")
PY
