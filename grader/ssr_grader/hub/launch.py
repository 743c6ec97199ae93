"""``ssr-trainer hub start``: check what a cohort hub needs on this machine, then run JupyterHub with the shipped config.

Every check fails with a sentence that says what to do, before anything is started: root (the hub
starts each learner's server as their own account), the proxy (npm's configurable-http-proxy), a
Python every account may run, a course folder that belongs to a trainer, and the exchange folder; with
``--lti13-*``, the LMS's LTI 1.3 settings (https URLs, client ids, the username's claim).
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .accounts import AccountError, course_groups, course_id_of, in_group, require_root

if TYPE_CHECKING:
    from .lti import Lti13Settings

__all__ = ["HubPlan", "HubSetupError", "hub_config_file", "plan_hub", "run_hub"]


class HubSetupError(RuntimeError):
    """The hub cannot start here yet; the message says what to do."""


def _checkout() -> Path:
    return Path(__file__).resolve().parents[3]


def hub_config_file() -> Path:
    """The JupyterHub config the course ships (``hub/jupyterhub_config.py`` of the checkout)."""
    return _checkout() / "hub" / "jupyterhub_config.py"


@dataclass
class HubPlan:
    """What ``jupyterhub`` is started with: the command, its environment, and the address learners open."""

    command: list[str]
    env: dict[str, str]
    url: str
    notes: list[str] = field(default_factory=list)


def _proxy(checkout: Path) -> str | None:
    local = checkout / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else shutil.which("configurable-http-proxy")


def _runnable_by_others(python: str) -> bool:
    """Whether an account other than root can run this Python with the course installed (as learners' servers do)."""
    probe = "import jupyterhub.singleuser, nbgrader, ssr_widgets"
    try:
        done = subprocess.run([python, "-c", probe], user="nobody", group="nogroup", capture_output=True, cwd="/",
                              timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    except (OSError, subprocess.SubprocessError, KeyError, ValueError):
        return False
    return done.returncode == 0


def plan_hub(course_dir: Path, *, ip: str = "127.0.0.1", port: int = 8000, python: str | None = None,
             exchange: Path = Path("/srv/nbgrader/exchange"), state_dir: Path = Path("/srv/ssr-hub"),
             ssl_cert: Path | None = None, ssl_key: Path | None = None, behind_tls_proxy: bool = False,
             idle_minutes: int = 60, extra_env: dict[str, str] | None = None,
             lti13: Lti13Settings | None = None) -> HubPlan:
    """Check this machine for a cohort hub and return how to start it (nothing is started).

    With ``lti13`` the hub takes LTI 1.3 launches from the LMS instead of passwords (PAM); without it, any
    SSR_HUB_LTI13_* left in this environment is dropped, so the login is always the one asked for here.
    """
    from ..course import open_course

    try:
        require_root("Starting the cohort hub")
    except AccountError as exc:
        raise HubSetupError(str(exc)) from None
    checkout = _checkout()
    config = hub_config_file()
    if not config.exists():
        raise HubSetupError(f"{config} is missing: the hub runs from a checkout of the course (git clone ...).")
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        raise HubSetupError(f"--ip {ip!r} is not an IP address") from None
    if not address.is_loopback and not (ssl_cert or behind_tls_proxy):
        raise HubSetupError(f"--ip {ip} is reachable from other machines: passwords would cross the network in "
                            "clear. Give --ssl-cert and --ssl-key, or --behind-tls-proxy when a reverse proxy "
                            "(nginx, Caddy) terminates TLS in front of the hub (see hub/README.md).")
    if bool(ssl_cert) != bool(ssl_key):
        raise HubSetupError("--ssl-cert and --ssl-key go together")
    proxy = _proxy(checkout)
    if proxy is None:
        raise HubSetupError("configurable-http-proxy (npm) is missing: install it with  "
                            f"npm ci --prefix {checkout / 'hub'}  (or npm install -g configurable-http-proxy)")
    python = python or sys.executable
    if not _runnable_by_others(python):
        raise HubSetupError(
            f"learners' servers run as their own accounts, and those cannot run {python} with the course "
            "installed (is it under a private home folder such as /root?). Install the course where every account "
            "can read it, e.g.  python3 -m venv /opt/ssr-course && /opt/ssr-course/bin/pip install -e '.[hub]'  "
            "from a checkout outside /root, or give such a Python with --learner-python.")
    course = open_course(course_dir)
    try:
        course_id = course_id_of(course)
    except AccountError as exc:
        raise HubSetupError(str(exc)) from None
    owner = pwd.getpwuid(course.root.stat().st_uid).pw_name
    trainers = course_groups(course_id)[1]
    if owner == "root":
        raise HubSetupError(f"the course folder {course.root} belongs to root; the formgrader runs as the folder's "
                            f"owner, never as root. Give it to a trainer's account:  chown -R <trainer> {course.root}"
                            f"  (trainers' accounts:  ssr-trainer hub accounts --trainers <trainers.csv>)")
    notes = []
    lti_env: dict[str, str] = {}
    if lti13 is not None:
        from .lti import lti13_env  # jupyterhub-ltiauthenticator: only when LTI 1.3 is asked for

        try:
            lti_env = lti13_env(lti13)
        except ValueError as exc:
            raise HubSetupError(f"LTI 1.3: {exc}") from None
    elif any(k.startswith("SSR_HUB_LTI13_") and v for k, v in os.environ.items()):
        notes.append("SSR_HUB_LTI13_* variables in this environment were ignored: hub start turns LTI 1.3 login "
                     "on with its --lti13-* options only (see hub/README.md); the login is PAM")
    if not in_group(owner, trainers):
        notes.append(f"the course folder belongs to {owner}, who is not in {trainers}: {owner} runs the "
                     "formgrader, but only members of that group can open it")
    exchange.mkdir(parents=True, exist_ok=True)
    exchange.chmod(0o777)  # nbgrader's own rule for the exchange root (its folders inside carry their own modes)
    state_dir.mkdir(parents=True, exist_ok=True)
    state_dir.chmod(0o700)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SSR_HUB_LTI13_")},
        "SSR_COURSE_DIR": str(course.root), "SSR_HUB_COURSE": course_id, "SSR_EXCHANGE": str(exchange),
        "SSR_HUB_STATE": str(state_dir), "SSR_HUB_PYTHON": python, "SSR_HUB_PROXY": proxy,
        "SSR_HUB_IP": ip, "SSR_HUB_PORT": str(port), "SSR_HUB_IDLE_MINUTES": str(idle_minutes),
        **lti_env,
        **(extra_env or {}),
    }
    if ssl_cert:
        env.update(SSR_HUB_SSL_CERT=str(ssl_cert), SSR_HUB_SSL_KEY=str(ssl_key))
    scheme = "https" if ssl_cert or behind_tls_proxy else "http"
    host = f"[{ip}]" if address.version == 6 else ip
    command = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
    return HubPlan(command, env, f"{scheme}://{host}:{port}/", notes)


def run_hub(plan: HubPlan) -> int:
    """Run JupyterHub in the foreground until it is stopped (Ctrl+C); its state stays in the state folder.

    JupyterHub replaces this process (exec), so a stop signal (Ctrl+C, a service manager's SIGTERM) reaches
    the hub itself, which stops its proxy and servers; a waiting parent would die alone and leave it running.
    """
    os.chdir(plan.env["SSR_HUB_STATE"])
    os.execve(plan.command[0], plan.command, plan.env)  # noqa: S606 - our own command list, no shell
    return 1  # not reached
