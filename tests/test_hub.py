"""The cohort server (issue 14): hub accounts from the roster, ``ssr-trainer hub start``, and a cohort's day on it.

The slow test starts the shipped JupyterHub config on 127.0.0.1 with two learners and a trainer made
by ``ssr-trainer hub accounts``; in headless Chromium a learner logs in, fetches the quiz through
nbgrader's assignment list service, answers by clicking, and submits; the trainer collects, grades and
returns feedback with ``ssr-trainer`` as their own account; the learner fetches the feedback and reads
it. A learner gets 403 on another learner's server and on the formgrader; the trainer opens it.
"""

from __future__ import annotations

import contextlib
import csv
import grp
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from ssr_grader.cli import main
from ssr_grader.hub.accounts import ACCOUNT_NAME, account_problem, make_password, safe_name

from .conftest import ROOT
from .hub_harness import (
    account_exists,
    as_account,
    learner_python,
    remove_accounts,
    running_hub,
)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
COURSE = "ssr-intro"


# -- Accounts: hostile roster ids, passwords, refusals (fast) ----------------------------------------------------

@pytest.mark.parametrize(("learner_id", "why"), [
    ("Amina", "cannot be an account name"),  # upper case: nbgrader would know her as 'amina', the gradebook not
    ("1abc", "cannot be an account name"),
    ("a" * 33, "cannot be an account name"),
    ("jean.dupont", "cannot be an account name"),
    ("root", "reserves"),
    ("www-data", "reserves"),
    ("nobody", "reserves"),
])
def test_roster_ids_that_cannot_be_accounts_are_refused_with_a_safe_suggestion(learner_id, why):
    problem = account_problem(learner_id, f"nbgrader-{COURSE}")
    assert problem is not None and why in problem
    if "account name" in problem:
        assert ACCOUNT_NAME.match(safe_name(learner_id)), safe_name(learner_id)
        assert repr(safe_name(learner_id)) in problem


def test_an_existing_account_outside_the_course_is_never_taken_over():
    others = [p.pw_name for p in pwd.getpwall() if ACCOUNT_NAME.match(p.pw_name) and p.pw_name not in {"nobody"}]
    name = next((n for n in others if account_problem(n, f"nbgrader-{COURSE}") is not None
                 and "reserves" not in account_problem(n, f"nbgrader-{COURSE}")), None)
    if name is None:
        pytest.skip("no unreserved system account on this machine to try")
    assert "existing account of this server that is not in the course" in account_problem(name, f"nbgrader-{COURSE}")


def test_passwords_are_random_and_readable():
    seen = {make_password() for _ in range(200)}
    assert len(seen) == 200
    for p in seen:
        assert re.fullmatch(r"([a-km-zA-HJ-NP-Z2-9]{4}-){3}[a-km-zA-HJ-NP-Z2-9]{4}", p), p


