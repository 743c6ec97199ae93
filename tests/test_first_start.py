"""The first five minutes on a fresh clone: ``./start-course.sh`` as root and as a normal user, and the trainer's line.

Each run clones the committed repository, runs the README's command in it, waits until JupyterLab serves on a free
port of 127.0.0.1 with a token, and looks at what a learner (or a trainer) sees in headless Debian Chromium. The
trainer's install (``./start-course.sh --trainer``, as the normal user) runs in the background while the root run
installs, so the two fresh virtual environments cost about one install's time; pip's cache is reused.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ssr_widgets.checking import check_choice
from ssr_widgets.loader import load_course, load_section

from .conftest import ROOT
from .hub_harness import stop_account_processes
from .lab_harness import chromium_page, exercise, require_chromium

INSTALL_TIMEOUT = 900  # seconds: one fresh install of the course into a new .venv
SERVE_TIMEOUT = 120  # seconds: JupyterLab's start once the course is installed
ROOT_MESSAGE = "You are running as root"
# What a trainer's JupyterLab shows and a learner's must not: the entries of nbgrader's instructor plugins in the
# Nbgrader menu (Courses, Formgrader, Create Assignment) and the Create Assignment side panel.
INSTRUCTOR_COMMANDS = ("nbgrader:open-course-list", "nbgrader:open-formgrader", "nbgrader:open-formgrader-local",
                       "nbgrader:open-create-assignment")
CREATE_ASSIGNMENT_PANEL = "#nbgrader-create_assignemnt"  # nbgrader 0.9.6 spells its panel's id so
CREATE_ASSIGNMENT_TAB = '.jp-SideBar .lm-TabBar-tab[title="Nbgrader Create Assignment"]'
WELCOME_TITLE = "Introduction to Security Sector Reform"


# -- who runs it ------------------------------------------------------------------------------

@dataclass
class Account:
    """Whoever runs the command: root, or a normal (throwaway) user."""

    name: str
    uid: int
    gid: int
    home: Path

    @property
    def is_root(self) -> bool:
        return self.uid == 0

    def popen_args(self) -> dict:
        if self.uid == os.getuid():
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def env(self) -> dict[str, str]:
        """A learner's plain shell: no virtual environment, no Jupyter or progress-file settings of the test run."""
        keep = {k: v for k, v in os.environ.items()
                if not k.startswith(("JUPYTER", "SSR_", "PYTHON", "VIRTUAL_ENV", "PIP_CACHE_DIR"))
                and k not in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR")}
        venv_bin = str(ROOT / ".venv" / "bin")
        if self.uid == os.getuid():
            path = [p for p in keep.get("PATH", "").split(os.pathsep) if p and p != venv_bin]
            # pip's own cache, reused: HOME is a fresh folder, so say where the cache is.
            keep["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR") or str(
                Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pip")
        else:
            path = ["/usr/local/bin", "/usr/bin", "/bin"]
        keep.update(PATH=os.pathsep.join(path), HOME=str(self.home), USER=self.name, LOGNAME=self.name)
        # pip skips compiling every installed module to bytecode (a third of an install's CPU time, measured 53 s
        # against 36 s of user time): Python compiles what it imports when it first runs, and what a learner sees
        # is the same. The suite has two cores for all its tests.
        keep["PIP_NO_COMPILE"] = "1"
        return keep

    def run(self, cmd: list[str], cwd: Path, timeout: float, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=timeout,
                              **self.popen_args(), **kw)

    def clone(self, dest: Path) -> Path:
        """A fresh clone of the committed repository, owned by this account."""
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)
        if self.uid != os.getuid():
            subprocess.run(["chown", "-R", f"{self.uid}:{self.gid}", str(dest)], check=True)
        return dest


@contextlib.contextmanager
def throwaway_user(base: Path) -> Iterator[Account]:
    """A new normal user (when the tests run as root, as CI does), or the current normal user."""
    if os.getuid() != 0:
        home = base / "home"
        home.mkdir()
        me = pwd.getpwuid(os.getuid())
        yield Account(me.pw_name, me.pw_uid, me.pw_gid, home)
        return
    name = f"ssrlearn{secrets.token_hex(4)}"
    home = base / name
    subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash", "--user-group",
                    name], check=True)
    entry = pwd.getpwnam(name)
    try:
        yield Account(name, entry.pw_uid, entry.pw_gid, home)
    finally:
        stop_account_processes({entry.pw_uid})
        subprocess.run(["userdel", "--remove", name], capture_output=True)




