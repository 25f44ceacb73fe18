# Shell helpers shared by the benchmark scripts; sourced from the project root, not run.

# The jar under test: JAR=other.jar measures another build (an older commit's, a branch's) without change.
JAR=${JAR:-target/vivarium.jar}
ensure_jar() {
  [ -f "$JAR" ] || ./mvnw -q -B package -DskipTests
}

now_ms() { # bash's own clock: no process per reading, so it can run in a 50 ms polling loop
  local t=${EPOCHREALTIME/[.,]/}
  echo $(( t / 1000 ))
}

rss_kb() { # pid: VmHWM, the kernel's peak RSS of the process so far (empty once it has exited)
  awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || true
}

follow() { # pid [deadline_ms]: polls VmHWM until the process exits; at the deadline stops it with SIGTERM.
           # Prints "PEAK_KB TIMED_OUT" (true|false).
  local pid=$1 deadline=${2:-0} peak=0 timed_out=false v
  while kill -0 "$pid" 2>/dev/null; do
    v=$(rss_kb "$pid")
    [ -n "$v" ] && peak=$v
    if [ "$deadline" -gt 0 ] && [ "$timed_out" = false ] && [ "$(now_ms)" -ge "$deadline" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      timed_out=true
    fi
    sleep 0.05
  done
  echo "$peak $timed_out"
}

timed_ms() { # command...: runs it with its output discarded, prints its wall time in ms; says so on stderr if it failed
  local start end
  start=$(now_ms)
  "$@" > /dev/null 2>&1 || echo "warning: failed: $*" >&2
  end=$(now_ms)
  echo $(( end - start ))
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

summarize() { # label, then times in ms: one line with median, min and max
  local label=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v label="$label" '
    { t[NR] = $1 } END { printf "%-28s median %4d ms   min %4d ms   max %4d ms   (%d runs)\n", label, t[int((NR + 1) / 2)], t[1], t[NR], NR }'
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_healthy() { # port pid timeout_s: until /actuator/health answers; fails if the process died or time ran out
  local port=$1 pid=$2 until_ms=$(( $(now_ms) + $3 * 1000 ))
  until curl -sf "http://127.0.0.1:$port/actuator/health" > /dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(now_ms)" -lt "$until_ms" ] || return 1
    sleep 0.02
  done
}

json_number() { # key: the first numeric value of "key" in the JSON on stdin
  grep -oE "\"$1\"[[:space:]]*:[[:space:]]*-?[0-9.]+" | head -1 | grep -oE -- '-?[0-9.]+$'
}
