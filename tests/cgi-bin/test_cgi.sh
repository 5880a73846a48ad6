#!/bin/sh
# test_cgi.sh — the workers run as plain CGI programs: status lines, error shapes, bodies, config errors.
# Usage: tests/cgi-bin/test_cgi.sh BUILD_DIR   (from the repository root; e.g. build)
set -u

build=${1:?usage: test_cgi.sh BUILD_DIR}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

JWT=0123456789abcdef0123456789abcdef01234567   # 40 bytes
WORKERS="auth users movies ratings watchlist genres people tmdb admin health"
LC_ALL=C
export LC_ALL

fail() {
	echo "test_cgi: FAIL: $*" >&2
	if [ -s "$tmp/out" ]; then
		echo "--- stdout:" >&2
		tr -d '\r' <"$tmp/out" | head -c 2000 >&2
		echo >&2
	fi
	if [ -s "$tmp/err" ]; then
		echo "--- stderr:" >&2
		head -c 2000 "$tmp/err" >&2
	fi
	exit 1
}

for w in $WORKERS; do
	[ -x "$build/cgi-bin/$w" ] || fail "$build/cgi-bin/$w is missing (run make first)"
done

# cgi WORKER [NAME=value ...]: runs WORKER as CGI in a clean environment (no MONGODB_URI, no TMDB
# credentials) with stdin from $tmp/in, then splits the output into $tmp/head (header lines without
# CR) and $tmp/body and checks its framing: a Status line, header lines, a blank line, and exactly
# Content-Length bytes of body when there is one.
cgi() {
	w=$1
	shift
	[ -f "$tmp/in" ] || : >"$tmp/in"
	env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 "$@" \
		"$build/cgi-bin/$w" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	rm -f "$tmp/in"
	[ -s "$tmp/out" ] || fail "$w: no output at all (exit status $rc)"
	no_body=0
	for a in "$@"; do
		[ "$a" = REQUEST_METHOD=HEAD ] && no_body=1
	done
	# bytes up to and including the first empty line ("\r\n" alone)
	hlen=$(awk '{ n += length($0) + 1 } /^\r$/ { print n; found = 1; exit }
		END { if (!found) print -1 }' "$tmp/out")
	[ "$hlen" -ge 0 ] || fail "$w: no blank line ends the headers"
	head -c "$hlen" "$tmp/out" | tr -d '\r' | sed '/^$/d' >"$tmp/head"
	tail -c +"$((hlen + 1))" "$tmp/out" >"$tmp/body"
	head -1 "$tmp/head" | grep -Eq '^Status: [1-5][0-9][0-9] [A-Za-z]' ||
		fail "$w: the first line is not a Status line"
	if grep -v '^Status: ' "$tmp/head" | grep -Evq '^[A-Za-z0-9-]+: '; then
		fail "$w: a malformed header line"
	fi
	if grep -q '^Content-Length: ' "$tmp/head"; then
		want=$(sed -n 's/^Content-Length: //p' "$tmp/head")
		got=$(wc -c <"$tmp/body" | tr -d ' ')
		if [ "$no_body" -eq 1 ]; then
			[ "$got" -eq 0 ] || fail "$w: a HEAD response with a body"
		else
			[ "$got" -eq "$want" ] || fail "$w: Content-Length $want but a body of $got bytes"
		fi
	fi
	return 0
}

expect_status() {
	head -1 "$tmp/head" | grep -q "^Status: $1 " || fail "$2: want Status $1"
}

expect_header() {
	grep -q "^$1\$" "$tmp/head" || fail "$2: no header line \"$1\""
}

expect_body() {
	grep -q -- "$1" "$tmp/body" || fail "$2: the body lacks $1"
}

# The error shape of the API (README, "How a request flows"), every key.
expect_error_shape() {
	expect_header 'Content-Type: application/json; charset=utf-8' "$2"
	shape='^{"status":"error","statusCode":'"$1"',"message":"[^"]*","errors":\[.*\],'
	shape=$shape'"timestamp":"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:.]*Z","path":"'"$3"'"}$'
	expect_body "$shape" "$2"
}

# 1. /api/v1/health without a database: 503, the same shape, the database down.
cgi health REQUEST_METHOD=GET PATH_INFO=/api/v1/health
expect_status 503 "GET /api/v1/health"
expect_header 'Content-Type: application/json; charset=utf-8' "GET /api/v1/health"
expect_header 'Cache-Control: no-store' "GET /api/v1/health"
expect_body '"database":{"status":"down"' "GET /api/v1/health"
expect_body '"status":"unavailable"' "GET /api/v1/health"
[ -s "$tmp/body" ] || fail "GET /api/v1/health: empty body"

# HEAD: the headers and the length, no body.
cgi health REQUEST_METHOD=HEAD PATH_INFO=/api/v1/health
expect_status 503 "HEAD /api/v1/health"
grep -q '^Content-Length: [1-9]' "$tmp/head" || fail "HEAD /api/v1/health: no Content-Length"
[ ! -s "$tmp/body" ] || fail "HEAD /api/v1/health: a body"

# 2. An unknown API path: 404 in the error shape; path is what was requested, without the query.
cgi health REQUEST_METHOD=GET PATH_INFO=/api/v1/nope
expect_status 404 "GET /api/v1/nope"
expect_error_shape 404 "GET /api/v1/nope" /api/v1/nope
cgi health REQUEST_METHOD=GET PATH_INFO=/api/v1/nope REQUEST_URI='/api/v1/nope?x=1' QUERY_STRING=x=1
expect_error_shape 404 "GET /api/v1/nope?x=1" /api/v1/nope

# 3. A POST with a body to a GET-only path: 405 with Allow.
printf '{"a":1}' >"$tmp/in"
cgi health REQUEST_METHOD=POST PATH_INFO=/api/v1/health CONTENT_TYPE=application/json CONTENT_LENGTH=7
expect_status 405 "POST /api/v1/health"
expect_header 'Allow: GET, HEAD, OPTIONS' "POST /api/v1/health"
expect_error_shape 405 "POST /api/v1/health" /api/v1/health

# 4. Content-Length larger than the body: 400.
printf '{"a":1}' >"$tmp/in"
cgi health REQUEST_METHOD=POST PATH_INFO=/api/v1/health CONTENT_TYPE=application/json CONTENT_LENGTH=100
expect_status 400 "POST with a short body"
expect_error_shape 400 "POST with a short body" /api/v1/health
expect_body 'Content-Length' "POST with a short body"

# Content-Length that is not a number: 400 as well; over the cap: 413.
cgi health REQUEST_METHOD=POST PATH_INFO=/api/v1/health CONTENT_LENGTH=abc
expect_status 400 "Content-Length abc"
cgi health REQUEST_METHOD=POST PATH_INFO=/api/v1/health CONTENT_LENGTH=999999999
expect_status 413 "Content-Length 999999999"

# An unknown method: 405.
cgi health REQUEST_METHOD=BREW PATH_INFO=/api/v1/health
expect_status 405 "BREW /api/v1/health"

# 5. Every worker answers one CGI request when configured.
for w in $WORKERS; do
	cgi "$w" REQUEST_METHOD=GET PATH_INFO=/api/v1/_cgi_probe JWT_SECRET=$JWT TEMPLATE_DIR=templates
	head -1 "$tmp/head" | grep -q '^Status: 500 ' && fail "$w: answered 500 although configured"
	grep -q '"level":"error"' "$tmp/err" && fail "$w: logged an error"
done

# The movies worker renders the home page from templates/.
cgi movies REQUEST_METHOD=GET PATH_INFO=/ JWT_SECRET=$JWT TEMPLATE_DIR=templates
expect_status 200 "movies GET /"
expect_header 'Content-Type: text/html; charset=utf-8' "movies GET /"
expect_body '<html' "movies GET /"
expect_body 'This product uses the TMDB API but is not endorsed or certified by TMDB.' "movies GET /"

# 6. A worker that authenticates, without JWT_SECRET: a 500 for the client, the reason on stderr.
cgi auth REQUEST_METHOD=GET PATH_INFO=/api/v1/auth/me TEMPLATE_DIR=templates
expect_status 500 "auth without JWT_SECRET"
expect_error_shape 500 "auth without JWT_SECRET" /api/v1/auth/me
grep -q 'JWT_SECRET' "$tmp/err" || fail "auth without JWT_SECRET: stderr does not name JWT_SECRET"
grep -q 'JWT_SECRET' "$tmp/body" && fail "auth without JWT_SECRET: the client is told the configuration"

# A page path gets the HTML error page instead.
cgi auth REQUEST_METHOD=GET PATH_INFO=/login TEMPLATE_DIR=templates
expect_status 500 "auth /login without JWT_SECRET"
expect_header 'Content-Type: text/html; charset=utf-8' "auth /login without JWT_SECRET"

# A secret that is too short is a problem too.
cgi users REQUEST_METHOD=GET PATH_INFO=/api/v1/users/me JWT_SECRET=short TEMPLATE_DIR=templates
expect_status 500 "users with a short JWT_SECRET"
grep -q 'JWT_SECRET' "$tmp/err" || fail "users with a short JWT_SECRET: stderr does not name JWT_SECRET"

# --check-config: the same validation without a request.
env -i PATH="$PATH" JWT_SECRET=$JWT "$build/cgi-bin/health" --check-config >"$tmp/out" 2>"$tmp/err" </dev/null ||
	fail "health --check-config exited $?"
env -i PATH="$PATH" "$build/cgi-bin/auth" --check-config >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" -eq 78 ] || fail "auth --check-config without JWT_SECRET exited $rc, want 78"
grep -q 'JWT_SECRET' "$tmp/err" || fail "auth --check-config: stderr does not name JWT_SECRET"

# Templates that cannot be loaded make the configuration unusable just as much: the client gets
# a 500 too, not an empty response (which nginx turns into a 502).
env -i PATH="$PATH" REQUEST_METHOD=GET PATH_INFO=/ JWT_SECRET=$JWT TEMPLATE_DIR=/nonexistent/templates \
	"$build/cgi-bin/movies" </dev/null >"$tmp/out" 2>"$tmp/err"
grep -q 'templates' "$tmp/err" || fail "movies with a missing TEMPLATE_DIR: nothing on stderr"
head -1 "$tmp/out" | grep -q '^Status: 500 ' ||
	fail "movies with a missing TEMPLATE_DIR: want Status 500, got \"$(head -1 "$tmp/out" | tr -d '\r')\"" \
		"(an empty CGI response becomes nginx's 502)"

echo "test_cgi: ok"
