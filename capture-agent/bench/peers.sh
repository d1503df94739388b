#!/usr/bin/env bash
# capture-agent/bench/peers.sh PCAP
#
# Benchmarks peer flow meters reading a pcap file offline on ONE core:
#   pmacctd (pmacct), softflowd, nfpcapd (nfdump)
# For each tool: one untimed warm-up run, then $REPS timed runs under
# `/usr/bin/time -v` and `taskset -c $CPU`; every run's own totals are checked
# against the packet count of the file.  Best (minimum-wall) run is reported:
#
#   TOOL: N.NN Mpps (wall S s, maxrss K KB)
#
# Mpps = packets_in_file / 1e6 / wall.  Extra detail (user+sys, CPU-time based
# Mpps, flow counts) goes to stderr.
#
# Environment knobs:
#   CPU=1          core to pin to (taskset -c)
#   REPS=3         timed runs per tool (best wall is reported)
#   TOOLS="pmacctd softflowd nfpcapd"   subset/order to run
#   SFD_MAXFLOWS=4000000   softflowd -m (default 8192 would force-expire flows)
#   PM_CACHE_ENTRIES=N  pmacctd print_cache_entries (default: pmacct's own)
#   RUN_TIMEOUT=600  per-run limit in seconds (a hung tool fails the script)
#   KEEP=1         keep the temp dir (outputs, logs) for inspection
set -euo pipefail

die()  { echo "peers.sh: ERROR: $*" >&2; exit 1; }
info() { echo "# $*" >&2; }

[[ $# -eq 1 ]] || die "usage: $0 file.pcap"
PCAP=$(readlink -f -- "$1") || die "cannot resolve $1"
[[ -f $PCAP && -r $PCAP ]] || die "pcap not readable: $PCAP"

CPU=${CPU:-1}
REPS=${REPS:-3}
TOOLS=${TOOLS:-"pmacctd softflowd nfpcapd"}
SFD_MAXFLOWS=${SFD_MAXFLOWS:-4000000}
# pmacctd print_cache_entries (unset: pmacct's default); each entry costs ~4 KB of pmacctd memory
PM_CACHE_ENTRIES=${PM_CACHE_ENTRIES:-}
PM_CACHE_LINE=${PM_CACHE_ENTRIES:+print_cache_entries: $PM_CACHE_ENTRIES
}
RUN_TIMEOUT=${RUN_TIMEOUT:-600}
PM_SLEEP=1      # pcap_savefile_delay: pmacctd sleeps this long before reading (0 => 2 s built-in)
PM_EXIT_SLEEP=2 # pmacctd 1.7.7 core sleeps a hard-coded 2 s at EOF before signalling plugins

# ---- prerequisites ---------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found (apt-get install $2)"; }
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing (apt-get install time)"
need taskset util-linux
need timeout coreutils
need tcpdump tcpdump
need python3 python3
need awk gawk
for t in $TOOLS; do
  case $t in
    pmacctd)   need pmacctd pmacct ;;
    softflowd) need softflowd softflowd ;;
    nfpcapd)   need nfpcapd nfdump; need nfdump nfdump ;;
    *) die "unknown tool '$t' in TOOLS" ;;
  esac
done
nproc_all=$(nproc --all)
(( CPU < nproc_all )) || die "CPU=$CPU but only $nproc_all CPUs"

WORK=$(mktemp -d /tmp/tapflow-peers.XXXXXX) || die "mktemp failed"
cleanup() {
  local rc=$?
  # stop anything of ours still running (only PIDs we recorded)
  [[ -n ${CHILD:-} ]] && kill "$CHILD" 2>/dev/null || true
  if [[ ${KEEP:-0} == 1 ]]; then info "kept $WORK"; else rm -rf -- "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- reference packet count + page-cache warm-up ---------------------------
cat -- "$PCAP" > /dev/null
# count records: classic pcap via python3 (fast); anything else via tcpdump
EXPECT=$(python3 - "$PCAP" <<'PY' 2>/dev/null || tcpdump -q -n -r "$PCAP" 2>/dev/null | wc -l
import struct, sys
with open(sys.argv[1], "rb") as f:
    magic = f.read(24)[:4]
    end = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
           b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if end is None:
        sys.exit(1)  # not classic pcap (e.g. pcapng): let tcpdump count
    rec, n = struct.Struct(end + "IIII"), 0
    while True:
        h = f.read(16)
        if len(h) < 16:
            break
        f.seek(rec.unpack(h)[2], 1)
        n += 1
print(n)
PY
)
(( EXPECT > 0 )) || die "read 0 packets from $PCAP"
info "pcap $PCAP: $EXPECT packets; CPU=$CPU REPS=$REPS"

# ---- helpers ---------------------------------------------------------------
# timed RUNDIR LOG cmd... : runs cmd pinned & timed; time -v output in RUNDIR/time
timed() {
  local dir=$1 log=$2; shift 2
  /usr/bin/time -v -o "$dir/time" timeout "$RUN_TIMEOUT" taskset -c "$CPU" "$@" >"$log" 2>&1 &
  CHILD=$!
  local rc=0; wait "$CHILD" || rc=$?
  CHILD=
  (( rc != 124 )) || die "timed out after ${RUN_TIMEOUT}s: $* (log: $log)"
  (( rc == 0 )) || { tail -20 "$log" >&2; die "command failed (rc=$rc): $*"; }
  CHILD=
}
tv() {  # tv FILE -> "wall user sys maxrss"
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n=split($2,a,":"); w=0; for(i=1;i<=n;i++) w=w*60+a[i] }
    /User time \(seconds\)/   { u=$2 }
    /System time \(seconds\)/ { s=$2 }
    /Maximum resident set size/ { r=$2 }
    END { printf "%.2f %.2f %.2f %d\n", w, u, s, r }' "$1"
}

