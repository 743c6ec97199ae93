"""Validate every course content file at once: ``python -m ssr_widgets.validate``.

Reports all problems in all files (not just the first), each naming file, exercise and field,
checks that each section in ``course.yml`` points to a content file that exists, validates
the scenario country (``country.yml``) that the scenario exercises rely on, checks that the facts
the written exercises show are in it, and checks that every
section, the country and the practice quiz key actors as the one taxonomy (``taxonomy.yml``) does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .loader import (
    CONTENT_DIR,
    COUNTRY_FILE,
    EVALUATION_FILE,
    PRETEST_FILE,
    TAXONOMY_FILE,
    content_files,
    load_course,
    load_section,
)
from .model import ContentError

__all__ = ["validate_all"]


def validate_all(content_dir: Path | None = None) -> list[str]:
    """Every problem found in the course order and the section files (empty list: all valid)."""
    folder = content_dir or CONTENT_DIR
    problems: list[str] = []
    try:
        course = load_course(folder)
    except ContentError as exc:
        problems.append(str(exc))
        course = None
    referenced = set()
    if course is not None:
        for s in course.sections:
            if s.content:
                referenced.add(s.content)
                if not (folder / s.content).exists():
                    problems.append(f"course.yml: section '{s.id}': field 'content': file {s.content} does not exist")
    for path in content_files(folder):
        try:
            section = load_section(path)
        except ContentError as exc:
            problems.append(str(exc))
            continue
        if course is not None:
            if path.name not in referenced:
                problems.append(f"{path.name}: not referenced by any section in course.yml")
            owner = next((s for s in course.sections if s.content == path.name), None)
            if owner is not None:
                if section.section != owner.id:
                    problems.append(
                        f"{path.name}: field 'section': is '{section.section}', but course.yml uses it for "
                        f"section '{owner.id}'"
                    )
                for ex in section.exercises.values():
                    if ex.objective not in owner.objectives:
                        problems.append(
                            f"{path.name}: exercise '{ex.id}': field 'objective': {ex.objective} is not an "
                            f"objective of section '{owner.id}' ({', '.join(owner.objectives)})"
                        )
    if (folder / COUNTRY_FILE).exists():
        from .country import load_country

        try:
            country = load_country(COUNTRY_FILE, folder)
        except ContentError as exc:
            problems.append(str(exc))
        else:  # the facts a written exercise shows must be in the country file
            from .written_work import check_facts

            for path in content_files(folder):
                try:
                    exercises = load_section(path).exercises.values()
                except ContentError:
                    continue  # reported above
                for ex in exercises:
                    problems.extend(check_facts(path.name, ex, country))
    if (folder / TAXONOMY_FILE).exists():
        from .taxonomy import check_content

        problems.extend(check_content(folder))
    if (folder / EVALUATION_FILE).exists():
        from .evaluation import load_evaluation

        try:
            load_evaluation(folder)
        except ContentError as exc:
            problems.append(str(exc))
    if (folder / PRETEST_FILE).exists():
        from .pretest import load_pretest

        try:
            load_pretest(folder)
        except ContentError as exc:
            problems.append(str(exc))
    from .loader import GLOSSARY_FILE

    if (folder / GLOSSARY_FILE).exists():
        from .glossary import load_glossary

        try:
            load_glossary(folder)
        except ContentError as exc:
            problems.append(str(exc))
    return problems


def main() -> int:
    problems = validate_all()
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the course content.", file=sys.stderr)
        return 1
    print(f"All course content is valid ({len(content_files())} section files).")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
