#!/usr/bin/env bash
# run.sh — `make fuzz`: runs each libFuzzer target named on the command line for FUZZ_SECONDS
# from its seeds, and fails when any finds a crash, a leak, undefined behaviour or a hang.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-30}
cd "$ROOT"
failed=""
for name in "$@"; do
	work=$BUILD/corpus/$name crashes=$BUILD/crashes/$name
	mkdir -p "$work" "$crashes"
	seeds=(tests/fuzz/corpus/"$name")
	# TMDB's own responses, read in place (never copied into the repository)
	if [ "$name" = tmdb ] && [ -d ../shared/fixtures/tmdb ]; then seeds+=(../shared/fixtures/tmdb); fi
	echo "== fuzz $name (${SECONDS_EACH} s)"
	if "$BUILD/fuzz/$name" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "$work" "${seeds[@]}" > "$BUILD/fuzz-$name.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$BUILD/fuzz-$name.log" | tail -2
	else
		failed="$failed $name"
		tail -n 40 "$BUILD/fuzz-$name.log"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: FAILED:$failed (inputs in $BUILD/crashes/)" >&2
	exit 1
fi
echo "fuzz: no findings"
