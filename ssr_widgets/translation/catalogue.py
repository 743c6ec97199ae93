"""The translation catalogues: extract the English, merge it into the French catalogues, check, compile, build.

Four gettext domains, each a template ``ssr_widgets/locale/<domain>.pot`` and a catalogue per language
``ssr_widgets/locale/<lang>/LC_MESSAGES/<domain>.po``:

- ``ui``: the widgets' own texts, marked ``_()``, ``N_()`` or ``ngettext()`` in ``ssr_widgets/*.py`` (Babel's
  Python extractor).
- ``content``: every learner-facing text of the content YAML (``fields.py`` says which), with a context that
  locates it: ``01_concept.yml#human-security.options[a].why``. The same English in two places gets two entries,
  so each can be translated for its place.
- ``trainer``: the learner-facing texts the trainer's tools write (the certificate, the badge, the fixed texts of a
  learner's quiz paper and its feedback), marked ``gettext()``, ``pgettext()`` or ``N_()`` in the trainer's modules
  that write them (``TRAINER_SOURCES``). The trainer's tools read it compiled (``.mo``),
  with one translator per certificate, so a run issues English and French certificates side by side.
- ``notebooks``: the Markdown cells of the English notebooks, one entry per paragraph (blocks between blank lines),
  with the context ``01_concept.ipynb#<cell id>:<paragraph>``. Per paragraph, not per cell: a change to one
  paragraph makes only that paragraph fuzzy, and a translator works on a screenful, not on a whole page.

``update`` merges a fresh template into each catalogue with Babel's own ``Catalog.update``: an entry whose English
changed keeps its old translation, marked fuzzy with the previous English beside it; an entry whose text is gone
becomes obsolete (``#~``). ``check`` lists every entry that is missing, fuzzy, or out of step, file by file.
The learner's kernel never imports this module (nor Babel): it reads the compiled ``.mo`` files (``__init__.py``).
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from . import CONTENT_DOMAIN, UI_DOMAIN, translations
from .fields import text_fields
from .typography import french_spacing

__all__ = [
    "DOMAINS", "Problem", "Project", "build_notebooks", "check", "compile_catalogues", "extract", "shown_files", "status",
    "update",
]

NOTEBOOKS_DOMAIN = "notebooks"
TRAINER_DOMAIN = "trainer"
DOMAINS = (UI_DOMAIN, CONTENT_DOMAIN, NOTEBOOKS_DOMAIN, TRAINER_DOMAIN)
#: The domains read at run time (compiled to .mo): the learner's kernel reads ui and content, the trainer's tools
#: trainer; the notebooks' text is built into files.
RUNTIME_DOMAINS = (UI_DOMAIN, CONTENT_DOMAIN, TRAINER_DOMAIN)
#: The trainer's modules whose texts a learner receives (certificate, badge; the quiz paper's fixed texts and its
#: feedback): the ``trainer`` domain's sources, as patterns inside ``grader/ssr_grader``.
TRAINER_SOURCES = ("credentials/*.py", "quiz/source.py", "quiz/papers.py", "quiz/package.py", "grading/hooks.py")
#: The trainer's marks: gettext("text") on a translator, pgettext("context", "text"), N_("text") for a constant.
TRAINER_KEYWORDS = {"gettext": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
TARGET_LANGUAGES = ("fr",)
#: Made by the trainer's tool (ssr-trainer build-quiz) from the content, not written by hand: not in the catalogue.
#: The tool writes the evaluation and the pre-test in French too, at the same place in the French edition
#: (``notebooks/fr/quiz/``), from the ``content`` and ``ui`` catalogues. The sample quiz paper stays English (one
#: public demo); a French learner's own paper (``ssr-trainer release``) is French, from the ``trainer`` catalogue.
TRAINER_MADE = ("quiz/end_of_course_quiz.ipynb", "quiz/course_evaluation.ipynb", "quiz/pre_test.ipynb")
#: Cells generated from a content file by a course tool: translated through that file, not as Markdown.
GENERATED_TAGS = frozenset({"glossary"})
#: The Python keywords that mark a widget text: _("text"), N_("text"), ngettext("one", "many", n) and
#: NP_("one", "many") (a pair kept for ngettext later: one plural entry).
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "NP_": (1, 2)}
#: Fixed dates in the templates' headers, so extracting twice writes the same file (git shows only real changes).
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
_SHOW = re.compile(r'show\("([^"#]+)#[^"]+"\)')
#: Code that shows a whole content file, not one exercise: the Solenna briefing shows the country and the
#: taxonomy's level and role labels.
_SHOWS_FILES = {re.compile(r"\bshow_briefing\("): ("country.yml", "taxonomy.yml")}
#: Markdown cells made from a content file by a course tool (the role tables: ``python -m ssr_widgets.taxonomy``).
_MADE_FROM = {"taxonomy-roles": "taxonomy.yml", "taxonomy-roles-compared": "taxonomy.yml", "glossary": "glossary.yml"}
_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")
_URL = re.compile(r"https?://[^\s)<>\"'\]]+")
_LINK = re.compile(r"(\]\()([^)\s]+?\.ipynb)(#[^)\s]*)?(\))")
_FIRST_IMPORT = re.compile(r"^from ssr_widgets import (.+)$")
_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n)")


_CHECKOUT_TRAINER = Path(__file__).resolve().parent.parent.parent / "grader" / "ssr_grader"


@dataclass(frozen=True)
class Project:
    """Where things are: the package (code, content, locale), the English notebooks and the trainer's package
    (``grader/ssr_grader``, whose certificate and badge texts are the ``trainer`` domain)."""

    package: Path
    notebooks: Path
    trainer: Path = _CHECKOUT_TRAINER

    @classmethod
    def here(cls) -> Project:
        package = Path(__file__).resolve().parent.parent
        return cls(package, package.parent / "notebooks")

    @property
    def content(self) -> Path:
        return self.package / "content"

    @property
    def locale(self) -> Path:
        return self.package / "locale"

    def pot(self, domain: str) -> Path:
        return self.locale / f"{domain}.pot"

    def po(self, domain: str, lang: str) -> Path:
        return self.locale / lang / "LC_MESSAGES" / f"{domain}.po"

    def mo(self, domain: str, lang: str) -> Path:
        return self.po(domain, lang).with_suffix(".mo")

    def edition(self, lang: str) -> Path:
        """The folder of a language's notebooks: ``notebooks/fr/``, same names and layout as ``notebooks/``."""
        return self.notebooks / lang

    def trainer_made(self, lang: str) -> set[str]:
        """The trainer-made notebooks (``TRAINER_MADE``) that the trainer's tool has written in ``lang``'s edition."""
        return {name for name in TRAINER_MADE if (self.edition(lang) / name).is_file()}

    def english_notebooks(self) -> list[str]:
        """The hand-written English notebooks, as paths inside ``notebooks/`` (``quiz/practice_quiz.ipynb``)."""
        editions = set(TARGET_LANGUAGES)
        names = []
        for path in sorted(self.notebooks.rglob("*.ipynb")):
            rel = path.relative_to(self.notebooks)
            if ".ipynb_checkpoints" in rel.parts or rel.parts[0] in editions or rel.as_posix() in TRAINER_MADE:
                continue
            names.append(rel.as_posix())
        return names


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a catalogue from being complete and current. ``origin`` is the English file."""

    origin: str
    context: str
    kind: str
    message: str

    def __str__(self) -> str:
        where = f" [{self.context}]" if self.context else ""
        return f"{self.origin}{where}: {self.kind}: {self.message}"


# -- extraction --------------------------------------------------------------------------------------------------

def _origin(message: Message) -> str:
    """The English file a catalogue entry comes from (content file, notebook or Python module)."""
    if message.context and "#" in message.context:
        return message.context.partition("#")[0]
    return message.locations[0][0] if message.locations else "?"


def _new_catalog(domain: str, lang: str | None = None) -> Catalog:
    return Catalog(
        locale=lang, domain=domain, project="ssr-course", version="", copyright_holder="SSR open course contributors",
        msgid_bugs_address="", creation_date=_FIXED_DATE, revision_date=_FIXED_DATE, fuzzy=False,
        language_team=f"{lang} <translators of the SSR open course>" if lang else "",
        last_translator="SSR open course translators" if lang else "",
    )


def _ui_messages(project: Project) -> Iterator[tuple[str | tuple[str, str], str, int, list[str]]]:
    for path in sorted(project.package.glob("*.py")):
        rel = path.relative_to(project.package.parent).as_posix()
        for lineno, msg, comments, _ctx in extract_from_file("python", path, keywords=KEYWORDS,
                                                             comment_tags=("Translators:",)):
            yield msg, rel, lineno, comments


def _trainer_messages(project: Project) -> Iterator[tuple[str | tuple[str, str], str, int, list[str], str | None]]:
    for path in sorted({p for pattern in TRAINER_SOURCES for p in project.trainer.glob(pattern)}):
        rel = path.relative_to(project.trainer.parent.parent).as_posix()
        for lineno, msg, comments, ctx in extract_from_file("python", path, keywords=TRAINER_KEYWORDS,
                                                            comment_tags=("Translators:",)):
            yield msg, rel, lineno, comments, ctx


def _content_messages(project: Project) -> Iterator[tuple[str, str, str, list[str]]]:
    for path in sorted(project.content.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for context, container, key in text_fields(data, path.name):
            notes = []
            fr = container.get("fr") if isinstance(container, dict) else None
            if isinstance(fr, dict) and isinstance(fr.get(key), str):
                notes.append(f"UN French form: {fr[key]} (source: {fr.get('source', {}).get('title', '?')})")
            yield container[key], path.name, context, notes


def paragraphs(source: str) -> list[str]:
    """A Markdown cell's source split at blank lines, separators kept: ``"".join(paragraphs(s)) == s``.

    Even items are paragraphs, odd items the blank lines between them. A fenced code block is never split.
    """
    parts = _PARAGRAPH_BREAK.split(source)
    out: list[str] = []
    for part in parts:
        if out and len(out) % 2 == 1 and out[-1].count("```") % 2 == 1:
            out[-1] += part  # inside a fence: glue the separator and what follows to the open block
        elif out and len(out) % 2 == 0 and out[-2].count("```") % 2 == 1:
            out[-2] += out.pop() + part
        else:
            out.append(part)
    return out


def _translated(cell: nbformat.NotebookNode) -> bool:
    """A Markdown cell written by hand (a generated cell is translated through the file it is made from)."""
    return cell.cell_type == "markdown" and not GENERATED_TAGS & set(cell.metadata.get("tags", []))


def _markdown_cells(nb: nbformat.NotebookNode) -> Iterator[nbformat.NotebookNode]:
    yield from (cell for cell in nb.cells if _translated(cell))


def _notebook_messages(project: Project) -> Iterator[tuple[str, str, str, list[str]]]:
    for name in project.english_notebooks():
        nb = nbformat.read(project.notebooks / name, as_version=4)
        for cell in _markdown_cells(nb):
            for n, para in enumerate(paragraphs(cell.source)[::2], start=1):
                if para.strip():
                    yield para, name, f"{name}#{cell.id}:{n}", []


def extract(project: Project, domain: str) -> Catalog:
    """A fresh template of one domain, from the English sources."""
    catalog = _new_catalog(domain)
    if domain == UI_DOMAIN:
        for msg, file, lineno, comments in _ui_messages(project):
            catalog.add(msg, locations=[(file, lineno)], auto_comments=comments)
    elif domain == TRAINER_DOMAIN:
        for msg, file, lineno, comments, ctx in _trainer_messages(project):
            catalog.add(msg, locations=[(file, lineno)], auto_comments=comments, context=ctx)
    else:
        found = _content_messages(project) if domain == CONTENT_DOMAIN else _notebook_messages(project)
        for msg, file, context, notes in found:
            if catalog.get(msg, context=context) is not None:
                raise ValueError(f"{file}: two texts share the context {context}")
            catalog.add(msg, context=context, locations=[(file, None)], auto_comments=notes)
    return catalog


# -- reading and writing -----------------------------------------------------------------------------------------

def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=path.stem)


def _po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, include_previous=True, sort_output=False)
    return buf.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)  # a fuzzy entry shows in English until it is reviewed
    return buf.getvalue()


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# -- update ------------------------------------------------------------------------------------------------------

def merge(catalog: Catalog, template: Catalog) -> None:
    """Babel's own update (changed English becomes fuzzy, removed English obsolete), then one repair by context.

    Babel matches a changed text by its English alone (difflib), across the whole catalogue. Our contexts locate
    each text exactly, so an entry at the same place whose English changed too much for difflib, or that difflib
    matched to another place, takes back the old translation of its own place, still fuzzy, with the old English.
    """
    catalog.update(template, update_header_comment=False, update_creation_date=False)
    by_context = {m.context: m for m in catalog.obsolete.values() if m.context and m.string}
    for message in catalog:
        if not message.id or not message.context:
            continue
        old = by_context.get(message.context)
        if old is None or (message.string and "fuzzy" not in message.flags):
            continue
        if message.string and message.previous_id and message.previous_id[0] == old.id:
            continue  # Babel already took this place's own old translation
        message.string = old.string
        message.flags |= {"fuzzy"}
        message.previous_id = [old.id]
        del catalog.obsolete[old.id if old.context is None else (old.id, old.context)]


def update(project: Project, langs: Iterable[str] = TARGET_LANGUAGES) -> list[Path]:
    """Extract the templates, merge them into every language's catalogues, and compile; return the files written."""
    written = []
    for domain in DOMAINS:
        template = extract(project, domain)
        if _write_if_changed(project.pot(domain), _po_bytes(template)):
            written.append(project.pot(domain))
        for lang in langs:
            path = project.po(domain, lang)
            catalog = _read(path, lang) if path.exists() else _new_catalog(domain, lang)
            merge(catalog, template)
            if _write_if_changed(path, _po_bytes(catalog)):
                written.append(path)
    written += compile_catalogues(project, langs)
    return written


