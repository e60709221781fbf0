#!/usr/bin/env bash
# github-cache vs the reference nginx cache, on one machine, in one run, interleaved (A, B, A, B).
#
#   bench/run.sh                       # about 13 minutes; prints a table, keeps raw results
#
# What it does (see BENCHMARKS.md for the method and the numbers):
#   - installs nginx, wrk and curl from Debian's packages when missing; builds target/github-cache.jar
#     when missing (mvn -B -q package -DskipTests)
#   - starts a stub upstream (nginx serving bench/stub/repo.json on every path, ETag + 304), the
#     reference nginx config ported to that stub (bench/nginx/proxy.conf), and github-cache
#     (java -jar with the README's launch options) against the same stub; only 127.0.0.1 is used
#   - measures: time from `java -jar` to the first served request; cache hits at 50 and 200
#     connections (gzip clients), at 50 connections for clients without gzip, and at 50 connections
#     paced to the same offered load on both (PACE_MS between a connection's requests); misses (a new path
#     every request); revalidations (1 s TTL on both, every request finds its entry expired and the
#     stub answers 304); upstream requests each spent (stub access log); RSS after the run
#
# Environment knobs (defaults in brackets):
#   DURATION [10s] per measured run     ROUNDS [2] measured runs per system and scenario
#   WARMUP [60s] unrecorded warm-up runs THREADS [2] wrk threads
#   PACE_MS [1] wait between a connection's requests in the paced hit runs (50 connections: at most
#               about 50,000/(1 + latency in ms) requests/s, below either system's saturated rate here)
#   REVAL_PATHS [auto] revalidation paths per wrk thread; each must come round later than the 1 s TTL, and
#               nginx keeps validity in whole seconds (a "1 s" entry lives up to 2 s), so auto = 3 s worth
#               of three times the fastest miss rate seen (per thread), within 4000..60000 (with 2 threads,
#               120,000 paths: about 230 MB of github-cache's 256 MB memory tier)
#   JAVA_OPTS [the README's: class-data archive + heap bounds] JVM options for github-cache; JAVA_OPTS=
#               (empty) runs it with the JVM's own defaults. A plain `java -jar` (no options) is always
#               started once as well, for its startup time and its RSS after the same hit load
#   JFR [0] 1 = record a JFR profile of the main github-cache instance into the results dir
#   RESULTS_DIR [bench/results/<timestamp>]   KEEP_WORK [0] 1 = keep the temp dir (logs, nginx cache)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR="$ROOT/target/github-cache.jar"
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-60s}
PACE_MS=${PACE_MS:-1}
REVAL_PATHS=${REVAL_PATHS:-auto}
# the launch the README documents (keep in step with README.md "Run" and the Dockerfile)
JAVA_OPTS=${JAVA_OPTS-"-XX:SharedArchiveFile=$ROOT/target/github-cache.jsa -Xms32m -Xmx768m -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=70 -XX:TrimNativeHeapInterval=5000 -XX:PerMethodTrapLimit=0 -XX:-UseTypeSpeculation"}
JFR=${JFR:-0}
KEEP_WORK=${KEEP_WORK:-0}
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- tools
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing from Debian's packages: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]} (or install them yourself)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
if [ ! -f "$JAR" ]; then
    log "building $JAR"
    (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
[ -f "$JAR" ] || die "no $JAR after the build"

# ---------------------------------------------------------------- work dir, ports, cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/github-cache-bench.XXXXXX")
chmod 755 "$WORK"   # nginx workers run as an unprivileged user and read the stub's files
mkdir -p "$RESULTS_DIR" "$WORK/stub-root" "$WORK/stub-tmp" "$WORK/nginx-tmp"
DATA="$RESULTS_DIR/data.tsv"
printf 'scenario\tsystem\tround\trps\tp50_us\tp99_us\tp999_us\trequests\terrors\tupstream\tupstream_200\tupstream_304\n' > "$DATA"

PIDS=()          # java processes we started
BG_PIDS=()       # background wrk processes while they run
NGINX_CONFS=()   # nginx instances we started (config files), stopped by their own pid files
cleanup() {
    local rc=$?
    set +e
    log "stopping what this run started"
    for pid in "${BG_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for conf in "${NGINX_CONFS[@]}"; do
        local pidfile="${conf%.conf}.pid"
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    log "stopped; removing the work dir"
    if [ "$KEEP_WORK" = 1 ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    log "done"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
next_port=18400
pick_port() {   # variable name: the next free port from 18400 up
    while ! port_free "$next_port"; do next_port=$((next_port + 1)); done
    printf -v "$1" '%s' "$next_port"
    next_port=$((next_port + 1))
}
pick_port STUB_PORT
pick_port NGINX_PORT
pick_port NGINX_REVAL_PORT
pick_port GC_PORT
pick_port GC_REVAL_PORT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

fill() {   # template -> file, replacing the @...@ placeholders
    sed -e "s#@WORK@#$WORK#g" -e "s#@STUB_PORT@#$STUB_PORT#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" \
        -e "s#@NGINX_REVAL_PORT@#$NGINX_REVAL_PORT#g" "$1" > "$2"
}

start_nginx() {   # name
    local conf="$WORK/$1.conf"
    nginx -t -q -c "$conf" -p "$WORK/" -e "$WORK/$1-error.log" || die "nginx config $conf"
    nginx -c "$conf" -p "$WORK/" -e "$WORK/$1-error.log" || die "nginx $1 did not start"
    NGINX_CONFS+=("$conf")
}

# first successful (200) answer on a URL, polled with curl in a tight loop; prints ms since $2
wait_first_200() {   # url start_ms pid-to-watch(optional)
    local url=$1 t0=$2 pid=${3:-}
    while true; do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" 2>/dev/null)" = 200 ]; then
            echo $(( $(now_ms) - t0 ))
            return 0
        fi
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
        if [ $(( $(now_ms) - t0 )) -gt 120000 ]; then return 1; fi
    done
}

GC_PID=""
GC_REVAL_PID=""
start_github_cache() {   # name port extra-env... ; sets STARTED_PID and STARTED_MS
    local name=$1 port=$2
    shift 2
    local jfr=()
    if [ "$JFR" = 1 ] && [ "$name" = github-cache ]; then
        jfr=("-XX:StartFlightRecording=filename=$RESULTS_DIR/github-cache.jfr,settings=profile,dumponexit=true")
    fi
    local t0
    t0=$(now_ms)
    # cwd = $WORK so the jar uses its own routes (no routes/ folder there)
    # each instance gets its own disk tier and management port (a cache directory is locked by one process)
    # shellcheck disable=SC2086
    (cd "$WORK" && exec env PORT="$port" GITHUB_CACHE_UPSTREAM_URL="http://127.0.0.1:$STUB_PORT" \
        GITHUB_CACHE_DIR="$WORK/cache-$name" CAMEL_MANAGEMENT_PORT="$((port + 1000))" "$@" \
        java ${STARTED_OPTS-$JAVA_OPTS} "${jfr[@]}" -jar "$JAR" > "$WORK/$name.out" 2> "$WORK/$name.err") &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    STARTED_MS=$(wait_first_200 "http://127.0.0.1:$port/repos/bench/startup-$name" "$t0" "$STARTED_PID") \
        || { tail -20 "$WORK/$name.err" >&2; die "$name did not answer"; }
}

stub_lines() { wc -l < "$WORK/stub-access.log"; }

# one wrk run; appends a row to $DATA
RUN_RPS=""
wrk_run() {   # scenario system round url conns script args...
    local scenario=$1 system=$2 round=$3 url=$4 conns=$5 script=$6
    shift 6
    local out="$RESULTS_DIR/$(echo "$scenario" | tr ' ' '_')-$system-$round.txt"
    local before after
    before=$(stub_lines)
    local d=$DURATION
    case $scenario in *warm-up*) d=$WARMUP ;; esac
    wrk -t"$THREADS" -c"$conns" -d"$d" --latency --timeout 5s -s "$BENCH_DIR/lua/$script" "$url" -- "$@" \
        > "$out" 2>&1 || die "wrk failed, see $out"
    sleep 0.2   # let the last proxied requests reach the stub's log
    after=$(stub_lines)
    local line
    line=$(grep '^BENCH ' "$out") || die "no BENCH line in $out"
    local up200 up304
    read -r up200 up304 < <(sed -n "$((before + 1)),${after}p" "$WORK/stub-access.log" \
        | awk '$1 == 200 { a++ } $1 == 304 { b++ } END { print a + 0, b + 0 }')
    kv() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    local errors=$(( $(kv err_connect) + $(kv err_read) + $(kv err_write) + $(kv err_status) + $(kv err_timeout) ))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$system" "$round" "$(kv rps)" \
        "$(kv p50_us)" "$(kv p99_us)" "$(kv p999_us)" "$(kv requests)" "$errors" "$((after - before))" \
        "$up200" "$up304" >> "$DATA"
    RUN_RPS=$(kv rps)
    log "$scenario / $system / round $round: $(kv rps) req/s, p99 $(kv p99_us) us, upstream $((after - before)), errors $errors"
}

cache_status() {   # url [curl args...]: X-Github-Cache-Status of one GET
    local url=$1
    shift
    curl -s -o /dev/null -D - "$@" -H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' \
        "$url" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-github-cache-status" { print $2 }'
}

# a path fetched twice must be a HIT the second time on both systems, or the hit figures mean nothing
prime_and_check() {   # path [curl args...]
    local path=$1
    shift
    local gc ng
    cache_status "http://127.0.0.1:$GC_PORT$path" "$@" > /dev/null
    cache_status "http://127.0.0.1:$NGINX_PORT$path" "$@" > /dev/null
    gc=$(cache_status "http://127.0.0.1:$GC_PORT$path" "$@")
    ng=$(cache_status "http://127.0.0.1:$NGINX_PORT$path" "$@")
    [ "$gc" = HIT ] && [ "$ng" = HIT ] || die "expected HIT on $path, got github-cache=$gc nginx=$ng"
}

rss_kb() {   # pid... : sum of VmRSS in kB
    local sum=0 pid v
    for pid in "$@"; do
        v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        sum=$((sum + ${v:-0}))
    done
    echo "$sum"
}
nginx_pids() {   # master pid file -> master + workers
    local master
    master=$(cat "$1")
    echo "$master" $(ps -o pid= --ppid "$master")
}

# ---------------------------------------------------------------- start everything
log "work dir $WORK, results $RESULTS_DIR"
log "ports: stub $STUB_PORT, nginx $NGINX_PORT (reval $NGINX_REVAL_PORT), github-cache $GC_PORT (reval $GC_REVAL_PORT)"
cp "$BENCH_DIR/stub/repo.json" "$WORK/stub-root/repo.json"
gzip -9 -c "$WORK/stub-root/repo.json" > "$WORK/stub-root/repo.json.gz"
chmod -R a+rX "$WORK/stub-root"
fill "$BENCH_DIR/nginx/stub.conf" "$WORK/stub.conf"
fill "$BENCH_DIR/nginx/proxy.conf" "$WORK/nginx.conf"
start_nginx stub
wait_first_200 "http://127.0.0.1:$STUB_PORT/" "$(now_ms)" > /dev/null || die "stub did not answer"

t0=$(now_ms)
start_nginx nginx
NGINX_START_MS=$(wait_first_200 "http://127.0.0.1:$NGINX_PORT/repos/bench/startup-nginx" "$t0") || die "nginx did not answer"
log "nginx: first request served ${NGINX_START_MS} ms after start"

# a plain `java -jar` (JVM defaults, no class-data archive): startup, and RSS after the same hit load
STARTED_OPTS="" start_github_cache github-cache-plain "$GC_PORT"
PLAIN_PID=$STARTED_PID
PLAIN_START_MS=$STARTED_MS
log "github-cache (plain java -jar): first request served ${PLAIN_START_MS} ms after java -jar"
prime_and_check_url() { curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$1/repos/bench/hit"; }
prime_and_check_url "http://127.0.0.1:$GC_PORT"
wrk -t"$THREADS" -c50 -d"$WARMUP" --timeout 5s -s "$BENCH_DIR/lua/hit.lua" "http://127.0.0.1:$GC_PORT" \
    -- /repos/bench/hit gzip > /dev/null
PLAIN_RSS=$(rss_kb "$PLAIN_PID")
kill "$PLAIN_PID"; wait "$PLAIN_PID" 2>/dev/null || true

start_github_cache github-cache "$GC_PORT"
GC_PID=$STARTED_PID
GC_START_MS=$STARTED_MS
log "github-cache: first request served ${GC_START_MS} ms after java -jar (pid $GC_PID)"

GC="http://127.0.0.1:$GC_PORT"
NG="http://127.0.0.1:$NGINX_PORT"

# ---------------------------------------------------------------- cache hits
prime_and_check /repos/bench/hit -H 'Accept-Encoding: gzip'
prime_and_check /repos/bench/hit-identity

# the first run of each is the cold one (recorded: what the first seconds after a deploy look like) (github-cache's JIT has just started); reported apart
wrk_run "hit c50 cold" github-cache 1 "$GC" 50 hit.lua /repos/bench/hit gzip
wrk_run "hit c50 cold" nginx 1 "$NG" 50 hit.lua /repos/bench/hit gzip
# then unrecorded warm-up runs of hits and misses each: github-cache's throughput still climbs for a
# minute or so after start while the JIT compiles (slower on a busy machine)
wrk_run "hit c50 warm-up" github-cache 0 "$GC" 50 hit.lua /repos/bench/hit gzip
wrk_run "hit c50 warm-up" nginx 0 "$NG" 50 hit.lua /repos/bench/hit gzip

for conns in 50 200; do
    for r in $(seq 1 "$ROUNDS"); do
        wrk_run "hit c$conns" github-cache "$r" "$GC" "$conns" hit.lua /repos/bench/hit gzip
        wrk_run "hit c$conns" nginx "$r" "$NG" "$conns" hit.lua /repos/bench/hit gzip
    done
done
for r in $(seq 1 "$ROUNDS"); do
    wrk_run "hit c50 no-gzip client" github-cache "$r" "$GC" 50 hit.lua /repos/bench/hit-identity identity
    wrk_run "hit c50 no-gzip client" nginx "$r" "$NG" 50 hit.lua /repos/bench/hit-identity identity
done
# the same offered load on both: in the runs above each system takes all it can, so wrk's own two threads
# compete for the cores harder the faster the server answers, and that competition sets much of the p99
for r in $(seq 1 "$ROUNDS"); do
    wrk_run "hit c50 paced ${PACE_MS}ms" github-cache "$r" "$GC" 50 hit.lua /repos/bench/hit gzip "$PACE_MS"
    wrk_run "hit c50 paced ${PACE_MS}ms" nginx "$r" "$NG" 50 hit.lua /repos/bench/hit gzip "$PACE_MS"
done

GC_HIT_RSS=$(rss_kb "$GC_PID")

# ---------------------------------------------------------------- misses: a new path every request
wrk_run "miss c50 warm-up" github-cache 0 "$GC" 50 paths.lua miss miss-gc-0
wrk_run "miss c50 warm-up" nginx 0 "$NG" 50 paths.lua miss miss-ng-0
for r in $(seq 1 "$ROUNDS"); do
    wrk_run "miss c50" github-cache "$r" "$GC" 50 paths.lua miss "miss-gc-$r"
    wrk_run "miss c50" nginx "$r" "$NG" 50 paths.lua miss "miss-ng-$r"
done

GC_RSS=$(rss_kb "$GC_PID")
if [ "$REVAL_PATHS" = auto ]; then
    # nginx revalidates about three times as fast as it misses: 3 s worth of three times the fastest miss rate
    # seen, so a path comes round after nginx's whole-second "1 s" (up to 2 s) has passed, and the paths' entries
    # still fit github-cache's default memory tier (four times the miss rate made 138,000 paths here, 1.9 KB
    # each in memory with their Vary markers: more than max-memory's 256 MB, see BENCHMARKS.md, step 29)
    REVAL_PATHS=$(awk -F'\t' -v t="$THREADS" 'NR > 1 && $1 ~ /^miss/ && $4 > m { m = $4 }
        END { n = int(3 * 3 * m / t); print (n < 4000 ? 4000 : (n > 60000 ? 60000 : n)) }' "$DATA")
fi
log "revalidation: $REVAL_PATHS paths per wrk thread"
NGINX_RSS_1=$(rss_kb $(nginx_pids "$WORK/nginx.pid"))

# ---------------------------------------------------------------- revalidations: 1 s TTL, every entry expired
start_github_cache github-cache-reval "$GC_REVAL_PORT" GITHUB_CACHE_TTL=1
GC_REVAL_PID=$STARTED_PID
GC_REVAL_START_MS=$STARTED_MS
GCR="http://127.0.0.1:$GC_REVAL_PORT"
NGR="http://127.0.0.1:$NGINX_REVAL_PORT"
log "github-cache with GITHUB_CACHE_TTL=1: first request served ${STARTED_MS} ms after java -jar"

# fill every path once, on both at the same time (unmeasured): each wrk thread stops after REVAL_PATHS
# responses; wrk itself waits out its -d, so we interrupt both once the stub has served them all
prefill() {
    local before target t0 wgc wng
    before=$(stub_lines)
    target=$((before + 2 * THREADS * REVAL_PATHS))
    wrk -t"$THREADS" -c50 -d120s --timeout 5s -s "$BENCH_DIR/lua/paths.lua" "$GCR" -- cycle reval "$REVAL_PATHS" \
        "$REVAL_PATHS" > "$RESULTS_DIR/reval-prefill-github-cache.txt" 2>&1 &
    wgc=$!
    wrk -t"$THREADS" -c50 -d120s --timeout 5s -s "$BENCH_DIR/lua/paths.lua" "$NGR" -- cycle reval "$REVAL_PATHS" \
        "$REVAL_PATHS" > "$RESULTS_DIR/reval-prefill-nginx.txt" 2>&1 &
    wng=$!
    BG_PIDS=("$wgc" "$wng")
    t0=$(now_ms)
    while [ "$(stub_lines)" -lt "$target" ]; do
        [ $(( $(now_ms) - t0 )) -lt 90000 ] || { log "prefill incomplete after 90 s (the table shows how many revalidations were 304s)"; break; }
        sleep 0.2
    done
    kill -INT "$wgc" "$wng" 2>/dev/null || true
    wait "$wgc" "$wng" || true
    BG_PIDS=()
    log "prefilled both: $(( $(stub_lines) - before )) upstream requests of $((2 * THREADS * REVAL_PATHS)) in $(( $(now_ms) - t0 )) ms"
}
prefill
sleep 2   # every entry is now past its 1 s TTL

# one unrecorded run each first: warms github-cache-reval's JIT on this path (nginx gets the same)
wrk_run "reval c50 warm-up" github-cache 0 "$GCR" 50 paths.lua cycle reval "$REVAL_PATHS"
wrk_run "reval c50 warm-up" nginx 0 "$NGR" 50 paths.lua cycle reval "$REVAL_PATHS"
for r in $(seq 1 "$ROUNDS"); do
    wrk_run "reval c50" github-cache "$r" "$GCR" 50 paths.lua cycle reval "$REVAL_PATHS"
    wrk_run "reval c50" nginx "$r" "$NGR" 50 paths.lua cycle reval "$REVAL_PATHS"
done

GC_REVAL_RSS=$(rss_kb "$GC_REVAL_PID")
NGINX_RSS_2=$(rss_kb $(nginx_pids "$WORK/nginx.pid"))
NGINX_CACHE_KB=$(du -sk "$WORK/nginx-cache" | cut -f1)
NGINX_REVAL_CACHE_KB=$(du -sk "$WORK/nginx-cache-reval" | cut -f1)
STUB_TOTAL=$(stub_lines)

if [ "$JFR" = 1 ]; then
    log "stopping github-cache to write its JFR recording"
    kill "$GC_PID"
    wait "$GC_PID" 2>/dev/null || true
fi

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
{
    echo "github-cache vs nginx (reference config) - $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
        "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load before report: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java: $(java -version 2>&1 | head -1); $(nginx -v 2>&1); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "wrk: $THREADS threads, $DURATION per run, $ROUNDS rounds per system (A,B,A,B), mean of rounds shown;" \
        "payload $(wc -c < "$BENCH_DIR/stub/repo.json") B JSON ($(wc -c < "$WORK/stub-root/repo.json.gz") B gzip)"
    echo
    awk -F'\t' '
        NR == 1 { next }
        $2 == "github-cache" { s = "g" } $2 == "nginx" { s = "n" }
        $1 ~ /warm-up/ { next }
        {
            k = $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
            c[k, s]++; rps[k, s] += $4; p50[k, s] += $5; p99[k, s] += $6; p999[k, s] += $7
            req[k, s] += $8; err[k, s] += $9; up[k, s] += $10; up304[k, s] += $12
        }
        function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
        END {
            printf "%-24s %-24s %14s %14s %9s\n", "scenario", "figure", "github-cache", "nginx", "gc/nginx"
            printf "%-24s %-24s %14s %14s %9s\n", "--------", "------", "------------", "-----", "--------"
            for (i = 1; i <= n; i++) {
                k = order[i]; cg = c[k, "g"]; cn = c[k, "n"]
                if (cg == 0 || cn == 0) continue
                a = rps[k, "g"] / cg; b = rps[k, "n"] / cn
                printf "%-24s %-24s %14.0f %14.0f %9s\n", k, "req/s", a, b, ratio(a, b)
                a = p50[k, "g"] / cg / 1000; b = p50[k, "n"] / cn / 1000
                printf "%-24s %-24s %14.2f %14.2f %9s\n", "", "p50 latency ms", a, b, ratio(a, b)
                a = p99[k, "g"] / cg / 1000; b = p99[k, "n"] / cn / 1000
                printf "%-24s %-24s %14.2f %14.2f %9s\n", "", "p99 latency ms", a, b, ratio(a, b)
                a = p999[k, "g"] / cg / 1000; b = p999[k, "n"] / cn / 1000
                printf "%-24s %-24s %14.2f %14.2f %9s\n", "", "p99.9 latency ms", a, b, ratio(a, b)
                printf "%-24s %-24s %14d %14d %9s\n", "", "client requests (sum)", req[k, "g"], req[k, "n"], ratio(req[k, "g"], req[k, "n"])
                printf "%-24s %-24s %14d %14d %9s\n", "", "upstream requests (sum)", up[k, "g"], up[k, "n"], ratio(up[k, "g"], up[k, "n"])
                a = req[k, "g"] > 0 ? up[k, "g"] / req[k, "g"] : 0; b = req[k, "n"] > 0 ? up[k, "n"] / req[k, "n"] : 0
                printf "%-24s %-24s %14.4f %14.4f %9s\n", "", "upstream per client req", a, b, ratio(a, b)
                if (up304[k, "g"] + up304[k, "n"] > 0)
                    printf "%-24s %-24s %14d %14d %9s\n", "", "  of which 304", up304[k, "g"], up304[k, "n"], ratio(up304[k, "g"], up304[k, "n"])
                if (err[k, "g"] + err[k, "n"] > 0)
                    printf "%-24s %-24s %14d %14d %9s\n", "", "wrk errors (sum)", err[k, "g"], err[k, "n"], "-"
            }
        }' "$DATA"
    printf '%-24s %-24s %14s %14s %9s\n' "startup" "first request, ms" "$GC_START_MS" "$NGINX_START_MS" \
        "$(ratio "$GC_START_MS" "$NGINX_START_MS")"
    printf '%-24s %-24s %14s %14s %9s\n' "startup, plain java -jar" "first request, ms" "$PLAIN_START_MS" \
        "$NGINX_START_MS" "$(ratio "$PLAIN_START_MS" "$NGINX_START_MS")"
    printf '%-24s %-24s %14s %14s %9s\n' "RSS after hits" "MiB (nginx: all procs)" \
        "$((GC_HIT_RSS / 1024))" "$((NGINX_RSS_1 / 1024))" "$(ratio "$GC_HIT_RSS" "$NGINX_RSS_1")"
    printf '%-24s %-24s %14s %14s %9s\n' "  plain java -jar" "MiB, after $WARMUP of c50 hits" \
        "$((PLAIN_RSS / 1024))" "$((NGINX_RSS_1 / 1024))" "$(ratio "$PLAIN_RSS" "$NGINX_RSS_1")"
    printf '%-24s %-24s %14s %14s %9s\n' "RSS after hit+miss" "MiB (nginx: all procs)" \
        "$((GC_RSS / 1024))" "$((NGINX_RSS_1 / 1024))" "$(ratio "$GC_RSS" "$NGINX_RSS_1")"
    printf '%-24s %-24s %14s %14s %9s\n' "RSS after reval" "MiB (gc: TTL=1 instance)" \
        "$((GC_REVAL_RSS / 1024))" "$((NGINX_RSS_2 / 1024))" "$(ratio "$GC_REVAL_RSS" "$NGINX_RSS_2")"
    echo
    echo "revalidation: $REVAL_PATHS paths per wrk thread; the TTL=1 github-cache instance served its first" \
        "request ${GC_REVAL_START_MS} ms after java -jar"
    echo "nginx cache files on disk (page cache, not in its RSS): $((NGINX_CACHE_KB / 1024)) MiB main," \
        "$((NGINX_REVAL_CACHE_KB / 1024)) MiB reval; stub served $STUB_TOTAL requests in all"
    echo "raw wrk output and data.tsv: $RESULTS_DIR"
} | tee "$RESULTS_DIR/summary.txt"
