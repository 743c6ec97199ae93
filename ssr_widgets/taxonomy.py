"""The course's one taxonomy of actors (``content/taxonomy.yml``), validated, and the checks that keep every
section, the scenario country and the quiz banks keyed the same way.

A learner who is taught in Section 1 that customary courts deliver justice must not be marked wrong in Section 3
for saying so. So the levels and roles live in one data file, every kind of actor the course names has exactly
one role there, and :func:`check_content` reports any exercise, country actor or quiz key that disagrees.

Run ``python -m ssr_widgets.taxonomy --check`` (or ``--write``) to check (or rewrite) the role tables that the
section notebooks show in cells tagged ``taxonomy-roles`` and ``taxonomy-roles-compared``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator

from .loader import CONTENT_DIR, TAXONOMY_FILE, _localised, _read_yaml, describe_errors, item_locator
from .model import ActorMapExercise, ClassifyExercise, ContentError, Identifier, Text, _Frozen, _unique
from .translation import SOURCE_LANGUAGE, get_language

__all__ = [
    "QuizKey",
    "Role",
    "Taxonomy",
    "check_content",
    "check_quiz_keys",
    "load_taxonomy",
    "roles_table_markdown",
    "sync_notebooks",
]

#: Tags of the notebook cells whose whole text is a generated role table.
TABLE_TAGS = {"taxonomy-roles": False, "taxonomy-roles-compared": True}


class Level(_Frozen):
    """Where an actor works: local, national, regional or international."""

    id: Identifier
    label: Text
    description: Text


class Role(_Frozen):
    """What an actor does for security, and how other lists (UN, OECD DAC) group it."""

    id: Identifier
    label: Text
    description: Text
    compared: Text = ""


class Kind(_Frozen):
    """A kind of actor the course names (``police``, ``ombudsperson``), with the one role the course gives it."""

    id: Identifier
    label: Text
    role: Identifier


class QuizKey(_Frozen):
    """A quiz item that asks for an actor's role: the role asked, and the kind of actor in each listed option."""

    bank: Annotated[str, Field(pattern=r"^[\w-]+\.ya?ml$")]
    item: Identifier
    asks: Identifier
    options: Annotated[dict[str, Identifier], Field(min_length=1)]


class Taxonomy(_Frozen):
    """The whole taxonomy, as ``taxonomy.yml`` holds it."""

    levels: Annotated[tuple[Level, ...], Field(min_length=2)]
    roles: Annotated[tuple[Role, ...], Field(min_length=2)]
    outside: Role
    kinds: Annotated[tuple[Kind, ...], Field(min_length=1)]
    quiz_keys: tuple[QuizKey, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Taxonomy:
        _unique([lv.id for lv in self.levels], "levels")
        role_ids = [r.id for r in self.roles]
        _unique([*role_ids, self.outside.id], "roles")
        _unique([k.id for k in self.kinds], "kinds")
        allowed = [*role_ids, self.outside.id]
        kind_ids = {k.id for k in self.kinds}
        for k in self.kinds:
            if k.role not in allowed:
                raise ValueError(f"kind '{k.id}' has role '{k.role}', which is not one of the roles: {', '.join(allowed)}")
        for q in self.quiz_keys:
            if q.asks not in allowed:
                raise ValueError(f"quiz key {q.bank}#{q.item} asks for role '{q.asks}', which is not a role")
            for option, kind in q.options.items():
                if kind not in kind_ids:
                    raise ValueError(f"quiz key {q.bank}#{q.item}: option {option} names kind '{kind}', "
                                     "which is not one of the kinds")
        return self

    # ------------------------------------------------------------------ look-ups
    @property
    def level_labels(self) -> dict[str, str]:
        return {lv.id: lv.label for lv in self.levels}

    @property
    def role_labels(self) -> dict[str, str]:
        return {r.id: r.label for r in self.roles}

    def kind(self, kind_id: str) -> Kind:
        for k in self.kinds:
            if k.id == kind_id:
                return k
        raise KeyError(kind_id)

    def category(self, role_id: str) -> Role:
        """A role, or the ``outside`` box (``KeyError`` if neither)."""
        for r in (*self.roles, self.outside):
            if r.id == role_id:
                return r
        raise KeyError(role_id)


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int, language: str = SOURCE_LANGUAGE) -> Taxonomy:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected a mapping with 'levels', 'roles', 'outside' and 'kinds'")
    data = _localised(data, path.name, language)
    try:
        return Taxonomy.model_validate(data)
    except ValidationError as exc:
        names = {"kinds": "kind", "roles": "role", "levels": "level"}

        def locate(loc: list[Any]) -> tuple[str, list[Any]]:
            for list_name, noun in names.items():
                where, rest = item_locator(list_name, data, noun)(loc)
                if where:
                    return where, rest
            return "", loc

        raise describe_errors(exc, path.name, locate) from None


