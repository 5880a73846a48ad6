#!/bin/sh
# build.sh OUT — builds the embedded FerretDB (main.go) against FerretDB v1.24.2 with one patch: a
# copy of the module from the module cache, patched, beside OUT, and a go.mod copy that replaces the
# module with it (the module cache and tests/ferretdb stay untouched; no FerretDB source is kept here).
#
# The patch: FerretDB's SQLite backend looks a document up by `_id` (find, update and delete by
# _id) with the SQL expression  _ferretdb_sjson->'$._id' = ?  but creates the collection's unique
# `_id` index on  _ferretdb_sjson->"_id".  The two mean the same JSON value, yet SQLite uses an
# expression index only for the very expression it was built on, so every such lookup scanned the
# whole table: 150 ms for one movie among 10,000 (13 ms per MB of the collection). Spelling the
# lookup as the index does makes it an index search (1 ms), for new and existing databases alike.
# The build stops if the line to patch is not where v1.24.2 has it (a FerretDB upgrade must look
# again).
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0
cd "$here"
go mod download github.com/FerretDB/FerretDB
work=$(cd "$(dirname "$out")" && pwd)/ferretdb-src
rm -rf "$work"
mkdir -p "$work"
cp -R "$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)" "$work/FerretDB"
chmod -R u+w "$work/FerretDB"
file=$work/FerretDB/internal/backends/sqlite/metadata/metadata.go
old="IDColumn = DefaultColumn + \"->'\$._id'\""
new='IDColumn = DefaultColumn + `->"_id"` // patched by tests/ferretdb/build.sh: the _id index'"'"'s own expression'
grep -qF "$old" "$file" || { echo "build.sh: $file no longer has: $old" >&2; exit 1; }
awk -v old="$old" -v new="$new" '{ i = index($0, old); if (i) $0 = substr($0, 1, i - 1) new substr($0, i + length(old)); print }' \
	"$file" > "$file.new"
mv "$file.new" "$file"
cp main.go go.mod go.sum "$work/"
cd "$work"
go mod edit -replace github.com/FerretDB/FerretDB=./FerretDB
go build -trimpath -o "$out" .
