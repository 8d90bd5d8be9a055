#!/usr/bin/env bash
# Runs the load benchmarks of BENCHMARKS.md over loopback, load generator
# and servers on the same machine, and prints the figures.
#
#   bench/load.sh [read] [new] [startup] [compat] [kafka]     (default: all)
#
#   read     GET /schemas/ids/{id}, lookups and re-registrations with 500 and
#            20,000 schemas stored, against refserver (a constant body on
#            echo) measured in alternation in the same run
#   new      new-schema registrations from 16 clients, on an empty log and on
#            one holding 20,000 schemas, in 16, 4 and 1 subjects
#   startup  start-up time and resident memory with 100,000 schemas stored
#   compat   a 500-field record checked against 50 versions, FULL_TRANSITIVE
#   kafka    new registrations from 16 clients and start-up with 100,000
#            schemas through a Kafka topic (a kfake broker in its own
#            process, test/kfakebroker), each next to the embedded log's
#            figure measured in the same run
#
# Environment: DURATION and ROUNDS (each read run and the number of
# alternations, default 5s and 5), NEW_DURATION and NEW_ROUNDS (each
# registration run and the number of runs, default 10s and 3), WARMUP (the
# read warm-up, default 5s), STARTS (starts measured, default 7), WORK
# (scratch directory, default /tmp/srbench). Needs wrk (apt-get install -y
# wrk), curl and Go. Every run is bounded in time and uses 127.0.0.1 only.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-5s}
NEW_DURATION=${NEW_DURATION:-10s}
ROUNDS=${ROUNDS:-5}
NEW_ROUNDS=${NEW_ROUNDS:-3}
STARTS=${STARTS:-7}
WORK=${WORK:-/tmp/srbench}
PORT=18081
REF_PORT=18082
BIN=$WORK/bin
# The schema fetched by id in the read benchmark, and the reference's body.
READ_ID=123

mkdir -p "$BIN"
for cmd in schema-registry:./cmd/schema-registry refserver:./bench/refserver fill:./bench/fill \
	startup:./bench/startup compatapi:./bench/compatapi kfakebroker:./test/kfakebroker; do
	go build -o "$BIN/${cmd%%:*}" "${cmd#*:}"
done

PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

log() { echo "== $*" >&2; }

# dataset N: prints the data directory holding schemas 0..N-1, creating it
# and its bodies file ($WORK/bodies-N.txt) when missing.
dataset() {
	local n=$1 dir=$WORK/data-$1
	if [[ ! -f $dir/schemas.log ]]; then
		rm -rf "$dir"
		if ((n > 0)); then
			"$BIN/fill" -data-dir "$dir" -schemas "$n" -bodies "$WORK/bodies-$n.txt" >&2
		else
			mkdir -p "$dir"
		fi
	fi
	echo "$dir"
}

# fresh_copy N: prints a scratch copy of dataset N, for a run that writes.
fresh_copy() {
	local src copy=$WORK/run
	src=$(dataset "$1")
	rm -rf "$copy"
	cp -r "$src" "$copy"
	rm -f "$copy/LOCK"
	echo "$copy"
}

# wait_ready PORT: waits until the server on PORT answers, past the 503s
# the registry gives while it replays its log.
wait_ready() {
	local code
	for _ in $(seq 1 6000); do
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/schemas/ids/1" || true)
		if [[ $code != 000 && $code != 503 ]]; then
			return 0
		fi
		sleep 0.01
	done
	echo "server on port $1 did not answer" >&2
	return 1
}

# start_registry DIR: starts the registry on DIR and sets REGISTRY_PID.
start_registry() {
	"$BIN/schema-registry" --listen "127.0.0.1:$PORT" --data-dir "$1" --log-level warn &
	REGISTRY_PID=$!
	PIDS+=("$REGISTRY_PID")
	wait_ready "$PORT"
}

stop() {
	kill "$1"
	wait "$1" 2>/dev/null || true
}

# measure PID WRK-ARGS...: runs wrk against the server PID and prints its
# requests per second and the server's CPU time per request in
# microseconds; any answer other than 2xx fails the benchmark.
measure() {
	local pid=$1 out before after
	shift
	before=$(cpu_ticks "$pid")
	out=$(wrk "$@")
	after=$(cpu_ticks "$pid")
	if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
		echo "$out" >&2
		echo "wrk saw errors" >&2
		return 1
	fi
	awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
		/ requests in / {requests = $1}
		/^Requests\/sec/ {rps = $2}
		END {printf "%.0f %.1f\n", rps, ticks * 1e6 / hz / requests}' <<<"$out"
}

