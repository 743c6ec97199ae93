"""Print the course's speed and memory figures.

    .venv/bin/python benchmarks/run_benchmarks.py            # everything
    .venv/bin/python benchmarks/run_benchmarks.py --no-browser

1. Headless execution time of each available notebook in a fresh kernel (nbclient), with and
   without kernel start-up.
2. Resident memory (RSS) of the learner kernel after running Section 1.
3. Click → feedback latency in JupyterLab in headless Chromium: the time from a click on
   Check (in a scenario: on a choice) to the feedback appearing in the page, median and 95th
   percentile over N clicks, for each exercise kind a section uses.

Targets (issue #2): Section 1 executes in < 5 s; kernel RSS after Section 1 <= 80 MB;
click -> feedback p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ssr_widgets.loader import load_course, load_section  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"


def run_notebook(name: str) -> tuple[float, float, int]:
    """Execute one notebook in a fresh kernel: (total seconds, cells-only seconds, kernel RSS bytes)."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    km = KernelManager(kernel_name="python3")
    client = NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(NOTEBOOKS)}})
    t0 = time.perf_counter()
    with client.setup_kernel(cwd=str(NOTEBOOKS)):
        t1 = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        t2 = time.perf_counter()
        rss = psutil.Process(km.provisioner.process.pid).memory_info().rss
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    if errors:
        raise SystemExit(f"{name} raised an error: {errors[0]['ename']}: {errors[0]['evalue']}")
    return t2 - t0, t2 - t1, rss


def bench_notebooks() -> None:
    print("== Headless execution (fresh kernel per notebook) ==")
    print(f"{'notebook':<24}{'total s':>10}{'cells s':>10}{'kernel RSS MB':>16}")
    names = [(s.notebook, bool(s.content)) for s in load_course().sections if s.available]
    names += [("quiz/end_of_course_quiz.ipynb", False), ("quiz/course_evaluation.ipynb", True)]
    for name, targeted in names:
        total, cells, rss = run_notebook(name)
        flag = "  (target: total < 5 s, RSS <= 80 MB)" if targeted else ""
        print(f"{name:<24}{total:>10.2f}{cells:>10.2f}{rss / 2**20:>16.1f}{flag}")


# -- browser latency --------------------------------------------------------------------------

_MEASURE_JS = """(root, label) => new Promise((resolve, reject) => {
  const area = root.querySelector('.ssr-feedback-area');
  const wanted = b => (label === null ? b.classList.contains('ssr-choice') : b.textContent.trim() === label);
  const button = [...root.querySelectorAll('button')].find(b => b.offsetParent !== null && wanted(b));
  const timer = setTimeout(() => reject(new Error('no feedback within 10 s')), 10000);
  const observer = new MutationObserver(() => {
    observer.disconnect(); clearTimeout(timer); resolve(performance.now() - start);
  });
  observer.observe(area, {childList: true, subtree: true, characterData: true});
  const start = performance.now();
  button.click();
})"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_browser(clicks: int) -> None:
    from tests.lab_harness import chromium_page, copy_notebooks, exercise, jupyterlab, open_notebook, run_all

    print(f"\n== Click -> feedback latency in JupyterLab, headless Chromium ({clicks} clicks per widget) ==")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = copy_notebooks(NOTEBOOKS, work / "learner")
        with jupyterlab(root, work) as lab, chromium_page() as page:
            for s in load_course().sections:
                if not s.available or not s.content:
                    continue
                open_notebook(page, lab, s.notebook)
                run_all(page)
                seen_kinds: set[str] = set()
                for ex in load_section(s.content).exercises.values():
                    kind = f"{ex.kind}{'-multiple' if getattr(ex, 'multiple', False) else ''}"
                    if kind in seen_kinds:
                        continue
                    seen_kinds.add(kind)
                    widget = exercise(page, ex.title)
                    widget.scroll_into_view_if_needed()
                    times = []
                    for n in range(clicks):
                        button = _change_answer(widget, ex, n)
                        page.wait_for_timeout(30)  # let the changed value reach the kernel first
                        times.append(widget.evaluate(_MEASURE_JS, button))
                    print(f"{s.notebook} {kind:<18} median {statistics.median(times):6.1f} ms   "
                          f"p95 {_percentile(times, 0.95):6.1f} ms   max {max(times):6.1f} ms  (target p95 < 100 ms)")


def _change_answer(widget, ex, n: int) -> str | None:
    """Alternate between two answers so every click produces different feedback.

    Returns the text of the button to time (None: the first choice of a scenario, whose click
    is itself the answer; at the end of the story, Play again is pressed first, untimed).
    """
    if ex.kind in ("classify", "match", "order", "actormap"):
        # one drop-down list per row: option 0 is the "choose" hint, so alternate options 1 and 2
        widget.locator("select").first.select_option(index=1 + n % 2)
    elif ex.kind == "scenario":
        if widget.locator("button.ssr-choice:visible").count() == 0:
            widget.get_by_role("button", name="Play again").click()
            widget.locator("button.ssr-choice:visible").first.wait_for()
        return None
    elif ex.kind == "write":
        # text boxes sync when left (Tab), not per key; the second box alternates between empty and written, so
        # the draft's summary ("Still empty: ...") differs at each save
        boxes = widget.locator("textarea")
        boxes.nth(0).fill("A draft.")
        boxes.nth(1).fill("" if n % 2 else "More.")
        boxes.nth(1).press("Tab")
        return "Save my work"
    elif getattr(ex, "multiple", False):
        widget.locator("input[type=checkbox]").first.click()
    else:
        widget.locator("input[type=radio]").nth(n % 2).click()
    return "Check"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-browser", action="store_true", help="skip the browser latency benchmark")
    parser.add_argument("--clicks", type=int, default=25, help="clicks per widget kind (default 25)")
    args = parser.parse_args()
    os.environ["SSR_PROGRESS_FILE"] = str(Path(tempfile.mkdtemp()) / "progress.json")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    bench_notebooks()
    if not args.no_browser:
        os.environ.pop("SSR_PROGRESS_FILE")
        bench_browser(args.clicks)


if __name__ == "__main__":
    main()