def test_hub_commands_refuse_clearly_without_root(tmp_path, monkeypatch):
    roster = tmp_path / "cohort.csv"
    roster.write_text("id,first name,last name,email\namina,Amina,Diallo,amina@example.org\n", encoding="utf-8")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    runner = CliRunner()
    for args in (["hub", "accounts", str(roster)], ["hub", "start", "--check"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "needs root" in result.output and "sudo" in result.output, result.output


@pytest.mark.skipif(not IS_ROOT, reason="checks the hub's start-up as root, as it runs")
def test_hub_start_refuses_the_network_without_tls_and_a_course_folder_of_roots(tmp_path):
    course_dir = ROOT / "grader"  # a checkout made by root: the course folder belongs to root
    runner = CliRunner()
    result = runner.invoke(main, ["hub", "start", "--check", "--course-dir", str(course_dir), "--ip", "0.0.0.0"])  # noqa: S104 - refused
    assert result.exit_code == 1 and "--ssl-cert" in result.output, result.output
    result = runner.invoke(main, ["hub", "start", "--check", "--course-dir", str(course_dir), "--exchange",
                                  str(tmp_path / "exchange"), "--state-dir", str(tmp_path / "state"),
                                  "--learner-python", sys.executable])
    assert result.exit_code == 1, result.output
    assert ("belongs to root" in result.output or "cannot run" in result.output), result.output


# -- The cohort's day on the hub (slow, browser) ----------------------------------------------------------------







def _page_api(page, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
    """A request from the page, with its session cookie and Jupyter's XSRF token, as JupyterLab's own calls."""
    result = page.evaluate(
        """async ([method, path, body]) => {
            const m = document.cookie.match('(^|; )_xsrf=([^;]*)');
            const headers = {'Content-Type': 'application/json'};
            if (m) headers['X-XSRFToken'] = decodeURIComponent(m[2]);
            const r = await fetch(path, {method, headers, credentials: 'same-origin',
                                         body: body ? JSON.stringify(body) : undefined});
            return [r.status, await r.text()];
        }""", [method, path, body])
    return result[0], result[1]


def _login(context, base: str, name: str, password: str, next_path: str = ""):
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{base}/hub/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


def _wait_for_lab(page, name: str) -> None:
    page.wait_for_url(re.compile(rf".*/user/{re.escape(name)}/lab.*"), timeout=150_000)
    page.wait_for_selector(".jp-LabShell", timeout=90_000)






@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not IS_ROOT, reason="needs root: the hub starts each learner's server as their own account")
def test_a_cohort_day_on_the_hub(tmp_path):
    from playwright.sync_api import sync_playwright

    from ssr_grader.course import open_course
    from ssr_grader.quiz.papers import learner_draw

    from .lab_harness import CHROMIUM, CHROMIUM_ARGS, require_chromium, run_all, save_notebook
    from .quiz_helpers import make_course, wrong
    from .test_browser_quiz import answer_by_clicking

    require_chromium()
    proxy = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        if os.environ.get("CI"):
            pytest.fail("configurable-http-proxy is missing in CI: run-tests.sh should have run npm ci --prefix hub")
        pytest.skip("configurable-http-proxy is not installed (npm ci --prefix hub)")
    started = time.monotonic()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = round(time.monotonic() - started - sum(phases.values()), 1)

    prefix = f"ssrh{secrets.token_hex(2)}"
    amina, bo, trainer = f"{prefix}-amina", f"{prefix}-bo", f"{prefix}-trainer"
    groups_before = {g.gr_name for g in grp.getgrall()}
    work = Path(tempfile.mkdtemp(prefix="ssr-hub-test-", dir="/tmp"))  # not under pytest's private tmp
    work.chmod(0o755)
    exchange, state = work / "exchange", work / "state"
    stack = contextlib.ExitStack()
    created: list[str] = []
    try:
        python = learner_python(work)
        runner = CliRunner()
        # Accounts from rosters; a hostile row (root) changes nothing.
        shadow_root = next(line for line in Path("/etc/shadow").read_text().splitlines() if line.startswith("root:"))
        learners_csv, trainers_csv = tmp_path / "cohort.csv", tmp_path / "trainers.csv"
        learners_csv.write_text("id,first name,last name,email\n"
                                f"{amina},Amina,Diallo,amina@example.org\n{bo},Bo,Li,bo@example.org\n"
                                "root,Mallory,Root,mallory@example.org\n", encoding="utf-8")
        trainers_csv.write_text(f"id,first name,last name,email\n{trainer},Tess,Trainer,tess@example.org\n",
                                encoding="utf-8")
        passwords: dict[str, str] = {}
        for args in (["--trainers", str(trainers_csv)], [str(learners_csv)]):
            result = runner.invoke(main, ["hub", "accounts", *args, "--course-dir", str(ROOT / "grader")])
            created += [n for n in (amina, bo, trainer) if n not in created and account_exists(n)]
            for line in result.output.splitlines():
                m = re.match(rf"\s+({prefix}-\w+)\s+(\S+)\s", line)
                if m:
                    passwords[m.group(1)] = m.group(2)
            if "--trainers" not in args:
                assert result.exit_code == 1 and "'root' is a name the system reserves" in result.output, result.output
        assert set(passwords) == {amina, bo, trainer}, passwords
        assert next(line for line in Path("/etc/shadow").read_text().splitlines()
                    if line.startswith("root:")) == shadow_root
        assert pwd.getpwnam(amina).pw_shell.endswith("nologin")
        assert oct(Path(pwd.getpwnam(amina).pw_dir).stat().st_mode & 0o777) == "0o700"
        phase("accounts")

        # The trainer's course folder, in their home and theirs; the quiz built, the roster in, released.
        t = pwd.getpwnam(trainer)
        course = make_course(Path(t.pw_dir) / "course", exchange=exchange)
        roster = tmp_path / "gradebook.csv"
        roster.write_text(f"id,first name,last name,email\n{amina},Amina,Diallo,a@example.org\n"
                          f"{bo},Bo,Li,b@example.org\n", encoding="utf-8")
        assert runner.invoke(main, ["roster", str(roster), "--course-dir", str(course.root)]).exit_code == 0
        subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course.root)], check=True)
        exchange.mkdir(mode=0o777)
        exchange.chmod(0o777)
        done = as_account(trainer, python, ["-m", "ssr_grader.cli", "release", "--course-dir", str(course.root)],
                           course.root, exchange)
        assert done.returncode == 0, done.stdout + done.stderr
        phase("course built and released")

        # The hub, started by the one command, on loopback.
        hub = stack.enter_context(running_hub(course.root, python, exchange, state, work / "hub.log"))
        base = hub.base
        assert f"Cohort server: {base}/" in (work / "hub.log").read_text()
        phase("hub up")

        draw = learner_draw(course, amina)
        first, second, third = draw.slots[:3]
        answers = {first.slot: first.key, second.slot: second.key, third.slot: wrong(course, amina, third.slot)}
        expected = 2 * course.quiz.points_per_item
        quiz_path = f"{COURSE}/{course.quiz.assignment}/papers/{amina}/{course.quiz.notebook}"
        formgrader = f"{base}/services/{COURSE}/formgrader"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                people = {n: browser.new_context(viewport={"width": 1280, "height": 1600}) for n in (amina, bo, trainer)}
                # Amina logs in; her server starts as her account; she fetches the quiz (nbgrader's assignment list).
                page = _login(people[amina], base, amina, passwords[amina])
                _wait_for_lab(page, amina)
                status, text = _page_api(page, "GET", f"/user/{amina}/assignments?course_id={COURSE}")
                assert status == 200 and course.quiz.assignment in text and '"released"' in text, text[:2000]
                status, text = _page_api(page, "POST", f"/user/{amina}/assignments/fetch",
                                         {"course_id": COURSE, "assignment_id": course.quiz.assignment})
                assert status == 200 and '"fetched"' in text, text[:2000]
                mine = Path(pwd.getpwnam(amina).pw_dir) / quiz_path
                assert mine.stat().st_uid == pwd.getpwnam(amina).pw_uid
                assert (Path(pwd.getpwnam(amina).pw_dir) / "ssr-course" / "00_welcome.ipynb").exists()
                # the sections are signed with her own key, so the course's autorun extension runs them on opening
                from nbformat.sign import NotebookNotary

                home = Path(pwd.getpwnam(amina).pw_dir)
                notary = NotebookNotary(data_dir=str(home / ".local" / "share" / "jupyter"))
                assert notary.check_signature(nbformat.read(home / "ssr-course" / "01_concept.ipynb", 4))
                assert not notary.check_signature(nbformat.read(home / "ssr-course" / "quiz" / "course_evaluation.ipynb", 4))
                notary.close()
                # Her JupyterLab has the learner settings: nbgrader's assignment list, no instructor panels.
                page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
                items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
                assert "Assignment List" in items and "Formgrader" not in items, items
                page.keyboard.press("Escape")
                phase("amina: logged in, server up, quiz fetched")
                # She opens her own paper, runs it, answers by clicking, saves and submits.
                status, _ = _page_api(page, "POST", f"/user/{amina}/api/sessions",
                                      {"path": quiz_path, "name": course.quiz.notebook, "type": "notebook",
                                       "kernel": {"name": "python3"}})
                assert status == 201, status
                page.goto(f"{base}/user/{amina}/lab/tree/{quiz_path}")
                page.wait_for_function(
                    """() => { const k = document.querySelector('.jp-NotebookPanel-toolbar [data-jp-item-name=kernelName]');
                               const s = document.querySelector('.jp-Notebook-ExecutionIndicator');
                               const named = k ? k.innerText.trim() : '';
                               return named !== '' && named !== 'No Kernel' && s && s.dataset.status === 'idle'; }""",
                    timeout=120_000)
                run_all(page)
                answer_by_clicking(page, draw, answers)
                save_notebook(page)
                status, text = _page_api(page, "POST", f"/user/{amina}/assignments/submit",
                                         {"course_id": COURSE, "assignment_id": course.quiz.assignment})
                assert status == 200 and '"submitted"' in text, text[:2000]

                phase("amina: answered by clicking and submitted")

                # Bo logs in too (to his hub home); another learner's server and the formgrader are closed to him.
                page_b = _login(people[bo], base, bo, passwords[bo], "/hub/home")
                page_b.wait_for_url(re.compile(r".*/hub/home.*"))
                assert page_b.goto(f"{base}/user/{amina}/lab").status == 403
                assert page_b.goto(f"{base}/user/{amina}/files/{quiz_path}").status == 403
                assert page_b.goto(formgrader, wait_until="domcontentloaded").status == 403

                # The trainer logs in straight to the formgrader (no server of their own needed) and sees the quiz.
                page_t = _login(people[trainer], base, trainer, passwords[trainer], f"/services/{COURSE}/formgrader")
                page_t.wait_for_url(re.compile(rf".*/services/{COURSE}/formgrader.*"), wait_until="domcontentloaded")
                page_t.wait_for_selector(f"text={course.quiz.assignment}", timeout=60_000)
                assert page_t.goto(formgrader, wait_until="domcontentloaded").status == 200

                phase("bo and the trainer: 403s and the formgrader")

                # The trainer collects, grades and returns feedback with ssr-trainer, as their own account (the three
                # commands in one process, as a terminal would run them one after the other, to save two start-ups).
                steps = [["collect"], ["grade", "--workers", "1", "--quiet"], ["feedback", "--release"]]
                script = ("import sys; from ssr_grader.cli import main\n"
                          f"for args in {steps!r}:\n"
                          "    print('$ ssr-trainer', *args, flush=True)\n"
                          f"    main([*args, '--course-dir', {str(course.root)!r}], standalone_mode=False)\n")
                done = as_account(trainer, python, ["-c", script], course.root, exchange)
                assert done.returncode == 0, (done.stdout, done.stderr[-3000:])
                assert "Collected 1 learners" in done.stdout, done.stdout
                assert "Returned through the exchange to 1 learners" in done.stdout, done.stdout + done.stderr[-3000:]
                phase("trainer: collect, grade, feedback")
                from nbgrader.api import Gradebook

                graded = open_course(course.root)
                with Gradebook(graded.api().coursedir.db_url, COURSE) as gb:
                    sub = gb.find_submission(course.quiz.assignment, amina)
                    assert sub.score == expected, (sub.score, expected)

                # Amina fetches her feedback and reads it in her browser.
                status, text = _page_api(page, "POST", f"/user/{amina}/assignments/fetch_feedback",
                                         {"course_id": COURSE, "assignment_id": course.quiz.assignment})
                assert status == 200, text[:2000]
                home = Path(pwd.getpwnam(amina).pw_dir)
                (feedback,) = (home / COURSE / course.quiz.assignment / "feedback").glob(
                    f"*/{course.quiz.notebook.replace('.ipynb', '.html')}")
                page.goto(f"{base}/user/{amina}/files/{feedback.relative_to(home)}")
                body = page.inner_text("body")
                given = answers[first.slot]
                assert f"Your answer: {', '.join(given)}. ✔ Right." in body, body[:3000]
                # Bo may not read it.
                assert page_b.goto(f"{base}/user/{amina}/files/{feedback.relative_to(home)}").status == 403
                phase("amina: feedback fetched and read")
            finally:
                browser.close()
        total = time.monotonic() - started
        print(f"cohort day on the hub, seconds per phase: {phases}; total {total:.1f} s")
        # 140-182 s measured here with other test runs loading the machine (load average 5-6); the bound leaves room
        # for CI's second test process, so a slow machine is reported, not mistaken for a broken hub
        assert total < 300, f"the cohort-day test took {total:.0f} s (bound: 5 minutes; phases: {phases})"
    finally:
        stack.close()
        left = remove_accounts(created, groups_before)
        shutil.rmtree(work, ignore_errors=True)
        if left and sys.exc_info()[0] is None:  # never hide the failure that got here first
            raise AssertionError(f"the test's accounts could not be removed: {left}")






