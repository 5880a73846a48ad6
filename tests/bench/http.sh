#!/usr/bin/env bash
# http.sh — `make bench`: the site's HTTP throughput and latency under wrk, as a share of what a
# FastCGI hello-world behind nginx does on the same machine in the same run, and each worker's
# memory afterwards. A benchmark, not a test: it prints one table with the targets beside the
# figures and asserts nothing.
#
#   make bench                   10 s per endpoint (DURATION=10)
#   DURATION=60 make bench       the issue's reference run: 60 s per endpoint, 64 connections
#
# Starts a stack of its own (tests/stack.sh: fresh FerretDB, the TMDB stand-in, the nine workers,
# nginx) on a free 127.0.0.1 port, and beside it a second, minimal nginx on another free port
# (same worker_processes, access log and FastCGI parameters as the stack's) whose only location
# /__hello passes to tests/bench/hello.c. Syncs genres and movie 550 (and MOVIES synthetic movies
# when set: see the catalogue below), registers members, warms every endpoint once, then runs wrk
# (64 connections, --timeout 30s: nginx's fastcgi_read_timeout) against each in turn, with
# tests/bench/http.lua.
#
# Requests/s count 2xx/3xx answers; p50 and p99 come from wrk's own histogram; errors are the
# other answers plus socket errors and timeouts, and the statuses behind them are counted from
# nginx's access log. Anonymous catalogue GETs are answered by nginx's micro-cache once warm, so
# the movie JSON is also measured past it (no target). Login is bounded by bcrypt, so it is also
# compared with bcrypt alone (tests/bench/bcrypt.c: the stack's cost, the auth worker's thread
# count, nothing else running). The mixed scenario gives each connection its own member and wrk
# thread (http.lua). RSS is VmRSS of each build/cgi-bin/<worker> process of this stack after the
# warm-up and after the last run, with VmHWM (its peak).
#
# Settings: DURATION (seconds per endpoint, 10), MOVIES (synthetic movies besides 550, 0),
# WRK_THREADS (wrk threads, 2), LOG_LEVEL (the workers', info as in production), BUILD, PORT;
# WORKER_THREADS and BCRYPT_COST pass through to the workers as in tests/stack.sh. Needs wrk
# (Debian package `wrk`) and a C compiler.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BENCH=$ROOT/tests/bench
DURATION=${DURATION:-10}
WRK_THREADS=${WRK_THREADS:-2}
CONNECTIONS=64
MOVIES=${MOVIES:-0}
MIX_MEMBERS=$CONNECTIONS # the mixed scenario: one member per connection (http.lua)

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The default lib/core/config.c gives a setting, so the figures follow the code's own.
config_default() {
	sed -n "s/.*int_setting(\"$1\", get(\"$1\", ctx), \([0-9]*\),.*/\1/p" "$ROOT/lib/core/config.c"
}

case $DURATION in '' | *[!0-9]* | 0) die "DURATION must be a whole number of seconds" ;; esac
case $MOVIES in '' | *[!0-9]*) die "MOVIES must be a whole number" ;; esac
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
command -v nginx >/dev/null || die "nginx is missing (run: make deps)"
WORKER_THREADS=${WORKER_THREADS:-$(config_default WORKER_THREADS)}
BCRYPT_COST=${BCRYPT_COST:-$(config_default BCRYPT_COST)}
if [ -z "$WORKER_THREADS" ] || [ -z "$BCRYPT_COST" ]; then
	die "cannot read the WORKER_THREADS and BCRYPT_COST defaults from lib/core/config.c"
fi
export WORKER_THREADS BCRYPT_COST

# The hello-world worker and the bcrypt timer, built when missing or older than their source.
build_tool() { # build_tool NAME LIBRARY
	local src=$BENCH/$1.c bin=$BUILD/bench-$1
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		mkdir -p "$BUILD"
		"${CC:-cc}" -O2 -pthread "$src" "-l$2" -o "$bin" || die "building $bin failed"
	fi
}
build_tool hello fcgi
build_tool bcrypt crypt

