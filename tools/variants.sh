#!/usr/bin/env bash
# Every committed output must be reproduced on any machine. This runs nbval over the lessons and
# the solutions (whose check-cell outputs become the exercises' expected outputs) under each
# variant that changes how numbers are computed:
#   - other BLAS kernels (OPENBLAS_CORETYPE=Sandybridge: no AVX2/AVX-512 kernels),
#   - one and two BLAS threads,
#   - numpy's SIMD above the baseline switched off (NPY_DISABLE_CPU_FEATURES).
# The lowest and the highest supported Python are covered by running this script with each
# (.ci/run does).   Usage: bash tools/variants.sh [PYTHON [PATH...]]
#   (default: python, over notebooks/ and solutions/)
set -euo pipefail
cd "$(dirname "$0")/.."
py="${1:-python}"
shift || true
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(notebooks solutions)
# numpy's dispatchable features above its baseline on this CPU, e.g. "X86_V3 X86_V4 AVX512_ICL"
simd="$("$py" -c 'import numpy._core._multiarray_umath as m; print(" ".join(m.__cpu_dispatch__))')"
variants=(
    "OPENBLAS_CORETYPE=Sandybridge"
    "OPENBLAS_NUM_THREADS=1"
    "OPENBLAS_NUM_THREADS=2"
    "NPY_DISABLE_CPU_FEATURES=$simd"
)
echo "$("$py" --version), numpy $("$py" -c 'import numpy; print(numpy.__version__)')"
failed=0
for variant in "${variants[@]}"; do
    start=$SECONDS
    if env "$variant" "$py" -m pytest "${paths[@]}" -p no:cacheprovider -q -n 2 --dist loadfile \
            --doctest-modules --nbval --nbval-cell-timeout=300 --color=no > .variant.log 2>&1; then
        echo "ok      $variant ($(tail -n 1 .variant.log | tr -d '='), $((SECONDS - start)) s)"
    else
        echo "FAILED  $variant"; grep -E "^(FAILED|ERROR)|^[-+] " .variant.log | head -40
        failed=1
    fi
done
rm -f .variant.log
exit $failed
