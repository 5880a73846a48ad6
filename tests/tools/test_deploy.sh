#!/bin/sh
# test_deploy.sh — the operations pieces: `make install` into a temporary DESTDIR (from the build
# already made in BUILD_DIR), the expected files, the production nginx site under `nginx -t`, the
# systemd units under `systemd-analyze verify` (when it exists), the shared-hosting wrapper, the
# man page, and `make uninstall` leaving nothing but empty directories.
# Usage: tests/tools/test_deploy.sh BUILD_DIR   (from the repository root; e.g. build)
set -u

build=${1:?usage: test_deploy.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/dest
prefix=/usr/local
share=$prefix/share/marquee
WORKERS="auth users movies ratings watchlist genres people tmdb admin health"
LC_ALL=C
export LC_ALL

fail() {
	echo "test_deploy: FAIL: $*" >&2
	exit 1
}
skip() {
	echo "test_deploy: skip: $*"
}

# ---- make install ----------------------------------------------------------------------------
# BUILD: the binaries already built there are installed (nothing is built into another dir).
make -C "$ROOT" --no-print-directory -o all install DESTDIR="$dest" PREFIX=$prefix BUILD="$build" \
	>"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; fail "make install exited $?"; }

for f in bin/marquee-sync lib/marquee/cgi-bin/auth share/marquee/sql/schema.json \
	share/marquee/templates/layout.mustache share/marquee/templates/static/site.js \
	share/marquee/templates/static/openapi.json \
	share/marquee/nginx/marquee.conf share/marquee/nginx/site.conf.in \
	share/marquee/nginx/snippets/tls.conf share/marquee/nginx/snippets/security-headers.conf \
	share/marquee/nginx/snippets/fastcgi-params.conf share/marquee/nginx/snippets/microcache.conf \
	lib/systemd/system/marquee@.socket lib/systemd/system/marquee@.service \
	lib/systemd/system/marquee.target lib/systemd/system/marquee-sync.service \
	lib/systemd/system/marquee-sync.timer lib/systemd/system/marquee-sync-changes.service \
	lib/systemd/system/marquee-sync-changes.timer lib/tmpfiles.d/marquee.conf \
	share/marquee/examples/marquee.env share/marquee/examples/crontab \
	share/marquee/examples/supervisord/marquee.conf share/marquee/examples/logrotate/marquee \
	share/marquee/examples/shared-hosting/htaccess share/marquee/examples/shared-hosting/marquee.cgi \
	share/marquee/examples/shared-hosting/nginx-fcgiwrap.conf share/man/man1/marquee-sync.1; do
	[ -s "$dest$prefix/$f" ] || fail "make install did not install $prefix/$f"
done
for w in $WORKERS; do
	[ -x "$dest$prefix/lib/marquee/cgi-bin/$w" ] || fail "worker $w not installed (or not executable)"
	# the examples name every worker
	grep -q "cgi-bin/$w --listen /run/marquee/$w.sock" "$dest$share/examples/supervisord/marquee.conf" ||
		fail "supervisord/marquee.conf has no program for $w"
	grep -q "marquee@$w.socket" "$dest$prefix/lib/systemd/system/marquee.target" ||
		fail "marquee.target does not want marquee@$w.socket"
done
[ -x "$dest$share/examples/shared-hosting/marquee.cgi" ] || fail "the shared-hosting wrapper is not executable"
# The installed binaries are the ones of BUILD_DIR.
cmp -s "$build/marquee-sync" "$dest$prefix/bin/marquee-sync" || fail "bin/marquee-sync differs from $build/marquee-sync"

# The production site file: TLS, the paths of the install, no placeholder left.
site=$dest$share/nginx/marquee.conf
grep -q '@[A-Z_]*@' "$site" && fail "marquee.conf still has a placeholder: $(grep -o '@[A-Z_]*@' "$site" | head -1)"
grep -q "listen 443 ssl;" "$site" || fail "marquee.conf does not listen on 443 ssl"
grep -q "include $share/nginx/snippets/tls.conf;" "$site" || fail "marquee.conf does not include tls.conf"
grep -q "unix:/run/marquee/auth.sock" "$site" || fail "marquee.conf does not pass to /run/marquee"
grep -q "return 301 https://" "$site" || fail "marquee.conf has no http-to-https redirect"
# Every variable the workers read is in the example environment file, with production values.
env=$dest$share/examples/marquee.env
for v in MONGODB_URI MARQUEE_DB TMDB_READ_TOKEN TMDB_API_KEY TMDB_BASE_URL TMDB_LANGUAGES TMDB_RATE \
	TMDB_CACHE_TTL TMDB_SYNC_PAGES JWT_SECRET JWT_TTL BCRYPT_COST MEDIA_DIR TEMPLATE_DIR PUBLIC_URL \
	NCHAN_PUBLISH_URL NCHAN_PUBLISH_SOCKET MAIL_SMTP_URL MAIL_FROM LOG_LEVEL WORKER_THREADS; do
	grep -q "^$v=" "$env" || fail "marquee.env does not set $v"
done
for v in $(sed -n 's/.*get("\([A-Z_]*\)", ctx).*/\1/p' "$ROOT/lib/core/config.c"); do
	grep -q "^#*$v=" "$env" || fail "marquee.env lacks $v, which lib/core/config.c reads"
done
grep -q "^TEMPLATE_DIR=$share/templates$" "$env" || fail "marquee.env: TEMPLATE_DIR is not the installed one"
grep -q "^NCHAN_PUBLISH_SOCKET=/run/marquee/nchan.sock$" "$env" || fail "marquee.env: NCHAN_PUBLISH_SOCKET"

# A prefix of one's own: the paths follow it everywhere, and no root is needed.
make -C "$ROOT" --no-print-directory -o all install DESTDIR="$tmp/own" PREFIX=/opt/mq SYSCONFDIR=/opt/mq/config \
	BUILD="$build" >"$tmp/own.log" 2>&1 || { cat "$tmp/own.log" >&2; fail "make install PREFIX=/opt/mq exited $?"; }
if grep -rl '/usr/local\|/etc/marquee' "$tmp/own/opt/mq" --exclude-dir=templates --exclude-dir=bin \
	--exclude-dir=cgi-bin >"$tmp/left" 2>/dev/null; then
	fail "with PREFIX=/opt/mq these still name /usr/local or /etc/marquee: $(tr '\n' ' ' <"$tmp/left")"
fi
grep -q '^ExecStart=/opt/mq/lib/marquee/cgi-bin/%i$' "$tmp/own/opt/mq/lib/systemd/system/marquee@.service" ||
	fail "marquee@.service does not follow PREFIX"

# ---- nginx -t of the production site ---------------------------------------------------------
# A copy whose paths point into $tmp (sockets, cache, snippets, a throwaway certificate), inside a
# minimal http block, so that no root is needed and nothing outside $tmp is touched.
if ! command -v nginx >/dev/null; then
	skip "nginx is not installed: the site file is not checked"
elif ! command -v openssl >/dev/null; then
	skip "openssl is not installed: the TLS site file is not checked"
else
	mkdir -p "$tmp/ngx/sock" "$tmp/ngx/cache" "$tmp/ngx/tmp" "$tmp/ngx/logs" "$tmp/ngx/snippets" "$tmp/ngx/ssl"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=marquee.test \
		-keyout "$tmp/ngx/ssl/privkey.pem" -out "$tmp/ngx/ssl/fullchain.pem" >"$tmp/openssl.log" 2>&1 ||
		{ cat "$tmp/openssl.log" >&2; fail "openssl could not make a test certificate"; }
	for f in "$dest$share"/nginx/snippets/*.conf; do
		sed -e "s|/etc/ssl/marquee/|$tmp/ngx/ssl/|g" "$f" >"$tmp/ngx/snippets/${f##*/}"
	done
	# nginx -t binds the listening sockets: free loopback ports instead of 443 and 80
	set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
	[ $# -eq 2 ] || fail "no free ports for nginx -t"
	sed -e "s|$share/nginx/snippets|$tmp/ngx/snippets|g" -e "s|/run/marquee|$tmp/ngx/sock|g" \
		-e "s|/var/cache/marquee/nginx|$tmp/ngx/cache|g" -e "s|listen 443 ssl;|listen 127.0.0.1:$1 ssl;|" \
		-e "s|listen 80;|listen 127.0.0.1:$2;|" "$site" >"$tmp/ngx/site.conf"
	grep -q 'listen 127.0.0.1:[0-9]* ssl;' "$tmp/ngx/site.conf" || fail "the site's listen 443 ssl was not found"
	sed -e "s|$share/nginx/snippets|$tmp/ngx/snippets|g" -e "s|listen 80;|listen 127.0.0.1:$2;|" \
		"$dest$share/examples/shared-hosting/nginx-fcgiwrap.conf" >"$tmp/ngx/fcgiwrap.conf"
	modules=""
	[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] &&
		modules="load_module /usr/lib/nginx/modules/ngx_nchan_module.so;"
	# nginx -t FILE: the file inside a minimal main configuration
	nginx_t() {
		cat >"$tmp/ngx/nginx.conf" <<EOF
$modules
pid $tmp/ngx/nginx.pid;
error_log $tmp/ngx/logs/error.log;
events { worker_connections 64; }
http {
    client_body_temp_path $tmp/ngx/tmp/body;
    fastcgi_temp_path     $tmp/ngx/tmp/fastcgi;
    proxy_temp_path       $tmp/ngx/tmp/proxy;
    uwsgi_temp_path       $tmp/ngx/tmp/uwsgi;
    scgi_temp_path        $tmp/ngx/tmp/scgi;
    access_log off;
    include $1;
}
EOF
		nginx -t -q -p "$tmp/ngx" -c "$tmp/ngx/nginx.conf" -e "$tmp/ngx/logs/error.log" >"$tmp/nginx.log" 2>&1
	}
	if [ -z "$modules" ]; then
		skip "libnginx-mod-nchan is not installed: the production site (nchan locations) is not checked"
	else
		nginx_t "$tmp/ngx/site.conf" || { cat "$tmp/nginx.log" >&2; fail "nginx -t rejects the production site (marquee.conf)"; }
		grep -q 'emerg\|crit' "$tmp/nginx.log" && { cat "$tmp/nginx.log" >&2; fail "nginx -t: errors"; }
	fi
	nginx_t "$tmp/ngx/fcgiwrap.conf" || { cat "$tmp/nginx.log" >&2; fail "nginx -t rejects shared-hosting/nginx-fcgiwrap.conf"; }
fi

# ---- systemd-analyze verify ------------------------------------------------------------------
# Copies of the installed units whose programs point into DESTDIR (verify checks they exist), with
# one instance of the template per worker.
if ! command -v systemd-analyze >/dev/null; then
	skip "systemd-analyze is not installed: the systemd units are not checked"
else
	units=$tmp/units
	mkdir -p "$units"
	for f in "$dest$prefix"/lib/systemd/system/*; do
		sed -e "s|=$prefix/|=$dest$prefix/|g" "$f" >"$units/${f##*/}"
	done
	args=""
	for w in $WORKERS; do
		ln -s 'marquee@.service' "$units/marquee@$w.service"
		ln -s 'marquee@.socket' "$units/marquee@$w.socket"
		args="$args $units/marquee@$w.service $units/marquee@$w.socket"
	done
	# shellcheck disable=SC2086
	systemd-analyze verify --man=no $args "$units/marquee.target" "$units/marquee-sync.service" \
		"$units/marquee-sync.timer" "$units/marquee-sync-changes.service" \
		"$units/marquee-sync-changes.timer" >"$tmp/verify.log" 2>&1
	rc=$?
	# warnings about this host (no systemd running, …) are not the units' fault; about them, they are
	if [ $rc -ne 0 ] || grep -q 'marquee' "$tmp/verify.log"; then
		cat "$tmp/verify.log" >&2
		fail "systemd-analyze verify (exit status $rc)"
	fi