def compile_catalogues(project: Project, langs: Iterable[str] = TARGET_LANGUAGES) -> list[Path]:
    """Compile the run-time catalogues (``ui``, ``content``) to ``.mo``, the files the learner's kernel reads."""
    written = []
    for lang in langs:
        for domain in RUNTIME_DOMAINS:
            if _write_if_changed(project.mo(domain, lang), _mo_bytes(_read(project.po(domain, lang), lang))):
                written.append(project.mo(domain, lang))
    if written:
        translations.cache_clear()  # what is built next in this process (the glossary page) reads the new ones
    return written


# -- check -------------------------------------------------------------------------------------------------------

def _entry_problems(template: Catalog, catalog: Catalog, domain: str) -> list[Problem]:
    problems = []
    for t in template:
        if not t.id:
            continue
        origin, ctx = _origin(t), t.context or ""
        m = catalog.get(t.id, context=t.context)
        if m is None:
            problems.append(Problem(origin, ctx, "not in catalogue", f"{_short(t.id)} (run: update)"))
        elif not _filled(m.string):
            problems.append(Problem(origin, ctx, "missing", _short(t.id)))
        elif m.fuzzy:
            problems.append(Problem(origin, ctx, "fuzzy", f"the English changed; review the French of {_short(t.id)}"))
        else:
            problems += _consistency(origin, ctx, t.id, m.string)
            if _is_french(catalog) and any(f != french_spacing(f) for f in _forms(m.string)):
                problems.append(Problem(origin, ctx, "French spacing", "an ordinary space before : ; ? ! or inside "
                                        f"« » in {_short(m.string)} (run: typeset)"))
    for m in catalog:
        if m.id and template.get(m.id, context=m.context) is None:
            problems.append(Problem(_origin(m), m.context or "", "obsolete in use",
                                    f"{_short(m.id)} is no longer in the English (run: update)"))
    return problems


