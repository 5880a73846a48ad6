#!/bin/sh
# marquee.cgi — runs the Marquee worker this file is named after (auth.cgi runs auth) with the
# settings of the environment file. Put one copy per worker in the web server's cgi-bin:
#   for w in auth users movies ratings watchlist genres people tmdb admin health; do
#       cp marquee.cgi $w.cgi; chmod 0755 $w.cgi
#   done
# Under Apache mod_cgi and nginx + fcgiwrap the worker answers one request as a plain CGI program
# and exits; under mod_fcgid (a listening socket on fd 0) it serves FastCGI until mod_fcgid stops
# it. The two paths are where `make install` put the workers and where the environment file is
# (make install PREFIX=… SYSCONFDIR=… fills them in); keep the file outside the document root.
MARQUEE_LIBEXEC=/usr/local/lib/marquee
MARQUEE_ENV=/etc/marquee/marquee.env

set -a
. "$MARQUEE_ENV" || exit 1
set +a
name=${0##*/}
exec "$MARQUEE_LIBEXEC/cgi-bin/${name%.*}"
