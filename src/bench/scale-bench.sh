#!/usr/bin/env bash
# The scale benchmark: the workspace files store at 10,000, 50,000 and 100,000 tasks beside db-scheduler on SQLite
# WAL, in one session; prints the figure of every goal the store has and one markdown table of them all.
#
# For each size N, W workers (default 8), empty grinds, the JVM's default flags for Vivarium:
#   throughput  RUNS x `java -jar JAR start W -w WS` over a queue.json of N tasks written by MakeQueue: tasks/s from
#               the execution log's first start to its last completion (BenchReport), wall time from JVM start to
#               exit (final status included), peak RSS (VmHWM).
#   peer        after each Vivarium run, one run of the peers harness (PEERS_JAR: db-scheduler 16.12 on SQLite,
#               journal_mode=WAL, synchronous=NORMAL, -Xmx1g as that harness is run) with the same N and W, its
#               SQLite file on the same disk as the workspace. The two alternate run by run because this machine's
#               figures swing 2-3x from one minute to the next: interleaved, both meet the same weather. Without
#               PEERS_JAR the peer is skipped, with a note.
#   admin       on a workspace of N completed tasks (the last throughput run's, or MakeQueue's when no run of this
#               size finished) with `serve --workers 0` running on it: wall time of `add` (one more task),
#               `status` and `curl GET /status`, ADMIN_RUNS rounds, JVM start included.
#   pickup      the same workspace, `start W` kept running by one long task: PICKUP_SAMPLES `add`s from other
#               processes, a random gap apart; delay to each claim's started_at from the add's created_at (stamped
#               under the workspace lock just before its commit: an upper bound) and from the moment its "Added"
#               line came out (printed once the commit returned: a lower bound, like the peer's enqueue return):
#               p50, p90. Not from the add process's exit: its JVM takes longer to end than the pool to claim.
#   serve       `serve` with its default workers over a fresh queue of N tasks, GET /status polled until nothing
#               is pending or in progress: peak RSS, wall time, tasks/s.
# A Vivarium run that passes MAX_SECONDS is stopped with SIGTERM and reported with what it finished (marked *), so
# a slow build still gives its memory and a rate. Raw lines (one per measurement, each with the load average) go
# to target/scale-bench/<stamp>.jsonl, the table to <stamp>.md, every process's output to <stamp>-logs/.
#
# Usage: [JAR=target/vivarium.jar] [LABEL="what the jar is"] [PEERS_JAR=path/to/peers.jar]
#        [SIZES="10000 50000 100000"] [RUNS=3] [WORKERS=8] [PHASES="throughput peer admin pickup serve"]
#        [ADMIN_RUNS=5] [PICKUP_SAMPLES=30] [MAX_SECONDS=900] src/bench/scale-bench.sh
#        src/bench/scale-bench.sh --table target/scale-bench/<stamp>.jsonl [more.jsonl ...]   (reprints the table)
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/bench/bench-lib.sh

