"""The course glossary (``content/glossary.yml``), validated, shown in ``notebooks/glossary.ipynb``, and linked from
the first use of each term in every section.

A learner who reads English as a second language meets many terms at once: SSR, SSG, DDR, oversight, national
ownership. The glossary gives each one a short plain definition, its source and, where it is certain, the UN's
French form (for the French edition). It is one data file, like the taxonomy, so a subject expert edits it without
touching Python.

The glossary page is generated Markdown, not a widget: a notebook's Markdown renders before any code runs, so a
link such as ``glossary.ipynb#ssr`` finds its anchor at once, in JupyterLab, in JupyterLite, in a static HTML copy
and with no kernel at all. The cell tagged ``glossary`` holds an HTML definition list (``<dl>``), with one ``id``
per term, which screen readers announce as a list of terms and definitions.

Run ``python -m ssr_widgets.glossary --check`` to validate the glossary and check the notebooks (the generated
cell is current; each section links the first use of every term; every glossary link leads to a term), ``--write``
to rewrite the glossary cell, and ``--link`` to add the missing first-use links to the sections.
"""

from __future__ import annotations

import argparse
import functools
import html
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, model_validator

from .loader import CONTENT_DIR, GLOSSARY_FILE, _localised, _read_yaml, describe_errors, item_locator
from .model import ContentError, Identifier, Source, Text, _Frozen
from .translation import N_, SOURCE_LANGUAGE, UI_DOMAIN, translations

#: The glossary page's labels (the French page's come from the ``ui`` catalogue).
_SOURCE, _IN_FRENCH, _IN_ENGLISH = N_("Source:"), N_("In French:"), N_("In English:")

__all__ = [
    "GLOSSARY_FILE",
    "GLOSSARY_NOTEBOOK",
    "Glossary",
    "Term",
    "Use",
    "check_notebooks",
    "glossary_markdown",
    "link_first_uses",
    "load_glossary",
    "sync_notebook",
    "uses",
]

#: The glossary's notebook, in ``notebooks/``; section notebooks link to it by this name.
GLOSSARY_NOTEBOOK = "glossary.ipynb"
#: Tag of the notebook cell whose whole text is the generated definition list.
GLOSSARY_TAG = "glossary"
#: Cells that are generated from other data (navigation, role tables, the course map): no links are added there.
GENERATED_TAGS = {"nav", "run-hint", "objectives", "course-map", "taxonomy-roles", "taxonomy-roles-compared",
                  GLOSSARY_TAG}

#: Letters (accented too), spaces, apostrophes (the typographic one too, for the French abbreviations) and hyphens.
Abbreviation = Annotated[str, Field(pattern=r"^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'’-]{0,15}$")]


class FrenchTerm(_Frozen):
    """The UN's official French form of a term, and a document that uses it."""

    term: Text
    abbr: Abbreviation | None = None
    source: Source


class Term(_Frozen):
    """One term: how the course writes it, the forms that count as a use, a plain definition and its sources."""

    id: Identifier
    term: Text
    abbr: Abbreviation | None = None
    forms: tuple[Text, ...] = ()
    definition: Text
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]
    fr: FrenchTerm | None = None

    @property
    def all_forms(self) -> tuple[str, ...]:
        """The term, its abbreviation and its other forms: every way the course may write it."""
        return tuple(dict.fromkeys(f for f in (self.term, self.abbr, *self.forms) if f))

    @property
    def heading(self) -> str:
        """The term as the glossary lists it: capitalised, with its abbreviation."""
        name = self.term[0].upper() + self.term[1:]
        return f"{name} ({self.abbr})" if self.abbr and self.abbr != self.term else name


class Glossary(_Frozen):
    """The whole glossary, as ``glossary.yml`` holds it."""

    terms: Annotated[tuple[Term, ...], Field(min_length=2)]

    @model_validator(mode="after")
    def _unique_ids_and_forms(self) -> Glossary:
        seen: dict[str, str] = {}
        forms: dict[str, str] = {}
        for t in self.terms:
            if t.id in seen:
                raise ValueError(f"duplicate id '{t.id}' in terms")
            seen[t.id] = t.id
            for form in t.all_forms:
                key = form if _case_sensitive(form) else form.lower()
                if key in forms and forms[key] != t.id:
                    raise ValueError(f"the form '{form}' belongs to two terms: '{forms[key]}' and '{t.id}'")
                forms[key] = t.id
        return self

    @property
    def alphabetical(self) -> tuple[Term, ...]:
        """The terms as the glossary page lists them: in alphabetical order of their headings, as a dictionary has it
        in either language (accents and capitals do not count)."""
        return tuple(sorted(self.terms, key=lambda t: _sort_key(t.heading)))

    def term(self, term_id: str) -> Term:
        for t in self.terms:
            if t.id == term_id:
                return t
        raise KeyError(term_id)