# cpu_ticks PID: user and system CPU time PID has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

machine() {
	log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# read_bench N: the read benchmarks with N schemas stored. Each round
# measures the reference, then the registry's three paths; a path's ratio is
# the median over rounds of its figure over the same round's reference, so
# that a change of the machine's speed between rounds (other tenants on the
# cores) cancels out.
read_bench() {
	local n=$1 dir ref_pid url="http://127.0.0.1:$PORT" ref_url="http://127.0.0.1:$REF_PORT"
	dir=$(fresh_copy "$n")
	start_registry "$dir"
	curl -sf "$url/schemas/ids/$READ_ID" >"$WORK/body"
	"$BIN/refserver" -listen "127.0.0.1:$REF_PORT" -body-file "$WORK/body" &
	ref_pid=$!
	PIDS+=("$ref_pid")
	wait_ready "$REF_PORT"
	log "read, $n schemas stored: warming up (every schema looked up at least once)"
	measure "$REGISTRY_PID" -t1 -c32 -d"$WARMUP" -s bench/wrk/cycle.lua "$url" -- "$WORK/bodies-$n.txt" lookup >/dev/null
	local -a paths=(constant by-id lookup re-register)
	local -A figures=() ratios=() cpu=()
	local round path ref_rps rps cpu_us
	for round in $(seq 1 "$ROUNDS"); do
		for path in "${paths[@]}"; do
			case $path in
			constant) read -r rps cpu_us < <(measure "$ref_pid" -t1 -c32 -d"$DURATION" "$ref_url/schemas/ids/$READ_ID") ;;
			by-id) read -r rps cpu_us < <(measure "$REGISTRY_PID" -t1 -c32 -d"$DURATION" "$url/schemas/ids/$READ_ID") ;;
			lookup | re-register)
				local mode=lookup
				[[ $path == re-register ]] && mode=register
				read -r rps cpu_us < <(measure "$REGISTRY_PID" -t1 -c32 -d"$DURATION" -s bench/wrk/cycle.lua "$url" -- \
					"$WORK/bodies-$n.txt" "$mode")
				;;
			esac
			[[ -n $rps ]] || return 1
			[[ $path == constant ]] && ref_rps=$rps
			figures[$path]+=" $rps"
			cpu[$path]+=" $cpu_us"
			ratios[$path]+=" $(ratio "$rps" "$ref_rps")"
		done
		log "round $round: $(for path in "${paths[@]}"; do
			printf '%s %s/s (%sx, %s us CPU/request); ' "$path" "${figures[$path]##* }" "${ratios[$path]##* }" "${cpu[$path]##* }"
		done)"
	done
	echo "schemas=$n, response body of GET /schemas/ids/$READ_ID $(wc -c <"$WORK/body") B; medians over $ROUNDS rounds of $DURATION:"
	for path in "${paths[@]}"; do
		# shellcheck disable=SC2086 # the lists are space-separated on purpose
		echo "  $path: $(median ${figures[$path]}) requests/s, $(median ${ratios[$path]})x constant, $(median ${cpu[$path]}) us server CPU/request"
	done
	stop "$ref_pid"
	stop "$REGISTRY_PID"
}

# new_bench BASE SUBJECTS: new registrations from 16 clients on a log that
# holds BASE schemas; SUBJECTS 0 gives each client its own subject.
new_bench() {
	local base=$1 subjects=$2 dir figure cpu_us
	local -a runs=() cpu=()
	for round in $(seq 1 "$NEW_ROUNDS"); do
		dir=$(fresh_copy "$base")
		start_registry "$dir"
		read -r figure cpu_us < <(measure "$REGISTRY_PID" -t16 -c16 -d"$NEW_DURATION" -s bench/wrk/newschema.lua \
			"http://127.0.0.1:$PORT" -- "$WORK/new-template.json" "r$round" "$subjects")
		[[ -n $figure ]] || return 1
		runs+=("$figure")
		cpu+=("$cpu_us")
		stop "$REGISTRY_PID"
	done
	local label="$subjects subjects"
	((subjects == 0)) && label="a subject per client (16)"
	echo "stored=$base, 16 clients, $label: median $(median "${runs[@]}") registrations/s" \
		"(runs: ${runs[*]}), $(median "${cpu[@]}") us server CPU/registration"
}

run_read() {
	WARMUP=${WARMUP:-5s}
	read_bench 500
	read_bench 20000
}