print_table() { # jsonl files...
  python3 - "$@" <<'PY'
import json, statistics, sys

rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
sessions = [r for r in rows if r["what"] == "session"]
sizes = sorted({r["n"] for r in rows if "n" in r})
has_peer = any(r["what"] == "peer" and "result" in r for r in rows)
notes = []

def of(what, n):
    return [r for r in rows if r["what"] == what and r.get("n") == n]

def num(v, digits):
    return f"{v:,.{digits}f}"

def cell(values, digits=0, star=False, prefix=""):
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return "–"
    s = prefix + num(statistics.median(values), digits)
    if len(values) > 1:
        s += f" ({num(min(values), digits)}–{num(max(values), digits)})"
    return s + ("\\*" if star else "")

def viv(what, key, digits=0):
    out = []
    for n in sizes:
        rs = of(what, n)
        star = any(r.get("timed_out") for r in rs)
        vals = []
        for r in rs:
            v = r.get(key)
            vals += v if isinstance(v, list) else [v]
        out.append(cell(vals, digits, star, "≥ " if star and key == "peak_rss_mb" else ""))
    return out

def peer(key, digits=0):
    if not has_peer:
        return []
    return [cell([r["result"].get(key) for r in of("peer", n) if "result" in r], digits) for n in sizes]

def ratio(values_by_n):
    meds = [statistics.median(v) if v else None for v in values_by_n]
    base = meds[0]
    return ["–" if m is None or not base else f"{(m / base - 1) * 100:+.0f}%" for m in meds]

viv_rates = [[r["tasks_per_s"] for r in of("throughput", n) if isinstance(r.get("tasks_per_s"), (int, float))] for n in sizes]
peer_rates = [[r["result"]["process_jobs_per_s"] for r in of("peer", n) if "result" in r and "process_jobs_per_s" in r["result"]] for n in sizes]
workers = next((s["workers"] for s in sessions), 8)
empty = lambda: ["–"] * len(sizes) if has_peer else []

table = [
    ("throughput, tasks/s", viv("throughput", "tasks_per_s"), peer("process_jobs_per_s"),
     "≥ 10,000 at 10k; ≥ 8,000 at 100k; above the peer at both"),
    (f"throughput vs {sizes[0]:,}" if sizes else "throughput vs smallest", ratio(viv_rates), ratio(peer_rates) if has_peer else [],
     "100k within 20% of 10k"),
    (f"`start {workers}` wall time, s", viv("throughput", "wall_s", 1), peer("process_s", 1) and
     [c + "†" if c != "–" else c for c in peer("process_s", 1)], ""),
    (f"`start {workers}` peak RSS, MB", viv("throughput", "peak_rss_mb"), [c + "‡" if c != "–" else c for c in peer("peak_rss_mb")],
     "≤ 400 MB at 100k"),
    ("`add` into the full queue, ms", viv("admin", "add_ms"), empty(), "≤ 1,000 ms at 100k"),
    ("`status`, ms", viv("admin", "status_ms"), empty(), "≤ 500 ms at 100k"),
    ("`curl GET /status` (`serve --workers 0`), ms", viv("admin", "get_status_ms"), empty(), "≤ 1,000 ms at 100k"),
    ("`serve` peak RSS working the queue, MB", viv("serve", "peak_rss_mb"), empty(), "≤ 500 MB at 100k"),
    ("pickup p50 from the add's created_at, ms", viv("pickup", "p50_ms", 1), empty(), "≤ 10 ms from the commit"),
    ("pickup p90 from the add's created_at, ms", viv("pickup", "p90_ms", 1), empty(), ""),
    ("pickup p50 from the add's \"Added\" line, ms", viv("pickup", "after_p50_ms", 1), peer("latency_p50_ms", 1), "(a lower bound)"),
    ("pickup p90 from the add's \"Added\" line, ms", viv("pickup", "after_p90_ms", 1), empty(), ""),
    ("pickup p99 from the add's \"Added\" line, ms", viv("pickup", "after_p99_ms", 1), peer("latency_p99_ms", 1), ""),
]

for s in sessions:
    print(f"Session {s['stamp']}: {s.get('label', s['jar'])}: `{s['jar']}` (sha256 {s['jar_sha256'][:12]}, dated {s.get('jar_built', '?')}; checkout {s['git']}), {s['java']}, {s['cores']} cores, "
          f"phases {s['phases']}, {s['runs']} run(s) per size, {s['workers']} workers; peer: {s['peer']}")
print()
head = ["measure"] + [f"Vivarium {n:,}" for n in sizes]
if has_peer:
    head += [f"db-scheduler SQLite WAL {n:,}" for n in sizes]
head += ["goal"]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for label, v, p, goal in table:
    if all(c == "–" for c in v + p):
        continue  # a phase this session did not run
    print("| " + " | ".join([label] + v + p + [goal]) + " |")
print()
print("Median over runs (min–max when more than one). Vivarium: tasks/s from the log's first start to its last "
      "completion, wall time and RSS of the whole `java -jar` (default JVM flags); admin and pickup on a workspace "
      "of N completed tasks; pickup from another process's `add` to the claim's started_at, measured from the task's "
      "created_at (stamped just before the add's commit) and from its \"Added\" line (printed after it): the delay "
      "from the commit lies between the two; a negative figure is a claim made before the adding JVM got to print.")
if has_peer:
    print("db-scheduler: the peers harness (`-Xmx1g`), tasks/s from the scheduler's start call to the N-th job body; "
          "† that processing time, not the JVM's (enqueue and probes excluded); ‡ the whole run's JVM, `-Xmx1g`; "
          "pickup over 50 probes from the enqueue call's return to the job body, in the same JVM (p99 = max).")
print(f"Workers: {workers} for `start` and the peer; `serve` with its default pool.")
for what in ("throughput", "serve"):
    for r in rows:
        if r["what"] == what and r.get("timed_out"):
            notes.append(f"\\* {what} {r['n']:,} run {r.get('run', 1)}: stopped after {r['wall_s']:.0f} s with "
                         f"{r.get('completed', 0):,} of {r['n']:,} completed; RSS is a floor, tasks/s the rate so far.")
for r in rows:
    if r["what"] == "admin" and r.get("source") == "generated":
        notes.append(f"admin and pickup at {r['n']:,}: no run of that size finished, so the workspace of N completed tasks was written by MakeQueue.")
    if r["what"] == "peer" and "error" in r:
        notes.append(f"peer {r['n']:,} run {r['run']}: {r['error']}")
    if r["what"] == "peer" and "result" in r and ("timed_out" in r["result"] or "error" in r["result"]):
        notes.append(f"peer {r['n']:,} run {r['run']}: {r['result'].get('timed_out') or r['result'].get('error')}")
if not has_peer:
    notes.append("peer: " + (sessions[0]["peer"] if sessions else "not run") + ".")
for note in notes:
    print("- " + note)

def med(vals):
    vals = [v for v in vals if isinstance(v, (int, float))]
    return statistics.median(vals) if vals else None

def at(what, n, key):
    vals = []
    for r in of(what, n):
        v = r.get(key)
        vals += v if isinstance(v, list) else [v]
    return med(vals), any(r.get("timed_out") for r in of(what, n))

def check(label, value, ok, unit=""):
    if value is None:
        print(f"- {label}: not measured")
    else:
        print(f"- {label}: {'met' if ok(value) else 'NOT met'} ({num(value, 1 if value < 100 else 0)}{unit})")

print()
print("Goals:")
small, big = (10000 if 10000 in sizes else None), (100000 if 100000 in sizes else None)
rate_small = at("throughput", small, "tasks_per_s")[0]
rate_big, big_cut = at("throughput", big, "tasks_per_s")
check("≥ 10,000 tasks/s at 10,000", rate_small, lambda v: v >= 10000, "/s")
cut_note = " (run cut short: the rate so far)" if big_cut else ""
check("≥ 8,000 tasks/s at 100,000" + cut_note, rate_big, lambda v: v >= 8000, "/s")
check("100,000 within 20% of 10,000" + cut_note, rate_big / rate_small * 100 if rate_small and rate_big else None,
      lambda v: v >= 80, "% of the 10,000 figure")
for n in (small, big):
    p = med([r["result"].get("process_jobs_per_s") for r in of("peer", n) if "result" in r])
    r = at("throughput", n, "tasks_per_s")[0]
    label = f"above the peer at {n:,}" if n else "above the peer (size not measured)"
    if p is None or r is None:
        print(f"- {label}: not measured")
    else:
        print(f"- {label}: {'met' if r > p else 'NOT met'} ({num(r, 0)} vs {num(p, 0)} tasks/s)")
for key, label, goal in (("add_ms", "add", 1000), ("status_ms", "status", 500), ("get_status_ms", "GET /status", 1000)):
    check(f"{label} ≤ {goal:,} ms at 100,000", at("admin", big, key)[0], lambda v, goal=goal: v <= goal, " ms")
rss, cut = at("throughput", big, "peak_rss_mb")
check(f"start {workers} peak RSS ≤ 400 MB at 100,000" + (" (run cut short: a floor)" if cut else ""), rss, lambda v: v <= 400, " MB")
rss, cut = at("serve", big, "peak_rss_mb")
check("serve peak RSS ≤ 500 MB at 100,000" + (" (run cut short: a floor)" if cut else ""), rss, lambda v: v <= 500, " MB")
p50 = [at("pickup", n, "p50_ms")[0] for n in sizes if at("pickup", n, "p50_ms")[0] is not None]
check("pickup p50 ≤ 10 ms at the worst size, from created_at (an upper bound)", max(p50) if p50 else None, lambda v: v <= 10, " ms")
PY
}