def _consistency(origin: str, ctx: str, english: str | tuple, french: str | tuple) -> list[Problem]:
    """A translation keeps the placeholders ({total}) and the web addresses of its English."""
    english = english if isinstance(english, str) else english[0]
    frenches = [french] if isinstance(french, str) else list(french)
    out = []
    for fr in frenches:
        if fr and sorted(_PLACEHOLDER.findall(english)) != sorted(_PLACEHOLDER.findall(fr)):
            out.append(Problem(origin, ctx, "placeholders differ", f"{_short(english)} -> {_short(fr)}"))
        if fr and sorted(_URL.findall(english)) != sorted(_URL.findall(fr)):
            out.append(Problem(origin, ctx, "web addresses differ", f"{_short(english)} -> {_short(fr)}"))
    return out


def _is_french(catalog: Catalog) -> bool:
    return catalog.locale is not None and catalog.locale.language == "fr"


def _forms(string: str | tuple) -> list[str]:
    return [string] if isinstance(string, str) else list(string)


def typeset(project: Project, langs: Iterable[str] = TARGET_LANGUAGES) -> list[Path]:
    """Put French spacing (``typography.py``) into every French catalogue entry; the catalogues written."""
    written = []
    for lang in langs:
        for domain in DOMAINS:
            path = project.po(domain, lang)
            if not path.exists():
                continue
            catalog = _read(path, lang)
            if not _is_french(catalog):
                continue
            for m in catalog:
                if m.id and m.string:
                    m.string = (french_spacing(m.string) if isinstance(m.string, str)
                                else tuple(french_spacing(f) for f in m.string))
            if _write_if_changed(path, _po_bytes(catalog)):
                written.append(path)
    return written


