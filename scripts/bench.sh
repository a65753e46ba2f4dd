#!/usr/bin/env bash
# Benchmark `cnbudget extract` on a generated corpus; prints a Markdown report on stdout
# (progress on stderr). Figures for BENCHMARKS.md come from this script.
#
# Usage (from anywhere in the repository):
#
#   scripts/bench.sh                        # 1,000 documents, --jobs 1 (baseline) and --jobs 2
#   BENCH_SCALE=10000 scripts/bench.sh      # plus one 10,000-document batch for peak memory
#
# Environment:
#   BENCH_DOCS=N          corpus size for the throughput runs (default 1000)
#   BENCH_JOBS="1 2"      --jobs values to measure; the first is the baseline (default "1 2")
#   BENCH_REPEAT=R        timed runs per configuration; the fastest counts (default 3)
#   BENCH_SCALE=N         also run one batch of N documents with --jobs $(nproc) (default: off)
#   BENCH_SEED=S          corpus seed (default 1)
#   BENCH_ENCODING_MIX=1  generate the corpus with --encoding-mix (~20% GB18030, ~5% CRLF)
#   BENCH_QUIET=SECONDS   before each timed run, wait up to this long for the CPUs to be ≥ 85% idle
#                         (default 120; 0 disables). The idle share seen is reported.
#   BENCH_BUILD=0         do not run `cargo build --release` (use target/release/cnbudget as is)
#   BENCH_BIN=PATH        benchmark this binary instead (no build); e.g. to compare two builds
#   BENCH_OUT_DIR=DIR     write the tool's output under DIR (default: the work directory). A tmpfs such as
#                         /dev/shm takes the disk (and its fsync cost) out of the measurement
#   BENCH_GNU_TIME=0      do not use /usr/bin/time even if present (tests the bash `time` fallback)
#   BENCH_TMP=DIR         work directory (default: a new mktemp -d, removed at exit)
#
# Needs: bash, python3 (the corpus generator), cargo (unless BENCH_BUILD=0). Peak memory needs GNU time
# (`/usr/bin/time -v`; Debian package `time`); without it wall and CPU times come from bash's `time`
# (TIMEFORMAT) and peak memory is reported as n/a.
#
# Every figure is measured in this one invocation, and speed-ups are ratios against the baseline run
# (the first BENCH_JOBS value, normally --jobs 1) measured here too, so runs on different machines or
# days are comparable only through those ratios and the recorded machine description.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DOCS=${BENCH_DOCS:-1000}
JOBS=${BENCH_JOBS:-"1 2"}
REPEAT=${BENCH_REPEAT:-3}
SCALE=${BENCH_SCALE:-0}
SEED=${BENCH_SEED:-1}
QUIET=${BENCH_QUIET:-120}
SAMPLE_BYTES=$(wc -c <samples/000_163e4aab9eba8502.txt)

log() { printf '[bench] %s\n' "$*" >&2; }

if [[ -n "${BENCH_TMP:-}" ]]; then
  WORK=$BENCH_TMP
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/cnbudget-bench.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

# ---------------------------------------------------------------------------------------------
# The binary: build (retrying, since src/ may be mid-edit), then copy it so that a rebuild by
# someone else during the benchmark cannot swap the binary under the runs.
# ---------------------------------------------------------------------------------------------
if [[ -n "${BENCH_BIN:-}" ]]; then
  [[ -x "$BENCH_BIN" ]] || { log "BENCH_BIN=$BENCH_BIN is not an executable"; exit 2; }
elif [[ "${BENCH_BUILD:-1}" != 0 ]]; then
  for attempt in 1 2 3; do
    log "cargo build --release (attempt $attempt)"
    if cargo build --release >&2; then break; fi
    if [[ $attempt == 3 ]]; then log "build failed 3 times; giving up"; exit 2; fi
    log "build failed; retrying in 60 s"
    sleep 60
  done
