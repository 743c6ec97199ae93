"""Navigation generated from the course order, so titles and order live in one place.

``course.yml`` is the only list of sections. This module writes, from it, the navigation cells
of every notebook (cells tagged ``nav``), the course map in the welcome notebook (the cell
tagged ``course-map``) and the map in ``README.md`` (between ``course-map`` markers). A reference page beside the
course order (the glossary) is listed under the map and gets a navigation line back to it.
It also marks every course notebook as one whose cells may run when it opens (notebook metadata
``ssr_course.run_on_open``, read by the course's JupyterLab extension in ``jupyter-config/``, which
runs only notebooks that are also trusted), and puts the same one-line fallback, "Run All Cells",
under the top navigation of every section (the cell tagged ``run-hint``).
Run ``python -m ssr_widgets.navigation --write`` after changing ``course.yml``;
``--check`` (used by CI) fails if anything is out of date.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
from pathlib import Path

from .model import Course, Section

__all__ = ["RUN_HINT", "course_map_markdown", "nav_markdown", "objectives_markdown", "reference_nav_markdown", "sync"]

NAV_TAG = "nav"
MAP_TAG = "course-map"
OBJECTIVES_TAG = "objectives"
README_START = "<!-- course-map:start (generated from ssr_widgets/content/course.yml) -->"
README_END = "<!-- course-map:end -->"
RUN_HINT_TAG = "run-hint"
METADATA_KEY = "ssr_course"
RUN_ON_OPEN = {"run_on_open": True}
RUN_HINT = (
    "*The exercises appear a few seconds after this page opens. If they do not appear, or disappear later, "
    "open the menu **Run** and choose **Run All Cells**.*"
)


def nav_markdown(course: Course, section_id: str) -> str:
    """The navigation line for one notebook: previous, course map, next.

    Links are relative to the notebook's own folder, so a notebook one folder down
    (``quiz/practice_quiz.ipynb``) links to ``../04_support.ipynb``.
    """
    sections = list(course.sections)
    i = next(n for n, s in enumerate(sections) if s.id == section_id)
    here = posixpath.dirname(sections[i].notebook)
    parts = []
    if i > 0:
        parts.append(f"← Previous: {_link(sections[i - 1], here=here)}")
    if i > 0:
        parts.append(f"[Course map]({_relative(sections[0].notebook, here)}#Course-map)")
    if i + 1 < len(sections):
        parts.append(f"Next: {_link(sections[i + 1], here=here)} →")
    return "**Course navigation** — " + " · ".join(parts)


def reference_nav_markdown(course: Course) -> str:
    """The navigation line of a reference page (the glossary): it is not a step of the course, so only the map."""
    return f"**Course navigation** — [Course map]({course.sections[0].notebook}#Course-map)"


def _relative(notebook: str, here: str) -> str:
    """The path of ``notebook`` (relative to ``notebooks/``) as seen from the folder ``here`` (same base)."""
    return posixpath.relpath(notebook, here) if here else notebook


def _link(section: Section, prefix: str = "", here: str = "") -> str:
    if section.available:
        return f"[{section.title}]({prefix}{_relative(section.notebook, here)})"
    return f"{section.title} (in preparation)"


def course_map_markdown(course: Course, prefix: str = "") -> str:
    """The course map: every section with its objectives and estimated minutes."""
    lines = [
        "| Part | Learning objectives | Minutes |",
        "|---|---|---|",
    ]
    for s in course.sections:
        objectives = ", ".join(s.objectives) if s.objectives else "—"
        title = _link(s, prefix)
        summary = f"<br>{s.summary}" if s.summary else ""
        lines.append(f"| {title}{summary} | {objectives} | {s.minutes} |")
    total = sum(s.minutes for s in course.sections)
    hours, minutes = divmod(total, 60)
    lines.append("")
    lines.append(f"Estimated time in all: **{total} minutes** (about {hours} h {minutes:02d} min).")
    if course.glossary:
        g = course.glossary
        lines.append("")
        lines.append(f"**[{g.title}]({prefix}{g.notebook})**" + (f": {g.summary}" if g.summary else ""))
    return "\n".join(lines)


def objectives_markdown(course: Course) -> str:
    """The learning objectives as a numbered list, with the section that teaches each (never the practice quiz)."""
    taught_in = {lo: s.title for s in course.sections if not s.practice for lo in s.objectives}
    lines = ["At the end of the course, you will be able to:", ""]
    for n, o in enumerate(course.objectives, 1):
        where = f" *({taught_in[o.id]})*" if o.id in taught_in else ""
        lines.append(f"{n}. **{o.id}** — {o.text}{where}")
    return "\n".join(lines)


def sync(root: Path, *, write: bool) -> list[str]:
    """Bring generated navigation up to date (``write``) or list what is out of date.

    Returns a list of problems (file names with what differs); empty when all is in sync.
    """
    import nbformat

    from .loader import load_course

    course = load_course()
    nb_dir = root / "notebooks"
    problems: list[str] = []
    listed = {s.notebook for s in course.sections} | ({course.glossary.notebook} if course.glossary else set())
    for path in sorted(nb_dir.glob("*.ipynb")):
        if path.name not in listed:
            problems.append(f"{path.name}: notebook is not listed in course.yml")
    for s in course.sections:
        path = nb_dir / s.notebook
        if not s.available:
            if path.exists():
                problems.append(f"{s.notebook}: exists, but course.yml marks it 'available: false'")
            continue
        if not path.exists():
            problems.append(f"{s.notebook}: listed in course.yml but missing")
            continue
        nb = nbformat.read(path, as_version=4)
        wanted = {
            NAV_TAG: nav_markdown(course, s.id),
            MAP_TAG: course_map_markdown(course),
            OBJECTIVES_TAG: objectives_markdown(course),
        }
        changed = False
        found_nav = 0
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            for tag, text in wanted.items():
                if tag in tags:
                    found_nav += tag == NAV_TAG
                    if cell.source != text:
                        changed = True
                        cell.source = text
        if found_nav == 0:
            problems.append(f"{s.notebook}: has no cell tagged '{NAV_TAG}'")
        if nb.metadata.get(METADATA_KEY) != RUN_ON_OPEN:
            changed = True
            nb.metadata[METADATA_KEY] = dict(RUN_ON_OPEN)
        if s.id != course.sections[0].id and _sync_run_hint(nb):
            changed = True
        if changed:
            if write:
                nbformat.write(nb, path)
            else:
                problems.append(f"{s.notebook}: navigation, course map, run hint or run-on-open marker is out of date")
    if course.glossary:
        problems += _sync_reference(nb_dir / course.glossary.notebook, reference_nav_markdown(course), write=write)
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        if README_START in text and README_END in text:
            head, rest = text.split(README_START, 1)
            _, tail = rest.split(README_END, 1)
            new = f"{head}{README_START}\n{course_map_markdown(course, prefix='notebooks/')}\n{README_END}{tail}"
            if new != text:
                if write:
                    readme.write_text(new, encoding="utf-8")
                else:
                    problems.append("README.md: course map is out of date")
        else:
            problems.append("README.md: course-map markers are missing")
    return problems


def _sync_reference(path: Path, nav: str, *, write: bool) -> list[str]:
    """A reference page's navigation cells (tagged ``nav``) lead back to the course map."""
    import nbformat

    if not path.exists():
        return [f"{path.name}: listed in course.yml but missing"]
    nb = nbformat.read(path, as_version=4)
    navs = [c for c in nb.cells if NAV_TAG in c.get("metadata", {}).get("tags", [])]
    if not navs:
        return [f"{path.name}: has no cell tagged '{NAV_TAG}'"]
    stale = [c for c in navs if c.source != nav]
    if not stale:
        return []
    if not write:
        return [f"{path.name}: navigation is out of date"]
    for c in stale:
        c.source = nav
    nbformat.write(nb, path)
    return []


