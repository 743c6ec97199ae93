"""Offline edition figures (issue 15): the site's size, in all and per part, and the time to the first exercise.

    .venv/bin/python benchmarks/offline_site.py [--site DIR] [--runs 3]

Builds the site with ``ssr-course build-offline`` into a temporary folder unless ``--site`` names a built one, then:

1. size: the whole folder, and its parts (JupyterLab's build, the front-end extensions, the Pyodide core, the
   wheels, the course's notebooks), plus the three largest wheels;
2. time to first exercise: in headless Chromium with every request outside 127.0.0.1 refused, a fresh browser
   profile each run (nothing cached), from opening Section 1 to its first exercise widget on the page: the
   kernel's start (Pyodide and every wheel), the imports, and Run All Cells. Median and each run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.lab_harness import run_all  # noqa: E402
from tests.offline_harness import offline_browser, serve_site  # noqa: E402

MB = 2**20


def folder_size(path: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in path.rglob(pattern) if p.is_file())


def sizes(site: Path) -> list[tuple[str, int]]:
    pyodide = site / "static" / "pyodide"
    wheels = folder_size(pyodide, "*.whl")
    parts = [
        ("JupyterLab (build/)", folder_size(site / "build")),
        ("front-end extensions (extensions/)", folder_size(site / "extensions")),
        ("Pyodide core (static/pyodide, no wheels)", folder_size(pyodide) - wheels),
        ("Python wheels (static/pyodide/*.whl)", wheels),
        ("course notebooks (files/)", folder_size(site / "files")),
    ]
    parts.append(("everything else", folder_size(site) - sum(n for _, n in parts)))
    return parts


def first_exercise_seconds(site: Path) -> tuple[float, list[str]]:
    with serve_site(site) as base, offline_browser(base) as browser:
        page = browser.page
        start = time.perf_counter()
        page.goto(f"{base}/lab/index.html?path=01_concept.ipynb")
        page.wait_for_function("() => document.body.innerText.includes('Python (Pyodide) | Idle')", timeout=180_000)
        run_all(page)
        page.locator(".ssr-exercise").first.wait_for()
        return time.perf_counter() - start, browser.outside()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ssr-offline-bench-") as tmp:
        site = args.site
        if site is None:
            from ssr_widgets.offline_site.build import build_site

            t0 = time.perf_counter()
            site = build_site(Path(tmp) / "site", log=lambda m: None)
            print(f"build: {time.perf_counter() - t0:.0f} s")
        parts = sizes(site)
        print(f"site size: {folder_size(site) / MB:.1f} MB")
        for name, n in parts:
            print(f"  {name:<44} {n / MB:6.1f} MB")
        wheels = sorted((site / "static" / "pyodide").glob("*.whl"), key=lambda p: -p.stat().st_size)[:3]
        print("  largest wheels: " + ", ".join(f"{w.name} ({w.stat().st_size / MB:.1f} MB)" for w in wheels))
        runs = []
        for _ in range(args.runs):
            seconds, outside = first_exercise_seconds(site)
            runs.append(seconds)
        print(f"time to first exercise (Section 1, cold browser): median {statistics.median(runs):.1f} s "
              f"(runs: {', '.join(f'{r:.1f}' for r in runs)})")
        print(f"requests refused outside 127.0.0.1 in the last run (Chromium's own included): {len(outside)}")


if __name__ == "__main__":
    main()
