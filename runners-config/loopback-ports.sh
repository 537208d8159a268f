# Ports on loopback for the local cluster scripts (flink-cluster.sh, kafka-broker.sh), which source
# this file. The sourcing script defines die().

# True when something accepts connections on the loopback port.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A free port between 20000 and 60000 that is none of the arguments (ports already chosen).
free_port() {
  local port taken
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    taken=0
    for chosen in "$@"; do
      [ "$port" = "$chosen" ] && taken=1
    done
    if [ $taken -eq 0 ] && ! port_in_use "$port"; then
      echo "$port"
      return
    fi
  done
  die "found no free port between 20000 and 60000"
}

# Fails unless $2 (named --$1) is a port number no process listens on; an empty $2 passes.
check_port() {
  local name="$1" port="$2"
  [ -z "$port" ] && return 0
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "--$name must be a port number, got '$port'"
  if port_in_use "$port"; then
    die "port $port (--$name) is in use by another process; choose another or leave --$name out to pick a free one"
  fi
}
