#!/usr/bin/env bash
# api.sh — `make fuzz-api`: Schemathesis (from PyPI, in a virtualenv under the build directory)
# against a stack of its own, with every check on, once signed in as a member and once as an
# admin, the stateful phase included. FUZZ_API_EXAMPLES (default 50) bounds the examples per
# operation. Fails when Schemathesis reports any failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
EXAMPLES=${FUZZ_API_EXAMPLES:-50}
VENV=$BUILD/schemathesis-venv
SCHEMATHESIS_VERSION=4.32.5
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
	python3 -m venv "$VENV"
	"$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
export RUN_DIR=$BUILD/fuzz-api-run PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export MQ_AUTH_RATE=100000r/s LOG_LEVEL=warn
rm -rf "$RUN_DIR"
trap 'BUILD=$BUILD "$ROOT/tests/stack.sh" stop >/dev/null 2>&1' EXIT
BUILD=$BUILD "$ROOT/tests/stack.sh" start >/dev/null
# shellcheck disable=SC1091
. "$RUN_DIR/stack.env"
sync() { MONGODB_URI=$MONGODB_URI TMDB_BASE_URL=$TMDB_BASE_URL TMDB_READ_TOKEN=fuzz "$BUILD/marquee-sync" "$@" >/dev/null; }
sync genres
sync popular --pages 1
sync movie 550
token() { # a new member's access token; an admin's when $1 is admin
	local email="fuzz-$1-$RANDOM$RANDOM@example.test" body
	body=$(curl -sf -H 'Content-Type: application/json' \
		-d "{\"email\":\"$email\",\"password\":\"correct horse\",\"name\":\"Fuzz $1\"}" "$BASE_URL/api/v1/auth/register")
	[ "$1" = admin ] && MONGODB_URI=$MONGODB_URI "$BUILD/marquee-sync" admin "$email" >/dev/null
	python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["token"])' <<< "$body"
}
failed=""
for role in member admin; do
	echo "== schemathesis as $role ($EXAMPLES examples per operation)"
	bearer=$(token "$role")
	# from the build directory: Schemathesis keeps its cache (.schemathesis/) where it runs; one
	# worker: with two threads, Hypothesis's source inspection once failed with its own runtime
	# error ("AST constructor recursion depth mismatch"), which is no finding about the API
	if ! (cd "$BUILD" && MQ_FUZZ_TOKEN=$bearer "$VENV/bin/schemathesis" --config-file "$ROOT/tests/fuzz/schemathesis.toml" \
		run "$ROOT/templates/static/openapi.json" --url "$BASE_URL/api/v1" --checks all \
		--phases examples,coverage,fuzzing,stateful -n "$EXAMPLES" --workers 1 --seed "${FUZZ_API_SEED:-1}" \
		--report junit,ndjson --report-dir "$BUILD/schemathesis-report/$role") > "$BUILD/fuzz-api-$role.log" 2>&1; then
		failed="$failed $role"
	fi
	sed -n '/SUMMARY/,$p' "$BUILD/fuzz-api-$role.log"
done
if [ -n "$failed" ]; then
	echo "fuzz-api: FAILED as:$failed (details in $BUILD/fuzz-api-*.log, reports in $BUILD/schemathesis-report/)" >&2
	exit 1
fi
echo "fuzz-api: no failures"