fi
SRC_BIN=${BENCH_BIN:-target/release/cnbudget}
[[ -x "$SRC_BIN" ]] || { log "$SRC_BIN missing (build it or unset BENCH_BUILD)"; exit 2; }
BIN=$WORK/cnbudget
cp "$SRC_BIN" "$BIN"
BIN_SHA=$(sha256sum "$BIN" | cut -c1-12)
GIT_REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
GIT_DIRTY=$(git status --porcelain -- src grammars Cargo.toml Cargo.lock 2>/dev/null | wc -l | tr -d ' ')
TOOL_VERSION=$("$BIN" --version 2>/dev/null || echo "cnbudget ?")

# ---------------------------------------------------------------------------------------------
# Measuring one command
# ---------------------------------------------------------------------------------------------
if [[ "${BENCH_GNU_TIME:-1}" != 0 && -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
  HAVE_GNU_TIME=1
else
  HAVE_GNU_TIME=0
  log "GNU time not used (/usr/bin/time missing, or BENCH_GNU_TIME=0; Debian package 'time'): peak memory will be n/a"
fi

# CPU idle share (percent) over one second, from /proc/stat.
idle_pct() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local ta=0 tb=0 i
  for i in 1 2 3 4 5 6 7 8; do ta=$((ta + a[i])); tb=$((tb + b[i])); done
  local idle=$(((b[4] + b[5]) - (a[4] + a[5]))) total=$((tb - ta))
  ((total > 0)) || { echo 100; return; }
  echo $((100 * idle / total))
}

# Waits (up to $QUIET seconds) until the machine is ≥ 85% idle; echoes the idle share last seen.
wait_quiet() {
  local p start=$SECONDS
  p=$(idle_pct)
  while ((QUIET > 0 && p < 85 && SECONDS - start < QUIET)); do
    sleep 4
    p=$(idle_pct)
  done
  echo "$p"
}

# measure OUTFILE CMD...: runs CMD, writes "wall user sys maxrss_kb status" to OUTFILE.
measure() {
  local out=$1
  shift
  local t0 t1 status=0
  if [[ $HAVE_GNU_TIME == 1 ]]; then
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/cmd.out" 2>"$WORK/cmd.err" || status=$?
    t1=$(date +%s.%N)
    awk -v t0="$t0" -v t1="$t1" -v st="$status" -F': ' '
      /User time/ {u=$2} /System time/ {s=$2} /Maximum resident set size/ {m=$2}
      END {printf "%.3f %.2f %.2f %d %d\n", t1-t0, u, s, m, st}' "$WORK/time.txt" >"$out"
  else
    local TIMEFORMAT='%R %U %S'
    { time "$@" >"$WORK/cmd.out" 2>"$WORK/cmd.err" || status=$?; } 2>"$WORK/time.txt"
    awk -v st="$status" '{printf "%.3f %.2f %.2f 0 %d\n", $1, $2, $3, st}' "$WORK/time.txt" >"$out"
  fi
}

# summary_counts DIR: "documents ok failed errors warnings" from DIR/summary.json.
summary_counts() {
  python3 - "$1/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
d = s["documents"]
print(len(d), s["ok"], s["failed"], sum(x["errors"] or 0 for x in d), sum(x["warnings"] or 0 for x in d))
EOF
}

# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------
GEN_FLAGS=(--seed "$SEED")
[[ "${BENCH_ENCODING_MIX:-0}" == 1 ]] && GEN_FLAGS+=(--encoding-mix)
NPROC=$(nproc)
if [[ -n "${BENCH_OUT_DIR:-}" ]]; then
  mkdir -p "$BENCH_OUT_DIR"
  OUTBASE=$(mktemp -d "$BENCH_OUT_DIR/cnbudget-bench-out.XXXXXX")
  trap 'rm -rf "$OUTBASE"; [[ -n "${BENCH_TMP:-}" ]] || rm -rf "$WORK"' EXIT
else
  OUTBASE=$WORK
fi
OUT_FS=$(df -T "$OUTBASE" | awk 'NR==2 {print $2}')
log "generating $DOCS documents (seed $SEED) in $WORK/corpus"
python3 scripts/gen_corpus.py --count "$DOCS" --out "$WORK/corpus" "${GEN_FLAGS[@]}" --jobs "$NPROC"
CORPUS_BYTES=$(awk -F'\t' 'NR>1 {s+=$9} END {print s}' "$WORK/corpus/manifest.tsv")
CORPUS_LINES=$(awk -F'\t' 'NR>1 {s+=$8} END {print s}' "$WORK/corpus/manifest.tsv")

# Warm-up (page cache, allocator), not timed.
log "warm-up run"
rm -rf "$OUTBASE/out"
"$BIN" extract "$WORK/corpus" --out "$OUTBASE/out" --jobs "$NPROC" >/dev/null 2>&1 || true
read -r N_DOCS N_OK N_FAILED N_ERR N_WARN < <(summary_counts "$OUTBASE/out")
log "corpus check: $N_DOCS documents, $N_OK ok, $N_FAILED failed, $N_ERR error findings, $N_WARN warnings"

# ---------------------------------------------------------------------------------------------
# Throughput runs: best of $REPEAT per --jobs value
# ---------------------------------------------------------------------------------------------
declare -A B_WALL B_USER B_SYS B_RSS B_IDLE
for j in $JOBS; do
  best=""
  for r in $(seq 1 "$REPEAT"); do
    rm -rf "$OUTBASE/out"
    idle=$(wait_quiet)
    log "extract --jobs $j, run $r/$REPEAT (machine ${idle}% idle before the run)"
    measure "$WORK/m.txt" "$BIN" extract "$WORK/corpus" --out "$OUTBASE/out" --jobs "$j"
    read -r w u s m st <"$WORK/m.txt"
    if [[ $st != 0 ]]; then log "exit status $st (some document failed?); see summary.json"; fi
    log "  wall ${w}s, user ${u}s, sys ${s}s, peak RSS ${m} kB"
    if [[ -z $best ]] || awk -v a="$w" -v b="$best" 'BEGIN {exit !(a < b)}'; then
      best=$w
      B_WALL[$j]=$w B_USER[$j]=$u B_SYS[$j]=$s B_RSS[$j]=$m B_IDLE[$j]=$idle
    fi
  done
done
OUT_BYTES=$(du -sb "$OUTBASE/out" | cut -f1)

# ---------------------------------------------------------------------------------------------
# Scale run: one batch of $SCALE documents, for peak memory
# ---------------------------------------------------------------------------------------------
if ((SCALE > 0)); then
  rm -rf "$OUTBASE/out"
  log "generating $SCALE documents for the scale run"
  python3 scripts/gen_corpus.py --count "$SCALE" --out "$WORK/scale" "${GEN_FLAGS[@]}" --jobs "$NPROC"
  SCALE_BYTES=$(awk -F'\t' 'NR>1 {s+=$9} END {print s}' "$WORK/scale/manifest.tsv")
  SCALE_IDLE=$(wait_quiet)
  log "extract $SCALE documents --jobs $NPROC (machine ${SCALE_IDLE}% idle before the run)"
  measure "$WORK/m.txt" "$BIN" extract "$WORK/scale" --out "$OUTBASE/out-scale" --jobs "$NPROC"
  read -r SW SU SS SM SST <"$WORK/m.txt"
  read -r S_DOCS S_OK S_FAILED S_ERR S_WARN < <(summary_counts "$OUTBASE/out-scale")
  log "  wall ${SW}s, peak RSS ${SM} kB; $S_OK ok, $S_FAILED failed"
  rm -rf "$OUTBASE/out-scale" "$WORK/scale"
fi
rm -rf "$OUTBASE/out"

# ---------------------------------------------------------------------------------------------
# PDF input: measured separately by scripts/bench_pdf.sh (cnbudget's PDF path against
# `pdftotext -layout` on real PDFs; the generator writes text only).
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
f() { awk "BEGIN {printf \"$1\", $2}"; }
mb() { if [[ $1 == 0 ]]; then echo "n/a"; else f "%.1f" "$1 / 1024"; fi; }
BASE=${JOBS%% *}
AVG_KB=$(f "%.1f" "$CORPUS_BYTES / $DOCS / 1000")
AVG_LINES=$(f "%.0f" "$CORPUS_LINES / $DOCS")

echo "## Benchmark run"
echo
if [[ -n "${BENCH_BIN:-}" ]]; then
  BUILD_DESC="binary $BENCH_BIN (sha256 $BIN_SHA; checkout at commit $GIT_REV, which need not be the binary's source)"
else
  BUILD_DESC="built from commit $GIT_REV (uncommitted changes in src/grammars/Cargo: $GIT_DIRTY files), binary sha256 $BIN_SHA"
fi
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); tool: $TOOL_VERSION, $BUILD_DESC"
echo "- machine: $NPROC CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -h | awk '/^Mem:/ {print $2}') RAM; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- corpus: $DOCS generated documents (scripts/gen_corpus.py ${GEN_FLAGS[*]}), average $AVG_KB kB and $AVG_LINES lines (the bundled sample: $(f "%.1f" "$SAMPLE_BYTES / 1000") kB); the tool read them as $N_OK ok, $N_FAILED failed, with $N_ERR error and $N_WARN warning findings"
echo "- timing: best of $REPEAT runs per configuration (wall clock), after one untimed warm-up; output written under ${BENCH_OUT_DIR:-the work directory in ${TMPDIR:-/tmp}} ($OUT_FS); $([[ $HAVE_GNU_TIME == 1 ]] && echo 'CPU time and peak RSS from /usr/bin/time -v' || echo 'CPU time from bash time; peak RSS not measured (no GNU time)')"
echo
echo "| configuration | documents | wall (s) | documents/s | documents/s per thread | CPU s (user+sys) | documents per CPU-second | MB/s | peak RSS (MB) | machine idle before run | speed-up vs baseline |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for j in $JOBS; do
  w=${B_WALL[$j]} u=${B_USER[$j]} s=${B_SYS[$j]}
  cpu=$(f "%.2f" "$u + $s")
  echo "| \`extract --jobs $j\`$([[ $j == "$BASE" ]] && echo ' (baseline)') | $DOCS | $w | $(f "%.0f" "$DOCS / $w") | $(f "%.0f" "$DOCS / $w / $j") | $cpu | $(f "%.0f" "$DOCS / ($cpu > 0 ? $cpu : 1)") | $(f "%.1f" "$CORPUS_BYTES / $w / 1e6") | $(mb "${B_RSS[$j]}") | ${B_IDLE[$j]}% | $(f "%.2f" "${B_WALL[$BASE]} / $w")× |"
