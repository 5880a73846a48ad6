#!/usr/bin/env bash
# scale.sh — `make bench-scale`: what each catalogue and member read costs as the catalogue grows
# from 100 to 1,000 to 10,000 movies (issue 21: at most 2x growth, within 5x of a movie by id).
#
# Starts a stack of its own (tests/stack.sh: fresh FerretDB, the TMDB stand-in, the workers,
# nginx) on a free port, then for each size in SIZES fills the catalogue up to that size with the
# stand-in's synthetic movies (tests/bench/scale_fill.c: the sync's own document builder, bulk
# inserts, seconds instead of the sync's minutes) and members up to MEMBERS_PER_MOVIE of the
# size (1,000 at 10,000 movies), each with 50 list entries (25 watchlist, 10 favourites, 15
# interactions) and 10 ratings, written straight into the database; stores the catalogue's people
# (marquee-sync people: its directors and leading actors, 5,500 at most among the synthetic
# movies); learns the neighbours
# (marquee-sync neighbours), then asks each request REQUESTS times, one client, one at a time,
# past nginx's micro-cache (Cache-Control: no-cache; signed-in requests bypass it anyway).
# Prints one table (tests/bench/scale.py): median and p99 per size, the growth from the first
# size to the last, the database round trips per request (the workers' request log, "db") and
# each worker's RSS after each size.
#
# Settings: SIZES ("100 1000 10000"), REQUESTS (15), ROW_BUDGET (seconds a row may take at one
# size, 60), MEMBERS_PER_MOVIE (0.1), SCALE_NEIGHBOURS (0: no neighbours learnt), BUILD, PORT,
# SCALE_RUN_DIR (the stack's directory, $BUILD/bench-scale-run).
# A benchmark, not a test: it asserts nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export RUN_DIR=${SCALE_RUN_DIR:-$BUILD/bench-scale-run} PORT=${PORT:-$(free_port)}
# always a database of its own (the embedded FerretDB the stack starts): the catalogues it fills
# must start empty, and no database named by the caller's MONGODB_URI (make check's) is filled
unset MONGODB_URI MARQUEE_DB MQ_DEMO MQ_DEMO_PAGES
# TMDB_RATE: the stand-in has no rate limit; at TMDB's 40 a second, back-to-back first views of
# movies would wait for the limiter's next slot (25 ms) and the row would measure the limit
export MQ_AUTH_RATE=1000r/s MQ_SEARCH_RATE=100000r/s MQ_SEARCH_BURST=100000 LOG_LEVEL=info TMDB_RATE=1000
[ -x "$BUILD/tests/bench/scale-fill" ] || { echo "bench-scale: $BUILD/tests/bench/scale-fill is missing (make bench-scale builds it)" >&2; exit 1; }
rm -rf "$RUN_DIR"
trap 'BUILD=$BUILD "$ROOT/tests/stack.sh" stop >/dev/null 2>&1' EXIT
echo "bench-scale: starting the stack on 127.0.0.1:$PORT…" >&2
BUILD=$BUILD "$ROOT/tests/stack.sh" start >/dev/null 2>&1 || { echo "bench-scale: the stack did not start" >&2; exit 1; }
MONGODB_URI=$(sed -n 's/^MONGODB_URI=//p' "$RUN_DIR/stack.env") MARQUEE_DB=$(sed -n 's/^MARQUEE_DB=//p' "$RUN_DIR/stack.env") \
	TMDB_BASE_URL=$(sed -n 's/^TMDB_BASE_URL=//p' "$RUN_DIR/stack.env") TMDB_READ_TOKEN=bench TMDB_RATE=1000 \
	"$BUILD/marquee-sync" genres > /dev/null 2>&1
python3 "$ROOT/tests/bench/scale.py" "$RUN_DIR/stack.env" "$BUILD" "$ROOT" \
	"${SIZES:-100 1000 10000}" "${REQUESTS:-15}" "${MEMBERS_PER_MOVIE:-0.1}"