def _filled(string: str | tuple) -> bool:
    """Is every form translated (a plural entry has one string per plural form)?"""
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


def _short(text: str | tuple) -> str:
    text = text if isinstance(text, str) else text[0]
    one = " ".join(text.split())
    return repr(one if len(one) <= 70 else one[:67] + "...")


def problems_by_domain(project: Project, lang: str) -> dict[str, list[Problem]]:
    """Every problem of each domain's catalogue in ``lang``, against a fresh extraction of the English."""
    out: dict[str, list[Problem]] = {}
    for domain in DOMAINS:
        template = extract(project, domain)
        found: list[Problem] = []
        pot = project.pot(domain)
        if not pot.exists() or _po_bytes(_read(pot)) != _po_bytes(template):
            found.append(Problem(pot.name, "", "template out of date", "the English changed (run: update)"))
        path = project.po(domain, lang)
        if not path.exists():
            found.append(Problem(path.name, "", "no catalogue", f"{path} is missing (run: update)"))
            out[domain] = found
            continue
        catalog = _read(path, lang)
        found += _entry_problems(template, catalog, domain)
        if domain in RUNTIME_DOMAINS:
            mo = project.mo(domain, lang)
            if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
                found.append(Problem(mo.name, "", "compiled catalogue out of date", f"{mo.name} (run: compile)"))
        out[domain] = found
    return out


