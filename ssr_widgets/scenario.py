"""Branching-scenario view: make decisions in a story, see what each one causes, then a debrief.

Each choice is a text button (its name is the choice itself), so the story is played with Tab
and Enter alone. The buttons are reused from one decision to the next and focus is moved on
purpose (to the first new choice, or to "Play again" at the end), so a keyboard user never
loses their place. What happened and the next situation are announced politely to screen
readers. The path is saved after every choice, so a kernel restart resumes the story.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from ._view import ExerciseView, esc
from .checking import Feedback, best_paths, check_scenario, path_nodes, path_scores, signed
from .model import ScenarioExercise
from .progress import ProgressStore
from .translation import N_, _

__all__ = ["Scenario"]

_STYLE = """<style>
.ssr-exercise .ssr-choice { height: auto; min-height: 2.2em; white-space: normal; text-align: left;
  line-height: 1.4; padding: 0.35em 0.8em; margin-bottom: 0.4em; max-width: 100%; }
.ssr-story li { margin-bottom: 0.6em; }
.ssr-paths { display: flex; flex-wrap: wrap; gap: 0 2.5em; }
.ssr-paths > div { flex: 1 1 20em; }
</style>"""
_MAX_BEST_SHOWN = 3


class Scenario(ExerciseView[ScenarioExercise]):
    """Play a branching story; at its end, a debrief scores the path against each principle.

    The answer is the list of choice ids taken from the start node.
    """

    show_check_button = False  # every choice is checked (and saved) as it is made
    reset_label = N_("Play again")
    reset_tooltip = N_("Start the story again from the beginning")
    cleared_message = N_("Starting again from the beginning. Read the situation, then choose what to do.")

    def __init__(self, exercise: ScenarioExercise, *, key: str, store: ProgressStore) -> None:
        self.path: list[str] = []
        self.story_html = widgets.HTML(value="")
        self.now_html = widgets.HTML(value="")
        most = max(len(n.choices) for n in exercise.nodes)
        self.choice_buttons = [widgets.Button(description="", layout=widgets.Layout(width="auto"))
                               for _ in range(most)]
        self._button_choice: list[str | None] = [None] * most
        for n, button in enumerate(self.choice_buttons):
            button.add_class("ssr-choice")
            button.on_click(lambda _b, n=n: self._on_button(n))
        controls = widgets.VBox([widgets.HTML(value=_STYLE), self.story_html, self.now_html,
                                 widgets.VBox(self.choice_buttons)])
        super().__init__(exercise, key=key, store=store, controls=controls)  # restores a saved path
        self._render()

    # -- playing ----------------------------------------------------------------------------
    def choose(self, choice_id: str) -> Feedback:
        """Take a choice at the current decision point, show what happened, and save the path."""
        self.set_answer([*self.path, choice_id])
        feedback = self.check()
        self._move_focus()
        return feedback

    def reset(self) -> None:
        super().reset()
        self._move_focus()

    def _on_button(self, n: int) -> None:
        choice_id = self._button_choice[n]
        if choice_id is not None:
            self.choose(choice_id)

    def _move_focus(self) -> None:
        at_end = self.exercise.node(path_nodes(self.exercise, self.path)[-1]).end
        (self.reset_button if at_end else self.choice_buttons[0]).focus()

    # -- the answer --------------------------------------------------------------------------
    def get_answer(self) -> list[str]:
        return list(self.path)

    def set_answer(self, answer: Any) -> None:
        path = [str(c) for c in answer]
        path_nodes(self.exercise, path)  # raises ValueError if the path does not fit the story
        self.path = path
        self._render()

    def clear_answer(self) -> None:
        self.set_answer([])

    def evaluate(self, answer: list[str]) -> Feedback:
        return check_scenario(self.exercise, answer)

    # -- showing -----------------------------------------------------------------------------
    def _render(self) -> None:
        ex = self.exercise
        nodes = [ex.node(n) for n in path_nodes(ex, self.path)]
        steps = [(node, node.choice(cid)) for node, cid in zip(nodes, self.path, strict=False)]
        you_chose, happened = _("You chose:"), _("What happened:")
        earlier = "".join(
            f"<li><p>{esc(node.text)}</p><p>{esc(you_chose)} <strong>{esc(choice.text)}</strong></p>"
            f"<p><em>{esc(happened)}</em> {esc(choice.consequence)}</p></li>"
            for node, choice in steps[:-1]
        )
        so_far = esc(_("The story so far"))
        self.story_html.value = (f'<p><strong>{so_far}</strong></p><ol class="ssr-story">{earlier}</ol>'
                                 if earlier else "")
        now = []
        if steps:
            _node, last = steps[-1]
            now.append(f"<p>{esc(you_chose)} <strong>{esc(last.text)}</strong></p>"
                       f"<p><em>{esc(happened)}</em> {esc(last.consequence)}</p>")
        current = nodes[-1]
        if current.end:
            the_end = esc(_("The end."))
            now.append(f"<p><strong>{the_end}</strong> {esc(current.text)}</p>")
        else:
            decision, choose = _("Decision {n}.").format(n=len(nodes)), _("Choose what to do:")
            now.append(f"<p><strong>{esc(decision)}</strong> {esc(current.text)}</p>"
                       f"<p><em>{esc(choose)}</em></p>")
        self.now_html.value = f'<div role="status" aria-live="polite">{"".join(now)}</div>'
        for n, button in enumerate(self.choice_buttons):
            if n < len(current.choices):
                button.description = current.choices[n].text
                button.layout.display = None
                self._button_choice[n] = current.choices[n].id
            else:
                button.description = ""
                button.layout.display = "none"
                self._button_choice[n] = None

    def render_details(self, answer: list[str], feedback: Feedback) -> str:
        """At the end: the path taken beside the best-scoring path(s), each choice with its scores."""
        if not feedback.remarks:
            return ""
        best, _worst, best_ones = best_paths(self.exercise)
        yours = sum(path_scores(self.exercise, answer).values())
        columns = [self._path_html(_("Your path (total {score})").format(score=signed(yours)), answer)]
        others = [p for p in best_ones if list(p) != answer][:_MAX_BEST_SHOWN]
        for n, path in enumerate(others, start=1):
            if len(others) > 1:
                name = (_("A best path ({n} of {total}) (total {score})") if feedback.complete
                        else _("The best path ({n} of {total}) (total {score})"))
            else:
                name = _("A best path (total {score})") if feedback.complete else _("The best path (total {score})")
            columns.append(self._path_html(name.format(n=n, total=len(others), score=signed(best)), path))
        beside = esc(_("Your path beside the best"))
        return (f'<div class="ssr-debrief"><p><strong>{beside}</strong></p>'
                f'<div class="ssr-paths">{"".join(columns)}</div></div>')

    def _path_html(self, heading: str, path: Sequence[str]) -> str:
        ex = self.exercise
        labels = {p.id: p.label for p in ex.principles}
        items = []
        for node_id, cid in zip(path_nodes(ex, path), path, strict=False):
            choice = ex.node(node_id).choice(cid)
            scores = "; ".join(f"{labels[p]} {signed(s)}" for p, s in choice.scores.items() if s)
            scores = scores or _("no effect on the principles")
            items.append(f"<li>{esc(choice.text)}<br><small>{esc(scores)}"
                         "</small></li>")
        return f'<div><p><strong>{esc(heading)}</strong></p><ol>{"".join(items)}</ol></div>'
