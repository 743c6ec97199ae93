"""Written work (kind ``write``): the model, the view driven headless, the saved progress and the printable file."""

from __future__ import annotations

import base64
import copy
import re
import shutil
import textwrap

import nbformat
import pytest

from ssr_widgets import show
from ssr_widgets.country import load_country
from ssr_widgets.loader import CONTENT_DIR, load_course, load_section
from ssr_widgets.model import ContentError, WriteExercise
from ssr_widgets.progress import ProgressStore
from ssr_widgets.validate import validate_all
from ssr_widgets.writing import Writing
from ssr_widgets.written_work import (
    check_facts,
    check_write,
    data_url,
    plain_text_html,
    scenario_facts,
    work_file_name,
    work_html,
)

from .conftest import ROOT

KEY = "draft.yml#plan"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'

#: A small written exercise, as YAML holds it.
PLAN = {
    "kind": "write",
    "title": "Write: a plan",
    "objective": "LO8",
    "prompt": "Plan support around one entry point.",
    "facts": ["problems/ghost-soldiers", "actors/mof"],
    "fields": [
        {"id": "entry-point", "label": "Entry point", "hint": "Which opening, and why now?"},
        {"id": "risks", "label": "Risks", "hint": "What could go wrong?", "max_chars": 300, "rows": 4},
    ],
    "model_answer": {
        "entry-point": "The spending review.\n\nIt is asked for <now>.",
        "risks": "- The Guard is left out.\n- Findings are hidden.",
    },
    "checklist": [
        {"id": "why-now", "text": "I say why it is possible now.", "why": "Entry points are openings."},
        {"id": "hrddp", "text": "I apply the due diligence policy.", "why": "It is mandatory."},
    ],
    "sources": [{"title": "HRDDP, A/67/775–S/2013/110"}, {"title": "ISSAT", "url": "https://issat.dcaf.ch/"}],
}


@pytest.fixture
def plan(load_one):
    return load_one(PLAN, "plan")


def view_of(exercise, store):
    return Writing(exercise, key=KEY, store=store)


def fill(view, **texts):
    for field_id, text in texts.items():
        view.boxes[field_id.replace("_", "-")].value = text


# ------------------------------------------------------------------------------------------ the model
def test_good_yaml_loads_as_a_written_exercise(plan):
    assert isinstance(plan, WriteExercise) and plan.kind == "write" and plan.id == "plan"
    assert [f.id for f in plan.fields] == ["entry-point", "risks"]
    assert plan.field("entry-point").max_chars == 4000 and plan.field("entry-point").rows == 6  # defaults
    assert plan.field("risks").max_chars == 300
    assert plan.facts == ("problems/ghost-soldiers", "actors/mof")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["model_answer"].pop("risks"), "model_answer has no text for field(s) risks"),
        (lambda d: d["model_answer"].update(extra="x"), "model_answer has an entry for field 'extra', which is not"),
        (lambda d: d["fields"].append(dict(d["fields"][0])), "duplicate id 'entry-point' in fields"),
        (lambda d: d["checklist"].append(dict(d["checklist"][0])), "duplicate id 'why-now' in checklist"),
        (lambda d: d["checklist"].pop(), "field 'checklist'"),
        (lambda d: d.update(fields=[]), "field 'fields'"),
        (lambda d: d["fields"][1].update(max_chars=50_000), "field 'fields[1].max_chars'"),
        (lambda d: d["fields"][0].pop("hint"), "field 'fields[0].hint'"),
        (lambda d: d["fields"][0].update(label=""), "field 'fields[0].label'"),
        (lambda d: d["facts"].append("timeline/now"), "field 'facts[2]'"),
        (lambda d: d["facts"].append("actors/mof"), "duplicate id 'actors/mof' in facts"),
        (lambda d: d["checklist"][0].pop("why"), "field 'checklist[0].why'"),
        (lambda d: d.update(score=1), "field 'score'"),  # extra fields are refused
    ],
)
def test_bad_yaml_names_file_exercise_and_field(load_one, change, message):
    data = copy.deepcopy(PLAN)
    change(data)
    with pytest.raises(ContentError) as err:
        load_one(data, "plan")
    text = str(err.value)
    assert re.match(r"one-\d+\.yml: exercise 'plan': ", text), text
    assert message in text, text


