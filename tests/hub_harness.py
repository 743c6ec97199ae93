"""A cohort hub for tests and benchmarks: accounts, a Python every account may run, the hub started and stopped.

Shared by tests/test_hub.py (the cohort's day), tests/test_first_start.py and benchmarks/hub_load.py (20
learners at once), so each drives the same shipped config, ``ssr-trainer hub start``, the same way, and
cleans up the same way: the hub's whole process group, every process of the test's accounts, the accounts.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

COURSE = "ssr-intro"
PROXY = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"


def _runs_for_others(python: str) -> bool:
    try:
        probe = subprocess.run([python, "-c", "import jupyterhub.singleuser, nbgrader, ssr_widgets, bs4; "
                                "bs4.BeautifulSoup('<img>', 'html.parser').select('img:not([alt])')"],
                               user="nobody", group="nogroup", capture_output=True, cwd="/", env={"PATH": "/usr/bin:/bin"})
    except OSError:  # this account may not even start it
        return False
    return probe.returncode == 0


def learner_python(where: Path) -> str:
    """A Python every account may run, with this environment's packages.

    Where the test venv's interpreter lives under root's private home (as on this project's machines), a copy
    of that same interpreter (its standard library, without site-packages) is made under ``where``, with a .pth
    file adding the venv's site-packages and links to its Jupyter data and config (JupyterLab's assets, the
    server extensions). The system's Python will not do: a patch release older than the venv's breaks packages
    that require a newer one (soupsieve 4.1 needs 3.11.5, Debian 12 has 3.11.2).
    """
    if _runs_for_others(sys.executable):
        return sys.executable
    import site
    import sysconfig

    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base, py = Path(sys.base_prefix), where / "learner-python"
    (py / "bin").mkdir(parents=True)
    shutil.copy2(Path(sys._base_executable).resolve(), py / "bin" / minor)
    libs = py / "lib"
    libs.mkdir()
    for lib in base.glob("lib/libpython3*.so*"):
        shutil.copy2(lib, libs / lib.name, follow_symlinks=True)
    shutil.copytree(Path(sysconfig.get_paths(vars={"base": str(base), "installed_base": str(base)})["stdlib"]),
                    libs / minor, symlinks=True,
                    ignore=shutil.ignore_patterns("site-packages", "test", "config-*", "idlelib", "tkinter",
                                                  "turtledemo", "ensurepip", "lib2to3"))
    (libs / minor / "site-packages").mkdir()
    packages = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (libs / minor / "site-packages" / "ssr_test_venv.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in packages) + "\n")
    for name in ("share", "etc"):
        if (Path(sys.prefix) / name).exists():
            (py / name).symlink_to(Path(sys.prefix) / name)
    wrapper = py / "bin" / "python"
    wrapper.write_text(f'#!/bin/sh\nexport LD_LIBRARY_PATH="{libs}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"\n'
                       f'exec "{py / "bin" / minor}" "$@"\n')
    wrapper.chmod(0o755)
    if not _runs_for_others(str(wrapper)):
        import pytest

        pytest.skip("no Python that every account may run with this environment's packages")
    return str(wrapper)


def as_account(account: str, python: str, args: list[str], cwd: Path, exchange: Path) -> subprocess.CompletedProcess:
    """A command as the account runs it in a terminal of its server on the hub (which sets SSR_EXCHANGE)."""
    entry = pwd.getpwnam(account)
    env = {"HOME": entry.pw_dir, "USER": account, "LOGNAME": account, "LANG": "C.UTF-8", "SSR_EXCHANGE": str(exchange),
           "PATH": f"{Path(python).parent}:/usr/local/bin:/usr/bin:/bin"}
    return subprocess.run([python, *args], user=entry.pw_uid, group=entry.pw_gid, env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def stop_account_processes(uids: set[int]) -> None:
    """Stop what the hub started as the test's accounts (by process id), so the accounts can be removed."""
    import psutil

    _stop([p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids])


