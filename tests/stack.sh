#!/usr/bin/env bash
# stack.sh — the whole Marquee stack on this machine, for `make run`, `make start`/`stop` and the
# black-box tests: database (MONGODB_URI, or the embedded FerretDB), TMDB (the real API when a
# credential is set, else the stand-in), a mail sink (unless MAIL_SMTP_URL or MAIL_SENDMAIL is set:
# tests/mail-sink/mailsink.py keeps every message in $RUN_DIR/mail), the nine FastCGI workers and
# nginx on 127.0.0.1:$PORT.
#
#   tests/stack.sh start   start in the background (idempotent); writes $RUN_DIR/stack.env
#   tests/stack.sh stop    stop exactly what start started, by pid
#   tests/stack.sh run     start, print the URL, stay in the foreground; Ctrl-C stops it all
#   tests/stack.sh status  print whether it runs
#   tests/stack.sh seed    seed the running stack's empty catalogue (the demo one when MQ_DEMO=1)
#
# Settings from the environment pass through: PORT (8080), RUN_DIR (./run), BUILD (./build),
# MONGODB_URI, JWT_SECRET (else generated once into $RUN_DIR/jwt_secret), TMDB_API_KEY,
# TMDB_READ_TOKEN, TMDB_BASE_URL, LOG_LEVEL, WORKER_THREADS, … (README.md lists them all), and
# MQ_AUTH_RATE, nginx's request rate for login/register (default 10r/s), and MQ_SEARCH_RATE and
# MQ_SEARCH_BURST, for search (default 20r/s, bursts of 40). MQ_DEMO=1 (what `make run` and
# `make start` set; the tests do not) with no TMDB credential: the stand-in serves its demo
# catalogue and start seeds it (MQ_DEMO_PAGES popular pages, default 26) with the demo members.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RUN_DIR=${RUN_DIR:-$ROOT/run}
case $RUN_DIR in /*) ;; *) RUN_DIR=$ROOT/$RUN_DIR ;; esac
PORT=${PORT:-8080}
WORKERS="auth users movies ratings watchlist genres people tmdb admin health"
STACK_ENV=$RUN_DIR/stack.env

say() { printf 'stack: %s\n' "$*" >&2; }
STARTING=0
# A failed start stops what it had started already (write_env records every pid at once).
die() { say "$*"; [ $STARTING = 1 ] && stop >/dev/null 2>&1; exit 1; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Waits up to $2 seconds for file $1 to have a first line; prints it.
first_line() {
	local file=$1 limit=$2 i=0
	while [ $i -lt $((limit * 10)) ]; do
		if [ -s "$file" ]; then head -n 1 "$file"; return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

http_status() {
	python3 - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print(0)
PY
}

is_running() {
	[ -f "$STACK_ENV" ] || return 1
	# shellcheck disable=SC1090
	( . "$STACK_ENV"; alive "$NGINX_PID" && [ "$(http_status "$BASE_URL/api/v1/health")" = 200 ] )
}

# TMDB's image upstream for nginx's /img/ cache, from TMDB's /configuration (secure_base_url and
# every size it lists); the stand-in's own image host when the stand-in is TMDB. Prints
# "ORIGIN PATH SIZES" (e.g. "https://image.tmdb.org /t/p/ w92|w154|…"); TMDB's long-standing
# values when the configuration cannot be read.
image_upstream() {
	python3 - "$TMDB_BASE_URL" "${TMDB_READ_TOKEN:-}" "${TMDB_API_KEY:-}" "${1:-}" <<'PY'
import json, re, sys, urllib.parse, urllib.request
base, token, key, standin = sys.argv[1:5]
origin, path = "https://image.tmdb.org", "/t/p/"
sizes = ["w45", "w92", "w154", "w185", "w300", "w342", "w500", "w780", "w1280", "h632", "original"]
try:
    url = base.rstrip("/") + "/configuration" + ("" if token else "?api_key=" + urllib.parse.quote(key))
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token} if token else {})
    images = json.load(urllib.request.urlopen(req, timeout=10))["images"]
    listed = sorted({s for k, v in images.items() if k.endswith("_sizes") for s in v
                     if isinstance(s, str) and re.fullmatch(r"[a-z0-9]{1,12}", s)})
    sizes = listed or sizes
    m = re.fullmatch(r"(https://[A-Za-z0-9.-]+(?::[0-9]+)?)(/[A-Za-z0-9/._-]*)", images.get("secure_base_url") or "")
    if m:
        origin, path = m.group(1), m.group(2).rstrip("/") + "/"
except Exception as e:  # offline, or TMDB down: the defaults, said once
    print(f"stack: TMDB's /configuration could not be read ({e}); image sizes are TMDB's usual ones", file=sys.stderr)
if standin:  # the stand-in's image host: http://127.0.0.1:PORT/t/p/
    origin, path = standin, "/t/p/"
print(origin, path, "|".join(sizes))
PY
}

DB_PID="" TMDB_PID="" MAIL_PID="" NGINX_PID="" WORKER_PIDS="" BASE_URL="" MAIL_DIR=""
write_env() {
	cat > "$STACK_ENV" <<ENV
# written by tests/stack.sh start; read by the black-box tests and \`make stop\`
# (MAIL_DIR: where the mail sink keeps the site's messages; empty with a real mail transport)
BASE_URL=$BASE_URL
PORT=$PORT
RUN_DIR=$RUN_DIR
MONGODB_URI=${MONGODB_URI:-}
MARQUEE_DB=${MARQUEE_DB:-marquee}
TMDB_BASE_URL=${TMDB_BASE_URL:-}
JWT_SECRET_FILE=$RUN_DIR/jwt_secret
DB_PID=$DB_PID
TMDB_PID=$TMDB_PID
MAIL_PID=$MAIL_PID
MAIL_DIR=$MAIL_DIR
NGINX_PID=$NGINX_PID
WORKER_PIDS="${WORKER_PIDS# }"
WORKERS="$WORKERS"
ENV
}

start() {
	if is_running; then
		say "already running ($(grep '^BASE_URL=' "$STACK_ENV" | cut -d= -f2-))"
		return 0
	fi
	[ -f "$STACK_ENV" ] && stop
	command -v nginx >/dev/null || die "nginx is not installed (run: make deps)"
	for w in $WORKERS; do [ -x "$BUILD/cgi-bin/$w" ] || die "$BUILD/cgi-bin/$w is missing (run: make)"; done

	mkdir -p "$RUN_DIR"/{log,sock,db,media,nginx/tmp}
	STARTING=1
	BASE_URL=http://127.0.0.1:$PORT
	write_env

	if [ -z "${JWT_SECRET:-}" ]; then
		if [ ! -s "$RUN_DIR/jwt_secret" ]; then
			(umask 077; python3 -c 'import secrets; print(secrets.token_hex(32))' > "$RUN_DIR/jwt_secret")
		fi
		JWT_SECRET=$(cat "$RUN_DIR/jwt_secret")
	fi
	export JWT_SECRET

	if [ -z "${MONGODB_URI:-}" ]; then
		local ferret=$ROOT/build/ferretdb-test
		[ -x "$ferret" ] || die "$ferret is missing (run: make ferretdb)"
		: > "$RUN_DIR/db.uri"
		"$ferret" -dir "$RUN_DIR/db" < /dev/null > "$RUN_DIR/db.uri" 2>> "$RUN_DIR/log/ferretdb.log" &
		DB_PID=$!
		write_env
		MONGODB_URI=$(first_line "$RUN_DIR/db.uri" 30) || die "the database did not start (see $RUN_DIR/log/ferretdb.log)"
	fi
	export MONGODB_URI

	local standin_images=""
	if [ -z "${TMDB_API_KEY:-}${TMDB_READ_TOKEN:-}" ]; then
		: > "$RUN_DIR/tmdb.url"
		local demo_flag=""
		[ "${MQ_DEMO:-0}" = 1 ] && demo_flag=--demo
		python3 "$ROOT/tests/tmdb-standin/standin.py" --port 0 $demo_flag < /dev/null > "$RUN_DIR/tmdb.url" 2>> "$RUN_DIR/log/tmdb-standin.log" &
		TMDB_PID=$!
		write_env
		TMDB_BASE_URL=$(first_line "$RUN_DIR/tmdb.url" 15) || die "the TMDB stand-in did not start (see $RUN_DIR/log/tmdb-standin.log)"
		# the stand-in wants a credential, as TMDB does; this one means nothing anywhere else
		export TMDB_READ_TOKEN=standin-read-token
		standin_images=${TMDB_BASE_URL%/3}
	fi
	export TMDB_BASE_URL=${TMDB_BASE_URL:-https://api.themoviedb.org/3}

	if [ -z "${MAIL_SMTP_URL:-}${MAIL_SENDMAIL:-}" ]; then
		MAIL_DIR=$RUN_DIR/mail
		mkdir -p "$MAIL_DIR"
		: > "$RUN_DIR/mail.url"
		python3 "$ROOT/tests/mail-sink/mailsink.py" --dir "$MAIL_DIR" --port 0 < /dev/null > "$RUN_DIR/mail.url" 2>> "$RUN_DIR/log/mailsink.log" &
		MAIL_PID=$!
		write_env
		MAIL_SMTP_URL=$(first_line "$RUN_DIR/mail.url" 15) || die "the mail sink did not start (see $RUN_DIR/log/mailsink.log)"
		export MAIL_SMTP_URL
	fi
	export MAIL_FROM=${MAIL_FROM:-marquee@localhost}
	local img_origin img_path img_sizes img_resolver=""
	read -r img_origin img_path img_sizes < <(image_upstream "$standin_images")
	# a host name is resolved when an image is asked for (site.conf.in): with resolv.conf's server
	if [ -z "$standin_images" ]; then
		img_resolver=$(awk '/^nameserver/ { print "resolver " ($2 ~ /:/ ? "[" $2 "]" : $2) " valid=300s;"; exit }' /etc/resolv.conf 2>/dev/null || true)
	fi
	export MEDIA_DIR=${MEDIA_DIR:-$RUN_DIR/media}
	export TEMPLATE_DIR=${TEMPLATE_DIR:-$ROOT/templates}
	export PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:$PORT}
	export MARQUEE_SYNC=${MARQUEE_SYNC:-$BUILD/marquee-sync}
	# live hints go to nginx's nchan publisher through its unix socket (nginx/site.conf.in)
	export NCHAN_PUBLISH_URL=${NCHAN_PUBLISH_URL:-http://localhost/pub}
	export NCHAN_PUBLISH_SOCKET=${NCHAN_PUBLISH_SOCKET:-$RUN_DIR/sock/nchan.sock}

	"$BUILD/marquee-sync" schema --file "$ROOT/sql/schema.json" >> "$RUN_DIR/log/sync.log" 2>&1 ||
		die "applying the schema failed (see $RUN_DIR/log/sync.log)"

	# --respawn: each recorded pid supervises the process that serves, and starts another if it dies
	for w in $WORKERS; do
		"$BUILD/cgi-bin/$w" --listen "$RUN_DIR/sock/$w.sock" --respawn < /dev/null >> "$RUN_DIR/log/$w.log" 2>&1 &
		WORKER_PIDS="$WORKER_PIDS $!"
	done
	write_env
	for w in $WORKERS; do
		local i=0
		until [ -S "$RUN_DIR/sock/$w.sock" ]; do
			sleep 0.1; i=$((i + 1))
			[ $i -lt 100 ] || die "worker $w did not start (see $RUN_DIR/log/$w.log)"
		done
	done

	local modules=""
	for m in /usr/lib/nginx/modules/ngx_nchan_module.so; do
		[ -f "$m" ] && modules="${modules}load_module $m;"
	done
	sed -e "s|@LISTEN@|127.0.0.1:$PORT|g" -e "s|@SOCK_DIR@|$RUN_DIR/sock|g" \
	    -e "s|@STATIC_DIR@|$ROOT/templates/static|g" -e "s|@MEDIA_DIR@|$MEDIA_DIR|g" \
	    -e "s|@SNIPPETS@|$ROOT/nginx/snippets|g" -e "s|@AUTH_RATE@|${MQ_AUTH_RATE:-10r/s}|g" \
	    -e "s|@SEARCH_RATE@|${MQ_SEARCH_RATE:-20r/s}|g" -e "s|@SEARCH_BURST@|${MQ_SEARCH_BURST:-40}|g" \
	    -e "s|@CACHE_DIR@|$RUN_DIR/nginx/cache|g" -e "s|@TLS@||g" -e "s|@IMG_ORIGIN@|$img_origin|g" \
	    -e "s|@IMG_PATH@|$img_path|g" -e "s#@IMG_SIZES@#$img_sizes#g" -e "s|@IMG_RESOLVER@|$img_resolver|g" \
	    "$ROOT/nginx/site.conf.in" > "$RUN_DIR/nginx/site.conf"
	local user_line=""
	[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
	sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LOAD_MODULES@|$modules|g" -e "s|@USER@|$user_line|g" \
	    -e "s|@SITE@|$RUN_DIR/nginx/site.conf|g" "$ROOT/nginx/dev.conf.in" > "$RUN_DIR/nginx/nginx.conf"
	nginx -t -q -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e "$RUN_DIR/log/nginx-error.log" ||
		die "the generated nginx configuration is invalid (see $RUN_DIR/nginx/nginx.conf)"
	nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e "$RUN_DIR/log/nginx-error.log" < /dev/null >> "$RUN_DIR/log/nginx-error.log" 2>&1 &
	NGINX_PID=$!
	write_env
	[ -s "$RUN_DIR/jwt_secret" ] || (umask 077; printf '%s\n' "$JWT_SECRET" > "$RUN_DIR/jwt_secret")

	local i=0
	until [ "$(http_status "$BASE_URL/api/v1/health")" = 200 ]; do
		sleep 0.2; i=$((i + 1))
		if [ $i -ge 100 ] || ! alive "$NGINX_PID"; then
			die "the stack did not become healthy (logs in $RUN_DIR/log)"
		fi
	done
	for pid in $WORKER_PIDS; do alive "$pid" || die "a worker exited at start (logs in $RUN_DIR/log)"; done
	STARTING=0
	say "running at $BASE_URL (logs in $RUN_DIR/log; stop with: make stop)"
	if [ "${MQ_DEMO:-0}" = 1 ] && [ -n "$TMDB_PID" ]; then seed || true; fi
}

# Seeds an empty catalogue: the demo one (MQ_DEMO=1, the stand-in as TMDB: MQ_DEMO_PAGES popular
# pages, top-rated, the demo members, the recommender), else TMDB's genres and two popular pages.
# Says what it did and where to look. Needs the stack's environment (start's, or stack.env's).
seed() {
	local log=$RUN_DIR/log/sync.log out src
	if [ "${MQ_DEMO:-0}" = 1 ] && [ -n "${TMDB_PID:-}" ]; then
		say "seeding the demo catalogue (a minute at most; log in $log)"
		out=$("$BUILD/marquee-sync" seed --pages "${MQ_DEMO_PAGES:-26}" --demo-members 2>> "$log") ||
			{ printf '%s\n' "$out" >> "$log"; say "seeding the demo catalogue failed (see $log)"; return 1; }
		printf '%s\n' "$out" >> "$log"
		local movies members
		movies=$(printf '%s\n' "$out" | sed -n 's/^marquee-sync seed: [0-9]* fetched, \([0-9]*\) new.*/\1/p')
		members=$(printf '%s\n' "$out" | sed -n 's/^marquee-sync seed: \([0-9]*\) demo members.*/\1/p')
		if [ -z "$members" ]; then
			say "the catalogue was seeded before: nothing to do"
		else
			say "demo catalogue: $movies movies, $members new demo members (no TMDB credential: TMDB is the stand-in)"
		fi
		say "demo members, password \"marquee-demo\": ada@demo.marquee.test (admin), babak@demo.marquee.test,"
		say "  chloe@demo.marquee.test, darius@demo.marquee.test"
		say "open $BASE_URL/ · sign in: $BASE_URL/login · admin: $BASE_URL/admin · API: $BASE_URL/api/docs"
	else
		if [ -n "${TMDB_PID:-}" ]; then src="the TMDB stand-in"; else src="TMDB ($TMDB_BASE_URL)"; fi
		say "seeding an empty catalogue from $src: genres and two popular pages (log in $log)"
		out=$("$BUILD/marquee-sync" seed 2>> "$log") ||
			{ printf '%s\n' "$out" >> "$log"; say "seeding the catalogue failed (see $log)"; return 1; }
		printf '%s\n' "$out" >> "$log"
		say "${out:-the catalogue was seeded before: nothing to do}"
		say "open $BASE_URL/"
	fi
}

