#!/usr/bin/env bash
# PDF path benchmark: cnbudget's whole PDF path (read, layout, tables, validation, all outputs) against
# `pdftotext -layout` (poppler; text only) on the same files, in one invocation, one thread each.
#
#   scripts/bench_pdf.sh            # every PDF under samples/pdf and tests/fixtures/realdocs, 5 copies each
#   BENCH_COPIES=20 scripts/bench_pdf.sh
#
# Prints a Markdown table; the ratio is pdftotext's time over cnbudget's (above 1: cnbudget is faster).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
copies="${BENCH_COPIES:-5}"
if ! command -v pdftotext >/dev/null; then
  apt-get update -qq >/dev/null && apt-get install -y -qq poppler-utils >/dev/null
fi
(cd "$root" && cargo build --release --quiet)
work="$(mktemp -d /tmp/cnbudget-bench-pdf.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
n=0
for f in "$root"/samples/pdf/*.pdf "$root"/tests/fixtures/realdocs/*.pdf; do
  for i in $(seq 1 "$copies"); do
    n=$((n + 1))
    cp "$f" "$work/in/doc$n.pdf"
  done
done
bytes=$(du -sb "$work/in" | cut -f1)
cp "$root/target/release/cnbudget" "$work/cnbudget"

now() { date +%s.%N; }
# Warm the page cache once for both tools.
cat "$work"/in/*.pdf >/dev/null

t0=$(now)
for f in "$work"/in/*.pdf; do pdftotext -layout "$f" "$work/out.txt"; done
t1=$(now)
"$work/cnbudget" extract --quiet --jobs 1 --out "$work/out" "$work/in" || true
t2=$(now)
"$work/cnbudget" extract --quiet --jobs "$(nproc)" --out "$work/out2" "$work/in" || true
t3=$(now)

awk -v n="$n" -v bytes="$bytes" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v jobs="$(nproc)" 'BEGIN {
  pt = b - a; cb = c - b; cb2 = d - c;
  printf "| run | files | MB | seconds | files/s | vs pdftotext |\n|---|---:|---:|---:|---:|---:|\n";
  printf "| `pdftotext -layout` (baseline, 1 process at a time) | %d | %.1f | %.2f | %.1f | 1.00× |\n", n, bytes/1e6, pt, n/pt;
  printf "| `cnbudget extract --jobs 1` | %d | %.1f | %.2f | %.1f | %.2f× |\n", n, bytes/1e6, cb, n/cb, pt/cb;
  printf "| `cnbudget extract --jobs %d` | %d | %.1f | %.2f | %.1f | %.2f× |\n", jobs, n, bytes/1e6, cb2, n/cb2, pt/cb2;
}'
