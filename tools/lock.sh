#!/usr/bin/env bash
# Refresh the locked environment: every package the course installs, pinned exactly, resolved once
# for all supported Pythons (3.11-3.13) and platforms (uv's universal resolution), with one version
# of each package for all Pythons where one fits (--fork-strategy fewest), so every Python runs the same numpy.
#   bash tools/lock.sh              # newest versions allowed by requirements.in
# Then run the whole suite and bash tools/variants.sh before committing the new lock.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
uv="$(command -v uv || true)"
if [ -z "$uv" ] || [ "$("$uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    python3 -m venv .lock-venv
    .lock-venv/bin/pip install --quiet "uv==$UV_VERSION"
    uv=.lock-venv/bin/uv
fi
compile() {  # compile IN OUT [extra uv args]
    "$uv" pip compile --quiet --universal --fork-strategy fewest --python-version 3.11 --no-header --index-url https://pypi.org/simple \
        --custom-compile-command "bash tools/lock.sh" "$@"
}
{
    echo "# The locked environment (made by: bash tools/lock.sh, from requirements.in): install with"
    echo "#   pip install -r requirements.txt"
    compile requirements.in
    echo "# the course's own library, editable so notebooks see changes at once"
    echo "-e ."
} > requirements.txt.new
mv requirements.txt.new requirements.txt
{
    echo "# Browser tests only (made by: bash tools/lock.sh, from tests/e2e/requirements.in)"
    compile tests/e2e/requirements.in --constraint <(grep -v '^-e' requirements.txt)
} > tests/e2e/requirements.txt.new
mv tests/e2e/requirements.txt.new tests/e2e/requirements.txt
echo "locked: requirements.txt ($(grep -c '==' requirements.txt) pins), tests/e2e/requirements.txt"