def _stop(procs: list) -> None:
    """Ask the processes to stop; kill those still running after 10 s."""
    import psutil

    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _gone, alive = psutil.wait_procs(procs, timeout=10)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-4000:]
    except OSError:
        return ""


def free_port() -> int:
    from .lab_harness import free_port as _free

    return _free()


def make_accounts(roster: Path, *, trainers: bool = False, course_dir: Path = ROOT / "grader") -> tuple[int, str]:
    """``ssr-trainer hub accounts`` on a roster file; returns its exit code and output (passwords in it)."""
    from click.testing import CliRunner

    from ssr_grader.cli import main

    args = ["hub", "accounts", *(["--trainers"] if trainers else []), str(roster), "--course-dir", str(course_dir)]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def printed_passwords(output: str, prefix: str) -> dict[str, str]:
    """The one-time passwords ``hub accounts`` printed, for the accounts named ``<prefix>-...``."""
    found = {}
    for line in output.splitlines():
        m = re.match(rf"\s+({re.escape(prefix)}-[\w-]+)\s+(\S+)\s", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def remove_accounts(names: list[str], groups_before: set[str]) -> list[str]:
    """Stop every process of these accounts, remove them and the course's groups made since; returns those left."""
    uids = set()
    for name in names:
        with contextlib.suppress(KeyError):
            uids.add(pwd.getpwnam(name).pw_uid)
    stop_account_processes(uids)
    left = []
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        if account_exists(name):
            left.append(name)
    for group in (f"nbgrader-{COURSE}", f"formgrade-{COURSE}"):
        with contextlib.suppress(KeyError):  # made here, and nobody else's in it (another run may share it)
            if group not in groups_before and not grp.getgrnam(group).gr_mem:
                subprocess.run(["groupdel", group], capture_output=True)
    return left


@dataclass
class Hub:
    """A running hub: its address and the process (the leader of its process group)."""

    base: str
    proc: subprocess.Popen
    log: Path


@contextlib.contextmanager
def running_hub(course_root: Path, python: str, exchange: Path, state: Path, log: Path, *,
                idle_minutes: int = 30, extra: list[str] | None = None, env: dict[str, str] | None = None,
                timeout: float = 90) -> Iterator[Hub]:
    """``ssr-trainer hub start`` on 127.0.0.1 with free ports; stopped with its whole process group afterwards."""
    port = free_port()
    full_env = {**os.environ, "SSR_HUB_API_PORT": str(free_port()), "SSR_HUB_PROXY_API_PORT": str(free_port()),
                "SSR_HUB_SERVICE_PORT": str(free_port()), **(env or {})}
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "ssr_grader.cli", "hub", "start", "--course-dir",
                                 str(course_root), "--port", str(port), "--learner-python", python, "--exchange",
                                 str(exchange), "--state-dir", str(state), "--idle-minutes", str(idle_minutes),
                                 *(extra or [])],
                                stdout=fh, stderr=subprocess.STDOUT, env=full_env, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", proc, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{hub.base}/hub/api", timeout=5):  # noqa: S310 - loopback
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the hub did not start:\n{tail(log)}") from None
                time.sleep(0.5)
        yield hub
    finally:  # the hub and everything it started (the culler): one process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        stop_proxy(full_env["SSR_HUB_PROXY_API_PORT"])


def stop_proxy(api_port: str) -> None:
    """The hub's configurable-http-proxy, found by its API port, if the hub did not stop it.

    JupyterHub starts the proxy in a session of its own (so a Ctrl-C meant for the hub does not reach it) and
    stops it while shutting down; a hub killed before it got there (stopping learners' servers can take longer
    than the 30 s it is given) leaves the proxy running, holding its ports, after the test.
    """
    import psutil

    _stop([p for p in psutil.process_iter(["cmdline"])
           if "--api-port" in (cmd := p.info["cmdline"] or []) and cmd[cmd.index("--api-port") + 1:][:1] == [api_port]
           and any("configurable-http-proxy" in part for part in cmd)])
