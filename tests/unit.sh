#!/usr/bin/env bash
# unit.sh — `make unit`: every C test that needs neither nginx nor a browser, against the test
# database alone (FerretDB, started here on a free loopback port and stopped by its pid; or the
# database MONGODB_URI names, left as it is): the lib/ unit tests, the handler tests, the workers
# in CGI mode and the check for non-reentrant calls. `make check` runs all of them and more.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac

db_pid=""
dir=$(mktemp -d) || exit 1
cleanup() {
	[ -n "$db_pid" ] && kill "$db_pid" 2>/dev/null && wait "$db_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

if [ -z "${MONGODB_URI:-}" ]; then
	ferret=$ROOT/build/ferretdb-test
	[ -x "$ferret" ] || { echo "unit: $ferret is missing (run: make ferretdb)" >&2; exit 1; }
	mkdir -p "$dir/db"
	"$ferret" -dir "$dir/db" < /dev/null > "$dir/db.uri" 2> "$dir/ferretdb.log" &
	db_pid=$!
	for _ in $(seq 300); do [ -s "$dir/db.uri" ] && break; sleep 0.1; done
	MONGODB_URI=$(head -n 1 "$dir/db.uri")
	[ -n "$MONGODB_URI" ] || { echo "unit: the database did not start:" >&2; cat "$dir/ferretdb.log" >&2; exit 1; }
fi
export MONGODB_URI

failed=""
step() {
	local name=$1; shift
	echo "== $name"
	if ! "$@"; then failed="$failed $name"; fi
}
step unit env CK_FORK=yes "$BUILD/tests/check_lib"
step handlers env CK_FORK=yes TEMPLATE_DIR="$ROOT/templates" "$BUILD/tests/check_handlers"
step cgi tests/cgi-bin/test_cgi.sh "$BUILD"
step reentrant tests/tools/test_reentrant.sh
if [ -n "$failed" ]; then
	echo "unit: FAILED:$failed" >&2
	exit 1
fi
echo "unit: all passed"