done
if ((SCALE > 0)); then
  scpu=$(f "%.2f" "$SU + $SS")
  echo "| \`extract --jobs $NPROC\`, one batch | $SCALE | $SW | $(f "%.0f" "$SCALE / $SW") | $(f "%.0f" "$SCALE / $SW / $NPROC") | $scpu | $(f "%.0f" "$SCALE / ($scpu > 0 ? $scpu : 1)") | $(f "%.1f" "$SCALE_BYTES / $SW / 1e6") | $(mb "$SM") | ${SCALE_IDLE}% | — |"
fi
echo
LAST=${JOBS##* }
echo "Speed-up $LAST threads / $BASE thread: $(f "%.2f" "${B_WALL[$BASE]} / ${B_WALL[$LAST]}")×."
echo "Sample-size-equivalent throughput (MB/s ÷ $SAMPLE_BYTES bytes), $BASE thread: $(f "%.0f" "$CORPUS_BYTES / ${B_WALL[$BASE]} / $SAMPLE_BYTES") documents/s."
echo "Output written: $(f "%.0f" "$OUT_BYTES / $DOCS / 1000") kB per document."
if ((SCALE > 0)); then
  echo "Scale run: $S_OK ok, $S_FAILED failed, $S_ERR error findings."
fi
echo
echo "PDF input: not part of this run; scripts/bench_pdf.sh measures the PDF path against pdftotext -layout."