def _case_sensitive(form: str) -> bool:
    """A form with a capital letter (DDR, AU, African Union) matches only as written. Others match as written or with
    a capital first letter, at the start of a sentence; not in Title Case, which marks a name or a title ("Security
    System Reform and Governance", "National Security Strategy" of Liberia)."""
    return any(c.isupper() for c in form)


def _form_regex(form: str) -> str:
    words = r"\s+".join(re.escape(w) for w in form.split())
    if _case_sensitive(form):
        return words
    return f"[{form[0]}{form[0].upper()}]{words[1:]}" if form[0].isalpha() else words


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int, language: str = SOURCE_LANGUAGE) -> Glossary:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected a mapping with 'terms' at the top")
    data = _localised(data, path.name, language)
    try:
        return Glossary.model_validate(data)
    except ValidationError as exc:
        raise describe_errors(exc, path.name, item_locator("terms", data, "term")) from None


def load_glossary(content_dir: Path | None = None, *, language: str = SOURCE_LANGUAGE) -> Glossary:
    """Load and validate ``glossary.yml`` (from ``content_dir``, by default the course content).

    English by default, whatever the kernel's language: the glossary's tools link and check its terms in the
    English notebooks. With ``language="fr"``, its terms and definitions are the French of the ``content``
    catalogue; the forms and the UN French forms (``fr``) are the file's own in every language.
    """
    path = (content_dir or CONTENT_DIR) / GLOSSARY_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ContentError(f"{path.name}: content file not found (looked in {path.parent})") from None
    return _load_cached(path, mtime, language)


# ------------------------------------------------------------------------------------------ the glossary page
def _e(text: str) -> str:
    """Escaped, runs of spaces and line breaks made one space; no-break spaces are kept (French spacing)."""
    return html.escape(re.sub(r"[ \t\r\n]+", " ", text).strip(), quote=True)


def _sort_key(text: str) -> str:
    """Alphabetical order as a dictionary has it in both languages: accents and capitals do not count."""
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


def glossary_markdown(glossary: Glossary | None = None, *, language: str = SOURCE_LANGUAGE) -> str:
    """The glossary as an HTML definition list in a Markdown cell: one ``<dt id>`` per term, its definition, its
    sources and its French form (marked ``lang="fr"``, so a screen reader pronounces it in French).

    With ``language="fr"`` (the French edition's page, written by ``python -m ssr_widgets.translation build``): the
    terms and definitions in French, in French alphabetical order, the UN's official French form with its source,
    and the English term (marked ``lang="en"``) for the English documents a learner will meet. The anchors are the
    term ids in both languages, so a link such as ``glossary.ipynb#ssr`` works in either edition.
    """
    say = translations(UI_DOMAIN, language).gettext
    g = glossary or load_glossary(language=language)
    english = {t.id: t for t in load_glossary().terms} if language != SOURCE_LANGUAGE else {}
    lines = ['<dl class="ssr-glossary">']
    for t in g.alphabetical:
        sources = "; ".join(
            f'<a href="{_e(s.url)}">{_e(s.title)}</a>' if s.url else _e(s.title) for s in t.sources)
        lines.append(f'<dt id="{t.id}"><dfn>{_e(t.heading)}</dfn></dt>')
        lines.append(f"<dd>{_e(t.definition)}<br>")
        lines.append(f"<small>{_e(say(_SOURCE))} {sources}.</small>")
        if t.fr:
            fr = t.fr.term + (f" ({t.fr.abbr})" if t.fr.abbr else "")
            link = f'<a href="{_e(t.fr.source.url)}">' if t.fr.source.url else ""
            lines.append(f'<br><small>{_e(say(_IN_FRENCH))} <span lang="fr">{_e(fr)}</span> '
                         f'({link}<span lang="fr">{_e(t.fr.source.title)}</span>{"</a>" if link else ""}).</small>')
        if t.id in english:
            lines.append(f'<br><small>{_e(say(_IN_ENGLISH))} <span lang="en">{_e(english[t.id].heading)}</span>.'
                         "</small>")
        lines.append("</dd>")
    lines.append("</dl>")
    return "\n".join(lines)