def test_learner_roster_rows_read_as_the_cli_reads_them(tmp_path):
    """The accounts command reads the same roster formats as  ssr-trainer roster  (here: our CSV)."""
    from ssr_grader.intake.roster import read_roster

    path = tmp_path / "r.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "first name", "last name", "email"])
        w.writerow(["moodle-212095", "Zoë", "N'Diaye", "z@example.org"])
    learners, _ = read_roster(path)
    assert [lr.id for lr in learners] == ["moodle-212095"]
    assert account_problem("moodle-212095", f"nbgrader-{COURSE}") is None


def test_exchange_submissions_keep_nbgraders_secret_so_feedback_can_be_returned(tmp_path):
    """nbgrader files feedback released through the exchange under a hash of the submission's secret: collect keeps
    the learner's own secret (hex only) beside the rebuilt submission, grading and feedback carry it along."""
    import nbformat

    from ssr_grader.grading.batch import grade_cohort
    from ssr_grader.intake.exchange import collect_exchange

    from .quiz_helpers import fill, known_mix, make_course, paper

    course = make_course(tmp_path / "course", exchange=tmp_path / "exchange")
    inbound = tmp_path / "exchange" / COURSE / "inbound"
    secret = secrets.token_hex(64)
    for student, text in (("amina", secret), ("bo", "<script>not a secret</script>")):
        folder = inbound / f"{student}+{course.quiz.assignment}+2026-11-30 16:30:00.000000 UTC+x1"
        (folder / "papers" / student).mkdir(parents=True)
        answers, _ = known_mix(course, student)
        (folder / "papers" / student / course.quiz.notebook).write_text(
            nbformat.writes(fill(paper(course, student), answers)))
        (folder / "submission_secret.txt").write_text(text)
    report = collect_exchange(course, uid_of=lambda name: os.getuid())
    assert sorted(a.student for a in report.accepted) == ["amina", "bo"]
    submitted = course.root / "submitted"
    assert (submitted / "amina" / course.quiz.assignment / "submission_secret.txt").read_text() == secret
    assert not (submitted / "bo" / course.quiz.assignment / "submission_secret.txt").exists()
    assert all(o.graded for o in grade_cohort(course, workers=1, progress=False))
    assert (course.root / "autograded" / "amina" / course.quiz.assignment / "submission_secret.txt").read_text() == secret
    runner = CliRunner()
    result = runner.invoke(main, ["feedback", "--release", "--course-dir", str(course.root)],
                           env={"SSR_EXCHANGE": str(tmp_path / "exchange")})
    assert result.exit_code == 0, result.output
    assert "Returned through the exchange to 1 learners" in result.output, result.output
    assert "send their feedback another way): bo" in result.output, result.output
    from nbgrader.utils import notebook_hash

    released = tmp_path / "exchange" / COURSE / "feedback"
    assert [p.name for p in released.glob("*.html")] == [
        f"{notebook_hash(secret=secret, notebook_id=course.quiz.notebook.removesuffix('.ipynb'))}.html"]
