#!/bin/sh
# test_render.sh — black-box check of marquee-render: one render with a partial, one error exit.
# Usage: tests/tools/test_render.sh path/to/marquee-render
set -u

bin=${1:?usage: test_render.sh path/to/marquee-render}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
	echo "test_render: FAIL: $*" >&2
	exit 1
}

mkdir -p "$tmp/tpl/partials"
printf '<h1>{{title}}</h1>\n{{> partials/list }}\n<p>{{{raw}}}</p>\n' >"$tmp/page.mustache"
printf '<ul>\n{{#films}}\n  <li>{{name}} ({{year}})</li>\n{{/films}}\n</ul>\n' \
	>"$tmp/tpl/partials/list.mustache"
printf '{"title":"A & B","raw":"<b>x</b>","films":[{"name":"Alien","year":1979},{"name":"Heat","year":1995}]}' \
	>"$tmp/data.json"
printf '<h1>A &amp; B</h1>\n<ul>\n  <li>Alien (1979)</li>\n  <li>Heat (1995)</li>\n</ul>\n<p><b>x</b></p>\n' \
	>"$tmp/want"

"$bin" "$tmp/page.mustache" "$tmp/data.json" "$tmp/tpl" >"$tmp/got" 2>"$tmp/err" ||
	fail "render exited $?: $(cat "$tmp/err")"
cmp -s "$tmp/got" "$tmp/want" || fail "unexpected output: $(cat "$tmp/got")"

# A compile error: exit status 1 and one "marquee-render: ..." line on stderr.
printf 'ok\n{{#films}}\n' >"$tmp/bad.mustache"
"$bin" "$tmp/bad.mustache" "$tmp/data.json" >"$tmp/got" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "compile error exited $rc, want 1"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "stderr is not one line: $(cat "$tmp/err")"
grep -q "^marquee-render: .*bad.mustache:2: unclosed section 'films'$" "$tmp/err" ||
	fail "unexpected message: $(cat "$tmp/err")"

echo "test_render: ok"