def sync_notebook(root: Path, *, write: bool) -> list[str]:
    """Rewrite (``write``) or report the glossary notebook's generated cell."""
    import nbformat

    path = root / "notebooks" / GLOSSARY_NOTEBOOK
    if not path.exists():
        return [f"{GLOSSARY_NOTEBOOK}: missing"]
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if GLOSSARY_TAG in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        return [f"{GLOSSARY_NOTEBOOK}: needs exactly one cell tagged '{GLOSSARY_TAG}' (found {len(cells)})"]
    want = glossary_markdown()
    if cells[0].source == want:
        return []
    if write:
        cells[0].source = want
        nbformat.write(nb, path)
    return [f"{GLOSSARY_NOTEBOOK}: the glossary cell is out of date (run python -m ssr_widgets.glossary --write)"]


# ------------------------------------------------------------------------------------------ uses in the notebooks
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]*)\)")
#: Not a use of a term: code, HTML, URLs, and italics, which this course keeps for titles of documents
#: (*Security System Reform and Governance*, *The Security Sector*).
_SKIP_SPANS = re.compile(r"`[^`]*`|<[^>]+>|<!--.*?-->|https?://\S+|(?<![*\w])\*(?!\*)[^*\n]+?(?<!\*)\*(?![*\w])", re.S)


@dataclass(frozen=True)
class Use:
    """One use of a glossary term in a Markdown cell: where it is, and the link it is in (if any)."""

    cell: int
    start: int
    end: int
    term: str
    text: str
    link: str | None  # the target of the link the use sits in, or None
    heading: bool

    @property
    def glossary_link(self) -> str | None:
        """The term id the use links to in the glossary, if its link leads there."""
        if self.link and self.link.split("#")[0].endswith(GLOSSARY_NOTEBOOK) and "#" in self.link:
            return self.link.split("#", 1)[1]
        return None


def _pattern(glossary: Glossary) -> list[tuple[re.Pattern[str], str]]:
    pats = []
    for t in glossary.terms:
        for form in t.all_forms:
            pats.append((re.compile(rf"(?<![\w-]){_form_regex(form)}(?![\w-])"), t.id))
    return pats


def _uses_in(source: str, cell: int, pats: list[tuple[re.Pattern[str], str]]) -> list[Use]:
    """Every use of a term in one cell; where two uses overlap, the longer (then the earlier) wins."""
    links = [(m.start(1), m.end(1), m.group(2)) for m in _LINK.finditer(source)]
    blocked = [(m.start(), m.end()) for m in _SKIP_SPANS.finditer(source)]
    blocked += [(m.start(2) - 1, m.end(2) + 1) for m in _LINK.finditer(source)]  # the link target itself
    headings = [(m.start(), m.end()) for m in re.finditer(r"^[ \t]*#{1,6} .*$", source, re.M)]
    found = []
    for pat, term_id in pats:
        for m in pat.finditer(source):
            if any(a <= m.start() < b for a, b in blocked):
                continue
            found.append((m.start(), m.end(), term_id))
    kept: list[Use] = []
    for start, end, term_id in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if any(not (end <= u.start or start >= u.end) for u in kept):
            continue
        link = next((target for a, b, target in links if a <= start and end <= b), None)
        heading = any(a <= start < b for a, b in headings)
        kept.append(Use(cell, start, end, term_id, source[start:end], link, heading))
    return sorted(kept, key=lambda u: u.start)


def uses(path: Path, glossary: Glossary | None = None) -> Iterator[Use]:
    """Every use of a glossary term in a notebook's own Markdown (not in generated cells or the list of sources)."""
    import nbformat

    g = glossary or load_glossary()
    pats = _pattern(g)
    nb = nbformat.read(path, as_version=4)
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or GENERATED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.source.lstrip().startswith("## Sources"):
            continue
        yield from _uses_in(cell.source, n, pats)