if [[ "${1:-}" == "--table" ]]; then
  shift
  print_table "$@"
  exit 0
fi

SIZES=${SIZES:-"10000 50000 100000"}
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-8}
PHASES=${PHASES:-"throughput peer admin pickup serve"}
ADMIN_RUNS=${ADMIN_RUNS:-5}
PICKUP_SAMPLES=${PICKUP_SAMPLES:-30}
MAX_SECONDS=${MAX_SECONDS:-900}
PEERS_JAR=${PEERS_JAR:-}
ensure_jar

# Workspaces live beside the build, on the project's disk: /tmp can be a different (and slower) place.
OUT=target/scale-bench
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$OUT/$STAMP.jsonl"
LOGS="$OUT/$STAMP-logs"
WS_ROOT="$OUT/ws-$STAMP"
# On any exit, Ctrl-C included, no JVM of this session is left running and no workspace is left behind.
trap 'kill -TERM $(jobs -p) 2>/dev/null || true; rm -rf "$WS_ROOT"' EXIT
mkdir -p "$LOGS" "$WS_ROOT" "$OUT/classes"
javac -d "$OUT/classes" src/bench/MakeQueue.java src/bench/BenchReport.java
tool() { java -cp "$OUT/classes" "$@"; }

has_phase() { [[ " $PHASES " == *" $1 "* ]]; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
emit() { echo "$1" >> "$RESULTS"; }
json_list() { local IFS=,; echo "[$*]"; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }'; }
field() { local v; v=$(json_number "$1"); echo "${v:-null}"; } # key: a number from the JSON on stdin, or null

peer_note="skipped: PEERS_JAR is not set"
if has_phase peer && [ -n "$PEERS_JAR" ]; then
  [ -f "$PEERS_JAR" ] || { echo "PEERS_JAR=$PEERS_JAR: no such file" >&2; exit 2; }
  peer_note="db-scheduler on SQLite WAL ($(basename "$PEERS_JAR"))"
elif ! has_phase peer; then
  peer_note="not in PHASES"
fi
git_rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
LABEL=${LABEL:-$JAR}
emit "$(printf '{"what":"session","stamp":"%s","label":"%s","jar":"%s","jar_built":"%s","jar_sha256":"%s","git":"%s","java":"%s","cores":%d,"runs":%d,"workers":%d,"sizes":"%s","phases":"%s","peer":"%s","max_seconds":%d}' \
  "$STAMP" "$LABEL" "$JAR" "$(date -u -r "$JAR" +%Y-%m-%dT%H:%M:%SZ)" "$(sha256sum "$JAR" | cut -c1-64)" "$git_rev" "$(java -version 2>&1 | head -1 | tr -d '"')" "$(nproc)" \
  "$RUNS" "$WORKERS" "$SIZES" "$PHASES" "$peer_note" "$MAX_SECONDS")"
echo "== scale bench $STAMP: $LABEL: $JAR (checkout $git_rev), sizes $SIZES, $RUNS run(s), $WORKERS workers; peer: $peer_note"

completed_ws() { # n: a workspace holding n completed tasks, for admin and pickup; prints "path source"
  local n=$1 ws="$WS_ROOT/done-$1"
  if [ -d "$WS_ROOT/last-$n" ]; then
    mv "$WS_ROOT/last-$n" "$ws"
    echo "$ws run"
  else
    rm -rf "$ws"; mkdir -p "$ws"
    tool MakeQueue "$n" > "$ws/queue.json"
    tool MakeQueue "$n" --completed-log > "$ws/execution_log.json"
    echo "$ws generated"
  fi
}

throughput_run() { # n run
  local n=$1 run=$2 ws="$WS_ROOT/n$1-r$2" start end rc=0 followed report wall
  rm -rf "$ws"; mkdir -p "$ws"
  tool MakeQueue "$n" > "$ws/queue.json"
  start=$(now_ms)
  java -jar "$JAR" start "$WORKERS" -w "$ws" > "$LOGS/start-$n-$run.out" 2>&1 &
  local pid=$!
  followed=$(follow $pid $(( start + MAX_SECONDS * 1000 )))
  wait $pid || rc=$?
  end=$(now_ms)
  wall=$(( end - start ))
  report=$(tool BenchReport "$ws" --json)
  local peak=${followed% *} timed_out=${followed#* }
  emit "$(printf '{"what":"throughput","n":%d,"run":%d,"workers":%d,"wall_s":%.3f,"peak_rss_mb":%d,"tasks_per_s":%s,"completed":%s,"span_s":%s,"exit":%d,"timed_out":%s,"load":"%s"}' \
    "$n" "$run" "$WORKERS" "$(seconds "$wall")" $(( peak / 1024 )) "$(field tasks_per_s <<< "$report")" \
    "$(field completed <<< "$report")" "$(field span_s <<< "$report")" "$rc" "$timed_out" "$(load)")"
  echo "vivarium $n run $run: wall ${wall} ms, $(json_number tasks_per_s <<< "$report") tasks/s in-run," \
       "$(json_number completed <<< "$report") completed, peak RSS $(( peak / 1024 )) MB, exit $rc$([ "$timed_out" = true ] && echo ", STOPPED at ${MAX_SECONDS} s")"
  if [ "$timed_out" = false ] && [ "$rc" -eq 0 ]; then
    rm -rf "$WS_ROOT/last-$n"; mv "$ws" "$WS_ROOT/last-$n"
  else
    rm -rf "$ws"
  fi
}

peer_run() { # n run
  local n=$1 run=$2 dir="$WS_ROOT/peer" line
  rm -rf "$dir"; mkdir -p "$dir"
  line=$(timeout $(( MAX_SECONDS + 120 )) java -Xmx1g -jar "$PEERS_JAR" --lib dbscheduler --store sqlite --sqlite-wal \
    --jobs "$n" --workers "$WORKERS" --dir "$dir" --max-seconds "$MAX_SECONDS" 2> "$LOGS/peer-$n-$run.err" | grep '^{' | tail -1 || true)
  rm -rf "$dir"
  if [ -z "$line" ]; then
    emit "$(printf '{"what":"peer","n":%d,"run":%d,"error":"no result line; see %s","load":"%s"}' "$n" "$run" "$LOGS/peer-$n-$run.err" "$(load)")"
    echo "peer $n run $run: no result (see $LOGS/peer-$n-$run.err)"
    return
  fi
  emit "$(printf '{"what":"peer","n":%d,"run":%d,"load":"%s","result":%s}' "$n" "$run" "$(load)" "$line")"
  echo "peer     $n run $run: $(json_number process_jobs_per_s <<< "$line") tasks/s processing" \
       "($(json_number process_s <<< "$line") s), pickup p50 $(json_number latency_p50_ms <<< "$line") ms," \
       "peak RSS $(json_number peak_rss_mb <<< "$line") MB"
}

admin_phase() { # n ws source
  local n=$1 ws=$2 source=$3 port pid start ready adds=() statuses=() gets=() i
  port=$(free_port)
  start=$(now_ms)
  java -jar "$JAR" serve --workers 0 --port "$port" -w "$ws" > "$LOGS/serve0-$n.out" 2>&1 &
  pid=$!
  wait_healthy "$port" $pid "$MAX_SECONDS" || { echo "serve --workers 0 did not come up; see $LOGS/serve0-$n.out" >&2; kill -TERM $pid 2>/dev/null || true; return; }
  ready=$(( $(now_ms) - start ))
  # Rounds, not one verb after another, so that all three meet the same load.
  for i in $(seq 1 "$ADMIN_RUNS"); do
    adds+=("$(timed_ms java -jar "$JAR" add "admin_$i" grind -w "$ws")")
    statuses+=("$(timed_ms java -jar "$JAR" status -w "$ws")")
    gets+=("$(timed_ms curl -sf "http://127.0.0.1:$port/status")")
  done
  local idle_rss; idle_rss=$(rss_kb $pid)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  emit "$(printf '{"what":"admin","n":%d,"source":"%s","serve_ready_ms":%d,"serve_idle_rss_mb":%d,"add_ms":%s,"status_ms":%s,"get_status_ms":%s,"load":"%s"}' \
    "$n" "$source" "$ready" $(( ${idle_rss:-0} / 1024 )) "$(json_list "${adds[@]}")" "$(json_list "${statuses[@]}")" "$(json_list "${gets[@]}")" "$(load)")"
  echo "admin $n ($source workspace; serve --workers 0 ready in $ready ms):"
  summarize "  add" "${adds[@]}"
  summarize "  status" "${statuses[@]}"
  summarize "  curl GET /status" "${gets[@]}"
}

pickup_phase() { # n ws source
  local n=$1 ws=$2 source=$3 pid until_ms report i
  java -jar "$JAR" add blocker_pickup grind --command "sleep 3600" --max 100 -w "$ws" > /dev/null
  java -jar "$JAR" start "$WORKERS" -w "$ws" > "$LOGS/pickup-$n.out" 2>&1 &
  pid=$!
  # The blocker's claim shows in task_locks/ (whatever the claim layout): the pool is up and idle but for it.
  until_ms=$(( $(now_ms) + MAX_SECONDS * 1000 ))
  until compgen -G "$ws/task_locks/*.lock" > /dev/null; do
    kill -0 $pid 2>/dev/null && [ "$(now_ms)" -lt "$until_ms" ] || { echo "pickup: the pool never claimed its blocker; see $LOGS/pickup-$n.out" >&2; kill -TERM $pid 2>/dev/null || true; return; }
    sleep 0.05
  done
  sleep 1
  local printed="$LOGS/pickup-$n-added-lines.txt"
  : > "$printed"
  for i in $(seq 1 "$PICKUP_SAMPLES"); do
    java -jar "$JAR" add "pickup_$i" grind -w "$ws" | { IFS= read -r _; echo "pickup_$i ${EPOCHREALTIME/[.,]/}" >> "$printed"; cat > /dev/null; }
    sleep "$(printf '0.%03d' $(( RANDOM % 300 )))"
  done
  java -jar "$JAR" cancel blocker_pickup -w "$ws" > /dev/null
  follow $pid $(( $(now_ms) + MAX_SECONDS * 1000 )) > /dev/null
  wait $pid 2>/dev/null || true
  report=$(tool BenchReport "$ws" pickup_ --after-commit "$printed" --json)
  emit "$(printf '{"what":"pickup","n":%d,"source":"%s","workers":%d,"load":"%s",%s' "$n" "$source" "$WORKERS" "$(load)" "${report#\{}")"
  echo "pickup $n: $(tool BenchReport "$ws" pickup_ --after-commit "$printed")"
}

serve_phase() { # n: serve, default workers, through a fresh queue of n tasks
  local n=$1 ws="$WS_ROOT/serve-$1" port pid start end peak=0 v body pending=1 busy=1 timed_out=false report
  rm -rf "$ws"; mkdir -p "$ws"
  tool MakeQueue "$n" > "$ws/queue.json"
  port=$(free_port)
  start=$(now_ms)
  java -jar "$JAR" serve --port "$port" -w "$ws" > "$LOGS/serve-$n.out" 2>&1 &
  pid=$!
  local deadline=$(( start + MAX_SECONDS * 1000 )) next_poll=0
  while kill -0 $pid 2>/dev/null; do
    v=$(rss_kb $pid); [ -n "$v" ] && peak=$v
    if [ "$(now_ms)" -ge "$next_poll" ]; then
      next_poll=$(( $(now_ms) + 250 ))
      if body=$(curl -sf --max-time 5 "http://127.0.0.1:$port/status" 2>/dev/null); then
        pending=$(json_number pending <<< "$body"); busy=$(json_number in_progress <<< "$body")
        [ "$pending" = 0 ] && [ "$busy" = 0 ] && break
      fi
    fi
    if [ "$(now_ms)" -ge "$deadline" ]; then timed_out=true; break; fi
    sleep 0.05
  done
  end=$(now_ms)
  v=$(rss_kb $pid); [ -n "$v" ] && peak=$v
  kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  report=$(tool BenchReport "$ws" --json)
  rm -rf "$ws"
  emit "$(printf '{"what":"serve","n":%d,"workers":"default","wall_s":%.3f,"peak_rss_mb":%d,"tasks_per_s":%s,"completed":%s,"timed_out":%s,"load":"%s"}' \
    "$n" "$(seconds $(( end - start )))" $(( peak / 1024 )) "$(field tasks_per_s <<< "$report")" \
    "$(field completed <<< "$report")" "$timed_out" "$(load)")"
  echo "serve $n: drained in $(( end - start )) ms, $(json_number tasks_per_s <<< "$report") tasks/s in-run," \
       "peak RSS $(( peak / 1024 )) MB$([ "$timed_out" = true ] && echo ", STOPPED at ${MAX_SECONDS} s")"
}

for n in $SIZES; do
  echo "== $n tasks (load $(load))"
  for run in $(seq 1 "$RUNS"); do
    has_phase throughput && throughput_run "$n" "$run"
    has_phase peer && [ -n "$PEERS_JAR" ] && peer_run "$n" "$run"
  done
  if has_phase admin || has_phase pickup; then
    read -r ws source <<< "$(completed_ws "$n")"
    has_phase admin && admin_phase "$n" "$ws" "$source"
    has_phase pickup && pickup_phase "$n" "$ws" "$source"
    rm -rf "$ws"
  fi
  rm -rf "$WS_ROOT/last-$n"
  has_phase serve && serve_phase "$n"
done

echo
print_table "$RESULTS" | tee "$OUT/$STAMP.md"
echo
echo "raw lines: $RESULTS; table: $OUT/$STAMP.md; process output: $LOGS/"
