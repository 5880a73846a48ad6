#!/bin/sh
# check-layers.sh LAYER... — the build's check of lib/'s architecture. The layers are named lowest
# first (the Makefile's LAYERS); a file in lib/<layer>/ may include headers of its own layer and of
# the layers before it, never of a later one. Every source file must sit in a layer's folder.
# Prints each breach as file:line and exits 1 when there is one.
cd "$(dirname "$0")" || exit 1
status=0
rank=0
known=" "
for layer in "$@"; do
	rank=$((rank + 1))
	eval "rank_$layer=$rank"
	known="$known$layer "
done
for f in *.c *.h; do
	[ -e "$f" ] && { echo "lib/$f: not in a layer's folder ($known)" >&2; status=1; }
done
for dir in */; do
	layer=${dir%/}
	case $known in *" $layer "*) ;; *) echo "lib/$layer/: not a layer ($known)" >&2; status=1; continue ;; esac
	eval "own=\$rank_$layer"
	for f in "$layer"/*.c "$layer"/*.h; do
		[ -e "$f" ] || continue
		grep -n '^#include "[a-z_]*/' "$f" | while IFS= read -r hit; do
			line=${hit%%:*}
			used=${hit#*\"}
			used=${used%%/*}
			eval "r=\${rank_$used:-}"
			if [ -z "$r" ]; then
				echo "lib/$f:$line: includes from $used/, which is not a layer" >&2
				echo x
			elif [ "$r" -gt "$own" ]; then
				echo "lib/$f:$line: $layer/ includes from $used/, a higher layer" >&2
				echo x
			fi
		done | grep -q x && status=1
	done
done
exit $status