def _first_uses(found: Iterator[Use]) -> dict[str, Use]:
    """The first use of each term that a link could go on: not in a heading, not inside a link to somewhere else."""
    first: dict[str, Use] = {}
    for u in found:
        if u.heading or (u.link and not u.glossary_link):
            continue
        first.setdefault(u.term, u)
    return first


def section_notebooks(root: Path) -> list[Path]:
    """The notebooks whose first uses are linked: the four sections (not the welcome page or the practice quiz)."""
    from .loader import load_course

    return [root / "notebooks" / s.notebook for s in load_course().sections
            if s.available and s.content and not s.practice]


def check_notebooks(root: Path, glossary: Glossary | None = None) -> list[str]:
    """Problems with the glossary links of the sections: a first use not linked, a link to no term, a link whose
    text is not a form of the term it leads to."""
    g = glossary or load_glossary()
    ids = {t.id for t in g.terms}
    problems = []
    for path in section_notebooks(root):
        found = list(uses(path, g))
        for term_id, u in _first_uses(iter(found)).items():
            if u.glossary_link != term_id:
                problems.append(f"{path.name}: the first use of '{g.term(term_id).term}' (cell {u.cell}: "
                                f"\"{u.text}\") is not linked to {GLOSSARY_NOTEBOOK}#{term_id}")
        problems += _bad_links(path, ids, g)
    return problems


def _bad_links(path: Path, ids: set[str], g: Glossary) -> list[str]:
    import nbformat

    pats = _pattern(g)
    problems = []
    nb = nbformat.read(path, as_version=4)
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in _LINK.finditer(cell.source):
            file, _, anchor = m.group(2).partition("#")
            if not file.endswith(GLOSSARY_NOTEBOOK):
                continue
            if anchor not in ids:
                problems.append(f"{path.name}: cell {n} links to {m.group(2)}, but the glossary has no term '{anchor}'")
                continue
            inside = {u.term for u in _uses_in(m.group(1), n, pats)}
            if anchor not in inside:
                problems.append(f"{path.name}: cell {n} links \"{m.group(1)}\" to the glossary term '{anchor}', "
                                "but the link text is not a form of that term")
    return problems


def link_first_uses(root: Path, *, write: bool) -> list[str]:
    """Add a glossary link to the first unlinked use of each term in every section (``write``), or list them.

    Each notebook is read and written in one short step, and only the cells that change are touched.
    """
    import nbformat

    g = load_glossary()
    pats = _pattern(g)
    added = []
    for path in section_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        firsts = _first_uses(uses(path, g))
        per_cell: dict[int, list[Use]] = {}
        for term_id, u in firsts.items():
            if u.glossary_link == term_id:
                continue
            if u.link:  # inside a glossary link to another term: leave it to the author
                added.append(f"{path.name}: cell {u.cell}: \"{u.text}\" sits in a link to another term; fix by hand")
                continue
            per_cell.setdefault(u.cell, []).append(u)
            added.append(f"{path.name}: cell {u.cell}: [{u.text}]({GLOSSARY_NOTEBOOK}#{term_id})")
        for n, cell_uses in per_cell.items():
            src = nb.cells[n].source
            for u in sorted(cell_uses, key=lambda u: -u.start):
                assert src[u.start:u.end] == u.text and u.term in {x.term for x in _uses_in(u.text, n, pats)}
                src = f"{src[:u.start]}[{u.text}]({GLOSSARY_NOTEBOOK}#{u.term}){src[u.end:]}"
            nb.cells[n].source = src
        if per_cell and write:
            nbformat.write(nb, path)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check the glossary, its notebook and the first-use links in the sections.",
        epilog="Examples:\n  python -m ssr_widgets.glossary --check\n  python -m ssr_widgets.glossary --write\n"
               "  python -m ssr_widgets.glossary --link",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report problems; exit 1 if there are any")
    mode.add_argument("--write", action="store_true", help="rewrite the glossary cell of the glossary notebook")
    mode.add_argument("--link", action="store_true", help="link the first use of each term in every section")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    try:
        load_glossary()
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.link:
        for line in link_first_uses(args.root, write=True):
            print(line)
        return 0
    stale = sync_notebook(args.root, write=args.write)
    if args.write:
        print("Glossary cell rewritten." if stale else "Glossary cell is up to date.")
        return 0
    problems = stale + check_notebooks(args.root)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print("The glossary, its notebook and the first-use links are in order.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
