#!/bin/sh
# test_reentrant.sh — the workers are threaded: no libc call that keeps state between calls or
# answers in a shared buffer may appear in lib/, cgi-bin/ or tools/ (use strtok_r, mq_strerror,
# gmtime_r/localtime_r, RAND_bytes, readdir on one thread's own DIR only, …). getenv is allowed
# only where the environment is read once, before any thread starts: lib/core/config.c (start-up)
# and lib/site/worker.c (the CGI mode, one request, no threads).
# Usage: tests/tools/test_reentrant.sh   (from anywhere)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1

calls='strtok|strerror|localtime|gmtime|asctime|ctime|rand|srand|random|srandom|drand48|lrand48|mrand48'
calls="$calls|getpwnam|getpwuid|getgrnam|getgrgid|gethostbyname|gethostbyaddr|inet_ntoa|strsignal"
calls="$calls|setlocale|tmpnam|ttyname|getlogin|crypt|ecvt|fcvt|gcvt|l64a|ptsname|hcreate|hsearch|getdate|setenv|putenv|unsetenv"
found=$(grep -nE "(^|[^A-Za-z0-9_.>])($calls)[[:space:]]*\(" lib/*/*.c lib/*/*.h cgi-bin/*.c tools/*.c |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')
getenv=$(grep -nE "(^|[^A-Za-z0-9_])getenv[[:space:]]*\(" lib/*/*.c cgi-bin/*.c tools/*.c | grep -vE '^lib/(core/config|site/worker)\.c:')
status=0
if [ -n "$found" ]; then
	echo "test_reentrant: non-reentrant calls in threaded code:" >&2
	printf "%s\n" "$found" >&2
	status=1
fi
if [ -n "$getenv" ]; then
	echo "test_reentrant: getenv outside start-up (lib/core/config.c) and the CGI mode (lib/site/worker.c):" >&2
	printf "%s\n" "$getenv" >&2
	status=1
fi
[ $status = 0 ] && echo "test_reentrant: no non-reentrant calls"
exit $status
