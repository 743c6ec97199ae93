"""The invented country that every scenario exercise uses, validated, and its briefing as HTML.

Sections 2-4 ask learners to apply what they read to one post-conflict country. Its facts live
in ``content/country.yml`` so that a subject expert can change the scenario without touching
Python, and every section sees the same country. This module says what that file may contain
(a typo fails loudly, naming the file, the actor and the field) and renders a readable briefing.
It imports ipywidgets only inside :func:`show_briefing`, so validation stays light.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from .loader import CONTENT_DIR, COUNTRY_FILE, _localised, _read_yaml, describe_errors, item_locator
from .model import ContentError, Identifier, Text, _Frozen, _unique
from .taxonomy import check_country, load_taxonomy
from .translation import SOURCE_LANGUAGE, _, get_language

__all__ = [
    "LEVELS",
    "ROLES",
    "Actor",
    "Country",
    "Fact",
    "KeyFact",
    "PeaceAgreement",
    "TimelineEvent",
    "country_briefing_html",
    "load_country",
    "show_briefing",
]

# Ids appear in other content files (an exercise may name an actor): the same plain ids as exercises.
# The levels and roles are the course's one taxonomy (content/taxonomy.yml), read once here.

_TAXONOMY = load_taxonomy(language=SOURCE_LANGUAGE)
#: The levels' and roles' English labels, in the order the briefing lists them (from taxonomy.yml). Their ids are
#: what the country file may use; the briefing shows the labels of the course language (``load_taxonomy()``).
LEVELS: dict[str, str] = _TAXONOMY.level_labels
ROLES: dict[str, str] = _TAXONOMY.role_labels

Level = Literal[tuple(LEVELS)]  # type: ignore[valid-type]
Role = Literal[tuple(ROLES)]  # type: ignore[valid-type]


class KeyFact(_Frozen):
    """One line of the country's fact sheet, such as the capital or the population."""

    label: Text
    value: Text


class Actor(_Frozen):
    """Someone who matters for security in the country: an institution, a group or a partner.

    ``kind`` is the kind of actor in ``taxonomy.yml`` (``police``, ``vigilance-group``); ``role`` must be that
    kind's role, so the briefing, the actor map and the sections never key one actor two ways.
    """

    id: Identifier
    name: Text
    kind: Identifier
    level: Level
    role: Role
    description: Text


class Fact(_Frozen):
    """A problem, a budget fact or an entry point, with an id that exercises can refer to."""

    id: Identifier
    text: Text


class PeaceAgreement(_Frozen):
    """The agreement that ended the war: what it set up, in plain words."""

    name: Text
    signed: Text
    summary: Text
    provisions: Annotated[tuple[Text, ...], Field(min_length=1)]


class TimelineEvent(_Frozen):
    """One dated step in the country's recent history (dates are relative to the present)."""

    when: Text
    event: Text