def _facts_from_country(path: Path) -> bool:
    """Does a section file have a written exercise that shows facts of the Solenna briefing (``facts:``)?"""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    exercises = data.get("exercises", {}) if isinstance(data, dict) else {}
    items = exercises.values() if isinstance(exercises, dict) else exercises
    return any(isinstance(ex, dict) and ex.get("facts") for ex in items)


def shown_files(project: Project, name: str) -> set[str]:
    """Every content file whose texts an English notebook shows: the files of its ``show("file#id")`` cells, the
    country (``country.yml``) when one of their written exercises shows facts of the briefing, the country and the
    taxonomy when it shows the briefing (``show_briefing()``), and the file a generated cell is made from."""
    nb = nbformat.read(project.notebooks / name, as_version=4)
    files: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            files |= {m.group(1) for m in _SHOW.finditer(cell.source)}
            for pattern, shown in _SHOWS_FILES.items():
                if pattern.search(cell.source):
                    files |= set(shown)
        files |= {_MADE_FROM[t] for t in cell.metadata.get("tags", []) if t in _MADE_FROM}
    if any(_facts_from_country(project.content / f) for f in list(files) if (project.content / f).exists()):
        files.add("country.yml")
    return files


def ready_notebooks(project: Project, lang: str, problems: dict[str, list[Problem]] | None = None) -> list[str]:
    """The English notebooks whose French edition can be built: their own text, every content file they show
    (:func:`shown_files`), the course order (titles on the progress table, the navigation) and the widget texts
    are all translated and current."""
    problems = problems if problems is not None else problems_by_domain(project, lang)
    if problems[UI_DOMAIN]:
        return []
    bad = {p.origin for ps in problems.values() for p in ps}
    ready = []
    for name in project.english_notebooks():
        if name in bad or "course.yml" in bad:
            continue
        nb = nbformat.read(project.notebooks / name, as_version=4)
        if any(set(c.metadata.get("tags", [])) & (GENERATED_TAGS - set(_GENERATORS)) for c in nb.cells):
            continue  # a cell made from content by a course tool: built once that tool writes French
        if not shown_files(project, name) & bad:
            ready.append(name)
    return ready