def test_bad_yaml_text_is_reported_with_line_numbers(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(textwrap.dedent("""
        section: s
        exercises:
          plan:
            kind: write
            fields: [a
    """), encoding="utf-8")
    with pytest.raises(ContentError, match=r"bad.yml: YAML syntax error at line \d+"):
        load_section(path)


def test_facts_must_exist_in_the_country_file(load_one):
    country = load_country()
    good = load_one(PLAN, "plan")
    assert check_facts("x.yml", good, country) == []
    assert [what for what, _ in scenario_facts(good, country)] == ["Problem", "Who"]
    assert scenario_facts(good, country)[1][1].startswith("Ministry of Finance: ")
    bad = load_one({**PLAN, "facts": ["problems/no-such-thing"]}, "plan")
    assert check_facts("x.yml", bad, country) == [
        "x.yml: exercise 'plan': field 'facts': 'problems/no-such-thing' is not in country.yml "
        "(no problems item with id 'no-such-thing')"]
    with pytest.raises(KeyError):
        scenario_facts(bad, country)


def test_validate_reports_a_fact_that_is_not_in_the_country_file(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "04_support.yml"
    text = path.read_text(encoding="utf-8")
    assert "      - entry_points/integration-commission\n" in text
    path.write_text(text.replace("      - entry_points/integration-commission\n",
                                 "      - entry_points/no-such-opening\n", 1), encoding="utf-8")
    problems = validate_all(folder)
    assert any("04_support.yml: exercise 'entry-point-plan': field 'facts': 'entry_points/no-such-opening'" in p
               for p in problems), problems


# ------------------------------------------------------------------------------------------ checking
def test_check_never_marks_free_text_right_or_wrong(plan):
    empty = check_write(plan, {"entry-point": " \n", "risks": ""})
    assert not empty.complete and empty.score == 0 and "Nothing to save yet" in empty.summary
    draft = check_write(plan, {"entry-point": "The review.", "risks": ""})
    assert draft.score == 0.5 and not draft.complete and "Still empty: Risks." in draft.summary
    done = check_write(plan, {"entry-point": "a", "risks": "b"}, ["hrddp"])
    assert done.complete and done.score == 1 and "This is not a mark" in done.summary
    assert "You ticked 1 of 2 points." in done.summary
    for fb in (empty, draft, done):
        assert fb.remarks == ()  # no ✔ or ✘ beside free text
        assert not re.search(r"\b(correct|wrong|incorrect)\b", fb.summary, re.I)


def test_too_long_is_said_with_the_numbers(plan):
    fb = check_write(plan, {"entry-point": "ok", "risks": "x" * 301})
    assert not fb.complete and fb.remarks == ()
    assert fb.summary.startswith("Not saved, because a part is too long.")
    assert "Risks has 301 characters, and the limit is 300: shorten it by 1." in fb.summary
    assert "Your text is still in the box." in fb.summary


def test_plain_text_html_escapes_and_makes_paragraphs_and_lists():
    out = plain_text_html("First <b>bold</b>\nline.\n\n- one\n  goes on\n- two & three\nBy 12 months:\n- four")
    assert out == ("<p>First &lt;b&gt;bold&lt;/b&gt; line.</p><ul><li>one goes on</li><li>two &amp; three</li>"
                   "</ul><p>By 12 months:</p><ul><li>four</li></ul>")


# ------------------------------------------------------------------------------------------ the view
def test_every_box_is_labelled_and_the_buttons_say_what_they_do(plan, store):
    view = view_of(plan, store)
    assert [b.description for b in view.boxes.values()] == ["Entry point", "Risks"]
    assert [b.rows for b in view.boxes.values()] == [6, 4]
    assert all(not b.description_allow_html and not b.continuous_update for b in view.boxes.values())
    assert view.check_button.description == "Save my work"
    assert view.reset_button.description == "Start again"
    assert [t.description for t in view.ticks.values()] == ["I say why it is possible now.",
                                                            "I apply the due diligence policy."]
    assert "0 of 300 characters." in view.counters["risks"].value
    assert view.review_box.layout.display == "none" and view.file_box.layout.display == "none"
    header = view.children[0].value + view.children[1].children[0].value
    assert "Facts from the Solenna briefing" in header and "Ministry of Finance" in header


def test_typing_then_saving_keeps_a_draft_in_the_progress_file(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point="The spending review.")
    view.check_button.click()
    assert "Saved as a draft. Still empty: Risks." in view.feedback_html.value
    entry = ProgressStore(store.path).get(KEY)
    assert entry["answer"] == {"fields": {"entry-point": "The spending review.", "risks": ""}, "ticked": []}
    assert entry["completed"] is False and entry["score"] == 0.5
    assert view.details_html.value == "" and view.review_box.layout.display == "none"  # not before all is written
    assert view.file_box.layout.display is None  # but the draft can be printed


def test_nothing_written_is_not_saved(plan, store):
    view = view_of(plan, store)
    view.check_button.click()
    assert "Nothing to save yet" in view.feedback_html.value
    assert not store.path.exists()


def test_complete_work_shows_the_model_answer_and_the_checklist(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point="The review.", risks="The Guard.")
    view.check_button.click()
    assert ProgressStore(store.path).get(KEY)["completed"] is True
    assert "Saved. Every part is written." in view.feedback_html.value
    details = view.details_html.value
    assert "You wrote" in details and "A model answer" in details
    assert "It is asked for &lt;now&gt;." in details and "<li>The Guard is left out.</li>" in details
    assert view.review_box.layout.display is None


def test_ticks_are_saved_at_once(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point="a", risks="b")
    view.check_button.click()
    view.ticks["hrddp"].value = True
    assert ProgressStore(store.path).get(KEY)["answer"]["ticked"] == ["hrddp"]
    assert "You ticked 1 of 2 points." in view.feedback_html.value
    view.ticks["hrddp"].value = False
    assert ProgressStore(store.path).get(KEY)["answer"]["ticked"] == []


def test_work_is_restored_in_a_new_view(plan, store):
    """A kernel restart re-runs show(): the text, the ticks and the model answer come back."""
    first = view_of(plan, store)
    fill(first, entry_point="Line one.\nLine two.", risks="b")
    first.check_button.click()
    first.ticks["why-now"].value = True
    again = view_of(plan, ProgressStore(store.path))
    assert again.boxes["entry-point"].value == "Line one.\nLine two."
    assert again.ticks["why-now"].value is True and again.ticks["hrddp"].value is False
    assert "Your saved answer from" in again.feedback_html.value
    assert again.review_box.layout.display is None and "A model answer" in again.details_html.value
    assert "19 of 4,000 characters." in again.counters["entry-point"].value
    # restoring saves nothing by itself
    assert ProgressStore(store.path).get(KEY)["attempts"] == 2


def test_over_long_text_is_refused_with_a_message_and_kept_in_the_box(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point="a", risks="b")
    view.check_button.click()
    before = store.path.read_bytes()
    fill(view, risks="y" * 310)
    assert "310 of 300 characters: 10 too many." in view.counters["risks"].value
    view.check_button.click()
    assert "Not saved, because a part is too long." in view.feedback_html.value
    assert "shorten it by 10" in view.feedback_html.value
    assert store.path.read_bytes() == before  # the saved work is untouched
    assert view.boxes["risks"].value == "y" * 310  # and nothing the learner wrote is cut
    assert view.review_box.layout.display is None  # the model answer, once shown, stays
    view.ticks["why-now"].value = True  # a tick saves too, so it is refused as well
    assert store.path.read_bytes() == before


def test_learner_html_is_shown_escaped_never_as_html(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point=HOSTILE, risks="b")
    view.check_button.click()
    page = view.details_html.value + view.feedback_html.value
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert ProgressStore(store.path).get(KEY)["answer"]["fields"]["entry-point"] == HOSTILE  # saved as typed


def test_start_again_asks_first_then_deletes(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point="a", risks="b")
    view.check_button.click()
    view.reset_button.click()
    assert view.confirm_box.layout.display is None and "cannot be undone" in view.feedback_html.value
    assert ProgressStore(store.path).get(KEY) is not None and view.boxes["entry-point"].value == "a"
    view.keep_button.click()
    assert view.confirm_box.layout.display == "none" and "Your work is kept" in view.feedback_html.value
    assert ProgressStore(store.path).get(KEY) is not None
    view.reset_button.click()
    view.confirm_button.click()
    assert ProgressStore(store.path).get(KEY) is None
    assert view.get_answer() == {"fields": {"entry-point": "", "risks": ""}, "ticked": []}
    assert view.review_box.layout.display == "none" and view.details_html.value == ""
    assert "deleted" in view.feedback_html.value
    assert view_of(plan, store).boxes["entry-point"].value == ""


def test_saving_cancels_a_pending_start_again(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point="a")
    view.reset_button.click()
    view.check_button.click()
    assert view.confirm_box.layout.display == "none"
    assert ProgressStore(store.path).get(KEY)["answer"]["fields"]["entry-point"] == "a"


def test_saved_work_that_no_longer_fits_gives_a_notice(plan, store):
    store.save(KEY, answer={"fields": {"old-part": "text"}, "ticked": []}, completed=False, score=0)
    view = view_of(plan, store)
    assert "no longer fits" in view.notice_html.value
    assert view.get_answer()["fields"] == {"entry-point": "", "risks": ""}


def test_ticks_on_points_that_no_longer_exist_are_dropped(plan, store):
    store.save(KEY, answer={"fields": {"risks": "r"}, "ticked": ["gone", "hrddp"]}, completed=False, score=0.5)
    view = view_of(plan, store)
    assert view.get_answer() == {"fields": {"entry-point": "", "risks": "r"}, "ticked": ["hrddp"]}
    assert view.notice_html.value == ""


# ------------------------------------------------------------------------------------------ the printable file
def _linked_document(view) -> str:
    link = view.file_link.value
    m = re.search(r'<a download="([^"]+)" href="data:text/html;charset=utf-8;base64,([A-Za-z0-9+/=]+)">'
                  r"Download my work</a>", link)
    assert m, link
    assert m.group(1) == "ssr-my-work-draft-plan.html"
    return base64.b64decode(m.group(2)).decode("utf-8")


def test_the_file_holds_the_work_escaped_the_ticks_and_the_model_answer(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point=HOSTILE + "\nsecond line", risks="Élections, café — ça va")
    view.check_button.click()
    view.ticks["hrddp"].value = True
    document = view.make_file()
    assert _linked_document(view) == document
    assert "Your file is ready" in view.feedback_html.value
    assert ProgressStore(store.path).get(KEY)["completed"] is True  # making the file saved the work
    # self-contained: no script, no outside resource, nothing the learner wrote taken as HTML
    assert document.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in document
    assert not re.search(r"<(script|img|link|iframe|object|embed|base)\b|<[^>]*\s(src|href)=|@import|url\(",
                         document, re.I)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in document
    assert "Élections, café — ça va" in document  # non-ASCII text survives the data: URL
    assert '<div class="ssr-write-text">' in document  # shown as typed, line breaks kept
    # the task, the facts, the work, the ticks, the model answer and the sources
    assert "Plan support around one entry point." in document
    assert "<strong>Problem:</strong> The army payroll lists 38,000 names." in document
    assert "Checklist: what a good answer contains (1 of 2 ticked)" in document
    assert "☑ (ticked)</span> I apply the due diligence policy." in document
    assert "☐ (not ticked)</span> I say why it is possible now." in document
    assert "It is asked for &lt;now&gt;." in document and "<li>Findings are hidden.</li>" in document
    assert "HRDDP, A/67/775–S/2013/110" in document and "ISSAT: https://issat.dcaf.ch/" in document
    assert "It is not marked." in document and "Ctrl+P" in document


def test_a_draft_can_be_printed_but_not_over_long_or_empty_work(plan, store):
    view = view_of(plan, store)
    assert view.make_file() is None and "Write something first." in view.file_link.value
    fill(view, risks="draft")
    document = view.make_file()
    assert "(not written)" in document and "draft" in document
    fill(view, risks="z" * 400)
    assert view.make_file() is None
    assert "Shorten the part that is too long first." in view.file_link.value


def test_saving_again_withdraws_the_old_file_link(plan, store):
    view = view_of(plan, store)
    fill(view, entry_point="a")
    view.make_file()
    assert "Download my work" in view.file_link.value
    fill(view, entry_point="a changed text")
    view.check_button.click()
    assert view.file_link.value == ""


def test_file_name_and_data_url_are_safe():
    assert work_file_name("04_support.yml#entry-point-plan") == "ssr-my-work-04_support-entry-point-plan.html"
    assert work_file_name("/home/learner/some dir/my draft.yml#x") == "ssr-my-work-my-draft-x.html"
    doc = "<p>é</p>"
    url = data_url(doc)
    assert base64.b64decode(url.split(",", 1)[1]).decode("utf-8") == doc


def test_the_file_of_real_content_names_its_section(store):
    view = show("04_support.yml#entry-point-plan", store=store)
    for box in view.boxes.values():
        box.value = "My text."
    document = view.make_file()
    assert "Section 4: International Support to an SSR Process" in document
    assert "Human rights due diligence policy on United Nations support" in document
    assert "A/67/775–S/2013/110" in document


def test_work_html_is_pure(plan):
    one = work_html(plan, {"entry-point": "x"}, [], saved="2025-01-01 10:00 UTC")
    assert one == work_html(plan, {"entry-point": "x"}, [], saved="2025-01-01 10:00 UTC")
    assert "Saved: 2025-01-01 10:00 UTC." in one


# ------------------------------------------------------------------------------------------ the course
SECTIONS = [s for s in load_course().sections if s.available and s.content and not s.practice]


@pytest.mark.parametrize("section", SECTIONS, ids=[s.id for s in SECTIONS])
def test_every_section_has_written_work_shown_in_its_notebook(section):
    written = [ex for ex in load_section(section.content).exercises.values() if isinstance(ex, WriteExercise)]
    assert written, f"{section.content} has no written exercise"
    nb = nbformat.read(ROOT / "notebooks" / section.notebook, as_version=4)
    sources = [c.source for c in nb.cells]
    for ex in written:
        call = f'show("{section.content}#{ex.id}")'
        assert call in sources, f"{section.notebook} does not show {ex.id}"
        lead_in = sources[sources.index(call) - 1]
        assert "Save my work" in lead_in and "model answer" in lead_in, lead_in
        assert ex.objective in section.objectives


def test_written_work_covers_the_discuss_and_plan_objectives():
    """Issue 12: LO4, LO6 and LO8 ask learners to discuss and plan, so each has a written exercise."""
    objectives = {ex.objective for s in SECTIONS for ex in load_section(s.content).exercises.values()
                  if isinstance(ex, WriteExercise)}
    assert {"LO4", "LO6", "LO8"} <= objectives


def test_written_exercises_of_the_course_cite_un_documents_by_symbol():
    for section in SECTIONS:
        for ex in load_section(section.content).exercises.values():
            if isinstance(ex, WriteExercise):
                titles = " ".join(s.title for s in ex.sources)
                assert re.search(r"\b(S/RES/\d+|SC/\d+|A/\d+/\d+|Security Council|OECD|DCAF|ISSAT|African Union)",
                                 titles), ex.id
                assert "DPKO" not in str(ex.model_dump())