run_new() {
	"$BIN/fill" -new-template "$WORK/new-template.json"
	for base in 0 20000; do
		for subjects in 0 4 1; do
			new_bench "$base" "$subjects"
		done
	done
}

run_startup() {
	local dir
	dir=$(dataset 100000)
	"$BIN/startup" -bin "$BIN/schema-registry" -data-dir "$dir" -runs "$STARTS" -bodies "$WORK/bodies-100000.txt"
}

run_compat() {
	go test -run '^$' -bench BenchmarkFullTransitive -count 5 ./compat | grep Benchmark
	start_registry "$(fresh_copy 0)"
	"$BIN/compatapi" -url "http://127.0.0.1:$PORT"
	stop "$REGISTRY_PID"
}

# start_broker: starts a kfake broker process; sets BROKER_PID and BROKERS.
start_broker() {
	rm -f "$WORK/broker.addr"
	"$BIN/kfakebroker" >"$WORK/broker.addr" &
	BROKER_PID=$!
	PIDS+=("$BROKER_PID")
	for _ in $(seq 1 500); do
		[[ -s $WORK/broker.addr ]] && break
		sleep 0.01
	done
	BROKERS=$(head -1 "$WORK/broker.addr")
}

# start_kafka_registry: starts the registry on the broker and waits until
# it has elected itself leader, so that it takes writes.
start_kafka_registry() {
	"$BIN/schema-registry" --listen "127.0.0.1:$PORT" --data-dir "$WORK/kafka-unused" --log-level warn \
		--kafka-brokers "$BROKERS" &
	REGISTRY_PID=$!
	PIDS+=("$REGISTRY_PID")
	wait_ready "$PORT"
	for _ in $(seq 1 3000); do
		[[ $(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
			-d '{"compatibility":"BACKWARD"}' "http://127.0.0.1:$PORT/config/bench-leader-probe") == 200 ]] && return 0
		sleep 0.01
	done
	echo "the registry on Kafka elected no leader" >&2
	return 1
}

# new_registrations: prints the registrations/s of 16 clients, a subject
# each, against the registry started as REGISTRY_PID, then stops it.
new_registrations() {
	local figure cpu_us
	read -r figure cpu_us < <(measure "$REGISTRY_PID" -t16 -c16 -d"$NEW_DURATION" -s bench/wrk/newschema.lua \
		"http://127.0.0.1:$PORT" -- "$WORK/new-template.json" "$1" 0)
	[[ -n $figure ]] || return 1
	stop "$REGISTRY_PID"
	echo "$figure"
}

run_kafka() {
	"$BIN/fill" -new-template "$WORK/new-template.json"
	local round figure
	local -a kafka=() embedded=() ratios=()
	for round in $(seq 1 "$NEW_ROUNDS"); do
		start_broker
		start_kafka_registry
		kafka+=("$(new_registrations "k$round")")
		stop "$BROKER_PID"
		start_registry "$(fresh_copy 0)"
		embedded+=("$(new_registrations "e$round")")
		ratios+=("$(ratio "${kafka[-1]}" "${embedded[-1]}")")
		log "round $round: kafka ${kafka[-1]}/s, embedded ${embedded[-1]}/s"
	done
	echo "new registrations, 16 clients, a subject each: kafka median $(median "${kafka[@]}")/s (runs: ${kafka[*]})," \
		"embedded median $(median "${embedded[@]}")/s (runs: ${embedded[*]}), kafka/embedded median $(median "${ratios[@]}")x"

	start_broker
	"$BIN/fill" -kafka-brokers "$BROKERS" -schemas 100000
	log "start-up with 100,000 schemas in the Kafka topic"
	"$BIN/startup" -bin "$BIN/schema-registry" -data-dir "$WORK/kafka-unused" -runs "$STARTS" -- --kafka-brokers "$BROKERS"
	stop "$BROKER_PID"
	log "start-up with 100,000 schemas in the embedded log"
	"$BIN/startup" -bin "$BIN/schema-registry" -data-dir "$(dataset 100000)" -runs "$STARTS"
}

targets=("$@")
((${#targets[@]})) || targets=(read new startup compat kafka)
machine
for target in "${targets[@]}"; do
	case $target in
	read | new | startup | compat | kafka)
		log "$target"
		"run_$target"
		;;
	*)
		echo "unknown benchmark $target; want read, new, startup, compat or kafka" >&2
		exit 2
		;;
	esac
done
machine