def check(project: Project, lang: str = "fr", only: Iterable[str] = ()) -> list[Problem]:
    """Every problem, or only those of the named English files or domains (``00_welcome.ipynb``, ``ui``).

    Besides the catalogues, the French notebooks are checked: each ready notebook must be built and current, and a
    French notebook must not exist for an English one that is not ready (it would show English or stale text).
    """
    only = set(only)
    by_domain = problems_by_domain(project, lang)
    found: list[Problem] = []
    for domain, problems in by_domain.items():
        # a stale template, catalogue or compiled file concerns every file: it is reported whatever ``only`` says
        found += [p for p in problems if not only or domain in only or p.origin in only
                  or p.origin.endswith((".pot", ".po", ".mo"))]
    ready = set(ready_notebooks(project, lang, by_domain))
    built = build_notebooks(project, lang, write=False, names=ready)
    for name in project.english_notebooks():
        if only and name not in only and NOTEBOOKS_DOMAIN not in only:
            continue
        target = project.edition(lang) / name
        if name in built:
            if not target.exists() or target.read_text(encoding="utf-8") != built[name]:
                found.append(Problem(name, "", "French notebook out of date", f"{target.name} (run: build-notebooks)"))
        elif target.exists():
            found.append(Problem(name, "", "French notebook not ready",
                                 "its catalogue entries are not all translated and current"))
    return found


def status(project: Project, lang: str = "fr") -> list[tuple[str, str, int, int, int, int]]:
    """Per English file: (domain, file, entries, translated and current, fuzzy, missing)."""
    rows: dict[tuple[str, str], list[int]] = {}
    for domain in DOMAINS:
        template = extract(project, domain)
        path = project.po(domain, lang)
        catalog = _read(path, lang) if path.exists() else _new_catalog(domain, lang)
        for t in template:
            if not t.id:
                continue
            origin = {UI_DOMAIN: "ssr_widgets/*.py"}.get(domain) or _origin(t)
            row = rows.setdefault((domain, origin), [0, 0, 0, 0])
            m = catalog.get(t.id, context=t.context)
            row[0] += 1
            if m is None or not _filled(m.string):
                row[3] += 1
            elif m.fuzzy:
                row[2] += 1
            else:
                row[1] += 1
    return [(d, f, *r) for (d, f), r in rows.items()]


