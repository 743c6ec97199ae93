"""Run JupyterLab on 127.0.0.1 and drive it in headless Debian Chromium (used by browser tests and benchmarks).

Follows what was proven on this kind of machine: an isolated Jupyter config, no news or update
toasts, a token, Playwright with ``executable_path=/usr/bin/chromium`` (browsers are never
downloaded), and the Run menu's own "Run All Cells" command.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def require_chromium() -> None:
    """Skip a browser test where Debian's chromium is missing; in CI, fail instead."""
    import pytest

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: run-tests.sh should have installed Debian's chromium")
        pytest.skip("Debian chromium is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab server: ``url(path)`` gives a tokenised address."""

    def __init__(self, root: Path, port: int, token: str, proc: subprocess.Popen, log: Path) -> None:
        self.root, self.port, self.token, self.proc, self.log = root, port, token, proc, log

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}&reset"

    def api(self, path: str) -> object:
        req = urllib.request.Request(f"{self.base}/api/{path}", headers={"Authorization": f"token {self.token}"})  # noqa: S310
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - loopback only
            return json.loads(resp.read())


@contextlib.contextmanager
def jupyterlab(root: Path, workdir: Path, env: dict[str, str] | None = None) -> Iterator[Lab]:
    """Start JupyterLab serving ``root``; config, settings and logs go under ``workdir``."""
    token = secrets.token_hex(16)
    cfg = workdir / "jupyter-config"
    settings = workdir / "lab-settings"
    note = settings / "@jupyterlab" / "apputils-extension"
    note.mkdir(parents=True, exist_ok=True)
    (note / "notification.jupyterlab-settings").write_text(json.dumps({"checkForUpdates": False,
                                                                        "fetchNews": "false"}))
    # Render every cell (not only those in view), so tests can reach any question without scrolling tricks.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    cfg.mkdir(parents=True, exist_ok=True)
    full_env = {k: v for k, v in os.environ.items() if k != "SSR_PROGRESS_FILE"}
    full_env.update(
        JUPYTER_CONFIG_DIR=str(cfg), JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "workspaces"), JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
    )
    full_env.update(env or {})
    log = workdir / "jupyterlab.log"
    cmd = [
        # Port 0: the server takes a port the system gives it and writes it to its runtime file. A port picked
        # here and passed on could be taken in between (by a kernel of the other test process: a CI run once
        # polled a kernel's ZeroMQ socket instead of JupyterLab).
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", "--port=0",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=full_env, cwd=root)
    lab = Lab(root, 0, token, proc, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
            try:
                lab.port = lab.port or _runtime_port(workdir / "runtime", proc.pid)
                if lab.port:
                    lab.api("status")
                    break
            except (OSError, http.client.HTTPException, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield lab
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _runtime_port(runtime: Path, pid: int) -> int:
    """The port a Jupyter server wrote to its runtime file ``jpserver-<pid>.json`` (0 while not yet written)."""
    info = runtime / f"jpserver-{pid}.json"
    if not info.exists():
        return 0
    return int(json.loads(info.read_text(encoding="utf-8"))["port"])


def copy_notebooks(src: Path, dst: Path) -> Path:
    """A fresh learner workspace: the committed notebooks, without any progress file."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("ssr-progress*", ".ipynb_checkpoints"))
    return dst


@contextlib.contextmanager
def chromium_page(viewport: tuple[int, int] = (1280, 1600)):
    """A Playwright page in Debian's headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


# -- JupyterLab actions ----------------------------------------------------------------------

def open_notebook(page, lab: Lab, name: str) -> None:
    """Open a notebook in JupyterLab, its kernel session started first (see :func:`start_session`).

    Waits until the notebook is connected to its kernel, not only until the status says "idle":
    JupyterLab shows "idle" beside "No Kernel" for a few seconds before it connects (measured: 4 s
    on a busy machine), and "Run All" pressed then opens the "Select Kernel" dialog over the page.
    """
    start_session(lab, name)
    page.goto(lab.url(f"lab/tree/{name}"))
    page.wait_for_function(
        """() => { const kernel = document.querySelector('.jp-NotebookPanel-toolbar [data-jp-item-name=kernelName]');
                   const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
                   const named = kernel ? kernel.innerText.trim() : '';
                   return named !== '' && named !== 'No Kernel' && status && status.dataset.status === 'idle'; }""",
        timeout=90_000,
    )


def start_session(lab: Lab, name: str) -> None:
    """Start a notebook's kernel session through the REST API, before the page opens it.

    JupyterLab opening a never-opened notebook sometimes starts two kernels and shuts the first
    down (about one run in four here), leaving the page tied to a dead kernel and "Run All"
    doing nothing. With a session already running it only connects, as on a re-opened notebook.
    """
    body = json.dumps({"path": name, "name": name, "type": "notebook", "kernel": {"name": "python3"}}).encode()
    headers = {"Authorization": f"token {lab.token}", "Content-Type": "application/json"}
    req = urllib.request.Request(f"{lab.base}/api/sessions", data=body, method="POST", headers=headers)  # noqa: S310
    with urllib.request.urlopen(req, timeout=30):  # noqa: S310 - loopback only
        pass


def _menu(page, menu: str, command: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def save_notebook(page) -> None:
    """File → Save, and wait for the server's answer to that very save.

    The tab's unsaved mark is not enough to wait on: the quiz control has already saved each answer, so the mark
    can be gone before this save even starts; and Jupyter Server writes a notebook in place (its atomic_writing
    truncates the file and keeps a backup beside it), so a copy taken meanwhile, by nbgrader's submit for one, is
    empty. Seen once in CI: a hub submission collected as "not valid JSON at line 1".
    """
    def is_save(response) -> bool:
        return response.request.method == "PUT" and "/api/contents/" in response.url

    with page.expect_response(is_save, timeout=60_000) as answer:
        _menu(page, "File", "docmanager:save")
    assert answer.value.ok, f"the save was refused: {answer.value.status} {answer.value.url}"
    page.wait_for_selector(".jp-mod-current.jp-mod-dirty", state="detached")


def run_all(page) -> None:
    """Run → Run All Cells, then wait until no cell is queued or running and the kernel is idle.

    The menu click is retried if no cell starts: on a busy machine the menu can open before the
    notebook panel has focus, and the command is then not enabled yet.
    """
    started = """() => [...document.querySelectorAll('.jp-InputArea-prompt')]
                       .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
    for attempt in range(3):
        _menu(page, "Run", "runmenu:run-all")
        try:
            page.wait_for_function(started, timeout=15_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.wait_for_function(
        """() => { const ps = [...document.querySelectorAll('.jp-InputArea-prompt')];
                   return ps.length > 0 && ps.every(p => !p.textContent.includes('*'))
                          && ps.some(p => /\\[\\d+\\]/.test(p.textContent)); }""",
        timeout=120_000,
    )
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)


def restart_kernel(page) -> None:
    """Kernel → Restart Kernel…, confirm, and wait for the new kernel to be idle."""
    _menu(page, "Kernel", "kernelmenu:restart")
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    page.wait_for_selector(".jp-Dialog", state="detached")
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)


def exercise(page, title: str):
    """The exercise widget whose heading is ``title``."""
    return page.locator(".ssr-exercise", has_text=title).first


def save_a_copy(page, folder: Path) -> Path:
    """On the welcome page: Save a copy, then download it from the link, as a learner keeps their work."""
    panel = page.locator(".ssr-copy-panel")
    panel.get_by_role("button", name="Save a copy").click()
    with page.expect_download() as download:
        panel.get_by_role("link", name="Download ssr-progress-").click()
    copy = folder / download.value.suggested_filename
    download.value.save_as(copy)
    return copy