stop() {
	[ -f "$STACK_ENV" ] || { say "not running"; return 0; }
	# shellcheck disable=SC1090
	. "$STACK_ENV"
	local all="$NGINX_PID $WORKER_PIDS $TMDB_PID ${MAIL_PID:-} $DB_PID"
	for pid in $all; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
	local i=0
	while [ $i -lt 50 ]; do
		local left=""
		for pid in $all; do alive "$pid" && left="$left $pid"; done
		[ -z "$left" ] && break
		sleep 0.1; i=$((i + 1))
	done
	for pid in $all; do
		if alive "$pid"; then say "pid $pid ignored SIGTERM; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
	done
	rm -f "$STACK_ENV" "$RUN_DIR"/sock/*.sock
	say "stopped"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) if is_running; then say "running"; else say "not running"; exit 1; fi ;;
seed)
	is_running || { say "not running (start it first)"; exit 1; }
	# shellcheck disable=SC1090
	. "$STACK_ENV"
	JWT_SECRET=$(cat "$JWT_SECRET_FILE")
	export MONGODB_URI MARQUEE_DB TMDB_BASE_URL JWT_SECRET
	if [ -n "$TMDB_PID" ]; then export TMDB_READ_TOKEN=standin-read-token; fi
	seed
	;;
run)
	# no TMDB credential: the demo catalogue, which start seeds; with one, TMDB's genres and two
	# popular pages
	export MQ_DEMO=${MQ_DEMO:-1}
	start
	if [ "$MQ_DEMO" != 1 ] || [ -z "$TMDB_PID" ]; then seed || true; fi
	trap 'stop; exit 0' INT TERM
	# shellcheck disable=SC1090
	. "$STACK_ENV"
	say "press Ctrl-C to stop"
	while alive "$NGINX_PID"; do sleep 1; done
	say "nginx exited; stopping the rest"
	stop
	;;
*) echo "usage: $0 start|stop|run|status" >&2; exit 2 ;;
esac
