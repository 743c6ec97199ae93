"""Keeping a copy of one's work: the progress file downloaded from the welcome page and restored from it.

The copy comes back from outside (a learner's downloads folder, a USB stick, an e-mail), so restoring treats it as
hostile: these tests feed it what an attacker or a damaged file would, and check that only this course's exercises
come back, rebuilt from their known fields, and that nothing in it is shown as HTML.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest

from ssr_widgets import show
from ssr_widgets.backup import (
    MAX_COPY_BYTES,
    CopyRefused,
    Restored,
    copy_bytes,
    copy_name,
    copy_panel,
    course_keys,
    restore,
)
from ssr_widgets.overview import ProgressOverview
from ssr_widgets.progress import ProgressStore

SINGLE = "01_concept.yml#ssr-definition"
SORT = "01_concept.yml#security-sector-sort"
PRACTICE = next(k for k in course_keys() if k.startswith("practice_quiz.yml#"))


@pytest.fixture
def laptop(tmp_path):
    """The learner's first place of work, with two answers saved."""
    store = ProgressStore(tmp_path / "laptop" / "ssr-progress.json")
    assert store.save(SINGLE, answer=["c"], completed=True, score=1.0)
    assert store.save(PRACTICE, answer=["a"], completed=False, score=0.0)
    return store


def test_course_keys_are_every_exercise_of_the_sections_and_the_practice_quiz():
    keys = course_keys()
    assert SINGLE in keys and SORT in keys and PRACTICE in keys
    assert all("#" in k and k.split("#")[0].endswith(".yml") for k in keys)
    assert not any(k.startswith("course.yml") for k in keys)


def test_a_copy_restored_in_a_new_place_brings_every_answer_back(laptop, tmp_path):
    binder = ProgressStore(tmp_path / "binder" / "ssr-progress.json")
    done = restore(binder, copy_bytes(laptop))
    assert done == Restored(restored=2, kept_newer=0, left_out=0)
    assert binder.load() == laptop.load()
    # and the exercise shows it, as after any restart
    view = show(SINGLE, store=binder)
    assert view.get_answer() == ["c"] and "Your saved answer from" in view.feedback_html.value


def test_restoring_an_old_copy_never_undoes_newer_work(laptop, tmp_path):
    copy = json.loads(copy_bytes(laptop))
    copy["exercises"][SINGLE]["updated"] = "2020-01-01T00:00:00+00:00"  # the copy is older here
    copy["exercises"][PRACTICE]["updated"] = "2999-01-01T00:00:00+00:00"  # and newer here
    laptop.save(SINGLE, answer=["a"], completed=False, score=0.0)
    done = restore(laptop, json.dumps(copy).encode())
    assert done == Restored(restored=1, kept_newer=1, left_out=0)
    assert laptop.get(SINGLE)["answer"] == ["a"]  # the newer answer stays
    assert laptop.get(PRACTICE)["updated"].startswith("2999")


def test_an_entry_with_no_valid_time_fills_a_gap_but_never_replaces_an_answer(laptop, tmp_path):
    copy = {"format": 1, "exercises": {
        SINGLE: {"answer": ["b"], "completed": False, "updated": "yesterday"},
        SORT: {"answer": {}, "completed": False, "updated": None},
    }}
    done = restore(laptop, json.dumps(copy).encode())
    assert done == Restored(restored=1, kept_newer=1, left_out=0)
    assert laptop.get(SINGLE)["answer"] == ["c"]
    assert laptop.get(SORT) == {"answer": {}, "completed": False, "score": 0.0, "attempts": 1, "updated": None}