# -- a running start-course.sh --------------------------------------------------------------------

@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    token: str
    log: Path
    started: float = field(default_factory=time.monotonic)
    serving_after: float = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}&reset"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        req = urllib.request.Request(f"{self.base}/{path.lstrip('/')}",  # noqa: S310 - loopback only
                                     headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, ""

    def wait_until_serving(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server stopped (exit {self.proc.returncode}):\n{self.output()[-4000:]}")
            if not self.port:
                printed = re.search(r"http://127\.0\.0\.1:(\d+)/", self.output())
                self.port = int(printed.group(1)) if printed else 0
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.port and self.get("api/status")[0] == 200:
                    self.serving_after = time.monotonic() - self.started
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"JupyterLab did not serve within {timeout} s:\n{self.output()[-4000:]}")
            time.sleep(0.5)

    def listening_addresses(self) -> set[str]:
        import psutil

        procs = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        found = set()
        for p in procs:  # a short-lived child may exit between the listing and this look: it listens on nothing
            try:
                found |= {c.laddr.ip for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
            except psutil.NoSuchProcess:
                continue
        return found

    def page_config(self) -> dict:
        status, html = self.get("lab")
        assert status == 200
        found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
        assert found, "JupyterLab's page has no page config"
        return json.loads(found.group(1))

    def stop(self) -> None:
        """Stop the server and its kernels; fail if anything is left running."""
        import psutil

        try:
            procs = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        self.proc.terminate()  # JupyterLab shuts its kernels down on SIGTERM
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        _, alive = psutil.wait_procs(procs, timeout=15)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        assert not alive, f"processes left running after the server stopped: {alive}"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", self.port)) != 0, "the port still answers after the server stopped"


@contextlib.contextmanager
def serving(cmd: list[str], cwd: Path, account: Account, log: Path, timeout: float) -> Iterator[Server]:
    # Port 0: JupyterLab takes the port the system gives it and prints it; a port picked here could be taken
    # by another test process's kernel before the server binds it.
    token = secrets.token_hex(16)
    full = [*cmd, "--no-browser", "--port=0", f"--IdentityProvider.token={token}"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(full, cwd=cwd, env=account.env(), stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True, **account.popen_args())
    server = Server(proc, 0, token, log)
    try:
        server.wait_until_serving(timeout)
        yield server
    finally:
        server.stop()


# -- what the browser shows ------------------------------------------------------------------------

def open_welcome(page, server: Server) -> None:
    page.goto(server.url("lab/tree/00_welcome.ipynb"))
    page.locator(".jp-RenderedMarkdown h1", has_text=WELCOME_TITLE).first.wait_for(timeout=90_000)


def instructor_tools(page) -> list[str]:
    """The instructor tools this JupyterLab shows: visible Nbgrader menu entries and the Create Assignment panel."""
    shown = []
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    # the learner's own entry is there in both views: the menu is open and drawn
    page.locator('.lm-Menu-item[data-command="nbgrader:open-assignment-list"]').wait_for(state="visible")
    for command in INSTRUCTOR_COMMANDS:
        item = page.locator(f'.lm-Menu-item[data-command="{command}"]')
        if item.count() and item.first.is_visible():
            shown.append(item.first.inner_text().strip() or command)
    page.keyboard.press("Escape")
    if page.locator(CREATE_ASSIGNMENT_TAB).count() or page.locator(CREATE_ASSIGNMENT_PANEL).count():
        shown.append("Create Assignment panel")
    return shown


def first_exercise(clone: Path, notebook: str):
    """The first exercise a section notebook shows, loaded from the clone's own content."""
    nb = json.loads((clone / "notebooks" / notebook).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        found = re.search(r'show\("([^"#]+)#([^"]+)"\)', "".join(cell["source"])) if cell["cell_type"] == "code" else None
        if found:
            ref = f"{found.group(1)}#{found.group(2)}"
            return ref, load_section(clone / "ssr_widgets" / "content" / found.group(1)).exercises[found.group(2)]
    raise AssertionError(f"{notebook} shows no exercise")


# -- the runs --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workplace() -> Iterator[Path]:
    """Readable by a throwaway user (pytest's own temporary folders are not)."""
    base = Path(tempfile.mkdtemp(prefix="ssr-first-start-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def learner(workplace) -> Iterator[Account]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of the course")
    with throwaway_user(workplace) as account:
        probe = account.run(["python3", "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))"],
                            cwd=account.home, timeout=60)
        if probe.returncode != 0:
            pytest.skip(f"no python3 >= 3.10 with venv for a normal user: {probe.stderr[-300:]}")
        yield account


@pytest.fixture(scope="module")
def trainer_install(workplace, learner):
    """``./start-course.sh --trainer`` as the normal user on a fresh clone, started in the background."""
    clone = learner.clone(workplace / "trainer-clone")
    log = workplace / "trainer-install.log"
    fh = open(log, "wb")  # noqa: SIM115 - closed below, after the install has finished
    started = time.monotonic()
    proc = subprocess.Popen(["./start-course.sh", "--trainer"], cwd=clone, env=learner.env(), stdout=fh,
                            stderr=subprocess.STDOUT, start_new_session=True, **learner.popen_args())
    try:
        yield proc, clone, log, started
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        fh.close()


@pytest.mark.slow
@pytest.mark.browser
def test_learner_first_start_as_root(workplace, request):
    """Root (containers, cloud VMs, WSL): the README's command serves the learner's JupyterLab on 127.0.0.1."""
    if os.getuid() != 0:
        pytest.skip("run as root to test the root case (CI does)")
    require_chromium()
    with contextlib.suppress(pytest.skip.Exception):
        request.getfixturevalue("trainer_install")  # the normal user's install runs meanwhile (the next test)
    root = Account("root", 0, 0, workplace / "root-home")
    root.home.mkdir()
    clone = root.clone(workplace / "root-clone")
    ref, ex = first_exercise(clone, "01_concept.ipynb")
    assert ex.kind == "choice", "this test answers a choice exercise: adapt it if Section 1 starts otherwise"

    with serving(["./start-course.sh"], clone, root, workplace / "root-start.log", INSTALL_TIMEOUT) as server:
        out = server.output()
        assert ROOT_MESSAGE in out and "--allow-root" in out
        assert "Running as root is not recommended" not in out
        assert server.listening_addresses() == {"127.0.0.1"}
        print(f"\nfirst start as root, fresh clone to JupyterLab serving: {server.serving_after:.0f} s")

        with chromium_page() as page:
            opened = time.monotonic()
            open_welcome(page, server)
            assert instructor_tools(page) == []

            # One action: the learner follows the welcome page's link to Section 1. Nothing is run by hand.
            page.locator(".jp-RenderedMarkdown a", has_text="Section 1: Introduction to the Concept of SSR").first.click()
            widget = exercise(page, ex.title)
            widget.wait_for(timeout=120_000)
            page.locator('.jp-NotebookPanel[data-ssr-autorun="done"]', has_text=ex.title).wait_for(timeout=120_000)
            widget.scroll_into_view_if_needed()
            for opt in ex.options:
                if opt.correct:
                    widget.get_by_label(opt.text, exact=True).check()
            widget.get_by_role("button", name="Check").click()
            widget.locator(".ssr-feedback").get_by_text(check_choice(ex, ex.correct_ids).summary).wait_for()
            print(f"welcome page to the first exercise answered and checked: {time.monotonic() - opened:.0f} s")

        saved = json.loads((clone / "notebooks" / "ssr-progress.json").read_text(encoding="utf-8"))
        assert saved["exercises"][ref]["completed"] is True


@pytest.mark.slow
@pytest.mark.browser
def test_trainer_line_then_learner_start_as_a_normal_user(workplace, learner, trainer_install):
    """The trainer's one command gives a working ssr-trainer without the test extras; then, as the same normal user,
    the learner's JupyterLab hides the instructor tools while the trainer's own JupyterLab keeps them."""
    require_chromium()
    proc, clone, log, started = trainer_install
    assert proc.wait(INSTALL_TIMEOUT) == 0, log.read_text(errors="replace")[-4000:]
    said = log.read_text(errors="replace")
    print(f"\ntrainer install on a fresh clone (beside the root run): {time.monotonic() - started:.0f} s")
    assert "ssr-trainer --help" in said and "cd grader && jupyter lab" in said
    assert ROOT_MESSAGE not in said

    # The README's trainer lines: activate, then ssr-trainer.
    helped = learner.run(["bash", "-c", ". .venv/bin/activate && ssr-trainer --help"], cwd=clone, timeout=120)
    assert helped.returncode == 0, helped.stderr
    assert {"grade", "release", "report", "issue"} <= set(re.findall(r"^  ([a-z-]+)  ", helped.stdout, re.M))
    for test_only in ("pytest", "playwright"):
        probe = learner.run([".venv/bin/python", "-c", f"import {test_only}"], cwd=clone, timeout=60)
        assert probe.returncode != 0 and "ModuleNotFoundError" in probe.stderr, f"{test_only} is in the trainer's venv"

    # A notebook from elsewhere that copies the course's marker: not signed with this user's key, so never run.
    stranger = json.loads((clone / "notebooks" / "01_concept.ipynb").read_text(encoding="utf-8"))
    assert stranger["metadata"]["ssr_course"] == {"run_on_open": True}
    stranger["cells"].append({"cell_type": "code", "execution_count": None, "id": "from-elsewhere", "metadata": {},
                              "outputs": [], "source": "print('from elsewhere')"})
    (clone / "notebooks" / "from_elsewhere.ipynb").write_text(json.dumps(stranger), encoding="utf-8")
    if learner.uid != os.getuid():
        os.chown(clone / "notebooks" / "from_elsewhere.ipynb", learner.uid, learner.gid)

    with serving(["./start-course.sh"], clone, learner, workplace / "user-start.log", SERVE_TIMEOUT) as server:
        out = server.output()
        assert ROOT_MESSAGE not in out and "--allow-root" not in out
        assert server.listening_addresses() == {"127.0.0.1"}
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                "@jupyter/nbgrader:course-list"} <= set(server.page_config()["disabledExtensions"])
        assert server.get("formgrader")[0] == 404, "the learner's server must not serve the Formgrader"
        with chromium_page() as page:
            open_welcome(page, server)
            assert instructor_tools(page) == []
            page.locator('.jp-NotebookPanel[data-ssr-autorun="done"]').wait_for(timeout=120_000)  # the welcome page ran

            page.goto(server.url("lab/tree/from_elsewhere.ipynb"))
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=90_000)
            page.wait_for_timeout(5_000)
            prompts = page.locator(".jp-InputArea-prompt").all_inner_texts()
            assert prompts and not any(re.search(r"\[(\d+|\*)\]", p) for p in prompts), prompts
            assert page.locator(".jp-NotebookPanel[data-ssr-autorun]").count() == 0

    # The trainer's own JupyterLab, as the README says (cd grader && jupyter lab): the instructor tools are there.
    with serving([str(clone / ".venv" / "bin" / "jupyter"), "lab", "--ip=127.0.0.1"], clone / "grader", learner,
                 workplace / "trainer-lab.log", SERVE_TIMEOUT) as server:
        assert server.get("formgrader")[0] == 200
        assert not {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} & set(
            server.page_config()["disabledExtensions"])
        with chromium_page() as page:
            page.goto(server.url("lab"))
            page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.wait_for(timeout=90_000)
            shown = instructor_tools(page)
            assert "Formgrader" in shown and "Create Assignment panel" in shown, shown


# -- cheap checks of the same set-up ----------------------------------------------------------------

def _postbuild_disables() -> tuple[set[str], set[str]]:
    text = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8").replace("\\\n", " ")
    plugins = set()
    servers = set()
    for line in text.splitlines():
        if line.startswith("jupyter labextension disable"):
            plugins |= set(re.findall(r"@jupyter/nbgrader:[\w-]+", line))
        if line.startswith("jupyter server extension disable"):
            servers |= set(re.findall(r"nbgrader\.server_extensions\.\w+", line))
    return plugins, servers


def test_learner_launch_hides_what_binder_hides():
    """The local learner launch (jupyter-config/learner/) turns off exactly what Binder's postBuild turns off."""
    plugins, servers = _postbuild_disables()
    assert plugins and servers
    conf = ROOT / "jupyter-config" / "learner"
    page = json.loads((conf / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert {k for k, v in page.items() if v} == plugins
    server = json.loads((conf / "jupyter_server_config.d" / "ssr-learner.json").read_text())
    assert {k for k, v in server["ServerApp"]["jpserver_extensions"].items() if v is False} == servers


def test_prebuilt_autorun_extension_is_complete_and_only_runs_marked_trusted_notebooks():
    ext = ROOT / "jupyter-config" / "labextensions" / "ssr-course-autorun"
    built = json.loads((ext / "package.json").read_text())
    load = ext / built["jupyterlab"]["_build"]["load"]
    assert load.is_file(), "the built extension's entry point is missing: run jupyter-config/autorun-extension/build.sh"
    code = "".join(p.read_text() for p in (ext / "static").glob("*.js"))
    assert '"ssr_course"' in code and "run_on_open" in code and ".trusted" in code
    source = json.loads((ROOT / "jupyter-config" / "autorun-extension" / "package.json").read_text())
    assert {k: v for k, v in built.items() if k != "jupyterlab"} == {k: v for k, v in source.items() if k != "jupyterlab"}


def test_start_script_refuses_another_address(tmp_path):
    """The course's JupyterLab listens on 127.0.0.1 only; the script says so before installing anything."""
    shutil.copy(ROOT / "start-course.sh", tmp_path / "start-course.sh")
    done = subprocess.run(["bash", str(tmp_path / "start-course.sh"), "--ip=0.0.0.0"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHON": sys.executable})
    assert done.returncode != 0
    assert "127.0.0.1" in done.stderr
    assert not (tmp_path / ".venv").exists()


def test_start_and_binder_trust_exactly_the_course_notebooks():
    """Every notebook in course.yml (the sections and the practice quiz in quiz/) is signed, so it runs on opening;
    the end-of-course quiz and the evaluation, which the course does not mark, are not."""
    course = {f"notebooks/{s.notebook}" for s in load_course().sections if s.available}
    assert "notebooks/quiz/practice_quiz.ipynb" in course
    # and the French edition's sections and practice quiz as far as they exist (notebooks/fr/, same names)
    french = {f"notebooks/fr/{s.notebook}" for s in load_course().sections if s.available}
    course |= {n for n in french if (ROOT / n).exists()}
    assert {"notebooks/fr/01_concept.ipynb", "notebooks/fr/quiz/practice_quiz.ipynb"} <= course
    for script in (ROOT / "start-course.sh", ROOT / "binder" / "postBuild"):
        (line,) = [ln for ln in script.read_text(encoding="utf-8").splitlines() if "jupyter trust " in ln]
        args = line.split("jupyter trust ", 1)[1].split(">", 1)[0].split()
        trusted = {p.relative_to(ROOT).as_posix() for pattern in args for p in ROOT.glob(pattern)}
        assert trusted == course, script.name