export RUN_DIR=$BUILD/bench-http-run PORT=${PORT:-$(free_port)}
export MQ_AUTH_RATE=100000r/s MQ_SEARCH_RATE=100000r/s MQ_SEARCH_BURST=100000 LOG_LEVEL=${LOG_LEVEL:-info}
HELLO_PORT=$(free_port)
HELLO_DIR=$RUN_DIR/hello
WORK=$RUN_DIR/bench
RESULTS=$WORK/results.jsonl
HELLO_PID="" HELLO_NGINX_PID=""

cleanup() {
	local pid i
	for pid in $HELLO_NGINX_PID $HELLO_PID; do
		kill -TERM "$pid" 2>/dev/null || continue
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$pid" 2>/dev/null || true
	done
	BUILD=$BUILD "$ROOT/tests/stack.sh" stop >/dev/null 2>&1 || true
}
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/log" "$WORK" "$HELLO_DIR/tmp"
trap cleanup EXIT

echo "bench: starting the stack on 127.0.0.1:$PORT…" >&2
BUILD=$BUILD "$ROOT/tests/stack.sh" start > "$WORK/stack.log" 2>&1 || { cat "$WORK/stack.log" >&2; die "the stack did not start"; }
# shellcheck disable=SC1091
. "$RUN_DIR/stack.env"

# The hello-world: its worker, and an nginx like the stack's with one location to it.
"$BUILD/bench-hello" "$HELLO_DIR/hello.sock" "$WORKER_THREADS" < /dev/null > "$HELLO_DIR/hello.log" 2>&1 &
HELLO_PID=$!
NGINX_PROCESSES=$(sed -n 's/^worker_processes \([^;]*\);/\1/p' "$RUN_DIR/nginx/nginx.conf")
[ -n "$NGINX_PROCESSES" ] || die "no worker_processes in $RUN_DIR/nginx/nginx.conf"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat > "$HELLO_DIR/nginx.conf" <<CONF
# written by tests/bench/http.sh: the hello-world's nginx, configured as the stack's where it counts
$user_line
worker_processes $NGINX_PROCESSES;
daemon off;
pid $HELLO_DIR/nginx.pid;
error_log $HELLO_DIR/error.log warn;
events {
    worker_connections 512;
}
http {
    log_format mq_json escape=json '{"ts":"\$time_iso8601","request_id":"\$request_id",'
        '"method":"\$request_method","uri":"\$uri","status":\$status,"bytes":\$body_bytes_sent,'
        '"duration_s":\$request_time,"upstream_s":"\$upstream_response_time"}';
    access_log $HELLO_DIR/access.log mq_json;
    client_body_temp_path $HELLO_DIR/tmp/body;
    fastcgi_temp_path     $HELLO_DIR/tmp/fastcgi;
    proxy_temp_path       $HELLO_DIR/tmp/proxy;
    uwsgi_temp_path       $HELLO_DIR/tmp/uwsgi;
    scgi_temp_path        $HELLO_DIR/tmp/scgi;
    server {
        listen 127.0.0.1:$HELLO_PORT;
        server_name _;
        keepalive_timeout 30s;
        location = /__hello {
            include $ROOT/nginx/snippets/fastcgi-params.conf;
            fastcgi_pass unix:$HELLO_DIR/hello.sock;
        }
        location / {
            return 404;
        }
    }
}
CONF
i=0
until [ -S "$HELLO_DIR/hello.sock" ]; do
	sleep 0.1; i=$((i + 1))
	[ $i -lt 50 ] || die "the hello-world worker did not start (see $HELLO_DIR/hello.log)"
done
nginx -t -q -p "$HELLO_DIR" -c "$HELLO_DIR/nginx.conf" -e "$HELLO_DIR/error.log" || die "the hello-world nginx configuration is invalid"
nginx -p "$HELLO_DIR" -c "$HELLO_DIR/nginx.conf" -e "$HELLO_DIR/error.log" < /dev/null > "$HELLO_DIR/nginx.out" 2>&1 &
HELLO_NGINX_PID=$!
HELLO_URL=http://127.0.0.1:$HELLO_PORT/__hello
i=0
until curl -sf -o /dev/null "$HELLO_URL"; do
	sleep 0.1; i=$((i + 1))
	[ $i -lt 50 ] || die "the hello-world nginx did not answer (see $HELLO_DIR/error.log)"
