"""Load course content from YAML into the model, with errors a content author can act on.

A reference such as ``"01_concept.yml#security-sector-sort"`` names a file in the content
folder and an exercise in it. Any problem is raised as :class:`~ssr_widgets.model.ContentError`
naming the file, the exercise id and the field, never as a bare traceback from YAML or pydantic.

In another course language (``ssr_widgets.translation.set_language("fr")``) the same English YAML is read, and
each learner-facing text is replaced by its translation before validation (``translation/fields.py``): ids,
answer keys and the course order exist once, in the English files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .model import EXERCISE_KINDS, ContentError, Course, Exercise, SectionContent
from .translation import SOURCE_LANGUAGE, content_text, get_language

__all__ = ["CONTENT_DIR", "content_files", "load_course", "load_exercise", "load_section"]

#: Course content ships inside the package, so an installed course (Binder, JupyterHub) has it.
CONTENT_DIR = Path(__file__).parent / "content"
COURSE_FILE = "course.yml"
#: The scenario country shared by Sections 2-4 (see ``country.py``): content, but not a section file.
COUNTRY_FILE = "country.yml"
#: The course evaluation form (see ``evaluation.py``): content, but not a section file.
EVALUATION_FILE = "evaluation.yml"
#: The one taxonomy of actor levels and roles (see ``taxonomy.py``): content, but not a section file.
TAXONOMY_FILE = "taxonomy.yml"
#: The course glossary (see ``glossary.py``): content, but not a section file.
GLOSSARY_FILE = "glossary.yml"
#: The pre-test (see ``pretest.py``): questions named by reference, not a section file.
PRETEST_FILE = "pre_test.yml"

try:  # the C loader is several times faster; fall back where libyaml is missing
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path.name}: content file not found (looked in {path.parent})") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(f"{path.name}: YAML syntax error{where}: {problem}") from None


def _localised(data: Any, file: str, language: str) -> Any:
    """The file's data with its texts in ``language`` (English: the data itself, untouched)."""
    if language == SOURCE_LANGUAGE:
        return data
    from .translation.fields import localise

    return localise(data, file, lambda context, text: content_text(context, text, language))


Locator = Callable[[list[Any]], tuple[str, list[Any]]]


def describe_errors(exc: ValidationError, file: str, locate: Locator) -> ContentError:
    """Turn pydantic's error list into lines ``file: <where>: field '<path>': <message>``.

    ``locate`` turns an error's location into the thing an author recognises (an exercise, an
    actor, a quiz item) and the rest of the path, the field. Shared by every YAML file's loader.
    """
    errors = exc.errors()
    # A bad element also makes its list "too short"; report only the element's own problem.
    deeper = [tuple(e["loc"]) for e in errors]
    errors = [
        e
        for e in errors
        if e["type"] != "too_short" or not any(len(d) > len(e["loc"]) and d[: len(e["loc"])] == tuple(e["loc"])
                                               for d in deeper)
    ]
    lines = []
    for err in errors:
        where, loc = locate(list(err["loc"]))
        field = _field_path(loc)
        msg = err["msg"].removeprefix("Value error, ")
        parts = [file, *([where] if where else []), *([f"field '{field}'"] if field else []), msg]
        lines.append(": ".join(parts))
    return ContentError("\n".join(lines))


def item_locator(list_name: str, data: Any, noun: str) -> Locator:
    """A locator naming list elements by their ``id`` (``actor 'police'``) instead of an index."""

    def locate(loc: list[Any]) -> tuple[str, list[Any]]:
        if len(loc) >= 2 and loc[0] == list_name and isinstance(loc[1], int):
            try:
                item_id = data[list_name][loc[1]]["id"]
            except (KeyError, IndexError, TypeError):
                item_id = None
            return (f"{noun} '{item_id}'" if item_id else f"{list_name}[{loc[1]}]"), loc[2:]
        return "", loc

    return locate


def _exercise_locator(top: str) -> Locator:
    def locate(loc: list[Any]) -> tuple[str, list[Any]]:
        if len(loc) >= 2 and loc[0] == "exercises":
            rest = loc[2:]
            # a discriminated union puts the kind name in the path: not a field the author wrote
            if rest and rest[0] in EXERCISE_KINDS:
                rest = rest[1:]
            return f"exercise '{loc[1]}'", rest
        return top, loc

    return locate


def _field_path(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@functools.lru_cache(maxsize=32)
def _load_section_cached(path: Path, mtime_ns: int, language: str = SOURCE_LANGUAGE) -> SectionContent:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected a mapping with 'section' and 'exercises' at the top")
    data = _localised(data, path.name, language)
    try:
        return SectionContent.model_validate(data)
    except ValidationError as exc:
        raise describe_errors(exc, path.name, _exercise_locator("top level")) from None
    except ValueError as exc:  # raised by the before-validator on ids
        raise ContentError(f"{path.name}: {exc}") from None


def load_section(file: str | Path, content_dir: Path | None = None, *, language: str | None = None) -> SectionContent:
    """Load and validate one section's exercise file.

    Parameters
    ----------
    file : str or Path
        File name inside the content folder (``"01_concept.yml"``) or a path.
    content_dir : Path, optional
        Folder to look in; defaults to the package's content folder.
    language : str, optional
        The texts' language; defaults to the course language of this kernel (English unless one was chosen).
    """
    path = Path(file)
    if not path.is_absolute():
        path = (content_dir or CONTENT_DIR) / path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ContentError(f"{path.name}: content file not found (looked in {path.parent})") from None
    return _load_section_cached(path, mtime, language or get_language())


def load_exercise(ref: str, content_dir: Path | None = None, *, language: str | None = None) -> Exercise:
    """Load one exercise from a ``"file.yml#exercise-id"`` reference.

    The file is looked up in ``content_dir`` (the course content by default), unless it is an
    absolute path, as in ``"/path/to/draft.yml#exercise-id"`` (handy for drafts and tests).
    """
    file, sep, ex_id = ref.partition("#")
    if not sep or not file or not ex_id:
        raise ContentError(f"'{ref}': a reference looks like '01_concept.yml#exercise-id'")
    section = load_section(file, content_dir, language=language)
    try:
        return section.exercises[ex_id]
    except KeyError:
        known = ", ".join(section.exercises) or "none"
        raise ContentError(f"{Path(file).name}: no exercise '{ex_id}' (exercises in this file: {known})") from None


def load_course(content_dir: Path | None = None, *, language: str | None = None) -> Course:
    """Load the course order (``course.yml``), its titles in ``language`` (default: the kernel's course language)."""
    path = (content_dir or CONTENT_DIR) / COURSE_FILE
    data = _localised(_read_yaml(path), COURSE_FILE, language or get_language())
    try:
        return Course.model_validate(data)
    except ValidationError as exc:
        raise describe_errors(exc, path.name, _exercise_locator("course")) from None


def content_files(content_dir: Path | None = None) -> list[Path]:
    """Every section content file (all YAML files except the course order, the scenario country, the evaluation,
    the taxonomy, the pre-test and the glossary)."""
    folder = content_dir or CONTENT_DIR
    not_sections = (COURSE_FILE, COUNTRY_FILE, EVALUATION_FILE, TAXONOMY_FILE, PRETEST_FILE, GLOSSARY_FILE)
    return sorted(p for p in folder.glob("*.y*ml") if p.name not in not_sections)