def _sync_run_hint(nb) -> bool:
    """Put the "Run All Cells" fallback right under the notebook's first navigation cell; True if changed."""
    import nbformat

    tagged = [c for c in nb.cells if RUN_HINT_TAG in c.get("metadata", {}).get("tags", [])]
    nav_at = next((n for n, c in enumerate(nb.cells) if NAV_TAG in c.get("metadata", {}).get("tags", [])), None)
    if nav_at is None:
        return False  # reported as a missing navigation cell
    want_at = nav_at + 1
    if len(tagged) == 1 and nb.cells.index(tagged[0]) == want_at:
        if tagged[0].source == RUN_HINT:
            return False
        tagged[0].source = RUN_HINT
        return True
    for cell in tagged:
        nb.cells.remove(cell)
    nb.cells.insert(want_at, nbformat.v4.new_markdown_cell(RUN_HINT, metadata={"tags": [RUN_HINT_TAG]}))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate notebook navigation and course maps from course.yml.",
        epilog="Examples:\n  python -m ssr_widgets.navigation --check\n  python -m ssr_widgets.navigation --write",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report what is out of date; exit 1 if anything is")
    mode.add_argument("--write", action="store_true", help="rewrite generated cells and the README map")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current folder)")
    args = parser.parse_args(argv)
    problems = sync(args.root, write=args.write)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print("Navigation is in sync with course.yml." if args.check else "Navigation written from course.yml.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