fi

# ---- the shared-hosting wrapper runs a worker as CGI -----------------------------------------
# (tests/cgi-bin/test_cgi.sh runs every worker as CGI; this checks the wrapper's part.)
mkdir -p "$tmp/cgi"
printf 'JWT_SECRET=0123456789abcdef0123456789abcdef01234567\nTEMPLATE_DIR=%s\n' "$ROOT/templates" >"$tmp/cgi/marquee.env"
sed -e "s|^MARQUEE_LIBEXEC=.*|MARQUEE_LIBEXEC=$dest$prefix/lib/marquee|" -e "s|^MARQUEE_ENV=.*|MARQUEE_ENV=$tmp/cgi/marquee.env|" \
	"$dest$share/examples/shared-hosting/marquee.cgi" >"$tmp/cgi/health.cgi"
chmod 0755 "$tmp/cgi/health.cgi"
env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/api/v1/nope \
	"$tmp/cgi/health.cgi" </dev/null >"$tmp/cgi/out" 2>"$tmp/cgi/err"
head -1 "$tmp/cgi/out" | grep -q '^Status: 404 ' ||
	{ cat "$tmp/cgi/out" "$tmp/cgi/err" >&2; fail "marquee.cgi as health.cgi: want Status 404 for /api/v1/nope"; }

