"""A learner's written work: checked for completeness (never marked right or wrong), and made into a printable file.

The ``write`` exercise kind asks learners to produce something (a note, a memo, a plan). Free text is not marked:
the learner compares it with a model answer and ticks a checklist. What *is* checked here is only what a program
can fairly judge: is every part written, and is each part within its length limit. The printable file lets a
learner share the work with a trainer or a peer; it is one self-contained HTML page, with every text escaped,
no script and no outside resource, so it opens and prints the same everywhere, offline too.

Pure functions only (no widgets), so the view, the tests and any trainer tool produce the same results.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from .checking import Feedback
from .model import WriteExercise
from .translation import N_, _, get_language, number

__all__ = [
    "FACT_LISTS",
    "check_facts",
    "check_write",
    "data_url",
    "learner_text_html",
    "parse_answer",
    "plain_text_html",
    "scenario_facts",
    "too_long",
    "work_file_name",
    "work_html",
]

#: The lists of ``country.yml`` a written exercise may draw facts from, and how the page names each (English here:
#: the page shows ``_(label)``, in the course language).
FACT_LISTS = {"actors": N_("Who"), "problems": N_("Problem"), "budget": N_("Money"),
              "entry_points": N_("Opening for reform")}

COURSE_TITLE = N_("Introduction to Security Sector Reform")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _n(count: int) -> str:
    return number(count)


# ------------------------------------------------------------------------------------ the answer
def parse_answer(exercise: WriteExercise, answer: Any) -> tuple[dict[str, str], list[str]]:
    """The texts (field id -> text) and the ticked checklist points of a saved answer.

    A saved answer is ``{"fields": {field id: text}, "ticked": [point id, ...]}``. Raises ``TypeError`` or
    ``ValueError`` if it does not fit the exercise (a field that no longer exists), so the view can say the
    exercise changed. Ticks on points that no longer exist are dropped: they carry no work of the learner's.
    """
    if not isinstance(answer, Mapping) or not isinstance(answer.get("fields"), Mapping):
        raise TypeError("a written answer is a mapping with 'fields'")
    fields = answer["fields"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        raise TypeError("every written part must be text")
    known = {f.id for f in exercise.fields}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ValueError(f"saved work names parts this exercise no longer has: {', '.join(unknown)}")
    ticked = answer.get("ticked", [])
    if not isinstance(ticked, list | tuple):
        raise TypeError("the ticked points are a list")
    points = [p.id for p in exercise.checklist]
    return ({f.id: fields.get(f.id, "") for f in exercise.fields},
            [p for p in points if p in {str(t) for t in ticked}])


def check_write(exercise: WriteExercise, texts: Mapping[str, str], ticked: Collection[str] = ()) -> Feedback:
    """How far the written work is: never right or wrong, only written, empty or too long.

    ``score`` is the share of parts written within their limit; ``complete`` means every part is. A part over its
    limit makes the work unsaveable (see :func:`too_long`), and the summary says by how much, part by part. There
    are no remarks: a ✔ or ✘ beside free text would read as a mark.
    """
    too_long = [(f, len(texts.get(f.id, ""))) for f in exercise.fields if len(texts.get(f.id, "")) > f.max_chars]
    empty = [f for f in exercise.fields if not texts.get(f.id, "").strip()]
    written = len(exercise.fields) - len(empty) - len(too_long)
    score = written / len(exercise.fields)
    if too_long:
        # Said in words, not as a right/wrong remark: a length is not a judgement of the text.
        part = _("{label} has {n} characters, and the limit is {limit}: shorten it by {over}")
        parts = "; ".join(part.format(label=f.label, n=_n(n), limit=_n(f.max_chars), over=_n(n - f.max_chars))
                          for f, n in too_long)
        return Feedback(score, False, _("Not saved, because a part is too long. {parts}. Then press Save my work "
                                        "again. Your text is still in the box.").format(parts=parts), ())
    if len(empty) == len(exercise.fields):
        return Feedback(0.0, False, _("Nothing to save yet. Write in at least one box, then press Save my work."), ())
    points = [p.id for p in exercise.checklist]
    n_ticked = len(set(ticked) & set(points))
    if empty:
        names = "; ".join(f.label for f in empty)
        return Feedback(score, False, _("Saved as a draft. Still empty: {names}. Write every part to see a model "
                                        "answer and the checklist.").format(names=names), ())
    summary = _("Saved. Every part is written. Now compare your work with the model answer below. Then tick each "
                "point of the checklist that your work covers. This is not a mark: it is for your own learning.")
    if n_ticked:
        summary += _(" You ticked {n} of {total} points.").format(n=n_ticked, total=len(points))
    return Feedback(1.0, True, summary, ())


def too_long(exercise: WriteExercise, texts: Mapping[str, str]) -> bool:
    """Is any part over its length limit? Such work is not saved, and no file is made of it."""
    return any(len(texts.get(f.id, "")) > f.max_chars for f in exercise.fields)


# ------------------------------------------------------------------------------------- scenario facts
def scenario_facts(exercise: WriteExercise, country: Any | None = None) -> list[tuple[str, str]]:
    """The facts the exercise draws on, as (what it is, text): ``("Problem", "The army payroll ...")``.

    What it is stays English (a ``FACT_LISTS`` label): the page shows it translated, ``_(what)``.

    Raises ``KeyError`` naming the reference if ``country.yml`` has no such fact (``validate`` reports it first).
    """
    if not exercise.facts:
        return []
    if country is None:
        from .country import load_country

        country = load_country()
    out = []
    for ref in exercise.facts:
        lst, _, fact_id = ref.partition("/")
        for item in getattr(country, lst):
            if item.id == fact_id:
                text = f"{item.name}: {item.description}" if lst == "actors" else item.text
                out.append((FACT_LISTS[lst], re.sub(r"[ \t\r\n]+", " ", text).strip()))  # keeps no-break spaces
                break
        else:
            raise KeyError(ref)
    return out


def check_facts(file: str, exercise: Any, country: Any) -> list[str]:
    """Problems with the facts a written exercise names (empty if it names none, or only facts that exist)."""
    if not isinstance(exercise, WriteExercise):
        return []
    problems = []
    for ref in exercise.facts:
        lst, _, fact_id = ref.partition("/")
        if fact_id not in {item.id for item in getattr(country, lst)}:
            problems.append(f"{file}: exercise '{exercise.id}': field 'facts': '{ref}' is not in country.yml "
                            f"(no {lst} item with id '{fact_id}')")
    return problems


# ------------------------------------------------------------------------------------- text as HTML
def plain_text_html(text: str) -> str:
    """Plain text as escaped HTML: blank lines part paragraphs, and lines that start with "- " make a list.

    Used for model answers, which authors write as plain text in YAML (``|-`` blocks). An indented line goes on with
    the list item above it; any other line that does not start with "- " ends the list (so a line such as
    "By 12 months:" can follow one). Nothing in ``text`` is ever taken as HTML.
    """
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        # runs of list lines, and runs of other lines, in order: ("li", [...]) or ("p", [...])
        runs: list[tuple[str, list[str]]] = []
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if raw[:1].isspace() and runs and runs[-1][0] == "li":  # an indented line goes on with the item
                runs[-1][1][-1] += " " + line
                continue
            kind = "li" if line.startswith("- ") else "p"
            if not runs or runs[-1][0] != kind:
                runs.append((kind, []))
            runs[-1][1].append(line[2:].strip() if kind == "li" else line)
        for kind, lines in runs:
            if kind == "li":
                out.append("<ul>" + "".join(f"<li>{_e(item)}</li>" for item in lines) + "</ul>")
            else:
                out.append(f"<p>{_e(' '.join(lines))}</p>")
    return "".join(out)


def learner_text_html(text: str) -> str:
    """The learner's own text, escaped and shown as typed (line breaks kept): never taken as HTML."""
    shown = text if text.strip() else _("(not written)")
    return f'<div class="ssr-write-text">{_e(shown)}</div>'


