"""The actor map as an SVG picture, built from string templates (no plotting library in the kernel).

Rows are levels, columns are roles; each actor stands in the cell where it belongs, marked ✔
(placed right), ✘ with "you chose: ..." (placed wrong) or "?" (not placed), so the marks read
in words and symbols, not colour alone. Coordination links are arrows with a label. Every text
is escaped. The picture carries ``role="img"``, a ``<title>`` and an ``aria-label``; the view
lists the same links as text for screen readers. It is drawn at its own size (12 px text), never
shrunk: on a narrow screen the view lets it scroll sideways, and shows the same data as a table.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

from ._view import esc
from .model import Actor, ActorMapExercise
from .translation import _, ngettext

__all__ = ["actor_map_svg"]

_HEAD_W = 100  # the level names on the left
_COL_W = 150
_LINE_H = 15
_PAD = 10
_LABEL_ROOM = 16  # free space at the foot of each row, where curved links and their labels can run
_GAP = 8  # between two actors in one cell
_CHAR_W = 6.6  # a rough width of one character at 12 px, to keep lines clear of the text
_WRAP = 21
_COLOURS = {"ok": "#1e5e2b", "wrong": "#8a1f11", "open": "#444444"}


def _entry(exercise: ActorMapExercise, actor: Actor, answer: Mapping[str, str]) -> tuple[str, list[str], int]:
    """(state, text lines, how many of them are the name) for one actor in its right cell."""
    if not answer:
        name = textwrap.wrap(f"? {actor.name}", _WRAP)
        return "open", [*name, _("(not placed)")], len(name)
    if answer.get("level") == actor.level and answer.get("role") == actor.role:
        name = textwrap.wrap(f"✔ {actor.name}", _WRAP)
        return "ok", name, len(name)
    level = exercise.level(answer["level"]).label if answer.get("level") else _("no level")
    role = exercise.role(answer["role"]).label if answer.get("role") else _("no role")
    name = textwrap.wrap(f"✘ {actor.name}", _WRAP)
    chose = _("you chose: {level} · {role}").format(level=level, role=role)
    return "wrong", [*name, *textwrap.wrap(chose, _WRAP)], len(name)


def _text(x: float, y: float, lines: list[str], *, colour: str = "#222", bold: bool = False,
          italic_from: int | None = None) -> str:
    """A centred, multi-line text with a white halo so lines under it stay readable."""
    spans = []
    for n, line in enumerate(lines):
        style = ' font-style="italic"' if italic_from is not None and n >= italic_from else ""
        spans.append(f'<tspan x="{x:.0f}" dy="{0 if n == 0 else _LINE_H}"{style}>{esc(line)}</tspan>')
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="middle" fill="{colour}"{weight} paint-order="stroke" '
            f'stroke="#fff" stroke-width="3" stroke-linejoin="round">{"".join(spans)}</text>')


Point = tuple[float, float]


def _clip(centre: Point, half: Point, towards: Point) -> Point:
    """Where a line from ``centre`` to ``towards`` leaves the box around ``centre`` (plus a margin)."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    t = min(half[0] / abs(dx) if dx else math.inf, half[1] / abs(dy) if dy else math.inf)
    t = min(t, 1.0)
    length = math.hypot(dx, dy)
    margin = min(4 / length, 1 - t) if length else 0
    return centre[0] + dx * (t + margin), centre[1] + dy * (t + margin)


def _bend(p1: tuple[float, float], p2: tuple[float, float]) -> tuple[float, float]:
    """The control point of a link's curve: it bows away from the straight line, downwards or to the
    right, so that its label sits off the line of actor names between the two ends."""
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length  # a unit normal
    if ny < 0 or (ny == 0 and nx < 0):
        nx, ny = -nx, -ny
    depth = min(max(0.3 * length, 24.0), 60.0)
    return (p1[0] + p2[0]) / 2 + nx * depth, (p1[1] + p2[1]) / 2 + ny * depth


