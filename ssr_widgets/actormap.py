"""Actor-mapping exercise view: give each actor a level and a role, then see the map and its links.

Each actor gets two labelled drop-down lists (level, role): native controls that keyboards and
screen readers handle. The lists' labels carry the actor's name for screen readers, so "level"
is never announced without saying whose. After Check, an SVG map shows where every actor
belongs, marks the learner's wrong placements in words, and draws the coordination links,
which are listed again as text below the picture.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._choices import choice_list
from ._mapsvg import actor_map_svg
from ._view import ExerciseView, esc
from .checking import Feedback, check_actormap
from .model import ActorMapExercise
from .progress import ProgressStore
from .translation import _

__all__ = ["ActorMap"]

_UNSET = ""
_PARTS = ("level", "role")


class ActorMap(ExerciseView[ActorMapExercise]):
    """Place actors by level and role; feedback per actor on both, then the map.

    The answer maps actor id to ``{"level": id, "role": id}`` (parts not chosen are left out,
    actors with nothing chosen too).
    """

    def __init__(self, exercise: ActorMapExercise, *, key: str, store: ProgressStore) -> None:
        options = {
            "level": [(_("— choose a level —"), _UNSET), *((lv.label, lv.id) for lv in exercise.levels)],
            "role": [(_("— choose a role —"), _UNSET), *((r.label, r.id) for r in exercise.roles)],
        }
        part_names = {"level": _("Level"), "role": _("Role")}

        def whose(name: str) -> str:
            return _("{name}:").format(name=name)

        self.dropdowns: dict[str, dict] = {}
        rows = []
        for actor in exercise.actors:
            self.dropdowns[actor.id] = {
                # visible "Level"/"Role"; the actor's name is read out too, but shown once, on the left
                part: choice_list(options[part], description=part_names[part],
                                  description_hidden=whose(actor.name), label_width="3.5em",
                                  layout=widgets.Layout(width="auto", flex="1 1 0"))
                for part in _PARTS
            }
            name = widgets.HTML(value=f"<strong>{esc(actor.name)}</strong>",
                                layout=widgets.Layout(width="30%", min_width="10em"))
            row = widgets.HBox([name, *self.dropdowns[actor.id].values()],
                               layout=widgets.Layout(align_items="center", width="95%"))
            row.add_class("ssr-actor-row")  # wraps, and stacks on a narrow screen (see _view.py's style)
            rows.append(row)
        intro = widgets.HTML(value="<p><em>" + esc(_("For each actor, choose the level it works at and its role. "
                                                     "The map appears when you press Check.")) + "</em></p>")
        super().__init__(exercise, key=key, store=store, controls=widgets.VBox([intro, *rows]))

    def get_answer(self) -> dict[str, dict[str, str]]:
        answer = {}
        for actor_id, parts in self.dropdowns.items():
            chosen = {part: dd.value for part, dd in parts.items() if dd.value != _UNSET}
            if chosen:
                answer[actor_id] = chosen
        return answer

    def set_answer(self, answer: Any) -> None:
        placed = {actor_id: dict(parts) for actor_id, parts in dict(answer).items()}
        if set(placed) - set(self.dropdowns):
            raise ValueError(f"saved answer names unknown actors: {sorted(set(placed) - set(self.dropdowns))}")
        known = {"level": {lv.id for lv in self.exercise.levels}, "role": {r.id for r in self.exercise.roles}}
        for actor_id, chosen in placed.items():
            if any(part not in known or value not in known[part] for part, value in chosen.items()):
                raise ValueError(f"saved answer for '{actor_id}' does not fit: {chosen}")
        for actor_id, parts in self.dropdowns.items():
            for part, dd in parts.items():
                dd.value = placed.get(actor_id, {}).get(part, _UNSET)

    def clear_answer(self) -> None:
        self.set_answer({})

    def evaluate(self, answer: dict[str, dict[str, str]]) -> Feedback:
        return check_actormap(self.exercise, answer)

    def render_details(self, answer: dict[str, dict[str, str]], feedback: Feedback) -> str:
        if not feedback.remarks:
            return ""
        ex = self.exercise
        links = "".join(
            f"<li>{esc(ex.actor(link.source).name)} → {esc(ex.actor(link.target).name)}: {esc(link.label)}</li>"
            for link in ex.links
        )
        links_head = _("<strong>Coordination links</strong> (the arrows on the map):")
        link_text = f"<p>{links_head}</p><ul>{links}</ul>" if links else ""
        # The picture keeps a readable size and scrolls sideways on a narrow screen (a focusable,
        # named region, so it scrolls with the keyboard too); the table says the same in rows.
        legend = _("<strong>The actor map</strong>: each actor stands where it belongs. "
                   "✔ you placed it right; ✘ you placed it elsewhere (your choice is written under its name); "
                   "? you have not placed it yet. On a narrow screen, scroll the map sideways.")
        region = esc(_("The actor map (scrolls sideways)"))
        return (
            f'<div class="ssr-actormap"><p>{legend}</p>'
            f'<div class="ssr-map-scroll" role="region" tabindex="0" aria-label="{region}">'
            f"{actor_map_svg(ex, answer)}</div>{link_text}{self._table_html(answer)}</div>"
        )

    def _table_html(self, answer: dict[str, dict[str, str]]) -> str:
        """The map as a table: where each actor belongs, and where the learner put it."""
        ex = self.exercise
        rows = []
        for actor in ex.actors:
            chosen = answer.get(actor.id, {})
            right = chosen.get("level") == actor.level and chosen.get("role") == actor.role
            mine = " · ".join(
                (ex.level(chosen["level"]).label if "level" in chosen else _("no level"),
                 ex.role(chosen["role"]).label if "role" in chosen else _("no role"))
            ) if chosen else _("not placed")
            verdict = _("✔ right") if right else _("? not placed") if not chosen else _("✘ not right")
            rows.append(f"<tr><th scope=\"row\">{esc(actor.name)}</th><td>{esc(ex.level(actor.level).label)}</td>"
                        f"<td>{esc(ex.role(actor.role).label)}</td><td>{esc(mine)}</td><td>{verdict}</td></tr>")
        caption = esc(_("The actor map as a table"))
        heads = "".join(f'<th scope="col">{esc(h)}</th>'
                        for h in (_("Actor"), _("Level"), _("Role"), _("Your choice"), _("Result")))
        return (f'<div class="ssr-map-scroll" role="region" tabindex="0" aria-label="{caption}">'
                f'<table class="ssr-map-table"><caption>{caption}</caption>'
                f'<thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}'
                "</tbody></table></div>")
