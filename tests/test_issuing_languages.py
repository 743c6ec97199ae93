"""Certificates and badges in the learner's language (issue 16): the trainer's roster (or --language) decides.

A graded cohort of two learners who both qualify, one French and one English in the same roster: one run issues a
French certificate and badge to one and English ones to the other; the badges verify; nothing the learners hand in
decides the language.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime, timezone

import nbformat
import pypdf
import pytest
from click.testing import CliRunner

from ssr_grader.cli import main
from ssr_grader.credentials.issuer_key import load_key
from ssr_grader.credentials.issuing import issue_all, standings
from ssr_grader.credentials.openbadge import verify_file
from ssr_grader.grading.batch import grade_cohort
from ssr_grader.intake.roster import LANGUAGES_FILE, learner_languages

from .quiz_helpers import (
    add_languages,
    complete_evaluation,
    fill,
    install_issuer_key,
    keys,
    make_course,
    paper,
    submit_evaluation,
    submit_files,
)

ROSTER = """id,first name,last name,email,language
amina,Amina,Diallo,amina@example.org,Français
bo,Bo,Li,bo@example.org,
"""
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
FRENCH_TITLE = "Introduction à la réforme du secteur de la sécurité"
#: English sentences and fixed texts that must not be on a French certificate.
ENGLISH = ("Certificate of completion", "This certifies that", "has completed the course", "by passing",
           "end-of-course quiz", "course evaluation", "Date:", "Issued by", "Check this certificate", "Certificate ID",
           "November", "Introduction to Security Sector Reform")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("languages")
    course = make_course(tmp / "course")
    add_languages(course, {})  # the bank's French beside it: amina's paper is French (tests/test_french_quiz.py)
    roster = tmp / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    result = CliRunner().invoke(main, ["roster", str(roster), "--course-dir", str(course.root)])
    assert result.exit_code == 0, result.output
    assert "Certificate languages: 1 English, 1 French" in result.output
    for student in ("amina", "bo"):
        nb = fill(paper(course, student), keys(course, student))
        # amina hands in her French paper (a graded French quiz, then issued: issue 16's done-when), bo his English one
        assert nb.cells[0].source.startswith(f"# {FRENCH_TITLE}\u00a0: quiz" if student == "amina" else "# Introduction to")
        # each learner's file claims the other language, in its metadata and in an added cell: it counts for nothing
        claim = "en" if student == "amina" else "fr"
        nb.metadata["ssr_course"] = {"language": claim}
        nb.metadata["language"] = claim
        nb.cells.append(nbformat.v4.new_code_cell(f'set_language("{claim}")', metadata={"tags": [f"lang-{claim}"]}))
        submit_files(course, student, nb)
        submit_evaluation(course, student, complete_evaluation(3))
    assert all(o.graded for o in grade_cohort(course, workers=1, progress=False))
    key_path = install_issuer_key(course, tmp)
    return course, key_path, tmp


@pytest.fixture
def fresh(cohort):
    course, _, _ = cohort
    issuer_yml = course.root / "issuer.yml"
    saved_issuer = issuer_yml.read_text()
    languages = (course.root / LANGUAGES_FILE).read_text()
    (course.root / "issued.json").unlink(missing_ok=True)
    yield
    (course.root / "issued.json").unlink(missing_ok=True)
    issuer_yml.write_text(saved_issuer)
    (course.root / LANGUAGES_FILE).write_text(languages)


def _text(pdf) -> str:
    return " ".join(unicodedata.normalize("NFC", pypdf.PdfReader(pdf).pages[0].extract_text()).split())


def test_the_roster_language_is_kept_for_issuing(cohort):
    course, _, _ = cohort
    assert learner_languages(course.root) == {"amina": "fr", "bo": "en"}
    assert {st.student: st.language for st in standings(course)} == {"amina": "fr", "bo": "en"}


def test_one_run_issues_a_french_and_an_english_certificate_and_badge(cohort, tmp_path, fresh):
    course, key_path, _ = cohort
    out = tmp_path / "issued"
    report = issue_all(course, key_path=key_path, out_dir=out, now=NOW)
    assert sorted(report.issued) == ["amina", "bo"] and report.french == ["amina"] and not report.failed

    french = _text(out / "amina" / "certificate.pdf")
    for expected in ("Certificat de réussite", "Ce certificat atteste que", "Amina Diallo", "a terminé le cours",
                     FRENCH_TITLE, "en réussissant le quiz de fin de cours et en remplissant l’évaluation du cours",
                     "Date : 30 novembre 2026", "Délivré par : SSR open course trainers", "Vérifier ce certificat :",
                     "Numéro du certificat : SSR-"):
        assert expected in french, expected
    assert [e for e in ENGLISH if e in french] == []
    assert "UNITAR" not in french and "Nations unies" not in french
    assert pypdf.PdfReader(out / "amina" / "certificate.pdf").trailer["/Root"]["/Lang"] == "fr"

    english = _text(out / "bo" / "certificate.pdf")
    for expected in ("Certificate of completion", "This certifies that", "Bo Li", "has completed the course",
                     "Introduction to Security Sector Reform", "Date: 30 November 2026",
                     "Issued by: SSR open course trainers"):
        assert expected in english, expected
    assert "Certificat de" not in english and "novembre" not in english and "atteste" not in english

    public = load_key(key_path).public_multibase
    for student in ("amina", "bo"):
        verdict = verify_file(out / student / "badge.json", expected_issuer_key=public)
        assert verdict.ok, (student, verdict.reasons)
    fr_badge = json.loads((out / "amina" / "badge.json").read_text())
    achievement = fr_badge["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "fr"
    assert fr_badge["name"] == achievement["name"] == (
        "Introduction à la réforme du secteur de la sécurité\u00a0: certificat de réussite")
    assert achievement["description"].startswith("Réussite du cours libre «\u00a0Introduction à la réforme")
    assert achievement["criteria"]["narrative"] == (
        f"Avoir suivi le cours, obtenu au moins {course.quiz.pass_percent} % des points au quiz de fin de cours et "
        "rempli l’évaluation du cours.")
    assert achievement["resultDescription"][0]["name"] == "Résultat au quiz de fin de cours"
    en_badge = json.loads((out / "bo" / "badge.json").read_text())
    assert "inLanguage" not in en_badge["credentialSubject"]["achievement"]
    assert en_badge["name"] == "Introduction to Security Sector Reform: certificate of completion"

    registry = json.loads((course.root / "issued.json").read_text())
    assert registry["amina"]["language"] == "fr" and "language" not in registry["bo"]

    # a lost French certificate comes back French and identical, whatever the roster says now
    pdf = out / "amina" / "certificate.pdf"
    before = pdf.read_bytes()
    pdf.unlink()
    (course.root / LANGUAGES_FILE).write_text("id,language\namina,en\nbo,en\n")
    again = issue_all(course, key_path=key_path, out_dir=out)
    assert again.repaired == ["amina"] and pdf.read_bytes() == before
    assert any("amina: the certificate was issued in French" in n and "--reissue amina" in n for n in again.notes)


def test_a_changed_language_is_issued_by_reissuing(cohort, tmp_path, fresh):
    course, key_path, tmp = cohort
    out = tmp_path / "issued"
    issue_all(course, key_path=key_path, out_dir=out, now=NOW)
    roster = tmp / "roster-fr.csv"
    roster.write_text(ROSTER.replace("bo@example.org,", "bo@example.org,French"), encoding="utf-8")
    result = CliRunner().invoke(main, ["roster", str(roster), "--course-dir", str(course.root)])
    assert "Certificate languages: 0 English, 2 French" in result.output
    result = CliRunner().invoke(main, ["issue", "--course-dir", str(course.root), "--key", str(key_path),
                                       "--output-dir", str(out)])
    assert "bo: the certificate was issued in English, the learner's language is now French" in result.output
    assert "Certificate of completion" in _text(out / "bo" / "certificate.pdf")
    result = CliRunner().invoke(main, ["issue", "--course-dir", str(course.root), "--key", str(key_path),
                                       "--output-dir", str(out), "--reissue", "bo"])
    assert result.exit_code == 0, result.output
    assert "Certificat de réussite" in _text(out / "bo" / "certificate.pdf")
    assert json.loads((course.root / "issued.json").read_text())["bo"]["language"] == "fr"


def test_the_trainer_can_choose_the_language_of_a_run(cohort, tmp_path, fresh):
    course, key_path, _ = cohort
    out = tmp_path / "issued"
    dry = CliRunner().invoke(main, ["issue", "--course-dir", str(course.root), "--dry-run", "--language", "fr"])
    assert dry.exit_code == 0 and "In French: amina, bo" in dry.output
    result = CliRunner().invoke(main, ["issue", "--course-dir", str(course.root), "--key", str(key_path),
                                       "--output-dir", str(out), "--language", "fr"])
    assert result.exit_code == 0, result.output
    for student in ("amina", "bo"):
        assert "Ce certificat atteste que" in _text(out / student / "certificate.pdf"), student
    bad = CliRunner().invoke(main, ["issue", "--course-dir", str(course.root), "--language", "de"])
    assert bad.exit_code != 0 and "'de' is not one of" in bad.output


def test_own_achievement_texts_need_their_french_for_a_french_badge(cohort, tmp_path, fresh):
    course, key_path, _ = cohort
    issuer_yml = course.root / "issuer.yml"
    own = issuer_yml.read_text().replace('name: "Introduction to Security Sector Reform: certificate of completion"',
                                         'name: "SSR basics: certificate of completion"')
    issuer_yml.write_text(own)
    out = tmp_path / "issued"
    report = issue_all(course, key_path=key_path, out_dir=out, now=NOW)
    assert report.issued == ["bo"]  # the English learner is not held up
    (student, message), = report.failed
    assert student == "amina" and "no French version" in message and "fr:" in message
    assert not (out / "amina").exists()

    issuer_yml.write_text(own.replace("achievement:\n", "achievement:\n  fr:\n    name: Les bases de la RSS\n"
                                      "    description: Réussite du cours.\n"
                                      "    criteria: Au moins {pass_mark} % au quiz.\n", 1))
    report = issue_all(course, key_path=key_path, out_dir=out, now=NOW)
    assert report.issued == ["amina"] and not report.failed
    achievement = json.loads((out / "amina" / "badge.json").read_text())["credentialSubject"]["achievement"]
    assert achievement["name"] == "Les bases de la RSS"
    assert achievement["criteria"]["narrative"] == f"Au moins {course.quiz.pass_percent} % au quiz."
    assert verify_file(out / "amina" / "badge.json", expected_issuer_key=load_key(key_path).public_multibase).ok


def test_a_bad_language_in_the_roster_is_an_error_naming_the_row(cohort, tmp_path):
    course, _, _ = cohort
    roster = tmp_path / "bad.csv"
    roster.write_text(ROSTER + "chen,Chen,Wei,chen@example.org,Deutsch\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["roster", str(roster), "--course-dir", str(course.root)])
    assert result.exit_code != 0
    assert "row 4: language 'Deutsch' is not one of the course's" in result.output
    assert learner_languages(course.root) == {"amina": "fr", "bo": "en"}  # nothing changed
