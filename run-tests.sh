#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite (this is what CI runs).
#   ./run-tests.sh                 all tests
#   ./run-tests.sh -m "not slow"   skip the Binder build test
set -euo pipefail
cd "$(dirname "$0")"

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser),
# and Debian's MathJax 2, which formgrader's pages load from a CDN: the tests serve it locally instead.
# The cross-browser smoke (tests/test_browser_engines.py) adds Debian's Firefox ESR, WebKitGTK's WebDriver
# (MiniBrowser, Safari's engine) with an Xvfb display for it, and node for puppeteer-core, which drives Firefox.
debs=()
[ -x /usr/bin/chromium ] || debs+=(chromium)
[ -f /usr/share/javascript/mathjax/MathJax.js ] || debs+=(libjs-mathjax)
[ -x /usr/bin/firefox-esr ] || debs+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || debs+=(webkit2gtk-driver)
[ -x /usr/bin/Xvfb ] || debs+=(xvfb)
command -v node >/dev/null || debs+=(nodejs)
command -v npm >/dev/null || debs+=(npm)
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

# npm tools for the browser tests, pinned in tests/browsers/package-lock.json: axe-core (accessibility checks)
# and puppeteer-core, which drives Debian's firefox-esr and never downloads a browser. Installed again only
# when the lock file changed.
browsers=tests/browsers
if ! cmp -s "$browsers/package-lock.json" "$browsers/node_modules/.installed-package-lock.json"; then
    npm ci --prefix "$browsers" --ignore-scripts --no-audit --no-fund --loglevel=error
    cp "$browsers/package-lock.json" "$browsers/node_modules/.installed-package-lock.json"
fi

# The cohort hub's proxy (configurable-http-proxy, npm), pinned in hub/package-lock.json, for tests/test_hub.py.
if ! cmp -s hub/package-lock.json hub/node_modules/.installed-package-lock.json; then
    npm ci --prefix hub --ignore-scripts --no-audit --no-fund --loglevel=error
    cp hub/package-lock.json hub/node_modules/.installed-package-lock.json
fi

# The offline edition's Pyodide core (npm), pinned in offline/package-lock.json, for tests/test_offline.py.
if ! cmp -s offline/package-lock.json offline/node_modules/.installed-package-lock.json; then
    npm ci --prefix offline --ignore-scripts --no-audit --no-fund --loglevel=error
    cp offline/package-lock.json offline/node_modules/.installed-package-lock.json
fi

# Two test processes (pytest-xdist); tests that create system accounts share one (see tests/conftest.py), and the
# longest groups of tests start first (tests/conftest.py's order, which --no-loadscope-reorder keeps).
exec .venv/bin/python -m pytest -n "${SSR_TEST_WORKERS:-2}" --dist loadgroup --no-loadscope-reorder "$@"