done

# The catalogue: genres and 550 (a recorded movie), and MOVIES synthetic movies of the stand-in
# when asked for. On FerretDB (SQLite) a read by anything but _id scans the collection, so what
# reads movies slows down as the catalogue grows (201 movies: the movie JSON past the cache falls
# from ~1000 to ~15 req/s here); MongoDB's indexes make that go away.
echo "bench: syncing the catalogue…" >&2
syncs=("genres" "movie 550")
if [ "$MOVIES" -gt 0 ]; then
	curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "{\"movies\": $MOVIES}" \
		"${TMDB_BASE_URL%/3}/__control/synthetic" || die "the TMDB stand-in refused a synthetic catalogue"
	syncs+=("popular --pages $(( (MOVIES + 19) / 20 ))")
fi
for args in "${syncs[@]}"; do
	# shellcheck disable=SC2086 # $args is one command and its options
	MONGODB_URI=$MONGODB_URI MARQUEE_DB=$MARQUEE_DB TMDB_BASE_URL=$TMDB_BASE_URL TMDB_READ_TOKEN=standin-read-token \
		TMDB_RATE=1000 "$BUILD/marquee-sync" $args >> "$WORK/sync.log" 2>&1 ||
		die "marquee-sync $args failed (see $WORK/sync.log)"
done

# Members and warm-up: one member for the watchlist and login, one per connection for the mixed
# scenario; each endpoint answered once (2xx, else the figures would mean nothing).
echo "bench: registering members, warming up…" >&2
python3 - "$BASE_URL" "$WORK" "$MIX_MEMBERS" <<'PY'
import concurrent.futures, json, sys, time, urllib.error, urllib.request
base, work, mix = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return json.loads(raw) if raw and r.headers.get_content_type() == "application/json" else None
    except urllib.error.HTTPError as e:
        sys.exit(f"bench: warming up, {method} {path} answered {e.code}: {e.read()[:300]!r}")
stamp = time.time_ns()
password = "correct horse battery"
def register(name):
    email = f"{name}-{stamp}@example.test"
    return email, call("POST", "/api/v1/auth/register", body={"email": email, "password": password, "name": "Bench"})["data"]["token"]
email, token = register("bench")
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    mixed = [t for _, t in pool.map(register, [f"bench-mix{i}" for i in range(mix)])]
# the member's watchlist: 550 and the catalogue's first movies
ids = [550] + [m["tmdb_id"] for m in call("GET", "/api/v1/movies?limit=10")["data"] if m.get("tmdb_id") not in (None, 550)]
for movie in ids[:10]:
    call("POST", "/api/v1/watchlist", token, {"movie_id": movie})
for path in ["/api/v1/health", "/movies/550", "/api/v1/movies/550", "/api/v1/genres",
             "/api/v1/movies?genre=18&sort=rating&limit=20", "/api/v1/movies/search?q=fight"]:
    call("GET", path)
call("GET", "/api/v1/watchlist", token)
call("POST", "/api/v1/auth/login", body={"email": email, "password": password})
for t in mixed[:1]:
    for method, path in [("GET", "/api/v1/movies/550"), ("GET", "/api/v1/movies?genre=18&sort=rating&limit=20"),
                         ("PUT", "/api/v1/interactions/liked/550"), ("GET", "/api/v1/lists"),
                         ("GET", "/api/v1/watchlist"), ("DELETE", "/api/v1/interactions/liked/550")]:
        call(method, path, t)
open(f"{work}/token", "w").write(token + "\n")
open(f"{work}/mixed-tokens", "w").write("\n".join(mixed) + "\n")
open(f"{work}/login.json", "w").write(json.dumps({"email": email, "password": password}))
PY
TOKEN=$(cat "$WORK/token")

