"""Exercise widgets driven headless: set values, click, read the feedback and the saved progress."""

from __future__ import annotations

import json

import pytest

from ssr_widgets import _VIEWS, show
from ssr_widgets.classify import Classify
from ssr_widgets.progress import ProgressStore
from ssr_widgets.selfcheck import SelfCheck


def test_single_choice_click_gives_explained_feedback_and_saves(sample, store):
    view = SelfCheck(sample.exercises["pick-one"], key="sample.yml#pick-one", store=store)
    assert view.feedback_html.value == ""
    view.choices.value = ["b"]
    view.check_button.click()
    html = view.feedback_html.value
    assert "✘ Not quite." in html  # right/wrong in words and symbols, not colour alone
    assert "Donors support; they do not own the process." in html
    assert "SSR is nationally owned." in html  # the right option is explained too
    saved = ProgressStore(store.path).get("sample.yml#pick-one")
    assert saved["answer"] == ["b"] and saved["completed"] is False
    view.choices.value = ["a"]
    view.check_button.click()
    assert "✔ Correct." in view.feedback_html.value
    assert ProgressStore(store.path).get("sample.yml#pick-one")["completed"] is True


def test_every_control_has_a_text_label(sample, store):
    single = SelfCheck(sample.exercises["pick-one"], key="k1", store=store)
    # one named group per question: the legend says which question and how many answers to choose
    assert single.choices.legend.endswith(" (choose one answer)") and not single.choices.multiple
    assert [text for text, _ in single.choices.options] == ["National authorities", "Donors", "The UN mission"]
    multi = SelfCheck(sample.exercises["pick-many"], key="k2", store=store)
    assert multi.choices.multiple and multi.choices.legend.endswith(" (choose all answers that apply)")
    assert [text for text, _ in multi.choices.options] == ["Police", "Parliament", "Football federation"]
    sort = Classify(sample.exercises["sort"], key="k3", store=store)
    assert [d.description for d in sort.dropdowns.values()] == [
        "Police", "Parliament's defence committee", "Football federation"]
    for view in (single, multi, sort):
        assert view.check_button.description == "Check" and view.reset_button.description == "Reset"


def test_multiple_choice(sample, store):
    view = SelfCheck(sample.exercises["pick-many"], key="k", store=store)
    view.choices.value = ["police"]
    view.check_button.click()
    assert "1 of the 2 right answers" in view.feedback_html.value
    view.choices.value = ["police", "parliament"]
    fb = view.check()
    assert fb.complete and "✔ Correct. You found all 2 right answers." in view.feedback_html.value


def test_ticks_arrive_as_messages_and_are_not_sent_back(sample, store, monkeypatch):
    """The view sends each tick as a message (choice_group.js); the value is set without echoing it back, and a
    message naming an option the group does not offer changes nothing (the view is told Python's value again)."""
    view = SelfCheck(sample.exercises["pick-many"], key="k", store=store)
    sent: list[dict] = []
    monkeypatch.setattr(view.choices, "_send", lambda msg, buffers=None: sent.append(msg))
    view.choices._handle_custom_msg({"chosen": ["parliament", "police"]}, [])
    assert view.choices.value == ["police", "parliament"] and sent == []
    assert "all 2 right answers" in view.check().summary
    for hostile in ({"chosen": ["police", "<b>x</b>"]}, {"chosen": ["police", "police"]}, {"chosen": "police"},
                    ["police"], {"chosen": [["police"]]}):
        sent.clear()
        view.choices._handle_custom_msg(hostile, [])
        assert view.choices.value == ["police", "parliament"], hostile
    assert sent and sent[-1]["state"] == {"value": ["police", "parliament"]}
    one = SelfCheck(sample.exercises["pick-one"], key="k1", store=store)
    one.choices._handle_custom_msg({"chosen": ["a", "b"]}, [])
    assert one.choices.value == []


