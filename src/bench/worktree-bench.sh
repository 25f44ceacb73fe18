#!/usr/bin/env bash
# What a git worktree adds to a code grind (create at HEAD, commit a change with its stat and patch, remove),
# p50/p95 per grind with WORKERS grinding at once: on a generated repository of 1,000 files, and on a clone of
# this project's own repository. Goal: <= 150 ms p50 at 1,000 files.
# Usage: src/bench/worktree-bench.sh [WORKERS] [GRINDS_PER_WORKER]   (compiles target/classes if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORKERS=${1:-8}
GRINDS=${2:-10}
[ -d target/classes/io/vivarium/code/git ] || ./mvnw -q -B -o compile
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 1,000 files of ~40 lines in 50 directories, one commit.
mkdir -p "$TMP/thousand"
(
  cd "$TMP/thousand"
  git init -q -b main
  for d in $(seq 1 50); do
    mkdir -p "pkg$d"
    for f in $(seq 1 20); do
      seq 1 40 | sed "s/^/line $d.$f./" > "pkg$d/file$f.txt"
    done
  done
  git add -A
  git -c user.name=bench -c user.email=bench@localhost commit -q -m "1,000 files"
)
git clone -q --no-hardlinks . "$TMP/self"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(git --version)"
echo "this project: $(git -C "$TMP/self" ls-files | wc -l) files"
java -cp target/classes src/bench/WorktreeBench.java "$TMP/thousand" "$WORKERS" "$GRINDS" "1,000-file repository"
java -cp target/classes src/bench/WorktreeBench.java "$TMP/self" "$WORKERS" "$GRINDS" "this project's repository"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
