#!/bin/sh
# measure.sh: every hostile input of issue 20 through a whole bmrkit
# process, with its wall time, peak RSS and exit status, as the table of
# the issue's closing note. Run from the repository's root:
#
#	sh testdata/hostile/measure.sh
#
# It builds bmrkit and internal/stress/hostilegen into a temporary folder,
# writes the inputs there (nothing into the repository) and removes them.
# Needs GNU time (/usr/bin/time, Debian package "time").
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/bmrkit" ./cmd/bmrkit
go build -o "$dir/hostilegen" ./internal/stress/hostilegen
gen() { "$dir/hostilegen" "$1" "$2" >"$dir/$3"; }
gen nested 4000000 nested.toml
gen inline 1300000 inline.toml
gen materials 8000 materials-8k.toml
gen materials 90000 materials-90k.toml
gen materials 1000 materials-1k.toml
gen unknown 100000 unknown.toml
gen history 100000 history.toml
gen steps 100000 steps-100k.toml
gen steps 2000 steps-2k.toml
gen steps 1 steps-1.toml
gen entries 25000 entries-25k.json
gen entries 300000 entries-300k.json
gen corrections 100000 corrections-100k.json
gen corrections 10000 corrections-10k.json
gen objstm 500 objstm.pdf
gen logrows 1000000 rows-1m.xlsx
mkfifo "$dir/fifo.toml"
b="$dir/bmrkit"
printf '%-44s %8s %10s %4s  %s\n' case seconds "peak RSS" exit "first line of the output"
run() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$dir/time" timeout 300 "$@" >"$dir/out" 2>&1 </dev/null || true
	set -- $(tail -n 1 "$dir/time")
	status=$(grep -o 'exited with non-zero status [0-9]*' "$dir/time" | grep -o '[0-9]*$' || echo 0)
	printf '%-44s %8s %7d MB %4s  %s\n' "$name" "$1" $(($2 / 1024)) "$status" "$(head -c 150 "$dir/out" | head -n 1)"
}
cd "$dir"
run "check: array nested 4,000,000 deep" "$b" check nested.toml
run "check: inline tables nested 1,300,000 deep" "$b" check inline.toml
run "check /dev/zero" "$b" check /dev/zero
run "check: 8,000 materials" "$b" check materials-8k.toml
run "check: 90,000 materials" "$b" check materials-90k.toml
run "check: 1,000 materials (the bound)" "$b" check materials-1k.toml
run "check: 100,000 unknown keys" "$b" check unknown.toml
run "check --json: 100,000 unknown keys" "$b" check --json unknown.toml
run "check: 100,000 history rows" "$b" check history.toml
run "render: 100,000 steps" "$b" render steps-100k.toml -o steps.pdf
run "render: 2,000 steps (one section's bound)" "$b" render steps-2k.toml -o steps.pdf
run "record render: 300,000 entries" "$b" record render steps-1.toml entries-300k.json -o tc.pdf --by Tester
run "record render: 25,000 entries (the bound)" "$b" record render steps-1.toml entries-25k.json -o tc.pdf --by Tester
run "record render: 100,000 corrections" "$b" record render steps-1.toml corrections-100k.json -o tc.pdf --by Tester
run "record render: 10,000 corrections (the bound)" "$b" record render steps-1.toml corrections-10k.json -o tc.pdf --by Tester
run "record check: 25,000 entries (the bound)" "$b" record check steps-1.toml entries-25k.json
run "record review: 25,000 entries (the bound)" "$b" record review steps-1.toml entries-25k.json -o rv.pdf --by Tester
run "record from-pdf: object stream of 500 MiB" "$b" record from-pdf steps-1.toml objstm.pdf --by Tester --at 2026-03-04T08:00:00Z -o r.json
run "xlsx import: 1,000,000 legacy rows" "$b" xlsx import rows-1m.xlsx --template "$OLDPWD/examples/legacy/buffer.toml" --map "$OLDPWD/examples/legacy/buffer-v3.toml" --by Tester --at 2026-03-04T08:00:00Z -o r.json
run "xlsx record: 300,000 entries" "$b" xlsx record entries-300k.json --template steps-1.toml -o r.xlsx
run "xlsx record: 25,000 entries (the bound)" "$b" xlsx record entries-25k.json --template steps-1.toml -o r.xlsx
run "check: a named pipe (FIFO)" "$b" check fifo.toml