def load_taxonomy(content_dir: Path | None = None, *, language: str | None = None) -> Taxonomy:
    """Load and validate ``taxonomy.yml`` (from ``content_dir``, by default the course content).

    Its labels and descriptions are in ``language``, by default the course language of this kernel; the ids are
    the English file's in every language.
    """
    path = (content_dir or CONTENT_DIR) / TAXONOMY_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ContentError(f"{path.name}: content file not found (looked in {path.parent})") from None
    return _load_cached(path, mtime, language or get_language())


# ------------------------------------------------------------------------------------ checks
def _check_boxes(where: str, boxes: Iterable[Any], taxonomy: Taxonomy, what: str, allowed: Mapping[str, str]) -> list[str]:
    problems = []
    for box in boxes:
        if box.id not in allowed:
            problems.append(f"{where}: {what} '{box.id}' is not in taxonomy.yml ({', '.join(allowed)})")
        elif box.label != allowed[box.id]:
            problems.append(f"{where}: {what} '{box.id}' is labelled {box.label!r}, but taxonomy.yml says "
                            f"{allowed[box.id]!r}")
    return problems


def check_exercise(file: str, exercise: Any, taxonomy: Taxonomy) -> list[str]:
    """Problems with how one exercise uses the taxonomy (an empty list if it does not use it, or uses it right)."""
    where = f"{file}#{exercise.id}"
    problems: list[str] = []
    if isinstance(exercise, ClassifyExercise) and exercise.taxonomy == "roles":
        boxes = {**taxonomy.role_labels, taxonomy.outside.id: taxonomy.outside.label}
        problems += _check_boxes(where, exercise.categories, taxonomy, "box", boxes)
        for item in exercise.items:
            try:
                kind = taxonomy.kind(item.actor or "")
            except KeyError:
                problems.append(f"{where}: item '{item.id}' names actor kind '{item.actor}', which is not in taxonomy.yml")
                continue
            if item.category != kind.role:
                problems.append(f"{where}: item '{item.id}' ({kind.label}) is keyed '{item.category}', but "
                                f"taxonomy.yml gives the role '{kind.role}'")
    if isinstance(exercise, ActorMapExercise):
        problems += _check_boxes(where, exercise.levels, taxonomy, "level", taxonomy.level_labels)
        problems += _check_boxes(where, exercise.roles, taxonomy, "role", taxonomy.role_labels)
    return problems


def check_country(country: Any, taxonomy: Taxonomy, file: str = "country.yml") -> list[str]:
    """Every country actor names a kind of the taxonomy and has that kind's role."""
    problems = []
    for actor in country.actors:
        try:
            kind = taxonomy.kind(actor.kind)
        except KeyError:
            problems.append(f"{file}: actor '{actor.id}' names kind '{actor.kind}', which is not in taxonomy.yml")
            continue
        if actor.role != kind.role:
            problems.append(f"{file}: actor '{actor.id}' ({kind.label}) has role '{actor.role}', but "
                            f"taxonomy.yml gives the role '{kind.role}'")
    return problems


def check_quiz_keys(bank: str, keyed: Mapping[str, Mapping[str, bool]], taxonomy: Taxonomy) -> list[str]:
    """Check the quiz keys of one bank. ``keyed`` maps item id → option id → is the option keyed right."""
    problems = []
    for q in taxonomy.quiz_keys:
        if q.bank != bank:
            continue
        where = f"taxonomy.yml: quiz key {bank}#{q.item}"
        if q.item not in keyed:
            problems.append(f"{where}: no such item in {bank}")
            continue
        for option, kind_id in q.options.items():
            if option not in keyed[q.item]:
                problems.append(f"{where}: the item has no option '{option}'")
                continue
            kind = taxonomy.kind(kind_id)
            should = kind.role == q.asks
            if keyed[q.item][option] != should:
                state = "keyed right" if keyed[q.item][option] else "keyed wrong"
                problems.append(f"{bank}#{q.item}: option {option} ({kind.label}, role '{kind.role}') is {state}, "
                                f"but the item asks for role '{q.asks}'")
    return problems


