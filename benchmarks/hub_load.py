"""A cohort at once on the hub: N learners (default 20) log in, start, work, hand in; the trainer grades.

    sudo .venv/bin/python benchmarks/hub_load.py                  # 20 learners
    sudo .venv/bin/python benchmarks/hub_load.py --learners 5     # a smaller try

Needs root (the hub starts each learner's server as their own system account) and the hub's proxy
(``npm ci --prefix hub``). It starts the shipped config with ``ssr-trainer hub start`` on 127.0.0.1
only, with throwaway accounts made by ``ssr-trainer hub accounts`` from a generated roster, and a
throwaway course (the sample bank). Then all learners at the same moment, one thread each, speak to
the hub over HTTP and WebSocket as JupyterLab does:

1. log in with their printed password (the hub's login form, PAM), and start their server;
2. open Section 1 in a real kernel and run all its code cells, one after the other;
3. answer the section's choice and classify exercises in that kernel (the progress file);
4. fetch the quiz through nbgrader's assignment list service, answer it (every third question
   wrong: a known score) through the contents API, and submit it.

While every learner's server is still up it measures memory; then the trainer collects and grades
with ``ssr-trainer`` as their own account, and it checks that every submission was collected and
graded to its expected score and that every progress file holds the answers. It prints spawn time
p50/p95, cell-execution latency p50/p95 under load, hub and proxy memory, memory per learner
server (kernel included), and the wall time of each phase. Bounded: at most 200 learners and a
deadline (``--timeout``, 20 minutes by default) after which it stops, cleans up and says what was
left undone. Everything it made (accounts, groups, hub, servers, folders) is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import json
import os
import pwd
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ssr_widgets.loader import load_section  # noqa: E402
from tests.hub_harness import (  # noqa: E402
    COURSE,
    PROXY,
    account_exists,
    as_account,
    learner_python,
    make_accounts,
    printed_passwords,
    remove_accounts,
    running_hub,
)
from tests.quiz_helpers import fill, known_mix, make_course  # noqa: E402

SECTION = "01_concept"
MAX_LEARNERS = 200


@dataclass
class Learner:
    name: str
    password: str
    spawn_s: float = 0.0
    cells_s: list[float] = field(default_factory=list)
    answered: dict[str, object] = field(default_factory=dict)
    expected_points: float = 0.0
    done: list[str] = field(default_factory=list)
    error: str = ""


class Deadline(Exception):
    pass


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# -- one learner, as their browser would speak to the hub ----------------------------------------------------

class Session:
    """A learner's HTTP session on the hub: the login cookie, then an API token of their own."""

    def __init__(self, base: str, name: str, deadline: float) -> None:
        self.base, self.name, self.deadline = base, name, deadline
        self.http = requests.Session()
        self.token = ""

    def _timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Deadline("the run's deadline passed")
        return min(left, 300)

    def call(self, method: str, path: str, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"token {self.token}"
        return self.http.request(method, f"{self.base}{path}", headers=headers, timeout=self._timeout(), **kw)

    def login(self, password: str) -> None:
        self.call("GET", "/hub/login").raise_for_status()
        xsrf = self.http.cookies.get("_xsrf", "")
        r = self.call("POST", "/hub/login", data={"username": self.name, "password": password, "_xsrf": xsrf},
                      allow_redirects=False)
        if r.status_code != 302:
            raise RuntimeError(f"login refused ({r.status_code})")
        # the XSRF token belongs to the session: the one the login page gave is renewed once logged in
        self.call("GET", "/hub/home").raise_for_status()
        xsrf = self.http.cookies.get("_xsrf", "")
        r = self.call("POST", f"/hub/api/users/{self.name}/tokens", json={"note": "load test", "expires_in": 3600},
                      headers={"X-XSRFToken": xsrf})
        r.raise_for_status()
        self.token = r.json()["token"]

    def start_server(self) -> float:
        t0 = time.monotonic()
        r = self.call("POST", f"/hub/api/users/{self.name}/server")
        if r.status_code not in (201, 202):
            raise RuntimeError(f"the server did not start ({r.status_code}: {r.text[:200]})")
        while True:
            user = self.call("GET", f"/hub/api/users/{self.name}").json()
            server = (user.get("servers") or {}).get("", {})
            if server.get("ready"):
                break
            if not server.get("pending") and not server.get("ready") and time.monotonic() - t0 > 5:
                raise RuntimeError(f"the server stopped while starting: {user}")
            time.sleep(0.25)
        # ready for the hub; also answering through the proxy
        while self.call("GET", f"/user/{self.name}/api/status").status_code != 200:
            time.sleep(0.25)
        return time.monotonic() - t0

    def server_api(self, method: str, path: str, **kw) -> requests.Response:
        return self.call(method, f"/user/{self.name}/{path.lstrip('/')}", **kw)


class Kernel:
    """A kernel of the learner's server, spoken to over its WebSocket as JupyterLab does (JSON messages)."""

    def __init__(self, session: Session, notebook: str) -> None:
        r = session.server_api("POST", "api/sessions", json={"path": notebook, "name": Path(notebook).name,
                                                             "type": "notebook", "kernel": {"name": "python3"}})
        r.raise_for_status()
        self.id = r.json()["kernel"]["id"]
        self.session_id = uuid.uuid4().hex
        url = session.base.replace("http://", "ws://") + f"/user/{session.name}/api/kernels/{self.id}/channels"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {session.token}"],
                                              timeout=session._timeout())

    def execute(self, code: str) -> tuple[float, list[str]]:
        """Run code; returns the seconds to its reply and any errors it raised."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session_id,
                       "username": "", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        t0, errors, replied, idle = time.monotonic(), [], False, False
        while not (replied and idle):
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "execute_reply":
                replied = True
                if msg["content"].get("status") == "error":
                    errors.append(f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}")
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
        return time.monotonic() - t0, errors

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()


def answers_code(section: str) -> tuple[str, dict[str, object]]:
    """Code that answers the section's choice and classify exercises rightly in the kernel, and those answers."""
    content = load_section(f"{section}.yml")
    lines, answered = ["from ssr_widgets import show"], {}
    for ex in content.exercises.values():
        ref = f"{section}.yml#{ex.id}"
        if ex.kind == "choice":
            chosen = [o.id for o in ex.options if o.correct]
            lines += [f"v = show({ref!r})", f"v.choices.value = {chosen!r}", "v.check()"]
            answered[ref] = chosen
        elif ex.kind == "classify":
            mapping = {it.id: it.category for it in ex.items}
            lines += [f"v = show({ref!r})"] + [f"v.dropdowns[{k!r}].value = {c!r}" for k, c in mapping.items()]
            lines += ["v.check()"]
            answered[ref] = mapping
    return "\n".join(lines), answered