# -- the French notebooks ----------------------------------------------------------------------------------------

def _translate_links(text: str, name: str, lang: str, french: set[str]) -> str:
    """Links to notebooks stay inside the edition; a notebook not yet in it is linked in English (``../``)."""
    here = Path(name).parent

    def repl(m: re.Match) -> str:
        target = m.group(2)
        if "://" in target or target.startswith("/"):
            return m.group(0)
        resolved = posixpath.normpath((here / target).as_posix())
        if resolved in french:
            return m.group(0)
        depth = len(here.parts) + 1  # from notebooks/<lang>/<here>/ back to notebooks/<here>/
        english = "/".join([".."] * depth + [resolved])
        return f"{m.group(1)}{english}{m.group(3) or ''}{m.group(4)}"

    return _LINK.sub(repl, text)


def _glossary_cell(lang: str) -> str:
    from ..glossary import glossary_markdown

    return glossary_markdown(language=lang)


#: The course tools that write a generated cell in another language, by the cell's tag: the French edition's
#: glossary page is the glossary tool's French list (terms, definitions and labels from the catalogues).
_GENERATORS = {"glossary": _glossary_cell}


def _language_cell(source: str, lang: str) -> str:
    m = _FIRST_IMPORT.match(source.strip())
    if not m:
        raise ValueError(f"the first code cell should import from ssr_widgets, not {source!r}")
    names = sorted({"set_language", *(n.strip() for n in m.group(1).split(","))})
    return f"from ssr_widgets import {', '.join(names)}\n\nset_language({lang!r})".replace("'", '"')


def build_notebooks(project: Project, lang: str = "fr", *, write: bool = True,
                    names: Iterable[str] | None = None) -> dict[str, str]:
    """The French notebooks (text of each file), from the English ones and the ``notebooks`` catalogue.

    Same file names, cells and cell ids; each Markdown paragraph is replaced by its translation, links to notebooks
    not yet in French lead to the English ones (a trainer-made notebook is in French once ``ssr-trainer build-quiz``
    wrote it there), and the first code cell also chooses the course language. Code
    cells are otherwise the English ones. With ``write``, the files are written to ``notebooks/<lang>/``.
    """
    names = sorted(ready_notebooks(project, lang) if names is None else names)
    catalog = _read(project.po(NOTEBOOKS_DOMAIN, lang), lang)
    french = set(names) | project.trainer_made(lang)  # links to the French evaluation and pre-test stay French
    out = {}
    for name in names:
        nb = nbformat.read(project.notebooks / name, as_version=4)
        first_code = True
        for cell in nb.cells:
            if _translated(cell):
                parts = paragraphs(cell.source)
                for i in range(0, len(parts), 2):
                    if parts[i].strip():
                        m = catalog.get(parts[i], context=f"{name}#{cell.id}:{i // 2 + 1}")
                        if m is None or not m.string or m.fuzzy:
                            raise ValueError(f"{name}: cell {cell.id}, paragraph {i // 2 + 1} is not translated")
                        parts[i] = _translate_links(m.string, name, lang, french)
                cell.source = "".join(parts)
            elif generated := [t for t in cell.metadata.get("tags", []) if t in _GENERATORS]:
                cell.source = _GENERATORS[generated[0]](lang)
            elif cell.cell_type == "code" and first_code:
                cell.source = _language_cell(cell.source, lang)
                first_code = False
        nb.metadata.setdefault("ssr_course", {})["language"] = lang
        text = nbformat.writes(nb) + "\n"
        out[name] = text
        if write:
            _write_if_changed(project.edition(lang) / name, text.encode("utf-8"))
    return out