def actor_map_svg(exercise: ActorMapExercise, placed: Mapping[str, Mapping[str, str]]) -> str:
    """The map with every actor in its right cell and the learner's placements marked in text."""
    role_heads = [textwrap.wrap(r.label, 19) for r in exercise.roles]
    head_h = _PAD * 2 + _LINE_H * max(len(h) for h in role_heads)
    entries = {a.id: _entry(exercise, a, placed.get(a.id, {})) for a in exercise.actors}

    def block_h(actor_id: str) -> int:
        return _LINE_H * len(entries[actor_id][1])

    row_h = {}
    for lv in exercise.levels:
        tallest = 0
        for r in exercise.roles:
            ids = [a.id for a in exercise.actors if a.level == lv.id and a.role == r.id]
            tallest = max(tallest, sum(block_h(i) for i in ids) + _GAP * max(len(ids) - 1, 0))
        row_h[lv.id] = max(tallest + 2 * _PAD, 2 * _LINE_H) + _LABEL_ROOM
    width = _HEAD_W + _COL_W * len(exercise.roles)
    height = head_h + sum(row_h.values())

    grid, actors = [], []
    anchors: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
    for c, head in enumerate(role_heads):
        x = _HEAD_W + c * _COL_W
        grid.append(_text(x + _COL_W / 2, _PAD + 11, head, bold=True))
    y = head_h
    for lv in exercise.levels:
        h = row_h[lv.id]
        grid.append(f'<rect x="0" y="{y}" width="{width}" height="{h}" fill="none" stroke="#bbb"/>')
        lines = textwrap.wrap(lv.label, 13)
        grid.append(_text(_HEAD_W / 2, y + h / 2 - _LINE_H * (len(lines) - 1) / 2 + 4, lines, bold=True))
        for c, r in enumerate(exercise.roles):
            x = _HEAD_W + c * _COL_W
            grid.append(f'<rect x="{x}" y="{y}" width="{_COL_W}" height="{h}" fill="none" stroke="#bbb"/>')
            top = y + _PAD
            for a in (a for a in exercise.actors if a.level == lv.id and a.role == r.id):
                state, text, n_name = entries[a.id]
                cx = x + _COL_W / 2
                actors.append(_text(cx, top + 11, text, colour=_COLOURS[state], italic_from=n_name))
                half = (max(len(t) for t in text) * _CHAR_W / 2, block_h(a.id) / 2)
                anchors[a.id] = ((cx, top + block_h(a.id) / 2), half)
                top += block_h(a.id) + _GAP
        y += h

    marker = f"ssr-arrow-{exercise.id}"
    links = []
    for link in exercise.links:
        (p1, h1), (p2, h2) = anchors[link.source], anchors[link.target]
        bend = _bend(p1, p2)
        x1, y1 = _clip(p1, h1, bend)
        x2, y2 = _clip(p2, h2, bend)
        links.append(f'<path d="M {x1:.0f} {y1:.0f} Q {bend[0]:.0f} {bend[1]:.0f} {x2:.0f} {y2:.0f}" fill="none" '
                     f'stroke="#5b7fa6" stroke-width="1.5" marker-end="url(#{marker})"/>')
        mid_x, mid_y = (x1 + 2 * bend[0] + x2) / 4, (y1 + 2 * bend[1] + y2) / 4  # the curve's midpoint
        links.append(_text(mid_x, mid_y + 4, textwrap.wrap(link.label, 24), colour="#23466e"))

    n_actors, n_links = len(exercise.actors), len(exercise.links)
    label = " ".join((
        ngettext("Actor map: {n} actor by level (rows) and role (columns),",
                 "Actor map: {n} actors by level (rows) and role (columns),", n_actors).format(n=n_actors),
        ngettext("with {n} coordination link.", "with {n} coordination links.", n_links).format(n=n_links),
        _("The same information is written out below the map."),
    ))
    title = _("{title}: actor map").format(title=exercise.title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{esc(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="font: 12px sans-serif;">'
        f"<title>{esc(title)}</title>"
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5b7fa6"/></marker></defs>'
        f'{"".join(grid)}{"".join(links)}{"".join(actors)}</svg>'
    )