def learner_day(base: str, learner: Learner, course, start: threading.Barrier, deadline: float) -> None:
    """One learner's whole visit; what went wrong is kept in ``learner.error``, never raised."""
    s = Session(base, learner.name, deadline)
    kernel = None
    try:
        start.wait(timeout=max(1, deadline - time.monotonic()))
        s.login(learner.password)
        learner.done.append("login")
        learner.spawn_s = s.start_server()
        learner.done.append("server")
        nb_path = f"ssr-course/{SECTION}.ipynb"
        nb = nbformat.reads(s.server_api("GET", f"api/contents/{nb_path}?content=1&format=text&type=file")
                            .json()["content"], as_version=4)
        kernel = Kernel(s, nb_path)
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.strip():
                seconds, errors = kernel.execute(cell.source)
                if errors:
                    raise RuntimeError(f"a cell of {SECTION} failed: {errors[0]}")
                learner.cells_s.append(seconds)
        learner.done.append("section run")
        code, learner.answered = answers_code(SECTION)
        _, errors = kernel.execute(code)
        if errors:
            raise RuntimeError(f"answering failed: {errors[0]}")
        learner.done.append("exercises answered")
        body = {"course_id": COURSE, "assignment_id": course.quiz.assignment}
        r = s.server_api("POST", "assignments/fetch", json=body)
        if r.status_code != 200 or '"fetched"' not in r.text:
            raise RuntimeError(f"fetch failed ({r.status_code}): {r.text[:300]}")
        quiz = f"{COURSE}/{course.quiz.assignment}/papers/{learner.name}/{course.quiz.notebook}"
        model = s.server_api("GET", f"api/contents/{quiz}?content=1").json()
        answers, learner.expected_points = known_mix(course, learner.name)
        paper = fill(nbformat.from_dict(model["content"]), answers)
        r = s.server_api("PUT", f"api/contents/{quiz}", json={"type": "notebook", "format": "json",
                                                               "content": paper})
        r.raise_for_status()
        r = s.server_api("POST", "assignments/submit", json=body)
        if r.status_code != 200 or '"submitted"' not in r.text:
            raise RuntimeError(f"submit failed ({r.status_code}): {r.text[:300]}")
        learner.done.append("quiz submitted")
    except Exception as exc:  # one learner's failure is reported, never stops the others
        learner.error = f"{type(exc).__name__}: {exc}"
    finally:
        if kernel is not None:
            kernel.close()


# -- memory -------------------------------------------------------------------------------------------------

def mib(n: int) -> float:
    return n / 2**20


