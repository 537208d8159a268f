#!/usr/bin/env bash
# A standalone Flink session cluster on loopback, from Maven Central jars (no flink-dist): one
# JobManager (with the web UI) and TaskManagers, each its own JVM, all of the Flink version the
# Beam runner uses (${flink.version} of bom/pom.xml). Everything lives in a working directory:
# conf/config.yaml, logs, process ids, checkpoints and savepoints.
#
#   runners-config/cluster/flink-cluster.sh start            # free ports, 2 TaskManagers x 2 slots
#   runners-config/cluster/flink-cluster.sh start --rest-port 8081 --rpc-port 6123
#   runners-config/cluster/flink-cluster.sh status
#   runners-config/cluster/flink-cluster.sh kill-taskmanager 1   # kill -9, as a crash would
#   runners-config/cluster/flink-cluster.sh start-taskmanager 1
#   runners-config/cluster/flink-cluster.sh stop
#
# Options (before or after the command):
#   --dir DIR           working directory (env FLINK_CLUSTER_DIR; default
#                       runners-config/cluster/target/cluster)
#   --rest-port PORT    REST API and web UI port (default: a free port)
#   --rpc-port PORT     JobManager RPC port (default: a free port)
#   --taskmanagers N    TaskManagers to start (default 2)
#   --slots N           slots per TaskManager (default 2)
#   --taskmanager-memory SIZE  process size of each TaskManager (default 3072m), e.g. 8g for
#                       loops whose partitions stay resident in the TaskManagers' heaps
# Maven resolves the jars (from the local repository, else Maven Central); extra Maven flags, e.g.
# -s settings.xml, go in BEAMLINK_MVN_OPTS. After start, DIR/cluster.env holds REST_PORT,
# RPC_PORT, REST_URL and the directories, for scripts: `source DIR/cluster.env`.
# Exit status: 0 done, 1 error (a message says which), 3 from status when nothing runs.
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../loopback-ports.sh
source "$here/../loopback-ports.sh"
root="$(cd "$here/../.." && pwd)"

dir="${FLINK_CLUSTER_DIR:-$here/target/cluster}"
rest_port=""
rpc_port=""
taskmanagers=2
slots=2
tm_memory=3072m
command=""
tm_number=""

die() {
  echo "flink-cluster: $*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    --rest-port) rest_port="$2"; shift 2 ;;
    --rest-port=*) rest_port="${1#*=}"; shift ;;
    --rpc-port) rpc_port="$2"; shift 2 ;;
    --rpc-port=*) rpc_port="${1#*=}"; shift ;;
    --taskmanagers) taskmanagers="$2"; shift 2 ;;
    --taskmanagers=*) taskmanagers="${1#*=}"; shift ;;
    --slots) slots="$2"; shift 2 ;;
    --slots=*) slots="${1#*=}"; shift ;;
    --taskmanager-memory) tm_memory="$2"; shift 2 ;;
    --taskmanager-memory=*) tm_memory="${1#*=}"; shift ;;
    -h|--help|help) usage; exit 0 ;;
    start|stop|status|kill-taskmanager|start-taskmanager)
      [ -z "$command" ] || die "one command at a time, got '$command' and '$1'"
      command="$1"; shift
      if [ "$command" = kill-taskmanager ] || [ "$command" = start-taskmanager ]; then
        [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] || die "$command needs a TaskManager number (1, 2, ...), got '${1:-}'"
        tm_number="$1"; shift
      fi
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$command" ] || { usage >&2; exit 1; }

if [ "$command" = start ]; then
  mkdir -p "$dir"
elif [ ! -d "$dir" ]; then
  echo "no cluster in $dir"
  [ "$command" = stop ] && exit 0
  exit 3
fi
dir="$(cd "$dir" && pwd)"
conf="$dir/conf"
logs="$dir/log"
pids="$dir/pids"

is_number() { [[ "$1" =~ ^[0-9]+$ ]]; }

# The pid in a pid file when that process is alive and is one of this cluster's JVMs.
running_pid() {
  local file="$1" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--configDir $conf" || return 1
  echo "$pid"
}

jvm_opens() {
  local opens
  opens="$(sed -n 's:.*<beamlink.jvm.opens>\(.*\)</beamlink.jvm.opens>.*:\1:p' "$root/pom.xml")"
  [ -n "$opens" ] || die "cannot find beamlink.jvm.opens in $root/pom.xml"
  echo "$opens"
}

classpath() {
  local file="$dir/classpath.txt"
  if [ ! -s "$file" ]; then
    # Offline first: the jars are usually in the local repository already; Central otherwise.
    # shellcheck disable=SC2086 # BEAMLINK_MVN_OPTS is a list of flags
    if ! mvn -B -q -o -Dstyle.color=never ${BEAMLINK_MVN_OPTS:-} -f "$here/pom.xml" \
      dependency:build-classpath -Dcluster.classpath.file="$file" >/dev/null 2>&1; then
      echo "flink-cluster: resolving the Flink jars with Maven (from Maven Central) ..." >&2
      # shellcheck disable=SC2086
      mvn -B -q -Dstyle.color=never ${BEAMLINK_MVN_OPTS:-} -f "$here/pom.xml" dependency:build-classpath \
        -Dcluster.classpath.file="$file" >&2 || die "Maven could not resolve the Flink jars"
    fi
  fi
  cat "$file"
}