def test_list_choices_arrive_as_messages_in_order_and_are_not_sent_back(sample, store, monkeypatch):
    """A drop-down list (choice_list.js) sends each change as a message: a list changed twice, then Check, is
    judged on its last choice; nothing is echoed back; a value the list does not offer changes nothing."""
    view = Classify(sample.exercises["sort"], key="sample.yml#sort", store=store)
    police = view.dropdowns["police"]
    sent: list[dict] = []
    monkeypatch.setattr(police, "_send", lambda msg, buffers=None: sent.append(msg))
    for chosen in ("oversight", "providers"):
        police._handle_custom_msg({"chosen": chosen}, [])
    assert police.value == "providers" and sent == []
    assert "1 of 3 items are in the right place" in view.check().summary
    for hostile in ({"chosen": "<img src=x onerror=alert(1)>"}, {"chosen": ["providers"]}, {"chosen": None},
                    "providers", {"value": "oversight"}):
        sent.clear()
        police._handle_custom_msg(hostile, [])
        assert police.value == "providers", hostile
        assert sent and sent[-1]["state"] == {"value": "providers"}, hostile
    police._handle_custom_msg({"chosen": ""}, [])  # back to the hint: the row is left out of the answer
    assert police.value == "" and view.get_answer() == {}


def test_nothing_chosen_is_not_saved(sample, store):
    view = SelfCheck(sample.exercises["pick-one"], key="k", store=store)
    view.check_button.click()
    assert "Choose an answer first" in view.feedback_html.value
    assert not store.path.exists()


def test_classify_click_feedback_per_item(sample, store):
    view = Classify(sample.exercises["sort"], key="sample.yml#sort", store=store)
    view.dropdowns["police"].value = "providers"
    view.dropdowns["parliament"].value = "providers"
    view.check_button.click()
    html = view.feedback_html.value
    assert "1 of 3 items are in the right place" in html
    assert "Not right: you chose Security providers. It belongs in: Management and oversight." in html
    assert "It oversees." in html and "It is a sports body." in html
    assert json.loads(store.path.read_text())["exercises"]["sample.yml#sort"]["answer"] == {
        "police": "providers", "parliament": "providers"}


def test_answer_restored_in_a_new_view(sample, store):
    """A kernel restart re-runs show(): the new widget comes back with the saved answer and feedback."""
    first = Classify(sample.exercises["sort"], key="sample.yml#sort", store=store)
    first.dropdowns["police"].value = "providers"
    first.dropdowns["football"].value = "none"
    first.check_button.click()
    again = Classify(sample.exercises["sort"], key="sample.yml#sort", store=ProgressStore(store.path))
    assert again.get_answer() == {"police": "providers", "football": "none"}
    assert "Your saved answer from" in again.feedback_html.value
    assert "2 of 3 items" in again.feedback_html.value


def test_reset_clears_widget_and_file(sample, store):
    view = SelfCheck(sample.exercises["pick-many"], key="k", store=store)
    view.choices.value = ["police"]
    view.check_button.click()
    view.reset_button.click()
    assert view.get_answer() == [] and "Cleared" in view.feedback_html.value
    assert ProgressStore(store.path).get("k") is None
    assert SelfCheck(sample.exercises["pick-many"], key="k", store=store).get_answer() == []


def test_saved_answer_that_no_longer_fits_is_dropped_with_a_notice(sample, store):
    store.save("k", answer=["zzz"], completed=False, score=0)
    view = SelfCheck(sample.exercises["pick-one"], key="k", store=store)
    assert view.get_answer() == []
    assert "no longer fits" in view.notice_html.value


def test_damaged_progress_file_is_reported_in_the_exercise(sample, store):
    store.path.write_text("{{{ not json")
    view = SelfCheck(sample.exercises["pick-one"], key="k", store=store)
    assert "was damaged" in view.notice_html.value and "role=\"alert\"" in view.notice_html.value
    view.choices.value = ["a"]
    view.check_button.click()
    assert ProgressStore(store.path).get("k")["completed"] is True


def test_show_builds_the_right_view_for_real_content(tmp_path):
    from ssr_widgets.loader import content_files, load_section

    files = content_files()
    if not files:
        pytest.fail("no course content files found")
    for path in files:
        for ex_id, ex in load_section(path).exercises.items():
            view = show(f"{path.name}#{ex_id}", store=ProgressStore(tmp_path / "p.json"))
            assert type(view).__name__ == _VIEWS[ex.kind][1]
