#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in build-fuzz/ (or $FUZZ_BUILD_DIR) with clang,
# ASan and UBSan, and fuzzes each in turn (docs/RELIABILITY.md, "Fuzzing").
#
#   tests/fuzz/run.sh [--seconds N] [--smoke] [TARGET...]
#     --seconds N   fuzz each target N seconds (default 30), on a copy of its seed corpus
#                   (build-fuzz/fuzz-work/<target>/corpus); new inputs stay there, the seeds untouched
#     --smoke       run every seed once (-runs=0) and no new inputs: what ctest fuzz_smoke runs
#     --no-build    use the targets already built
#     TARGET...     only these targets (names as in tests/fuzz/CMakeLists.txt: cql2, record, ...)
# Fails (exit 1) when any target crashes, leaks, times out (10 s an input) or exceeds 2 GB; the
# input that did it is left in build-fuzz/fuzz-work/<target>/ (crash-*, leak-*, timeout-*, oom-*).
# One target runs at a time: the machine may be shared.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${FUZZ_BUILD_DIR:-$root/build-fuzz}

seconds=30
smoke=0
build=1
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

if ((build)); then
  # clang, and libclang-rt-14-dev (libFuzzer, ASan and UBSan runtimes; Debian 12's clang only
  # recommends it): installed when missing, only for fuzzing.
  bash "$root/deploy/install-deps.sh" --tests clang libclang-rt-14-dev
  launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # -O1 -g without NDEBUG: RapidJSON's assertions (a value read as the wrong type) stay on.
  CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DTWEELING_FUZZ=ON -DBUILD_TESTING=OFF -DTWEELING_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" \
    "${launcher[@]}" >/dev/null
  cmake --build "$build_dir" -j2 --target fuzz_all
fi

list=$build_dir/fuzz-targets.txt
[ -f "$list" ] || { echo "no $list: build the fuzz targets first (without --no-build)" >&2; exit 1; }

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=()
printf '%-18s %10s %8s %8s %8s  %s\n' target executions cov ft corpus result
while read -r name dictionaries; do
  [ -n "$name" ] || continue
  if ((${#targets[@]})) && [[ ! " ${targets[*]} " =~ " $name " ]]; then continue; fi
  seeds=$root/tests/fuzz/corpus/$name
  work=$build_dir/fuzz-work/$name
  rm -rf "$work" && mkdir -p "$work/corpus"
  cp -r "$seeds/." "$work/corpus/"
  options=(-rss_limit_mb=2048 -timeout=10 -artifact_prefix="$work/" -print_final_stats=1)
  if [ -n "${dictionaries:-}" ]; then
    # libFuzzer takes one dictionary: the target's, joined.
    for dictionary in ${dictionaries//,/ }; do cat "$root/tests/fuzz/$dictionary"; done > "$work/dictionary"
    options+=(-dict="$work/dictionary")
  fi
  if ((smoke)); then
    options+=(-runs=0)
  else
    options+=(-max_total_time="$seconds")
  fi
  result=ok
  (cd "$work" && "$build_dir/bin/fuzz_$name" "${options[@]}" corpus) >"$work/log" 2>&1 || result=FAILED
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  # The last status line: "#N  DONE  cov: C ft: F corp: K/..."
  status=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$status")
  printf '%-18s %10s %8s %8s %8s  %s\n' "$name" "${executions:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
  if [ "$result" != ok ]; then
    failed+=("$name")
    grep -E 'ERROR|SUMMARY|invariant|Test unit written' "$work/log" | head -8 | sed 's/^/    /'
    echo "    full log: $work/log"
  fi
done <"$list"

if ((${#failed[@]})); then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