write_config() {
  mkdir -p "$conf" "$logs" "$pids" "$dir/checkpoints" "$dir/savepoints" "$dir/tmp"
  cat >"$conf/config.yaml" <<EOF
# Written by flink-cluster.sh: a loopback session cluster.
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: localhost
jobmanager.memory.process.size: 1024m
rest.address: localhost
rest.bind-address: localhost
rest.port: $rest_port
taskmanager.host: localhost
taskmanager.bind-host: localhost
taskmanager.numberOfTaskSlots: $slots
taskmanager.memory.process.size: $tm_memory
# Deep Beam graphs need network buffers; batch jobs sort whole partitions in managed memory.
taskmanager.memory.network.fraction: 0.3
taskmanager.memory.managed.fraction: 0.4
parallelism.default: 1
# A killed TaskManager is noticed within seconds, not the default 50 s.
heartbeat.interval: 1000
heartbeat.timeout: 5000
# A batch job discovers the results a dead TaskManager held one consumer at a time, and each
# discovery is a failed attempt: a deep unrolled loop lost 6 of them to one kill (5 was too few).
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 20
restart-strategy.fixed-delay.delay: 1 s
# The REST API serves a job's state from a cache this old (default 3 s): short tasks of an unrolled
# loop, each running a fraction of a second, would otherwise seldom show as RUNNING to a script.
web.refresh-interval: 500
state.backend.type: hashmap
state.checkpoints.dir: file://$dir/checkpoints
state.savepoints.dir: file://$dir/savepoints
io.tmp.dirs: $dir/tmp
blob.storage.directory: $dir/tmp/blobs
web.tmpdir: $dir/tmp/web
web.upload.dir: $dir/tmp/upload
process.working-dir: $dir/tmp/work
EOF
  cat >"$dir/cluster.env" <<EOF
REST_PORT=$rest_port
RPC_PORT=$rpc_port
REST_URL=http://localhost:$rest_port
CHECKPOINT_DIR=$dir/checkpoints
SAVEPOINT_DIR=$dir/savepoints
LOG_DIR=$logs
EOF
}

