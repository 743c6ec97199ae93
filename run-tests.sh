#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite (this is what CI runs).
#   ./run-tests.sh                 all tests
#   ./run-tests.sh -m "not slow"   skip the Binder build test
set -euo pipefail
cd "$(dirname "$0")"

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser).
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    elif command -v sudo >/dev/null; then
        sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
    else
        echo "Chromium is missing and cannot be installed without root: install Debian's 'chromium' package." >&2
        exit 1
    fi
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

exec .venv/bin/python -m pytest "$@"