# ---- the man page ----------------------------------------------------------------------------
man1=$dest$prefix/share/man/man1/marquee-sync.1
if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww -z "$man1" >"$tmp/groff.log" 2>&1 && [ ! -s "$tmp/groff.log" ] ||
		{ cat "$tmp/groff.log" >&2; fail "groff warns about marquee-sync.1"; }
	groff -man -Tutf8 -P-cbou "$man1" 2>/dev/null | grep -q 'EXIT STATUS' || fail "marquee-sync.1 does not render"
elif command -v man >/dev/null; then
	man -l "$man1" 2>/dev/null | grep -q 'EXIT STATUS' || fail "marquee-sync.1 does not render"
else
	skip "neither groff nor man is installed: the man page is not rendered"
fi
# every command of the usage text has its entry
for c in $("$build/marquee-sync" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	grep -q "^\\\\fB$c\\\\fR\|^\.B $c\$\|^\.BI $c \|^\.BR $c " "$man1" || fail "marquee-sync.1 does not describe $c"
done

# ---- make uninstall --------------------------------------------------------------------------
make -C "$ROOT" --no-print-directory uninstall DESTDIR="$dest" PREFIX=$prefix BUILD="$build" \
	>"$tmp/uninstall.log" 2>&1 || { cat "$tmp/uninstall.log" >&2; fail "make uninstall exited $?"; }
left=$(find "$dest" ! -type d | head -5)
[ -z "$left" ] || fail "make uninstall left files: $left"
[ ! -d "$dest$share" ] || fail "make uninstall left $share"

echo "test_deploy: ok"