def check_content(content_dir: Path | None = None) -> list[str]:
    """Every use of the taxonomy in a content folder: section files, the country file and the practice quiz keys."""
    from .country import load_country
    from .loader import COUNTRY_FILE, content_files, load_section

    folder = content_dir or CONTENT_DIR
    en = SOURCE_LANGUAGE  # labels are compared with labels: all in the English the files are written in
    try:
        taxonomy = load_taxonomy(folder, language=en)
    except ContentError as exc:
        return [str(exc)]
    problems: list[str] = []
    keyed: dict[str, dict[str, dict[str, bool]]] = {}
    for path in content_files(folder):
        try:
            section = load_section(path, language=en)
        except ContentError:
            continue  # reported by validate_all
        for ex in section.exercises.values():
            problems += check_exercise(path.name, ex, taxonomy)
            if ex.kind == "choice":
                keyed.setdefault(path.name, {})[ex.id] = {o.id: o.correct for o in ex.options}
    banks_here = {q.bank for q in taxonomy.quiz_keys if (folder / q.bank).exists()}
    for bank in sorted(banks_here):
        problems += check_quiz_keys(bank, keyed.get(bank, {}), taxonomy)
    if (folder / COUNTRY_FILE).exists():
        with contextlib.suppress(ContentError):  # a broken country file is reported by validate_all
            problems += check_country(load_country(COUNTRY_FILE, folder, language=en), taxonomy)
    return problems


# --------------------------------------------------------------------------- notebook tables
def _kinds_of(taxonomy: Taxonomy, role_id: str) -> str:
    labels = [k.label for k in taxonomy.kinds if k.role == role_id]
    return "; ".join(lab[0].lower() + lab[1:] if not lab[:2].isupper() else lab for lab in labels)


def roles_table_markdown(taxonomy: Taxonomy | None = None, *, compared: bool = False) -> str:
    """The course's roles as a Markdown table: each role, what it means, the kinds of actor in it (and, with
    ``compared``, how the UN and the OECD DAC group them)."""
    t = taxonomy or load_taxonomy()
    head = "**The roles this course uses in every section, in the country briefing and in the quizzes:**\n\n"
    if compared:
        rows = ["| Role | What it means | Kinds of actor | How the UN and the OECD DAC group them |",
                "|---|---|---|---|"]
        rows += [f"| **{r.label}** | {r.description} | {_kinds_of(t, r.id)} | {r.compared} |" for r in t.roles]
    else:
        rows = ["| Role | What it means | Kinds of actor |", "|---|---|---|"]
        rows += [f"| **{r.label}** | {r.description} | {_kinds_of(t, r.id)} |" for r in t.roles]
    return head + "\n".join(rows)


def sync_notebooks(root: Path, *, write: bool) -> list[str]:
    """Rewrite (``write``) or list the out-of-date role tables in the notebooks under ``root/notebooks``."""
    import nbformat

    stale = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            for tag, compared in TABLE_TAGS.items():
                if tag in tags:
                    want = roles_table_markdown(compared=compared)
                    if cell.source != want:
                        stale.append(f"{path.name}: the cell tagged '{tag}' is not the current role table "
                                     "(run python -m ssr_widgets.taxonomy --write)")
                        cell.source = want
                        changed = True
        if changed and write:
            nbformat.write(nb, path)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the taxonomy's use, and the role tables in the notebooks.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report problems; exit 1 if there are any")
    mode.add_argument("--write", action="store_true", help="rewrite the role tables in the notebooks")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    problems = check_content()
    stale = sync_notebooks(args.root, write=args.write)
    for p in [*problems, *([] if args.write else stale)]:
        print(p, file=sys.stderr)
    if args.write and stale:
        print(f"Rewrote {len(stale)} role table(s).")
    return 1 if problems or (stale and not args.write) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
