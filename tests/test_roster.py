"""Roster import: every bad row reported at once, Unicode kept, encodings handled, gradebook synced safely."""

from __future__ import annotations

import pytest

from ssr_grader.intake.roster import RosterError, read_roster, sync_gradebook


def write(tmp_path, data: bytes, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


GOOD = "id,first name,last name,email\namina-d,Amina,Diallo,amina@example.org\nli.wei,李,伟,li.wei@example.org\n"


def test_bom_and_unicode_names_are_kept(tmp_path):
    learners, notes = read_roster(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8")))
    assert [lr.id for lr in learners] == ["amina-d", "li.wei"]
    assert learners[1].full_name == "李 伟" and notes == []


def test_semicolons_crlf_and_other_header_names(tmp_path):
    text = "Student ID;Given name;Surname;E-mail\r\nkofi.a;Kofi;Annan-Mensah;kofi@example.org\r\n"
    (learner,), _ = read_roster(write(tmp_path, text.encode()))
    assert (learner.id, learner.first_name, learner.last_name) == ("kofi.a", "Kofi", "Annan-Mensah")


def test_legacy_encoding_is_read_with_a_note(tmp_path):
    learners, notes = read_roster(write(tmp_path, "id,first name,last name,email\nj1,José,Núñez,j@example.org\n"
                                                  .encode("cp1252")))
    assert learners[0].first_name == "José" and "Windows-1252" in notes[0]


def test_every_bad_row_is_reported_at_once(tmp_path):
    text = ("id,first name,last name,email\n"
            "amina-d,Amina,Diallo,amina@example.org\n"
            ",Bruno,Costa,bruno@example.org\n"
            "c1,,Cruz,not-an-email\n"
            "AMINA-D,Amina,D,other@example.org\n"
            "x_y,X,Y,xy@example.org\n"
            "d1,Dee,,amina@example.org\n")
    with pytest.raises(RosterError) as err:
        read_roster(write(tmp_path, text.encode()))
    assert err.value.problems == [
        "row 3: missing id",
        "row 4: missing first name",
        "row 4: email 'not-an-email' is not valid (An email address must have an @-sign.)",
        "row 5: id 'AMINA-D' is already used in row 2",
        "row 6: id 'x_y' may only use letters, digits, '.' and '-' (at most 64)",
        "row 7: email amina@example.org is already used in row 2",
    ]


def test_missing_column_and_empty_file(tmp_path):
    with pytest.raises(RosterError, match="no column for email"):
        read_roster(write(tmp_path, b"id,first name,last name\na,b,c\n"))
    with pytest.raises(RosterError, match="empty"):
        read_roster(write(tmp_path, b""))


def test_sync_adds_updates_and_never_removes(tmp_path):
    from nbgrader.api import Gradebook

    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    first, _ = read_roster(write(tmp_path, GOOD.encode()))
    report = sync_gradebook(db, "ssr-intro", first)
    assert report.added == ("amina-d", "li.wei")
    second_text = "id,first name,last name,email\namina-d,Amina,Diallo-Sow,amina@example.org\nnew1,Nia,Obi,nia@example.org\n"
    second, _ = read_roster(write(tmp_path, second_text.encode(), "v2.csv"))
    report = sync_gradebook(db, "ssr-intro", second)
    assert report.added == ("new1",) and report.updated == ("amina-d",) and report.not_in_roster == ("li.wei",)
    with Gradebook(db, "ssr-intro") as gb:
        assert {s.id for s in gb.students} == {"amina-d", "li.wei", "new1"}
        assert gb.find_student("amina-d").last_name == "Diallo-Sow"
        assert gb.find_student("li.wei").first_name == "李"


def test_lms_files_are_read_as_downloaded(tmp_path):
    from .lms_fixtures import Person, blackboard_grade_center, canvas_gradebook, moodle_worksheet

    people = [Person("Amina", "Diallo", "amina@example.org", 212095, 4521, "a_diallo"),
              Person("Li", "Wei Ming", "li@example.org", 212096, 4522, "lwei")]
    learners, notes = read_roster(write(tmp_path, moodle_worksheet(people), "Grades-SSR-quiz-42.csv"))
    assert [(lr.id, lr.full_name, lr.email, lr.lms_key) for lr in learners] == [
        ("moodle-212095", "Amina Diallo", "amina@example.org", "moodle:212095"),
        ("moodle-212096", "Li Wei Ming", "li@example.org", "moodle:212096")]
    assert "Moodle" in notes[0]

    blind = moodle_worksheet(people).decode("utf-8-sig").splitlines()
    blind = "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i not in (1, 2)) for line in blind)
    learners, notes = read_roster(write(tmp_path, blind.encode(), "blind.csv"))
    assert [lr.id for lr in learners] == ["moodle-212095", "moodle-212096"] and "blind marking" in notes[-1]

    semicolons = canvas_gradebook(people, "Quiz", 7, bom=True, delimiter=";")  # a user's semicolon setting
    learners, notes = read_roster(write(tmp_path, semicolons, "canvas.csv"))
    assert [(lr.id, lr.first_name, lr.last_name) for lr in learners] == [
        ("canvas-4521", "Amina", "Diallo"), ("canvas-4522", "Li", "Wei Ming")]
    assert any("test student" in n for n in notes)

    learners, _ = read_roster(write(tmp_path, blackboard_grade_center(people), "gc.csv"))
    assert [(lr.id, lr.lms_key) for lr in learners] == [("a-diallo", "blackboard:a_diallo"), ("lwei", "blackboard:lwei")]


def test_names_that_carry_markup_are_refused(tmp_path):
    text = 'id,first name,last name,email\nx1,<img src=x onerror=alert(1)>,Y,x@example.org\nx2,Ok,"A\x07B",y@example.org\n'
    with pytest.raises(RosterError) as err:
        read_roster(write(tmp_path, text.encode()))
    assert [p.split(":")[0] for p in err.value.problems] == ["row 2", "row 3"]


def test_the_language_column_is_read_and_bad_values_name_their_row(tmp_path):
    """Issue 16: the trainer's roster says each learner's certificate language (en or fr; empty is English)."""
    text = ("id,first name,last name,email,Language\n"
            "a1,Amina,Diallo,a1@example.org,Français\n"
            "b1,Bo,Li,b1@example.org,\n"
            "c1,Chen,Wei,c1@example.org, FR \n"
            "d1,Dee,Ode,d1@example.org,english\n")
    learners, _ = read_roster(write(tmp_path, text.encode()))
    assert [lr.language for lr in learners] == ["fr", "en", "fr", "en"]
    without, _ = read_roster(write(tmp_path, GOOD.encode(), "plain.csv"))
    assert [lr.language for lr in without] == [None, None]  # no column: nothing said, nothing changed
    bad = text + "e1,Eve,Oke,e1@example.org,Deutsch\nf1,Fay,Ng,f1@example.org,fr-CA\n"
    with pytest.raises(RosterError) as err:
        read_roster(write(tmp_path, bad.encode(), "bad.csv"))
    assert [p.split(":")[0] for p in err.value.problems] == ["row 6", "row 7"]
    assert "language 'Deutsch' is not one of the course's" in err.value.problems[0]


def test_saved_languages_merge_and_a_roster_without_the_column_keeps_them(tmp_path):
    from ssr_grader.intake.roster import Learner, learner_languages, save_languages

    assert learner_languages(tmp_path) == {}
    assert save_languages(tmp_path, [Learner("a1", "A", "B", "", language="fr"),
                                     Learner("b1", "C", "D", "", language="en")]) == {"en": 1, "fr": 1}
    assert save_languages(tmp_path, [Learner("a1", "A", "B", "")]) is None  # an LMS file has no language column
    assert save_languages(tmp_path, [Learner("b1", "C", "D", "", language="fr")]) == {"en": 0, "fr": 1}
    assert learner_languages(tmp_path) == {"a1": "fr", "b1": "fr"}
    (tmp_path / "learner-languages.csv").write_text("id,language\na1,de\n")
    with pytest.raises(ValueError, match="row 2 is damaged"):
        learner_languages(tmp_path)