# The JVM options and -D arguments BashJavaUtils derives from the config, as Flink's scripts do.
resource_params() {
  local kind="$1" cp="$2" out
  out="$(java -cp "$cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$kind" --configDir "$conf" 2>&1)" ||
    die "BashJavaUtils $kind failed: $out"
  echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

launch() {
  local name="$1" main="$2" cp="$3" jvm="$4" dynamic="$5"
  local log="$logs/$name.log"
  # shellcheck disable=SC2086 # option lists split into words on purpose
  nohup java -Xss16m $jvm $(jvm_opens) \
    -Dlog.file="$log" -Dorg.slf4j.simpleLogger.logFile="$log" \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss,SSS" \
    -cp "$cp" "$main" --configDir "$conf" $dynamic \
    </dev/null >"$logs/$name.out" 2>&1 &
  echo $! >"$pids/$name.pid"
}

rest_get() {
  curl -sf --max-time 2 "http://localhost:$rest_port$1"
}

registered_taskmanagers() {
  local n
  n="$(rest_get /taskmanagers 2>/dev/null | grep -o '"id":"[^"]*"' | wc -l)" || true
  echo "${n:-0}"
}

load_env() {
  [ -f "$dir/cluster.env" ] || die "no cluster in $dir (run start first)"
  # shellcheck disable=SC1091
  source "$dir/cluster.env"
  rest_port="$REST_PORT"
  rpc_port="$RPC_PORT"
}

start_taskmanager() {
  local n="$1" cp params jvm dynamic
  is_number "$n" && [ "$n" -ge 1 ] || die "a TaskManager number is 1, 2, ...; got '$n'"
  if running_pid "$pids/taskmanager-$n.pid" >/dev/null; then
    die "TaskManager $n already runs (pid $(cat "$pids/taskmanager-$n.pid"))"
  fi
  cp="$(classpath)"
  params="$(resource_params GET_TM_RESOURCE_PARAMS "$cp")"
  jvm="$(echo "$params" | sed -n 1p)"
  dynamic="$(echo "$params" | sed -n 2p)"
  [ -n "$jvm" ] && [ -n "$dynamic" ] || die "BashJavaUtils gave no TaskManager parameters"
  launch "taskmanager-$n" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "$cp" "$jvm" \
    "$dynamic -D taskmanager.resource-id=taskmanager-$n"
}

wait_for() {
  local what="$1" seconds="$2" check="$3"
  local deadline=$((SECONDS + seconds))
  until eval "$check"; do
    [ $SECONDS -lt $deadline ] || die "$what did not happen within $seconds s; see $logs"
    sleep 0.5
  done
}

# Stops a process: TERM, then KILL after 20 s; waits until it is gone.
stop_pid_file() {
  local file="$1" pid
  if pid="$(running_pid "$file")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      [ -d "/proc/$pid" ] || break
      sleep 0.5
    done
    if [ -d "/proc/$pid" ]; then
      kill -KILL "$pid" 2>/dev/null || true
      while [ -d "/proc/$pid" ]; do sleep 0.2; done
    fi
    echo "stopped $(basename "$file" .pid) (pid $pid)"
  fi
  rm -f "$file"
}

cmd_start() {
  for f in "$pids"/*.pid; do
    [ -e "$f" ] || continue
    if running_pid "$f" >/dev/null; then
      die "a cluster already runs in $dir ($(basename "$f" .pid) pid $(cat "$f")); stop it first"
    fi
  done
  is_number "$taskmanagers" && [ "$taskmanagers" -ge 1 ] || die "--taskmanagers must be >= 1"
  is_number "$slots" && [ "$slots" -ge 1 ] || die "--slots must be >= 1"
  [[ "$tm_memory" =~ ^[1-9][0-9]*[mg]$ ]] || die "--taskmanager-memory must look like 3072m or 8g, got '$tm_memory'"
  check_port rest-port "$rest_port"
  check_port rpc-port "$rpc_port"
  [ -n "$rest_port" ] || rest_port="$(free_port "$rpc_port")"
  [ -n "$rpc_port" ] || rpc_port="$(free_port "$rest_port")"
  [ "$rest_port" != "$rpc_port" ] || die "--rest-port and --rpc-port must differ"
  rm -f "$pids"/*.pid
  write_config
  local cp params started=$SECONDS
  cp="$(classpath)"
  params="$(resource_params GET_JM_RESOURCE_PARAMS "$cp")"
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint "$cp" \
    "$(echo "$params" | sed -n 1p)" "$(echo "$params" | sed -n 2p)"
  wait_for "the JobManager's REST API on port $rest_port" 60 \
    'rest_get /config >/dev/null 2>&1 || { running_pid "$pids/jobmanager.pid" >/dev/null || die "the JobManager exited; see $logs/jobmanager.log and $logs/jobmanager.out"; false; }'
  for n in $(seq 1 "$taskmanagers"); do
    start_taskmanager "$n"
  done
  wait_for "registration of $taskmanagers TaskManagers" 60 \
    '[ "$(registered_taskmanagers)" -ge "$taskmanagers" ]'
  echo "Flink cluster up in $((SECONDS - started)) s: web UI and REST http://localhost:$rest_port," \
    "JobManager RPC localhost:$rpc_port, $taskmanagers TaskManagers x $slots slots; directory $dir"
  echo "Submit with: bin/beamlink ... --flinkMaster=localhost:$rest_port"
}

cmd_stop() {
  local any=0
  for f in "$pids"/taskmanager-*.pid "$pids/jobmanager.pid"; do
    [ -e "$f" ] || continue
    any=1
    stop_pid_file "$f"
  done
  [ $any -eq 1 ] || echo "no cluster processes recorded in $dir"
}

cmd_status() {
  local running=0
  if [ -f "$dir/cluster.env" ]; then
    load_env
  fi
  for f in "$pids/jobmanager.pid" "$pids"/taskmanager-*.pid; do
    [ -e "$f" ] || continue
    local name pid
    name="$(basename "$f" .pid)"
    if pid="$(running_pid "$f")"; then
      echo "$name: running (pid $pid)"
      running=$((running + 1))
    else
      echo "$name: not running"
    fi
  done
  if [ $running -gt 0 ] && [ -n "$rest_port" ]; then
    echo "REST and web UI: http://localhost:$rest_port ($(registered_taskmanagers) TaskManagers registered)"
  fi
  if [ $running -eq 0 ]; then
    echo "no cluster process runs in $dir"
    return 3
  fi
}

case "$command" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  kill-taskmanager)
    load_env
    if pid="$(running_pid "$pids/taskmanager-$tm_number.pid")"; then
      kill -KILL "$pid"
      while [ -d "/proc/$pid" ]; do sleep 0.1; done
      rm -f "$pids/taskmanager-$tm_number.pid"
      echo "killed taskmanager-$tm_number (pid $pid) with SIGKILL"
    else
      die "TaskManager $tm_number does not run"
    fi
    ;;
  start-taskmanager)
    load_env
    running_pid "$pids/jobmanager.pid" >/dev/null || die "the JobManager does not run; start the cluster first"
    start_taskmanager "$tm_number"
    echo "started taskmanager-$tm_number (pid $(cat "$pids/taskmanager-$tm_number.pid"))"
    ;;
esac
