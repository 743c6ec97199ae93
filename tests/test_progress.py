"""Progress store: atomic, survives a new store (kernel restart), tolerates damage without losing data."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from ssr_widgets.progress import COURSE_HOME, ProgressStore, default_store, progress_path


def test_round_trip_through_a_new_store(store):
    assert store.save("f.yml#q", answer=["a"], completed=True, score=1.0)
    again = ProgressStore(store.path)  # what a restarted kernel sees
    entry = again.get("f.yml#q")
    assert entry["answer"] == ["a"] and entry["completed"] is True and entry["attempts"] == 1
    store.save("f.yml#q", answer=["b"], completed=False, score=0.0)
    entry = ProgressStore(store.path).get("f.yml#q")
    assert entry["answer"] == ["b"] and entry["completed"] is False and entry["attempts"] == 2


def test_file_is_json_with_format_and_no_temp_files_left(store):
    store.save("f.yml#q", answer={"x": "y"}, completed=False, score=0.5)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["format"] == 1 and data["exercises"]["f.yml#q"]["score"] == 0.5
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_reset_removes_only_that_exercise(store):
    store.save("a", answer=1, completed=True, score=1)
    store.save("b", answer=2, completed=True, score=1)
    store.reset("a")
    assert set(ProgressStore(store.path).load()) == {"b"}


@pytest.mark.parametrize(
    "damage",
    [b"{not json", b"\xff\xfe\x00garbage", b'{"format": 1, "exercises": []}', b'{"format": 99, "exercises": {}}',
     b'{"format": 1, "exercises": {"k": {"answer": 1}}}', b""],
)
def test_damaged_file_is_set_aside_with_a_message(store, damage):
    store.path.write_bytes(damage)
    assert store.load() == {}
    kept = list(store.path.parent.glob("ssr-progress.damaged-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == damage  # nothing lost
    assert not store.path.exists()
    assert len(store.notices) == 1
    assert "was damaged" in store.notices[0] and kept[0].name in store.notices[0]
    # and the learner can carry on saving
    assert store.save("k", answer=1, completed=False, score=0)
    assert ProgressStore(store.path).get("k")["answer"] == 1


def test_two_damaged_files_in_a_row_are_both_kept(store):
    store.path.write_text("bad one")
    store.load()
    store.path.write_text("bad two")
    store.load()
    kept = sorted(p.read_text() for p in store.path.parent.glob("ssr-progress.damaged-*.json"))
    assert kept == ["bad one", "bad two"]


def test_save_failure_is_reported_not_raised(tmp_path):
    # A directory where the file should be: writing fails for root too.
    path = tmp_path / "p.json"
    s = ProgressStore(path)
    path.mkdir()
    assert s.save("k", answer=1, completed=True, score=1) is False
    assert "could not be saved" in s.notices[-1]


def _writer(path, worker):
    s = ProgressStore(path)
    for i in range(15):
        s.save(f"w{worker}-{i}", answer=i, completed=True, score=1)


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "p.json"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert len(ProgressStore(path).load()) == 45


def test_default_path_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SSR_PROGRESS_FILE", str(tmp_path / "x.json"))
    assert progress_path() == tmp_path / "x.json"
    assert default_store().path == tmp_path / "x.json"
    monkeypatch.delenv("SSR_PROGRESS_FILE")
    monkeypatch.chdir(tmp_path)
    assert progress_path() == tmp_path / "ssr-progress.json"


def test_a_course_notebook_one_folder_down_keeps_its_answers_with_the_sections(tmp_path, monkeypatch):
    """The practice quiz runs in notebooks/quiz/, but its answers go into the sections' file, which the welcome
    page counts; a folder that is not part of the course keeps its own file."""
    monkeypatch.delenv("SSR_PROGRESS_FILE")
    course = tmp_path / "notebooks"
    (course / "quiz" / "deeper").mkdir(parents=True)
    (course / COURSE_HOME).write_text("{}", encoding="utf-8")
    monkeypatch.chdir(course / "quiz")
    assert progress_path() == course / "ssr-progress.json"
    store = default_store()
    store.save("practice_quiz.yml#p01", answer=["b"], completed=True, score=1.0)
    monkeypatch.chdir(course)
    assert default_store().get("practice_quiz.yml#p01")["completed"] is True
    assert not (course / "quiz" / "ssr-progress.json").exists()
    monkeypatch.chdir(course / "quiz" / "deeper")
    assert progress_path() == course / "quiz" / "deeper" / "ssr-progress.json"
