#!/usr/bin/env bash
# A single-node Kafka broker on loopback in KRaft mode (it is its own controller; no ZooKeeper),
# from Maven Central jars (kafka_2.13 ${kafka.version} of bom/pom.xml, the version of the clients
# Beam's KafkaIO uses here). Everything lives in a working directory: config, data, log, pid.
#
#   runners-config/kafka/kafka-broker.sh start                  # a free port
#   runners-config/kafka/kafka-broker.sh start --port 9092
#   runners-config/kafka/kafka-broker.sh create-topic events --partitions 2
#   runners-config/kafka/kafka-broker.sh status
#   runners-config/kafka/kafka-broker.sh stop
#
# Options (before or after the command):
#   --dir DIR             working directory (env KAFKA_BROKER_DIR; default
#                         runners-config/kafka/target/broker)
#   --port PORT           the clients' port (default: a free port)
#   --controller-port P   the KRaft controller's port (default: a free port)
#   --partitions N        partitions of a new topic (default 2)
#   --heap SIZE           the broker's heap (default 512m)
# Topics are not created on first use (auto.create.topics.enable=false): a job that names a
# missing topic fails saying so instead of reading an empty new topic. Maven resolves the jars
# (from the local repository, else Maven Central); extra Maven flags go in BEAMLINK_MVN_OPTS.
# After start, DIR/broker.env holds BOOTSTRAP (host:port) and PORT, for scripts:
# `source DIR/broker.env`.
# Exit status: 0 done, 1 error (a message says which), 3 from status when no broker runs.
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../loopback-ports.sh
source "$here/../loopback-ports.sh"

dir="${KAFKA_BROKER_DIR:-$here/target/broker}"
port=""
controller_port=""
partitions=2
heap=512m
command=""
topic=""

die() {
  echo "kafka-broker: $*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    --controller-port) controller_port="$2"; shift 2 ;;
    --controller-port=*) controller_port="${1#*=}"; shift ;;
    --partitions) partitions="$2"; shift 2 ;;
    --partitions=*) partitions="${1#*=}"; shift ;;
    --heap) heap="$2"; shift 2 ;;
    --heap=*) heap="${1#*=}"; shift ;;
    -h|--help|help) usage; exit 0 ;;
    start|stop|status|create-topic)
      [ -z "$command" ] || die "one command at a time, got '$command' and '$1'"
      command="$1"; shift
      if [ "$command" = create-topic ]; then
        [[ "${1:-}" =~ ^[A-Za-z0-9._-]+$ ]] || die "create-topic needs a topic name (letters, digits, . _ -), got '${1:-}'"
        topic="$1"; shift
      fi
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$command" ] || { usage >&2; exit 1; }

if [ "$command" = start ]; then
  mkdir -p "$dir"
elif [ ! -d "$dir" ]; then
  echo "no broker in $dir"
  [ "$command" = stop ] && exit 0
  exit 3
fi
dir="$(cd "$dir" && pwd)"
conf="$dir/server.properties"
pid_file="$dir/broker.pid"
log="$dir/broker.log"

is_number() { [[ "$1" =~ ^[0-9]+$ ]]; }

# The broker's pid when it is alive and is this directory's broker.
running_pid() {
  local pid
  [ -f "$pid_file" ] || return 1
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "kafka.Kafka $conf" || return 1
  echo "$pid"
}

classpath() {
  local file="$dir/classpath.txt"
  if [ ! -s "$file" ]; then
    # Offline first: the jars are usually in the local repository already; Central otherwise.
    # shellcheck disable=SC2086 # BEAMLINK_MVN_OPTS is a list of flags
    if ! mvn -B -q -o -Dstyle.color=never ${BEAMLINK_MVN_OPTS:-} -f "$here/pom.xml" \
      dependency:build-classpath -Dbroker.classpath.file="$file" >/dev/null 2>&1; then
      echo "kafka-broker: resolving the Kafka jars with Maven (from Maven Central) ..." >&2
      # shellcheck disable=SC2086
      mvn -B -q -Dstyle.color=never ${BEAMLINK_MVN_OPTS:-} -f "$here/pom.xml" dependency:build-classpath \
        -Dbroker.classpath.file="$file" >&2 || die "Maven could not resolve the Kafka jars"
    fi
  fi
  cat "$file"
}

