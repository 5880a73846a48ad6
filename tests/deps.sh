#!/usr/bin/env bash
# deps.sh — `make deps`: installs the Debian/Ubuntu packages Marquee builds, runs and tests with
# (apt-get when root; otherwise prints the exact command), then builds the test database.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES="gcc make pkg-config libfcgi-dev libmongoc-dev libbson-dev libcjson-dev libcurl4-openssl-dev
libssl-dev libcrypt-dev libicu-dev liblapacke-dev libopenblas-dev check nginx-light libnginx-mod-nchan python3 ca-certificates openssl chromium
clang libclang-rt-dev valgrind wrk"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: installing$missing"
		export DEBIAN_FRONTEND=noninteractive
		# Debian's nginx package would start a system-wide nginx on port 80; the stack runs its
		# own on 127.0.0.1, so services are kept from starting while installing (policy-rc.d).
		local_policy=""
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
			local_policy=1
		fi
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing || { [ -n "$local_policy" ] && rm -f /usr/sbin/policy-rc.d; exit 1; }
		[ -n "$local_policy" ] && rm -f /usr/sbin/policy-rc.d
	else
		echo "deps: missing packages; run as root:" >&2
		echo "  apt-get update && apt-get install -y$missing" >&2
		exit 1
	fi
fi

if ! command -v go >/dev/null; then
	echo "deps: Go (>= 1.24, from go.dev or the Go module proxy's toolchains) is needed to build the test database" >&2
	exit 1
fi
# The browser tests: playwright-core from npm drives Debian's chromium, and axe-core checks the pages
# (both pinned by package-lock.json).
if ! command -v npm >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
	echo "deps: Node.js >= 20 with npm is needed for the browser tests (tests/browser)" >&2
	exit 1
fi
if [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ] || [ ! -d "$ROOT/tests/browser/node_modules/axe-core" ]; then
	(cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The OpenAPI lint and the /api/docs page: @redocly/cli (pinned by package-lock.json).
if [ ! -x "$ROOT/tests/openapi/node_modules/.bin/redocly" ]; then
	(cd "$ROOT/tests/openapi" && npm ci --no-audit --no-fund --loglevel=error)
fi
make -C "$ROOT" --no-print-directory ferretdb

echo "deps: ready"
