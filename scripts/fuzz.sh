#!/usr/bin/env bash
# Coverage-guided fuzzing of cnbudget's input paths with cargo-fuzz (libFuzzer), on the stable
# toolchain.
#
#   scripts/fuzz.sh [text|pdf|all] [seconds]      default: all, 600 seconds per target
#
# Targets (fuzz/fuzz_targets/): `text` feeds arbitrary bytes to ingest::decode and
# pipeline::process_text; `pdf` feeds them to ingest::pdf::read (then the pipeline). Seeds: the
# samples, the text variants, the real PDFs and the malformed corpus (tests/fixtures/malformed/,
# made by scripts/make_malformed.py), copied into fuzz/corpus/<target>/, where libFuzzer keeps
# the inputs it finds interesting; fuzz/<target>.dict lists tokens for its mutations.
# Crashes land in fuzz/artifacts/<target>/; each one should become a file in
# tests/fixtures/malformed/ with its expected status in tests/it/malformed.rs.
#
# Environment: SANITIZER (default none: safe Rust panics are caught without it, and runs are
# faster; `address` for ASan); MAX_LEN (inputs up to this many bytes only, seeded with the seeds
# cut to that size, in their own corpus fuzz/corpus/<target>-<MAX_LEN>/: many more runs a second
# than with whole documents); FUZZ_ARGS (more libFuzzer flags, e.g. `-jobs=2 -workers=2`).
set -euo pipefail

target=${1:-all}
seconds=${2:-600}
root=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
# cargo-fuzz passes nightly-only flags (-Zsanitizer, sancov); this lets stable accept them.
export RUSTC_BOOTSTRAP=1

seed() {
    local corpus=$1
    shift
    mkdir -p "$corpus"
    local file
    for file in "$@"; do
        [ -f "$file" ] || continue
        # The bombs and floods take seconds per run; they stay regression tests only.
        case $(basename "$file") in *bomb* | *flood*) continue ;; esac
        if [ -n "${MAX_LEN:-}" ] && [ "$(stat -c %s "$file")" -gt "$MAX_LEN" ]; then
            # Its head: a text's title and first tables (a PDF's head reads as a truncated file).
            head -c "$MAX_LEN" "$file" >"$corpus/head-$(basename "$file")"
        else
            cp -n "$file" "$corpus/" || true
        fi
    done
}

run() {
    local name=$1
    local corpus=corpus/$name
    local flags=()
    if [ -n "${MAX_LEN:-}" ]; then
        corpus=corpus/$name-$MAX_LEN
        flags+=("-max_len=$MAX_LEN")
    fi
    case $name in
        text) seed "$root/fuzz/$corpus" "$root"/samples/*.txt \
            "$root"/tests/fixtures/variants/*.txt "$root"/tests/fixtures/malformed/*.txt \
            "$root"/tests/fixtures/shanghai_text/*.txt ;;
        pdf) seed "$root/fuzz/$corpus" "$root"/samples/pdf/*.pdf \
            "$root"/tests/fixtures/realdocs/*.pdf "$root"/tests/fixtures/malformed/*.pdf ;;
        *) echo "unknown target: $name (text, pdf or all)" >&2; exit 2 ;;
    esac
    [ -f "$root/fuzz/$name.dict" ] && flags+=("-dict=$root/fuzz/$name.dict")
    echo "fuzzing $name for ${seconds}s ($corpus)" >&2
    cd "$root/fuzz"
    # shellcheck disable=SC2086
    cargo fuzz run --sanitizer "${SANITIZER:-none}" "$name" "$corpus" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
        "${flags[@]}" ${FUZZ_ARGS:-}
}

if [ "$target" = all ]; then
    run text
    run pdf
else
    run "$target"
fi