# serving PID: the process that serves for the supervising worker PID (stack.sh starts them --respawn).
serving() { local c; c=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || true; echo "${c%% *}"; }
# pid_of WORKER: its serving pid in this stack (stack.env's WORKERS and WORKER_PIDS are in the same order).
pid_of() {
	local names pids n
	read -r -a names <<< "$WORKERS"
	read -r -a pids <<< "$WORKER_PIDS"
	for n in "${!names[@]}"; do [ "${names[$n]}" = "$1" ] && { serving "${pids[$n]:-0}"; return 0; }; done
	die "no worker $1 in $RUN_DIR/stack.env"
}
# cpu_ticks PID: user + system time of all the process's threads, in clock ticks (/proc/PID/stat).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# rss_snapshot FILE: "NAME VmRSS VmHWM" (kB) of each worker process of this stack and of the hello-world.
rss_snapshot() {
	local names pids n w pid
	read -r -a names <<< "$WORKERS"
	read -r -a pids <<< "$WORKER_PIDS"
	names+=(hello-world) pids+=("$HELLO_PID")
	: > "$1"
	for n in "${!names[@]}"; do
		w=${names[$n]} pid=${pids[$n]:-}
		[ "$w" = hello-world ] || pid=$(serving "${pid:-0}")
		# argv[0], not /proc/PID/exe: a rebuild while the bench runs leaves exe "… (deleted)"
		if [ "$w" != hello-world ] && { [ -z "$pid" ] ||
			[ "$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | head -n 1)" != "$BUILD/cgi-bin/$w" ]; }; then
			die "pid ${pid:-?} is not this stack's $BUILD/cgi-bin/$w"
		fi
		awk -v w="$w" '/^VmRSS:/ {rss = $2} /^VmHWM:/ {hwm = $2} /^RssAnon:/ {anon = $2} END {print w, rss, hwm, anon}' \
			"/proc/$pid/status" >> "$1" ||
			die "$w (pid $pid) is gone"
	done
}

