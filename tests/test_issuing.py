"""Certificates and badges: the issuing rule, issuing once, and checking what was issued."""

from __future__ import annotations

import json

import pypdf
import pytest
from click.testing import CliRunner

from ssr_grader.cli import main
from ssr_grader.credentials.issuer_key import create_key, load_key
from ssr_grader.credentials.issuing import IssuerError, issue_all, standings
from ssr_grader.credentials.openbadge import verify_file
from ssr_grader.grading.batch import grade_cohort

from .quiz_helpers import (
    complete_evaluation,
    fill,
    install_issuer_key,
    keys,
    known_mix,
    make_course,
    paper,
    submit_evaluation,
    submit_files,
)

ROSTER = """id,first name,last name,email
pass-done,Amina,Diallo,amina@example.org
pass-partial,Bo,Li,bo@example.org
fail-done,Chen,Wei,chen@example.org
fail-none,Dora,Ñúñez,dora@example.org
pass-waiting,Emeka,Obi,emeka@example.org
absent,Farah,Haddad,farah@example.org
"""


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A graded cohort that covers every case of the issuing rule."""
    tmp = tmp_path_factory.mktemp("cohort")
    course = make_course(tmp / "course")
    roster = tmp / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert CliRunner().invoke(main, ["roster", str(roster), "--course-dir", str(course.root)]).exit_code == 0
    full = complete_evaluation(3)
    partial = {k: v for k, v in full.items() if k != "eval_pace"}
    for student, passes, evaluation in [("pass-done", True, full), ("pass-partial", True, partial),
                                        ("fail-done", False, full), ("fail-none", False, None),
                                        ("pass-waiting", True, full)]:
        # each learner answers their own paper: all right, 22 of 26 points (84.6 %, a pass), or a known mix,
        # 15 of 26 points (below the pass mark)
        answers = keys(course, student) if passes else known_mix(course, student)[0]
        nb = fill(paper(course, student), answers)
        if student == "pass-waiting":
            oq = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") ==
                      course.quiz.open_question.id)
            oq.source = "Local ownership means the national actors lead; donors support."  # waits for a hand mark
        submit_files(course, student, nb)
        if evaluation is not None:
            submit_evaluation(course, student, evaluation)
    outcomes = grade_cohort(course, workers=1, progress=False)
    assert all(o.graded for o in outcomes)
    key_path = install_issuer_key(course, tmp)
    return course, key_path, tmp


@pytest.fixture
def fresh_registry(cohort):
    """Each test starts with nothing issued (the registry lives in the course folder)."""
    course, _, _ = cohort
    (course.root / "issued.json").unlink(missing_ok=True)
    yield
    (course.root / "issued.json").unlink(missing_ok=True)


def test_issuing_rule_table(cohort):
    course, _, _ = cohort
    by_id = {st.student: st for st in standings(course)}
    assert {s for s, st in by_id.items() if st.eligible} == {"pass-done"}
    assert by_id["pass-partial"].missing == [
        "evaluation incomplete: 1 required answer missing or not valid (Question 4 (pace))"]
    assert by_id["fail-done"].missing == ["quiz below the pass mark (57.7 % < 70 %)"]
    assert by_id["fail-none"].missing == ["quiz below the pass mark (57.7 % < 70 %)", "evaluation not submitted"]
    assert by_id["pass-waiting"].missing == ["quiz waiting for hand-marking of the open question"]
    assert by_id["absent"].missing == ["quiz not submitted or not graded yet", "evaluation not submitted"]


def test_dry_run_lists_who_is_missing_what_without_a_key(cohort, tmp_path, monkeypatch):
    course, _, _ = cohort
    monkeypatch.setenv("SSR_ISSUER_KEY", str(tmp_path / "no-key-here.json"))
    result = CliRunner().invoke(main, ["issue", "--dry-run", "--course-dir", str(course.root),
                                       "--output-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Would issue to 1 learners (pass-done)" in result.output
    assert "  pass-partial: evaluation incomplete: 1 required answer missing or not valid (Question 4 (pace))" in \
        result.output
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["issue", "--course-dir", str(course.root), "--output-dir", str(tmp_path / "out")])
    assert result.exit_code == 1 and "no-key-here.json" in result.output and "ssr-trainer issuer-key create" in \
        result.output


def test_issue_once_then_nothing_twice_and_lost_files_come_back_identical(cohort, tmp_path, fresh_registry):
    course, key_path, _ = cohort
    out = tmp_path / "issued"
    first = issue_all(course, key_path=key_path, out_dir=out)
    assert first.issued == ["pass-done"] and not first.failed
    pdf, badge = out / "pass-done" / "certificate.pdf", out / "pass-done" / "badge.json"
    registry = json.loads((course.root / "issued.json").read_text())
    cert_id = registry["pass-done"]["certificate_id"]
    text = " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split())
    assert "Amina Diallo" in text and cert_id in text and "Introduction to Security Sector Reform" in text

    key = load_key(key_path)
    verdict = verify_file(badge, expected_issuer_key=key.public_multibase)
    assert verdict.ok, verdict.reasons
    credential = json.loads(badge.read_text())
    assert credential["id"] == registry["pass-done"]["credential_id"]
    assert "amina@example.org" not in badge.read_text()  # the e-mail is only stored hashed

    pdf_bytes, badge_bytes = pdf.read_bytes(), badge.read_bytes()
    again = issue_all(course, key_path=key_path, out_dir=out)
    assert again.issued == [] and again.already == ["pass-done"]
    assert json.loads((course.root / "issued.json").read_text()) == registry
    assert badge.read_bytes() == badge_bytes and pdf.read_bytes() == pdf_bytes

    badge.unlink()
    repaired = issue_all(course, key_path=key_path, out_dir=out)
    assert repaired.repaired == ["pass-done"] and badge.read_bytes() == badge_bytes

    # Another output folder (e.g. the trainer forgot --output-dir): the same certificate, not a second one.
    elsewhere = issue_all(course, key_path=key_path, out_dir=tmp_path / "elsewhere")
    assert elsewhere.repaired == ["pass-done"] and elsewhere.issued == []
    assert (tmp_path / "elsewhere" / "pass-done" / "badge.json").read_bytes() == badge_bytes


@pytest.mark.parametrize("damage", ['{"pass-done": {', '{"pass-done": {"certificate_id": "SSR-1"}}', "[]"])
def test_a_damaged_registry_stops_issuing_and_is_kept(cohort, tmp_path, fresh_registry, damage):
    course, key_path, _ = cohort
    out = tmp_path / "issued"
    (course.root / "issued.json").write_text(damage)
    with pytest.raises(IssuerError, match=r"issued\.json is damaged"):
        issue_all(course, key_path=key_path, out_dir=out)
    assert (course.root / "issued.json").read_text() == damage
    assert not (out / "pass-done").exists()


def test_issuing_needs_the_matching_public_key_in_issuer_yml(cohort, tmp_path, fresh_registry):
    course, _, _ = cohort
    other = create_key(tmp_path / "other.json")
    with pytest.raises(IssuerError, match=r"is not the one in issuer\.yml"):
        issue_all(course, key_path=other, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (course.root / "issued.json").exists()


def test_reissue_after_a_name_correction_and_notes_for_the_trainer(cohort, tmp_path, fresh_registry):
    from nbgrader.api import Gradebook

    course, key_path, _ = cohort
    out = tmp_path / "issued"
    first = json.loads(json.dumps(issue_all(course, key_path=key_path, out_dir=out).issued))
    old = json.loads((course.root / "issued.json").read_text())["pass-done"]
    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        gb.update_or_create_student("pass-done", first_name="Aminata", last_name="Diallo")
    try:
        noted = issue_all(course, key_path=key_path, out_dir=out)
        assert noted.already == first and any("--reissue pass-done" in n for n in noted.notes)
        again = issue_all(course, key_path=key_path, out_dir=out, reissue=("pass-done",))
        new = json.loads((course.root / "issued.json").read_text())["pass-done"]
        assert again.issued == ["pass-done"] and new["name"] == "Aminata Diallo"
        assert new["replaces"] == old["certificate_id"] and new["certificate_id"] != old["certificate_id"]
        with pytest.raises(IssuerError, match="nothing was issued yet to fail-done"):
            issue_all(course, key_path=key_path, out_dir=out, reissue=("fail-done",))
    finally:
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
            gb.update_or_create_student("pass-done", first_name="Amina", last_name="Diallo")


def test_a_name_the_certificate_cannot_print_is_reported_before_issuing(cohort):
    from ssr_grader.credentials.certificate import printable_problem

    assert printable_problem("Amina Diallo") is None and printable_problem("Zoë Ñúñez") is None
    assert "right to left" in printable_problem("محمد عبد الله")
    assert "cannot print" in printable_problem("王小明")


def test_verify_command_accepts_the_issued_badge_and_rejects_changes_and_other_keys(cohort, tmp_path, fresh_registry):
    course, key_path, _ = cohort
    out = tmp_path / "issued"
    issue_all(course, key_path=key_path, out_dir=out)
    badge = out / "pass-done" / "badge.json"
    public = load_key(key_path).public_multibase
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", str(badge), "--issuer-key", public])
    assert ok.exit_code == 0 and "VALID" in ok.output and "NOT VALID" not in ok.output
    cert_id = json.loads((course.root / "issued.json").read_text())["pass-done"]["certificate_id"]
    assert f"Certificate ID printed on the matching PDF: {cert_id}" in ok.output
    pinned = runner.invoke(main, ["verify", str(badge), "--course-dir", str(course.root)])  # public_key in issuer.yml
    assert pinned.exit_code == 0, pinned.output

    changed = tmp_path / "changed.json"
    changed.write_text(badge.read_text().replace("Amina", "Amira"))
    bad = runner.invoke(main, ["verify", str(changed), "--issuer-key", public])
    assert bad.exit_code == 1 and "NOT VALID" in bad.output

    other = create_key(tmp_path / "other-key.json")
    wrong = runner.invoke(main, ["verify", str(badge), "--issuer-key", load_key(other).public_multibase])
    assert wrong.exit_code == 1 and "NOT VALID" in wrong.output

    unpinned = runner.invoke(main, ["verify", str(badge), "--course-dir", str(tmp_path / "no-course-here")])
    assert unpinned.exit_code == 1 and "no issuer key to check against" in unpinned.output


def test_verify_command_accepts_1edtech_published_vector_and_rejects_it_altered(tmp_path):
    """1EdTech's signed OB 3.0 test vector (tests/fixtures/1edtech_ob3_signed_vector.SOURCE.md) checks out offline."""
    from .conftest import FIXTURES

    vector = FIXTURES / "1edtech_ob3_signed_vector.json"
    method = json.loads(vector.read_text())["proof"]["verificationMethod"]
    public = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    args = ["--issuer-key", public, "--trust-key", f"{method}={public}"]
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", str(vector), *args])
    assert ok.exit_code == 0 and "NOT VALID" not in ok.output, ok.output
    altered = tmp_path / "altered.json"
    altered.write_text(vector.read_text().replace("Teamwork Badge", "Teamwork Badge!"))
    bad = runner.invoke(main, ["verify", str(altered), *args])
    assert bad.exit_code == 1 and "NOT VALID" in bad.output
    untrusted = runner.invoke(main, ["verify", str(vector), "--any-issuer"])
    assert untrusted.exit_code == 1 and "NOT VALID" in untrusted.output  # an https key is never fetched


def test_issuer_key_commands(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("SSR_ISSUER_KEY", str(tmp_path / "keys" / "issuer-key.json"))
    created = runner.invoke(main, ["issuer-key", "create"])
    assert created.exit_code == 0, created.output
    public = load_key(tmp_path / "keys" / "issuer-key.json").public_multibase
    assert f"Public key: {public}" in created.output and "public_key" in created.output
    assert "privateKey" not in created.output
    shown = runner.invoke(main, ["issuer-key", "show"])
    assert shown.exit_code == 0 and public in shown.output and f"did:key:{public}" in shown.output
    again = runner.invoke(main, ["issuer-key", "create"])
    assert again.exit_code == 1 and "issuer-key.json" in again.output  # never overwritten
    repo = tmp_path / "checkout"
    (repo / ".git").mkdir(parents=True)
    inside = runner.invoke(main, ["issuer-key", "create", "--path", str(repo / "grader" / "key.json")])
    assert inside.exit_code == 1 and not (repo / "grader" / "key.json").exists()
