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
#
# Settings from the environment pass through: PORT (8080), RUN_DIR (./run), BUILD (./build),
# MONGODB_URI, JWT_SECRET (else generated once into $RUN_DIR/jwt_secret), TMDB_API_KEY,
# TMDB_READ_TOKEN, TMDB_BASE_URL, LOG_LEVEL, WORKER_THREADS, … (README.md lists them all), and
# MQ_AUTH_RATE, nginx's request rate for login/register (default 10r/s), and MQ_SEARCH_RATE and
# MQ_SEARCH_BURST, for search (default 20r/s, bursts of 40).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RUN_DIR=${RUN_DIR:-$ROOT/run}
case $RUN_DIR in /*) ;; *) RUN_DIR=$ROOT/$RUN_DIR ;; esac
PORT=${PORT:-8080}
WORKERS="auth users movies ratings watchlist genres tmdb admin health"
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

	if [ -z "${TMDB_API_KEY:-}${TMDB_READ_TOKEN:-}" ]; then
		: > "$RUN_DIR/tmdb.url"
		python3 "$ROOT/tests/tmdb-standin/standin.py" --port 0 < /dev/null > "$RUN_DIR/tmdb.url" 2>> "$RUN_DIR/log/tmdb-standin.log" &
		TMDB_PID=$!
		write_env
		TMDB_BASE_URL=$(first_line "$RUN_DIR/tmdb.url" 15) || die "the TMDB stand-in did not start (see $RUN_DIR/log/tmdb-standin.log)"
		# the stand-in wants a credential, as TMDB does; this one means nothing anywhere else
		export TMDB_READ_TOKEN=standin-read-token
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
	    -e "s|@CACHE_DIR@|$RUN_DIR/nginx/cache|g" -e "s|@TLS@||g" \
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
run)
	start
	# an empty catalogue gets TMDB's genres and a page of popular movies to show
	"$BUILD/marquee-sync" seed >> "$RUN_DIR/log/sync.log" 2>&1 || say "seeding the catalogue failed (see $RUN_DIR/log/sync.log)"
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
