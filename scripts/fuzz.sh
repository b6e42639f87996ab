#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/) with -sanitize=fuzzer,address in .build/fuzz and runs each
# for a fixed time from its checked-in corpus (Fuzz/corpus/<target>/, replayed first, so an input
# that once crashed keeps failing until it is fixed). New inputs go to a temporary directory, not
# the corpus. Exit status is non-zero when a target crashes or its check fails; the input is
# saved and its path printed. Usage: scripts/fuzz.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in csv formula; do
  VAREX_FUZZ=1 swift build --scratch-path .build/fuzz --product "varex-fuzz-$target" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing >/dev/null
  mkdir -p "$work/$target" "$work/artifacts"
  echo "fuzz: $target for ${seconds}s" >&2
  if ! .build/fuzz/debug/"varex-fuzz-$target" "$work/$target" "Fuzz/corpus/$target" -max_total_time="$seconds" \
      -max_len=512 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
      >"$work/$target.log" 2>&1; then
    tail -40 "$work/$target.log" >&2
    mkdir -p fuzz-failures
    cp "$work"/artifacts/* fuzz-failures/ 2>/dev/null || true
    echo "fuzz: $target failed; the input is in fuzz-failures/ (add it to Fuzz/corpus/$target/ and a test)" >&2
    exit 1
  fi
  grep -E "^Done|stat::number_of_executed_units" "$work/$target.log" | tail -1 >&2
done
