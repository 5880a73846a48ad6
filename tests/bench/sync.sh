#!/usr/bin/env bash
# sync.sh — `make bench-sync`: how fast marquee-sync brings 1,000 movies into the catalogue.
# Starts its own database (FerretDB, fresh) and TMDB stand-in (synthetic catalogue of N movies)
# on free ports, runs `marquee-sync popular` over every page with the rate limit lifted, twice
# (first every movie is new; then every movie is compared and left alone), and prints movies per
# second, CPU time per movie and peak RSS for each. A benchmark, not a test: it asserts nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
N=${MOVIES:-1000}
PARALLEL=${PARALLEL:-8}
WORK=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

first_line() {
	local i=0
	while [ $i -lt 300 ]; do [ -s "$1" ] && { head -n 1 "$1"; return 0; }; sleep 0.1; i=$((i + 1)); done
	return 1
}

mkdir -p "$WORK/db"
"$ROOT/build/ferretdb-test" -dir "$WORK/db" < /dev/null > "$WORK/db.uri" 2> "$WORK/ferretdb.log" &
PIDS="$PIDS $!"
python3 "$ROOT/tests/tmdb-standin/standin.py" --port 0 --synthetic-movies "$N" < /dev/null > "$WORK/tmdb.url" 2> /dev/null &
PIDS="$PIDS $!"
export MONGODB_URI; MONGODB_URI=$(first_line "$WORK/db.uri")
export TMDB_BASE_URL; TMDB_BASE_URL=$(first_line "$WORK/tmdb.url")
export TMDB_READ_TOKEN=bench TMDB_RATE=1000 LOG_LEVEL=error MARQUEE_DB=bench
"$BUILD/marquee-sync" schema --file "$ROOT/sql/schema.json" > /dev/null

pages=$(( (N + 19) / 20 ))
echo "marquee-sync popular --pages $pages --parallel $PARALLEL: $N synthetic movies, TMDB_RATE lifted to 1000/s"
for pass in "first (every movie new)" "second (every movie unchanged)"; do
	/usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$BUILD/marquee-sync" popular --pages "$pages" --parallel "$PARALLEL" > "$WORK/out"
	read -r wall user sys rss < "$WORK/time"
	python3 - "$pass" "$N" "$wall" "$user" "$sys" "$rss" "$(cat "$WORK/out")" <<'PY'
import sys
pass_, n, wall, user, sys_, rss, summary = sys.argv[1:]
n, wall, cpu = int(n), float(wall), float(user) + float(sys_)
print(f"  {pass_}: {n / wall:7.1f} movies/s, {cpu * 1000 / n:.2f} ms CPU per movie "
      f"({float(user):.2f} s user, {float(sys_):.2f} s system), peak RSS {int(rss) / 1024:.1f} MiB, {wall:.2f} s wall")
print("    " + summary.strip())
PY
done