# ------------------------------------------------------------------------------------- the file
_FILE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; line-height: 1.5;
  max-width: 48em; margin: 1.5em auto; padding: 0 1em; color: #1b1b1b; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #999; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
.meta, .note { color: #333; }
.note { background: #eef3f8; border-left: 4px solid #5b7fa6; padding: 0.4em 0.8em; }
.ssr-write-text { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #bbb; padding: 0.5em 0.7em;
  background: #fafafa; }
.model { border-left: 4px solid #1e5e2b; padding-left: 0.8em; }
.checklist { list-style: none; padding-left: 0; }
.checklist li { margin-bottom: 0.6em; }
.checklist .box { font-weight: bold; }
.why { color: #333; font-size: 0.95em; }
.sign { margin-top: 2em; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  .ssr-write-text, .checklist li { break-inside: avoid; }
  a { color: inherit; }
}
"""


def work_html(exercise: WriteExercise, texts: Mapping[str, str], ticked: Collection[str], *, saved: str,
              facts: list[tuple[str, str]] | None = None, section: str = "") -> str:
    """The learner's work as one self-contained, printable HTML page.

    Parameters
    ----------
    exercise : WriteExercise
        The exercise: its title, task, parts, model answer, checklist and sources.
    texts : mapping
        The learner's text for each part (field id -> text). Escaped, never read as HTML.
    ticked : collection of str
        The checklist points the learner ticked.
    saved : str
        When the work was saved, as the learner should read it ("2025-05-04 14:30 UTC").
    facts : list of (str, str), optional
        The scenario facts the task draws on (see :func:`scenario_facts`).
    section : str, optional
        The course section's title, shown under the course title.

    Returns
    -------
    str
        A complete HTML document, UTF-8, with no script and no outside resource.
    """
    ticked = set(ticked)
    out = ["<!DOCTYPE html>", f'<html lang="{get_language()}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>" + _("{title} — my work").format(title=_e(exercise.title)) + "</title>",
           f"<style>{_FILE_STYLE}</style>", "</head>", "<body>",
           f'<p class="meta">{_e(_(COURSE_TITLE))}{" — " + _e(section) if section else ""}</p>',
           f"<h1>{_e(exercise.title)}</h1>",
           '<p class="meta">' + _("Saved: {saved}. Learning objective: {objective}.").format(
               saved=_e(saved), objective=_e(exercise.objective)) + "</p>",
           '<p class="note">' + _("This is my own work for a course exercise. It is not marked. I compared it with a "
                                  "model answer and ticked what my work covers. To print it, open this file in a web "
                                  "browser and press Ctrl+P (Cmd+P on a Mac).") + "</p>",
           "<h2>" + _("The task") + "</h2>", f"<p>{_e(exercise.prompt)}</p>"]
    if facts:
        out.append("<h3>" + _("Facts from the country briefing (Solenna is an invented country)") + "</h3><ul>")
        out.extend("<li><strong>" + _e(_("{name}:").format(name=_(what))) + f"</strong> {_e(text)}</li>"
                   for what, text in facts)
        out.append("</ul>")
    out.append("<h2>" + _("My work") + "</h2>")
    for f in exercise.fields:
        out.append(f"<h3>{_e(f.label)}</h3>")
        out.append(f'<p class="why">{_e(f.hint)}</p>')
        out.append(learner_text_html(texts.get(f.id, "")))
    points = exercise.checklist
    out.append("<h2>" + _("Checklist: what a good answer contains ({n} of {total} ticked)").format(
        n=len(ticked & {p.id for p in points}), total=len(points)) + "</h2>")
    out.append('<ul class="checklist">')
    for p in points:
        mark, said = ("☑", _("ticked")) if p.id in ticked else ("☐", _("not ticked"))
        out.append(f'<li><span class="box">{mark} ({said})</span> {_e(p.text)}<br>'
                   '<span class="why">' + _("Why: {why}").format(why=_e(p.why)) + "</span></li>")
    out.append("</ul>")
    out.append("<h2>" + _("A model answer") + "</h2>")
    out.append('<p class="note">' + _("There is more than one good answer. Compare the ideas, not the words.") + "</p>")
    for f in exercise.fields:
        out.append(f"<h3>{_e(f.label)}</h3>")
        out.append(f'<div class="model">{plain_text_html(exercise.model_answer[f.id])}</div>')
    out.append("<h2>" + _("Sources") + "</h2><ul>")
    for s in exercise.sources:
        out.append(f"<li>{_e(s.title)}" + (f": {_e(s.url)}" if s.url else "") + "</li>")
    out.append("</ul>")
    out.append('<p class="sign">' + _("Name:") + " ______________________________ &nbsp; " + _("Shared with:")
               + " ______________________________</p>")
    out.append("</body></html>")
    return "\n".join(out)


def work_file_name(key: str) -> str:
    """A safe file name for the work on exercise ``key`` (``"04_support.yml#entry-point-plan"``)."""
    file, _, ex_id = key.partition("#")
    stem = Path(file).stem
    name = f"ssr-my-work-{stem}-{ex_id}" if ex_id else f"ssr-my-work-{stem}"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") + ".html"


def data_url(document: str) -> str:
    """The document as a ``data:`` URL, so a link can download it without any server route (Binder, JupyterLab,
    a hub or an offline copy alike)."""
    return "data:text/html;charset=utf-8;base64," + base64.b64encode(document.encode("utf-8")).decode("ascii")