@pytest.mark.parametrize(("data", "reason"), [
    (b"\xff\xfe\x00binary", "not a text file"),
    (b"{not json", "not a progress file (not valid JSON at line 1)"),
    (b"[]", "not a progress file of this course"),
    (b'{"exercises": []}', "not a progress file of this course"),
    (b'{"format": 99, "exercises": {}}', "another format ('99')"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b" " * (MAX_COPY_BYTES + 1), "under 2 MB"),
])
def test_what_is_not_a_copy_is_refused_with_a_reason_and_nothing_changes(laptop, data, reason):
    before = laptop.path.read_bytes()
    with pytest.raises(CopyRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        restore(laptop, data)
    assert laptop.path.read_bytes() == before


def test_hostile_entries_are_left_out_or_rebuilt_from_their_known_fields(tmp_path):
    store = ProgressStore(tmp_path / "ssr-progress.json")
    copy = {"format": 1, "exercises": {
        "../../etc/passwd#x": {"answer": 1, "completed": True},  # not an exercise of the course
        "01_concept.yml#no-such-exercise": {"answer": 1, "completed": True},
        "quiz.yml#s01": {"answer": "A", "completed": True},  # the certifying quiz is never in the progress file
        SORT: {"answer": {"x": "<script>alert(1)</script>"}, "completed": True, "score": 1e308, "attempts": True,
               "updated": "2026-01-01T00:00:00+00:00", "extra": {"__proto__": 1}, "html": "<img src=x>"},
        SINGLE: {"answer": ["c"], "completed": "yes"},  # not a progress entry
        PRACTICE: {"answer": ["a"], "completed": False, "score": -5, "attempts": 10**12,
                   "updated": "2026-01-01T00:00:00"},  # a time without its zone is no time
    }}
    done = restore(store, json.dumps(copy).encode())
    assert done == Restored(restored=2, kept_newer=0, left_out=4)
    saved = store.load()
    assert set(saved) == {SORT, PRACTICE}
    assert saved[SORT] == {"answer": {"x": "<script>alert(1)</script>"}, "completed": True, "score": 1.0,
                           "attempts": 1, "updated": "2026-01-01T00:00:00+00:00"}
    assert saved[PRACTICE]["score"] == 0.0 and saved[PRACTICE]["attempts"] == 1_000_000
    assert saved[PRACTICE]["updated"] is None
    # the answer is data: the sorting exercise shows it only as far as it fits, as text
    view = show(SORT, store=store)
    assert "<script>" not in view.feedback_html.value + view.notice_html.value


def test_the_file_name_is_dated():
    assert copy_name(datetime(2026, 11, 30, tzinfo=timezone.utc).date()) == "ssr-progress-2026-11-30.json"


def test_the_panel_offers_a_download_of_the_work_as_it_is_now(laptop):
    panel = copy_panel(laptop)
    name = panel.offer_copy()
    link = panel.link_html.value
    assert f'download="{name}"' in link
    data = link.split('href="data:application/json;base64,')[1].split('"')[0]
    assert json.loads(base64.b64decode(data)) == {"format": 1, "exercises": laptop.load()}
    assert "Your copy is ready" in panel.feedback_html.value
    # every control is named, and the result goes to the live region that was there from the start
    assert (panel.save_button.description, panel.upload.description) == ("Save a copy", "Restore a copy")
    assert panel.upload.accept == ".json" and not panel.upload.multiple


def upload(panel, name: str, data: bytes) -> None:
    """What the browser sends when a learner picks a file in the upload button."""
    panel.upload.value = ({"name": name, "type": "application/json", "size": len(data), "content": memoryview(data),
                           "last_modified": datetime.now(timezone.utc)},)


def test_uploading_a_copy_restores_it_says_so_and_refreshes_the_table(laptop, tmp_path):
    binder = ProgressStore(tmp_path / "binder" / "ssr-progress.json")
    overview = ProgressOverview(binder)
    assert "In total: 0 of" in overview.table.value
    upload(overview.copy_panel, "ssr-progress-2026-11-30.json", copy_bytes(laptop))
    said = overview.copy_panel.feedback_html.value
    assert "2 answers restored from ssr-progress-2026-11-30.json." in said
    assert "Run a section again to see your answers in it." in said
    assert "In total: 1 of" in overview.table.value  # one of the two was completed
    assert overview.copy_panel.upload.value == ()  # ready for another file


def test_a_refused_upload_names_the_file_and_the_reason_as_text(laptop):
    panel = copy_panel(laptop)
    before = laptop.path.read_bytes()
    upload(panel, '<img src=x onerror="alert(1)">.json', b"<html>not a copy</html>")
    said = panel.feedback_html.value
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.json was not restored" in said
    assert "not a progress file (not valid JSON at line 1)" in said and "<img" not in said
    assert laptop.path.read_bytes() == before


def test_in_the_french_edition_the_panel_and_its_reasons_are_french(laptop):
    from ssr_widgets.translation import set_language

    set_language("fr")
    try:
        panel = copy_panel(laptop)
        assert (panel.save_button.description, panel.upload.description) == ("Enregistrer une copie",
                                                                             "Restaurer une copie")
        upload(panel, "copie.json", b"{pas du json")
        said = panel.feedback_html.value
        assert "copie.json n’a pas été restauré\u00a0: ce n’est pas un fichier de progression" in said
        assert panel.feedback_html.lang == "fr"
    finally:
        set_language("en")
