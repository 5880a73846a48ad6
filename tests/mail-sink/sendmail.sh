#!/bin/sh
# sendmail.sh — a sendmail-compatible command for the tests: MAIL_SENDMAIL="…/sendmail.sh DIR -t"
# writes the message on standard input to DIR/<time>.eml (under a hidden name first) and exits 0.
# Options after DIR (-t, -i, -f …) are accepted and ignored: the recipients are in the headers.
set -eu
dir=$1
name=$(date +%s%N)-$$.eml
cat > "$dir/.$name"
mv "$dir/.$name" "$dir/$name"
