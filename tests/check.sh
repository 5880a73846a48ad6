#!/usr/bin/env bash
# check.sh — `make check`: starts a stack of its own (fresh database, free port, its own run dir),
# runs every test against it, stops it, and fails if anything failed.
#   unit tests (lib/) · handler tests (in-memory requests) · CGI mode · marquee-render ·
#   no non-reentrant libc calls in threaded code ·
#   the TMDB stand-in · black-box HTTP tests against nginx + workers + FerretDB + stand-in ·
#   browser tests (Playwright driving Debian's Chromium) of the pages
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}

export RUN_DIR=$ROOT/$BUILD/check-run
# the suite signs up many users from one address; test_rate_limit still trips this limit
export MQ_AUTH_RATE=${MQ_AUTH_RATE:-100r/s}
# short enough for test_tmdb_cache to see an entry expire and be served stale
export TMDB_CACHE_TTL=${TMDB_CACHE_TTL:-2}
export PORT=${CHECK_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
rm -rf "$RUN_DIR"
unset MONGODB_URI_CHECK
# the tests expect the stand-in as it is, without the demo catalogue of `make run`
unset MQ_DEMO MQ_DEMO_PAGES
trap 'BUILD=$BUILD tests/stack.sh stop >/dev/null 2>&1' EXIT
BUILD=$BUILD tests/stack.sh start || { echo "check: the stack did not start; logs follow" >&2; tail -n 20 "$RUN_DIR"/log/*.log >&2; exit 1; }
# shellcheck disable=SC1091
. "$RUN_DIR/stack.env"
export STACK_ENV=$RUN_DIR/stack.env MONGODB_URI BUILD_DIR=$ROOT/$BUILD
STACK_PIDS="$NGINX_PID $WORKER_PIDS $TMDB_PID ${MAIL_PID:-} $DB_PID"

failed=""
step() {
	local name=$1; shift
	echo "== $name"
	if ! "$@"; then failed="$failed $name"; fi
}
# the C tests (unit, handlers, CGI mode, reentrancy): make unit's list, against this stack's database
step c-tests env BUILD="$BUILD" tests/unit.sh
step render tests/tools/test_render.sh "$BUILD/marquee-render"
step deploy tests/tools/test_deploy.sh "$BUILD"
step eval-recs python3 tests/tools/test_eval_recs.py "$BUILD/marquee-eval-recs"
step openapi-lint tests/openapi/node_modules/.bin/redocly lint --config tests/openapi/redocly.yaml --format=summary templates/static/openapi.json
step standin python3 -m unittest discover -s tests/tmdb-standin -p 'test_*.py'
step blackbox python3 -m unittest discover -s tests/blackbox -p 'test_*.py' -v
# CHECK_BROWSER=0 leaves the browser step out (CI's sanitizer run: the pages' server paths are
# the black-box tests' too, and the browser step is the longest)
if [ "${CHECK_BROWSER:-1}" != 0 ]; then
	step browser node --test tests/browser/
else
	echo "== browser: left out (CHECK_BROWSER=0)"
fi

# Stop the stack now so that sanitizer reports written at exit (leaks) reach the logs, then
# fail on any: a worker's memory error must not hide behind a test that happened to pass.
BUILD=$BUILD tests/stack.sh stop >/dev/null 2>&1
for pid in $STACK_PIDS; do
	if kill -0 "$pid" 2>/dev/null; then
		echo "check: pid $pid is still running after tests/stack.sh stop" >&2
		failed="$failed stop-left-processes"
	fi
done
if grep -l -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$RUN_DIR"/log/*.log 2>/dev/null; then
	failed="$failed sanitizer-reports"
fi

if [ -n "$failed" ]; then
	echo "check: FAILED:$failed (stack logs in $RUN_DIR/log)" >&2
	exit 1
fi
echo "check: all passed"