write_config() {
  mkdir -p "$dir/data"
  cat >"$conf" <<EOF
# Written by kafka-broker.sh: one broker that is also its own KRaft controller, on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$controller_port
listeners=PLAINTEXT://localhost:$port,CONTROLLER://localhost:$controller_port
advertised.listeners=PLAINTEXT://localhost:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=$partitions
auto.create.topics.enable=false
# Keep every record: replayed events and model versions carry their event times as record
# timestamps, often older than the default 7 days of time retention, which would delete them.
log.retention.ms=-1
# One broker: the internal topics (consumer offsets, transactions) have one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
# Exactly-once sinks hold a transaction open for a checkpoint interval; tests run short ones.
transaction.max.timeout.ms=900000
EOF
  cat >"$dir/broker.env" <<EOF
BOOTSTRAP=localhost:$port
PORT=$port
CONTROLLER_PORT=$controller_port
LOG=$log
EOF
}

java_cmd() {
  local cp="$1"; shift
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" "$@"
}

cmd_start() {
  if pid="$(running_pid)"; then
    die "a broker already runs in $dir (pid $pid); stop it first"
  fi
  check_port port "$port"
  check_port controller-port "$controller_port"
  is_number "$partitions" && [ "$partitions" -ge 1 ] || die "--partitions must be >= 1, got '$partitions'"
  [[ "$heap" =~ ^[1-9][0-9]*[mg]$ ]] || die "--heap must look like 512m or 2g, got '$heap'"
  [ -n "$port" ] || port="$(free_port "$controller_port")"
  [ -n "$controller_port" ] || controller_port="$(free_port "$port")"
  [ "$port" != "$controller_port" ] || die "--port and --controller-port must differ"
  rm -rf "$dir/data"
  write_config
  local cp started=$SECONDS cluster_id
  cp="$(classpath)"
  cluster_id="$(java_cmd "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  java_cmd "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$conf" >"$dir/format.out" 2>&1 ||
    die "formatting the broker's storage failed; see $dir/format.out"
  # shellcheck disable=SC2086
  nohup java -Xms"$heap" -Xmx"$heap" -Dorg.slf4j.simpleLogger.logFile="$log" \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss,SSS" \
    -cp "$cp" kafka.Kafka "$conf" </dev/null >"$dir/broker.out" 2>&1 &
  echo $! >"$pid_file"
  local deadline=$((SECONDS + 60))
  until grep -q "Kafka Server started" "$log" 2>/dev/null; do
    running_pid >/dev/null || die "the broker exited; see $log and $dir/broker.out"
    [ $SECONDS -lt $deadline ] || die "the broker did not start within 60 s; see $log"
    sleep 0.3
  done
  echo "Kafka broker up in $((SECONDS - started)) s: bootstrap localhost:$port (KRaft controller" \
    "localhost:$controller_port); directory $dir"
  echo "Use with: --kafka-bootstrap=localhost:$port"
}

cmd_stop() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      [ -d "/proc/$pid" ] || break
      sleep 0.5
    done
    if [ -d "/proc/$pid" ]; then
      kill -KILL "$pid" 2>/dev/null || true
      while [ -d "/proc/$pid" ]; do sleep 0.2; done
    fi
    echo "stopped the broker (pid $pid)"
  else
    echo "no broker runs in $dir"
  fi
  rm -f "$pid_file"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    # shellcheck disable=SC1091
    source "$dir/broker.env"
    echo "broker: running (pid $pid), bootstrap $BOOTSTRAP"
  else
    echo "no broker runs in $dir"
    return 3
  fi
}

cmd_create_topic() {
  running_pid >/dev/null || die "no broker runs in $dir; start it first"
  is_number "$partitions" && [ "$partitions" -ge 1 ] || die "--partitions must be >= 1, got '$partitions'"
  # shellcheck disable=SC1091
  source "$dir/broker.env"
  java_cmd "$(classpath)" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --create --if-not-exists --topic "$topic" --partitions "$partitions" --replication-factor 1 ||
    die "could not create topic '$topic' on $BOOTSTRAP"
}

case "$command" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  create-topic) cmd_create_topic ;;
esac
