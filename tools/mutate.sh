#!/usr/bin/env bash
# Mutation testing by hand-written mutations (tools/mutations.txt): each is applied alone to the
# source, the tests named for it are built and run, and the source is restored. A mutation no
# test fails on is a survivor: the tests do not pin that number. Uses the release build (build/).
# Usage: tools/mutate.sh [MUTATIONS_FILE]   Exit status 1 when any mutation survives.
set -euo pipefail
cd "$(dirname "$0")/.."
list=${1:-tools/mutations.txt}
[[ -d build ]] || { echo "tools/mutate.sh: build/ is missing: run tools/test.sh --no-sanitizers first" >&2; exit 2; }
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<<"$1"; }
current=
restore() { [[ -n $current ]] && git checkout -q -- "$current"; current=; }
trap restore EXIT INT TERM
killed=0 survived=0 survivors=()
while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] && continue
  IFS='|' read -r file tests text replacement <<<"$(sed 's/ | /|/g' <<<"$line")"
  file=$(trim "$file") text=$(trim "$text") replacement=$(trim "$replacement")
  tests=$(trim "$tests")
  if [[ -n $(git status --porcelain -- "$file") ]]; then echo "tools/mutate.sh: $file has uncommitted changes" >&2; exit 2; fi
  count=$(MUT_TEXT="$text" python3 -c 'import os,sys; print(open(sys.argv[1]).read().count(os.environ["MUT_TEXT"]))' "$file")
  if [[ $count != 1 ]]; then echo "tools/mutate.sh: '$text' occurs $count times in $file" >&2; exit 2; fi
  current=$file
  MUT_TEXT="$text" MUT_NEW="$replacement" python3 -c 'import os,sys; p=sys.argv[1]; s=open(p).read(); open(p,"w").write(s.replace(os.environ["MUT_TEXT"], os.environ["MUT_NEW"]))' "$file"
  read -r -a targets <<<"$tests"
  [[ $tests == *test_cli* ]] && targets+=(aec)
  if ! cmake --build build -j2 --target "${targets[@]}" >/tmp/aec-mutate-build.log 2>&1; then
    echo "does not compile: $file: $text -> $replacement" >&2
    restore
    exit 2
  fi
  regex=$(sed -e 's/ \+/:|^/g' <<<"^$tests:")
  if (cd build && ctest -j2 -R "$regex" -LE long >/dev/null 2>&1); then
    survived=$((survived + 1))
    survivors+=("$file: $text -> $replacement")
    echo "SURVIVED  $file: $replacement"
  else
    killed=$((killed + 1))
    echo "killed    $file: $replacement"
  fi
  restore
done <"$list"
cmake --build build -j2 >/dev/null # back to the unmutated binaries
echo "$killed killed, $survived survived"
for s in "${survivors[@]}"; do echo "  survivor: $s"; done
((survived == 0))