class Country(_Frozen):
    """The whole scenario country, as ``country.yml`` holds it."""

    name: Text
    official_name: Text
    fictional_note: Text
    summary: Text
    key_facts: Annotated[tuple[KeyFact, ...], Field(min_length=1)]
    history: Annotated[tuple[Text, ...], Field(min_length=1)]
    peace_agreement: PeaceAgreement
    actors: Annotated[tuple[Actor, ...], Field(min_length=1)]
    problems: Annotated[tuple[Fact, ...], Field(min_length=1)]
    budget: Annotated[tuple[Fact, ...], Field(min_length=1)]
    entry_points: Annotated[tuple[Fact, ...], Field(min_length=1)]
    timeline: Annotated[tuple[TimelineEvent, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Country:
        _unique([a.id for a in self.actors], "actors")
        for field in ("problems", "budget", "entry_points"):
            _unique([f.id for f in getattr(self, field)], field)
        return self

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (``KeyError`` if there is none)."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)



# ------------------------------------------------------------------------------------- loading
_LISTS_WITH_IDS = ("actors", "problems", "budget", "entry_points")


def _locate(data: Any):
    """Name a bad list element by its id: ``actor 'police'``, ``problems item 'ghost-soldiers'``."""
    locators = [item_locator(name, data, "actor" if name == "actors" else f"{name} item")
                for name in _LISTS_WITH_IDS]

    def locate(loc: list[Any]) -> tuple[str, list[Any]]:
        for each in locators:
            where, rest = each(loc)
            if where:
                return where, rest
        return "", loc

    return locate


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int, language: str = SOURCE_LANGUAGE) -> Country:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected a mapping with 'name', 'actors' and the other country fields")
    data = _localised(data, path.name, language)
    try:
        country = Country.model_validate(data)
    except ValidationError as exc:
        raise describe_errors(exc, path.name, _locate(data)) from None
    problems = check_country(country, _TAXONOMY, path.name)
    if problems:
        raise ContentError("\n".join(problems))
    return country


def load_country(file: str | Path = COUNTRY_FILE, content_dir: Path | None = None, *,
                 language: str | None = None) -> Country:
    """Load and validate the scenario country.

    Parameters
    ----------
    file : str or Path
        File name inside the content folder (default ``"country.yml"``) or a path.
    content_dir : Path, optional
        Folder to look in; defaults to the package's content folder.
    language : str, optional
        The texts' language; defaults to the course language of this kernel (English unless one was chosen). Ids
        are the English file's in every language.

    Raises
    ------
    ContentError
        If the file is missing, is not valid YAML, or breaks the model; the message names the
        file, the actor or item, and the field.
    """
    path = Path(file)
    if not path.is_absolute():
        path = (content_dir or CONTENT_DIR) / path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ContentError(f"{path.name}: content file not found (looked in {path.parent})") from None
    return _load_cached(path, mtime, language or get_language())


# ------------------------------------------------------------------------------------ briefing
_STYLE = """<style>
.ssr-briefing { max-width: 60em; line-height: 1.45; }
.ssr-briefing h3 { margin-top: 1.1em; }
.ssr-briefing table { border-collapse: collapse; margin: 0.4em 0 0.8em 0; width: 100%; }
.ssr-briefing th, .ssr-briefing td { border: 1px solid #c8c8c8; padding: 0.25em 0.5em; text-align: left;
  vertical-align: top; }
.ssr-briefing caption { text-align: left; font-style: italic; padding-bottom: 0.2em; }
.ssr-briefing .ssr-brief-note { background: #eef3f8; border-left: 4px solid #5b7fa6; padding: 0.3em 0.6em; }
</style>"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _list(facts: tuple[Fact, ...] | tuple[str, ...]) -> str:
    items = "".join(f"<li>{_e(f if isinstance(f, str) else f.text)}</li>" for f in facts)
    return f"<ul>{items}</ul>"


def country_briefing_html(country: Country | None = None) -> str:
    """The country briefing as HTML: headings, short paragraphs, a fact table and an actor table.

    Parameters
    ----------
    country : Country, optional
        The country to describe; defaults to the course's scenario country (``country.yml``).

    Returns
    -------
    str
        HTML for an ``ipywidgets.HTML`` widget. All text from the content file is escaped.
    """
    c = country if country is not None else load_country()
    taxonomy = load_taxonomy()  # the labels in the course language
    levels, roles = taxonomy.level_labels, taxonomy.role_labels
    pa = c.peace_agreement
    # the fixed texts, escaped, in the course language (outside the f-strings, where Babel finds them)
    say = SimpleNamespace(**{key: _e(text) for key, text in {
        "title": _("Country briefing: {name}").format(name=c.official_name),
        "note": _("Note:"),
        "key_facts": _("Key facts"),
        "glance": _("{name} at a glance").format(name=c.name),
        "history": _("History"),
        "agreement": _("The peace agreement: {name}").format(name=pa.name),
        "signed": _("Signed:"),
        "says": _("What the agreement says:"),
        "who": _("Who is who"),
        "actors": _("Actors in {name}, from local to international").format(name=c.name),
        "actor": _("Actor"),
        "level": _("Level"),
        "role": _("Role"),
        "know": _("What you should know"),
        "problems": _("Security problems reported"),
        "money": _("Money"),
        "openings": _("Possible openings for reform"),
        "timeline": _("Timeline"),
        "when": _("When"),
        "happened": _("What happened"),
    }.items()})
    out = [_STYLE, f'<div class="ssr-briefing" lang="{get_language()}">']  # a screen reader's voice
    out.append(f"<h2>{say.title}</h2>")
    out.append(f'<p class="ssr-brief-note"><strong>{say.note}</strong> {_e(c.fictional_note)}</p>')
    out.append(f"<p>{_e(c.summary)}</p>")

    out.append(f"<h3>{say.key_facts}</h3>")
    out.append(f"<table><caption>{say.glance}</caption><tbody>")
    out.extend(f'<tr><th scope="row">{_e(k.label)}</th><td>{_e(k.value)}</td></tr>' for k in c.key_facts)
    out.append("</tbody></table>")

    out.append(f"<h3>{say.history}</h3>")
    out.extend(f"<p>{_e(p)}</p>" for p in c.history)

    out.append(f"<h3>{say.agreement}</h3>")
    out.append(f"<p><strong>{say.signed}</strong> {_e(pa.signed)}. {_e(pa.summary)}</p>")
    out.append(f"<p>{say.says}</p>")
    out.append(_list(pa.provisions))

    out.append(f"<h3>{say.who}</h3>")
    out.append(
        f"<table><caption>{say.actors}</caption>"
        f'<thead><tr><th scope="col">{say.actor}</th><th scope="col">{say.level}</th>'
        f'<th scope="col">{say.role}</th>'
        f'<th scope="col">{say.know}</th></tr></thead><tbody>'
    )
    order = list(levels)
    for a in sorted(c.actors, key=lambda a: order.index(a.level)):  # stable: file order within a level
        out.append(
            f'<tr><th scope="row">{_e(a.name)}</th><td>{_e(levels[a.level])}</td>'
            f"<td>{_e(roles[a.role])}</td><td>{_e(a.description)}</td></tr>"
        )
    out.append("</tbody></table>")

    out.append(f"<h3>{say.problems}</h3>")
    out.append(_list(c.problems))
    out.append(f"<h3>{say.money}</h3>")
    out.append(_list(c.budget))
    out.append(f"<h3>{say.openings}</h3>")
    out.append(_list(c.entry_points))

    out.append(f"<h3>{say.timeline}</h3>")
    out.append(
        f'<table><thead><tr><th scope="col">{say.when}</th><th scope="col">{say.happened}</th>'
        "</tr></thead><tbody>"
    )
    out.extend(f'<tr><th scope="row">{_e(t.when)}</th><td>{_e(t.event)}</td></tr>' for t in c.timeline)
    out.append("</tbody></table></div>")
    return "".join(out)


def show_briefing(country: Country | None = None):
    """Show the country briefing in a notebook.

    Returns
    -------
    ipywidgets.HTML
        The briefing; as the last line of a cell, the notebook displays it.
    """
    import ipywidgets as widgets

    view = widgets.HTML(value=country_briefing_html(country))
    view.add_class("ssr-briefing-widget")
    return view