# per-tool run functions: run_X DIR -> runs once; verify_X DIR -> prints "flows"
run_pmacctd() {
  local d=$1
  cat > "$d/pmacctd.conf" <<EOF
daemonize: false
pcap_savefile: $PCAP
pcap_savefile_wait: false
pcap_savefile_delay: $PM_SLEEP
aggregate: src_host,dst_host,src_port,dst_port,proto
plugins: print
print_output: csv
print_output_file: $d/pmacct.csv
print_refresh_time: 86400
plugin_pipe_size: 67108864
plugin_buffer_size: 4194304
${PM_CACHE_LINE}
EOF
  timed "$d" "$d/log" pmacctd -f "$d/pmacctd.conf"
}
verify_pmacctd() {
  local d=$1
  [[ -s $d/pmacct.csv ]] || die "pmacctd wrote no output (see $d/log)"
  grep -qE '^ERROR|missing data|[Dd]ata loss' "$d/log" && { tail -5 "$d/log" >&2; die "pmacctd reported errors/data loss"; }
  read -r flows pkts < <(awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="PACKETS") c=i; next}
                                  {p+=$c; n++} END{print n+0, p+0}' "$d/pmacct.csv")
  (( pkts == EXPECT )) || die "pmacctd counted $pkts packets, expected $EXPECT (pipe overrun?)"
  echo "$flows"
}

run_softflowd() {
  local d=$1
  # no -n: statistics-only mode (flows are metered+expired, nothing is sent).
  # -c none is REQUIRED: softflowd 1.1.0 in -r mode tests an uninitialised
  # pollfd for the control socket and can block forever in accept().
  timed "$d" "$d/log" softflowd -r "$PCAP" -m "$SFD_MAXFLOWS" -c none -p "$d/pid"
}
verify_softflowd() {
  local d=$1 pkts forced flows
  pkts=$(awk -F': ' '/^Packets processed:/{print $2}' "$d/log")
  read -r flows forced < <(sed -nE 's/^Flows expired: ([0-9]+) \(([0-9]+) forced\).*/\1 \2/p' "$d/log")
  [[ -n ${pkts:-} && -n ${flows:-} ]] || { tail -20 "$d/log" >&2; die "softflowd: no summary in output"; }
  (( pkts == EXPECT )) || die "softflowd processed $pkts packets, expected $EXPECT"
  (( forced == 0 )) || info "WARNING softflowd force-expired $forced flows (raise SFD_MAXFLOWS)"
  echo "$flows"
}

run_nfpcapd() {
  local d=$1
  mkdir -p "$d/flows"
  timed "$d" "$d/log" nfpcapd -r "$PCAP" -w "$d/flows"
}
verify_nfpcapd() {
  local d=$1 pkts flows
  # own summary line: "Ident: 'none' Flows: F, Packets: P, Bytes: B"
  read -r flows pkts < <(sed -nE "s/^Ident: .* Flows: ([0-9]+), Packets: ([0-9]+),.*/\1 \2/p" "$d/log" | tail -1)
  [[ -n ${pkts:-} ]] || { tail -20 "$d/log" >&2; die "nfpcapd: no summary in output"; }
  (( pkts == EXPECT )) || die "nfpcapd counted $pkts packets, expected $EXPECT"
  # cross-check what actually landed on disk
  local disk
  disk=$(nfdump -R "$d/flows" -I 2>/dev/null | awk -F': ' '$1=="Packets"{s+=$2} END{print s+0}')
  (( disk == EXPECT )) || die "nfpcapd files hold $disk packets, expected $EXPECT"
  echo "$flows"
}

# ---- main loop -------------------------------------------------------------
for t in $TOOLS; do
  d="$WORK/$t.warm"; mkdir -p "$d"
  "run_$t" "$d"; flows=$("verify_$t" "$d")
  best=""
  for ((r = 1; r <= REPS; r++)); do
    d="$WORK/$t.$r"; mkdir -p "$d"
    "run_$t" "$d"; flows=$("verify_$t" "$d")
    read -r w u s k < <(tv "$d/time")
    info "$t run $r: wall ${w}s user ${u}s sys ${s}s maxrss ${k}KB flows $flows"
    if [[ -z $best ]] || awk -v a="$w" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
      best="$w $u $s $k $flows"
    fi
  done
  read -r w u s k flows <<<"$best"
  awk -v t="$t" -v n="$EXPECT" -v w="$w" -v u="$u" -v s="$s" -v k="$k" -v f="$flows" -v z="$((PM_SLEEP + PM_EXIT_SLEEP))" '
    BEGIN {
      printf "%s: %.2f Mpps (wall %.2f s, maxrss %d KB)\n", t, n/1e6/w, w, k
      extra = ""
      if (t == "pmacctd") extra = sprintf(", wall minus %d s of fixed sleeps = %.2f s -> %.2f Mpps", z, w-z, n/1e6/(w-z))
      printf "#   %s detail: user+sys %.2f s -> %.2f Mpps on CPU time, flows reported %d%s\n",
             t, u+s, n/1e6/(u+s), f, extra > "/dev/stderr"
    }'
done