# measure LABEL CLASS ACCESS_LOG THREADS URL [VAR=value…]: one wrk run with http.lua (configured
# by the VAR=value pairs); appends its figures and the failing statuses of nginx's log to RESULTS.
measure() {
	local label=$1 class=$2 log=$3 threads=$4 url=$5
	shift 5
	echo "bench: $label (${DURATION} s)…" >&2
	local from workers_from=""
	from=$(stat -c %s "$log")
	for w in "$RUN_DIR"/log/*.log; do # where each worker's log stood: its request lines count "db"
		workers_from="$workers_from $w:$(stat -c %s "$w")"
	done
	env "$@" wrk -t"$threads" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s -s "$BENCH/http.lua" "$url" \
		> "$WORK/wrk.out" 2>&1 || { cat "$WORK/wrk.out" >&2; die "wrk failed on $url"; }
	python3 - "$label" "$class" "$log" "$from" "$WORK/wrk.out" $workers_from >> "$RESULTS" <<'PY'
import collections, json, sys
label, cls, log, start, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
# the database round trips of the requests that reached a worker (not nginx's micro-cache)
served = round_trips = 0
for spec in sys.argv[6:]:
    path, offset = spec.rsplit(":", 1)
    with open(path, "rb") as f:
        f.seek(int(offset))
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("event") == "request" and "db" in entry:
                served += 1
                round_trips += entry["db"]
figures = next((json.loads(l[len("BENCH_JSON "):]) for l in open(out) if l.startswith("BENCH_JSON ")), None)
if figures is None:
    sys.exit(f"bench: no figures from wrk for {label}:\n" + open(out).read())
failing = collections.Counter()
with open(log, "rb") as f:
    f.seek(start)
    for line in f:
        try:
            status = json.loads(line)["status"]
        except (ValueError, KeyError):
            continue
        # 499: nginx's note of a request still in flight when wrk closed its connections at
        # the end, which wrk neither waits for nor counts
        if not 200 <= status < 400 and status != 499:
            failing[str(status)] += 1
print(json.dumps({"label": label, "class": cls, **figures, "failing": failing,
                  "db_per_request": round_trips / served if served else None}))
PY
	sleep 1 # every connection closed before the next run (the stack allows 64 per address)
}

rss_snapshot "$WORK/rss-before"
: > "$RESULTS"
STACK_LOG=$RUN_DIR/log/nginx-access.log
measure "hello-world (nginx+FastCGI)" hello "$HELLO_DIR/access.log" "$WRK_THREADS" "$HELLO_URL"
measure "health" anon "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/health"
measure "movie page /movies/550" anon "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/movies/550"
measure "movie JSON" anon "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/movies/550"
# the same past nginx's micro-cache: what the movies worker itself serves (no target: informative)
measure "movie JSON, not micro-cached" nocache "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/movies/550" BENCH_NOCACHE=1
measure "genre list" anon "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/genres"
measure "movie list, filtered" anon "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/movies?genre=18&sort=rating&limit=20"
measure "search ?q=fight" anon "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/movies/search?q=fight"
measure "watchlist (signed in)" signed "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/watchlist" BENCH_TOKEN="$TOKEN"
# bcrypt alone, right before login so that both see the machine alike (it may be busy elsewhere)
BCRYPT_SECONDS=$(( DURATION < 5 ? DURATION : 5 ))
echo "bench: bcrypt alone (cost $BCRYPT_COST, $WORKER_THREADS threads, ${BCRYPT_SECONDS} s)…" >&2
read -r BCRYPT_RATE BCRYPT_CPU_MS < <("$BUILD/bench-bcrypt" "$BCRYPT_COST" "$WORKER_THREADS" "$BCRYPT_SECONDS") || true
[ -n "${BCRYPT_CPU_MS:-}" ] || die "$BUILD/bench-bcrypt gave no figures"
# The auth worker's CPU time per login as well (utime + stime of all its threads), which another
# job on the machine disturbs less than rates: counted until the worker is idle again, over every
# login it answered, those wrk left in flight at the end included.
auth_pid=$(pid_of auth)
log_from=$(stat -c %s "$STACK_LOG")
cpu0=$(cpu_ticks "$auth_pid")
# the connections' first logins spread over milliseconds, not one burst (http.lua: BENCH_RAMP)
measure "login" login "$STACK_LOG" "$WRK_THREADS" "$BASE_URL/api/v1/auth/login" \
	BENCH_METHOD=POST BENCH_BODY="$(cat "$WORK/login.json")" BENCH_RAMP=1
i=0
until [ "$(cpu_ticks "$auth_pid")" = "$(sleep 0.5; cpu_ticks "$auth_pid")" ] || [ $i -ge 120 ]; do i=$((i + 1)); done
LOGIN_CPU_MS=$(python3 - "$STACK_LOG" "$log_from" "$cpu0" "$(cpu_ticks "$auth_pid")" "$(getconf CLK_TCK)" <<'PY'
import json, sys
log, start, c0, c1, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
with open(log, "rb") as f:
    f.seek(start)
    logins = sum(1 for line in f if json.loads(line).get("uri") == "/api/v1/auth/login")
print(f"{(c1 - c0) * 1000 / hz / logins:.3f}" if logins else "0")
PY
)
# one wrk thread per connection: each connection's PUT and DELETE stay in order (http.lua)
measure "mixed read/write (signed in)" mixed "$STACK_LOG" "$CONNECTIONS" "$BASE_URL/" \
	BENCH_MIX=1 BENCH_TOKENS="$WORK/mixed-tokens"

# Memory after the last run, before anything else runs.
rss_snapshot "$WORK/rss-after"

python3 - "$RESULTS" "$WORK/rss-before" "$WORK/rss-after" "$BCRYPT_RATE" "$BCRYPT_CPU_MS" "$LOGIN_CPU_MS" "$BCRYPT_COST" "$WORKER_THREADS" "$DURATION" "$CONNECTIONS" \
	"$WRK_THREADS" "$NGINX_PROCESSES" "$LOG_LEVEL" "$MOVIES" <<'PY'
import json, os, sys
results_file, rss_before, rss_after, bcrypt, bcrypt_cpu, login_cpu, cost, threads, duration, conns, wrk_threads, nginx_procs, log_level, movies = sys.argv[1:]
bcrypt, bcrypt_cpu, login_cpu = float(bcrypt), float(bcrypt_cpu), float(login_cpu)
rows = [json.loads(l) for l in open(results_file)]
for r in rows:
    r["rps"] = (r["requests"] - r["status"]) / (r["duration_us"] / 1e6)  # 2xx/3xx answers only
    r["errors"] = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
hello = next(r for r in rows if r["class"] == "hello")["rps"]
targets = {"anon": 0.6, "signed": 0.3}
print(f"make bench: wrk, {conns} connections, {wrk_threads} threads ({conns} for the mixed scenario), {duration} s per row; "
      f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end")
print(f"  stack: nginx worker_processes {nginx_procs}, WORKER_THREADS {threads}, LOG_LEVEL {log_level}, BCRYPT_COST {cost}, "
      f"{int(movies) + 1} movie{'s' if int(movies) else ''} on FerretDB; anonymous GETs of the catalogue are nginx micro-cache hits once warm")
print("  req/s: 2xx/3xx answers per second; errors: other answers, socket errors and timeouts; "
      "p50/p99 of every answer")
print()
print("  db/req: database round trips per request that reached a worker (the workers' log; - : none did)")
head = f"{'endpoint':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'db/req':>7} {'x hello':>8}  target"
print(head)
print("-" * (len(head) + 18))
for r in rows:
    ratio = r["rps"] / hello
    cls = r["class"]
    if cls in targets:
        met = ratio >= targets[cls]
        note = f">= {targets[cls]:.1f}x hello: {'met' if met else 'MISSED'}"
    elif cls == "login":
        note = f"{r['rps'] / bcrypt:.2f}x bcrypt alone ({bcrypt:.1f}/s)"
    else:
        note = "(no target)" if cls in ("mixed", "nocache") else ""
    if r["errors"]:
        note = (note + "; " if note else "") + "errors: MISSED"
    db = "-" if r.get("db_per_request") is None else f"{r['db_per_request']:.1f}"
    print(f"{r['label']:<30} {r['rps']:>9.1f} {r['p50_us'] / 1000:>8.2f} {r['p99_us'] / 1000:>8.2f} {r['errors']:>7} {db:>7} {ratio:>8.2f}  {note}")
print()
errors = [r for r in rows if r["errors"]]
print(f"0 errors: {'met' if not errors else 'MISSED'}")
for r in errors:
    sock = {k: r[k] for k in ("connect", "read", "write", "timeout") if r[k]}
    statuses = ", ".join(f"{n} x {s}" for s, n in sorted(r["failing"].items()))
    parts = [p for p in (f"HTTP {statuses}" if statuses else "", f"socket {sock}" if sock else "") if p]
    hint = "  (429: nginx's limit_req for this location)" if "429" in r["failing"] else ""
    print(f"  {r['label']}: {r['errors']} of {r['requests']}: {'; '.join(parts)}{hint}")
print(f"login: bcrypt alone does {bcrypt:.1f} checks/s here (cost {cost}, {threads} threads, tests/bench/bcrypt.c), "
      f"{bcrypt_cpu:.1f} ms CPU each;")
if login_cpu:
    print(f"  the auth worker spends {login_cpu:.1f} ms CPU per login: bcrypt is {100 * bcrypt_cpu / login_cpu:.0f}% of it")
print()
print("RSS of each worker (VmRSS; peak: VmHWM; private: RssAnon, the part no other process shares), target < 10 MB;")
print("  VmRSS also counts the read-only pages of shared libraries each worker has touched, ICU's locale")
print("  data among them (4-6 MB in a worker that renders pages), which every worker shares with the others")
print(f"  {'worker':<12} {'after warm-up':>13} {'after the runs':>15} {'peak':>8} {'private':>9}")
before = {l.split()[0]: int(l.split()[1]) for l in open(rss_before)}
mb = lambda kb: int(kb) * 1024 / 1e6  # /proc's kB are KiB
over = []
for line in open(rss_after):
    name, rss, hwm, anon = line.split()
    if name != "hello-world" and mb(rss) >= 10:
        over.append(name)
    print(f"  {name:<12} {mb(before[name]):10.1f} MB {mb(rss):12.1f} MB {mb(hwm):5.1f} MB {mb(anon):6.1f} MB")
print(f"each worker < 10 MB RSS: {'met' if not over else 'MISSED (' + ', '.join(over) + ')'}")
PY