def tree_memory(procs: list[psutil.Process]) -> tuple[int, int]:
    """(RSS, USS) in bytes of these processes: USS counts only memory no other process shares."""
    rss = uss = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            info = p.memory_full_info()
            rss, uss = rss + info.rss, uss + info.uss
    return rss, uss


def hub_and_proxy(hub_pid: int) -> dict[str, tuple[int, int]]:
    found = {"hub": [], "proxy": []}
    for p in [psutil.Process(hub_pid), *psutil.Process(hub_pid).children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            cmd = " ".join(p.cmdline())
            if "configurable-http-proxy" in cmd:
                found["proxy"].append(p)
            elif "jupyterhub" in cmd and "singleuser" not in cmd and "idle_culler" not in cmd:
                found["hub"].append(p)
    return {k: tree_memory(v) for k, v in found.items()}


def learner_servers(names: list[str]) -> list[tuple[int, int, int]]:
    """Per learner: (RSS, USS, process count) of everything running as their account (server and kernels)."""
    uids = {pwd.getpwnam(n).pw_uid: n for n in names}
    by = {n: [] for n in names}
    for p in psutil.process_iter(["uids"]):
        if p.info["uids"] and p.info["uids"].real in uids:
            by[uids[p.info["uids"].real]].append(p)
    return [(*tree_memory(procs), len(procs)) for procs in by.values() if procs]


# -- the run ------------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--learners", type=int, default=20, help="learners at once (default 20, at most 200)")
    ap.add_argument("--timeout", type=float, default=1200, help="seconds before the run gives up (default 1200)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("Needs root: the hub starts each learner's server as their own account (sudo).", file=sys.stderr)
        return 2
    if not PROXY.exists():
        print("The hub's proxy is missing: npm ci --prefix hub", file=sys.stderr)
        return 2
    n = max(1, min(args.learners, MAX_LEARNERS))
    deadline = time.monotonic() + args.timeout
    phases: dict[str, float] = {}
    t_phase = time.monotonic()

    def phase(name: str) -> None:
        nonlocal t_phase
        phases[name] = time.monotonic() - t_phase
        t_phase = time.monotonic()

    prefix = f"ssrl{secrets.token_hex(2)}"
    names = [f"{prefix}-l{k:03d}" for k in range(1, n + 1)]
    trainer = f"{prefix}-trainer"
    groups_before = {g.gr_name for g in grp.getgrall()}
    work = Path(tempfile.mkdtemp(prefix="ssr-hub-load-", dir="/tmp"))
    work.chmod(0o755)
    exchange, state = work / "exchange", work / "state"
    created: list[str] = []
    failures: list[str] = []
    stack = contextlib.ExitStack()
    try:
        python = learner_python(work)
        roster, trainers = work / "cohort.csv", work / "trainers.csv"
        roster.write_text("id,first name,last name,email\n" + "".join(
            f"{name},Learner,{k},{name}@example.org\n" for k, name in enumerate(names, 1)), encoding="utf-8")
        trainers.write_text(f"id,first name,last name,email\n{trainer},Tess,Trainer,t@example.org\n",
                            encoding="utf-8")
        passwords: dict[str, str] = {}
        for path, is_trainer in ((trainers, True), (roster, False)):
            code, output = make_accounts(path, trainers=is_trainer)
            created += [x for x in [trainer, *names] if x not in created and account_exists(x)]
            if code != 0:
                raise RuntimeError(f"hub accounts failed:\n{output}")
            passwords |= printed_passwords(output, prefix)
        t = pwd.getpwnam(trainer)
        course = make_course(Path(t.pw_dir) / "course", exchange=exchange)
        gradebook_roster = work / "gradebook.csv"
        gradebook_roster.write_text(roster.read_text(encoding="utf-8"), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "ssr_grader.cli", "roster", str(gradebook_roster), "--course-dir",
                        str(course.root)], check=True, capture_output=True)
        subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course.root)], check=True)
        exchange.mkdir(mode=0o777)
        exchange.chmod(0o777)
        done = as_account(trainer, python, ["-m", "ssr_grader.cli", "release", "--course-dir", str(course.root)],
                          course.root, exchange)
        if done.returncode != 0:
            raise RuntimeError(f"release failed: {done.stdout}{done.stderr}")
        phase("accounts, course built and released")

        hub = stack.enter_context(running_hub(course.root, python, exchange, state, work / "hub.log",
                                              idle_minutes=60))
        phase("hub up")
        idle_hub = hub_and_proxy(hub.proc.pid)

        learners = [Learner(name, passwords[name]) for name in names]
        barrier = threading.Barrier(n)
        with ThreadPoolExecutor(max_workers=n) as pool:
            for lr in learners:
                pool.submit(learner_day, hub.base, lr, course, barrier, deadline)
        phase(f"{n} learners at once: login, server, section, exercises, quiz")
        busy_hub = hub_and_proxy(hub.proc.pid)
        servers = learner_servers(names)

        steps = [["collect"], ["grade", "--workers", "2", "--quiet"]]
        script = ("import sys; from ssr_grader.cli import main\n"
                  f"for args in {steps!r}:\n"
                  "    print('$ ssr-trainer', *args, flush=True)\n"
                  f"    main([*args, '--course-dir', {str(course.root)!r}], standalone_mode=False)\n")
        graded = as_account(trainer, python, ["-c", script], course.root, exchange)
        if graded.returncode != 0:
            failures.append(f"collect/grade failed: {graded.stdout[-1500:]}{graded.stderr[-1500:]}")
        phase("trainer: collect and grade")

        # -- checks: every submission collected and graded to its expected score; every progress file whole
        from nbgrader.api import Gradebook, MissingEntry

        from ssr_grader.course import open_course
        from ssr_widgets.progress import ProgressStore

        ok = [lr for lr in learners if not lr.error]
        for lr in learners:
            if lr.error:
                failures.append(f"{lr.name}: {lr.error} (done: {', '.join(lr.done) or 'nothing'})")
        with Gradebook(open_course(course.root).api().coursedir.db_url, COURSE) as gb:
            for lr in ok:
                try:
                    score = gb.find_submission(course.quiz.assignment, lr.name).score
                except MissingEntry:
                    failures.append(f"{lr.name}: submitted but not collected and graded")
                    continue
                if abs(score - lr.expected_points) > 1e-9:
                    failures.append(f"{lr.name}: graded {score}, expected {lr.expected_points}")
        for lr in ok:
            store = ProgressStore(Path(pwd.getpwnam(lr.name).pw_dir) / "ssr-course" / "ssr-progress.json")
            entries = store.load()
            if store.notices:
                failures.append(f"{lr.name}: progress file: {store.notices}")
            for ref, answer in lr.answered.items():
                got = entries.get(ref)
                if got is None or got["answer"] != answer or not got["completed"]:
                    failures.append(f"{lr.name}: progress file lacks the right answer to {ref}: {got}")

        # -- report
        spawn = [lr.spawn_s for lr in ok]
        cells = [c for lr in ok for c in lr.cells_s]
        print(f"\nHub load test: {n} learners at once on one hub (127.0.0.1), section {SECTION}, "
              f"{psutil.cpu_count()} CPUs, {mib(psutil.virtual_memory().total) / 1024:.0f} GiB")
        print(f"  completed the whole visit   {len(ok)} of {n}")
        print(f"  server start (spawn)        p50 {percentile(spawn, 50):6.1f} s   p95 {percentile(spawn, 95):6.1f} s")
        print(f"  cell execution under load   p50 {percentile(cells, 50) * 1000:6.0f} ms  "
              f"p95 {percentile(cells, 95) * 1000:6.0f} ms  (max {max(cells, default=0) * 1000:.0f} ms, "
              f"{len(cells)} cells)")
        for part in ("hub", "proxy"):
            print(f"  {part:<6} memory (RSS)         idle {mib(idle_hub[part][0]):6.0f} MiB   "
                  f"with {n} learners {mib(busy_hub[part][0]):6.0f} MiB")
        if servers:
            rss = [s[0] for s in servers]
            uss = [s[1] for s in servers]
            print(f"  per learner (server+kernel) RSS mean {mib(statistics.mean(rss)):6.0f} MiB   max "
                  f"{mib(max(rss)):6.0f} MiB;  USS (not shared) mean {mib(statistics.mean(uss)):6.0f} MiB"
                  f"  ({statistics.mean(s[2] for s in servers):.0f} processes each)")
            print(f"  all learner servers         RSS {mib(sum(rss)) / 1024:6.2f} GiB   USS "
                  f"{mib(sum(uss)) / 1024:6.2f} GiB")
        print("  phases (s): " + "; ".join(f"{k} {v:.0f}" for k, v in phases.items()))
        if failures:
            print(f"\nFAILED checks ({len(failures)}):")
            for f in failures[:40]:
                print(f"  - {f}")
            return 1
        print(f"  checks: all {n} submissions collected and graded to their expected score; "
              f"all {n} progress files hold the answers")
        return 0
    finally:
        stack.close()
        left = remove_accounts(created, groups_before)
        import shutil

        shutil.rmtree(work, ignore_errors=True)
        if left:
            print(f"Accounts that could not be removed: {left}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
