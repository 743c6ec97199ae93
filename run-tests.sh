#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite (this is what CI runs).
#   ./run-tests.sh                 all tests
#   ./run-tests.sh -m "not slow"   skip the Binder build test
set -euo pipefail
cd "$(dirname "$0")"

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser),
# and Debian's MathJax 2, which formgrader's pages load from a CDN: the tests serve it locally instead.
debs=()
[ -x /usr/bin/chromium ] || debs+=(chromium)
[ -f /usr/share/javascript/mathjax/MathJax.js ] || debs+=(libjs-mathjax)
if [ "${#debs[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq "${debs[@]}" >/dev/null
    elif command -v sudo >/dev/null; then
        sudo apt-get update -qq && sudo apt-get install -y -qq "${debs[@]}" >/dev/null
    else
        echo "Missing Debian packages (${debs[*]}) cannot be installed without root: install them first." >&2
        exit 1
    fi
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

exec .venv/bin/python -m pytest "$@"
