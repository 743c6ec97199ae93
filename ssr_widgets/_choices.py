"""A self-check question's options: one radio group (one answer) or a group of checkboxes (several).

ipywidgets' RadioButtons give each button its own name and no group label, so arrow keys do not
move between them and a screen reader never says which question they answer. This small widget
(``static/choice_group.js``) is the WAI-ARIA radio-group pattern with native controls: a fieldset
named by its legend, radio buttons sharing one name, each option tied to its text by a label.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ._static import esm_source

__all__ = ["choice_group"]


@functools.cache
def choice_group_class():
    import anywidget
    import traitlets

    class ChoiceGroup(anywidget.AnyWidget):
        """Options as ``[text, id]`` pairs; ``value`` is the list of chosen ids, in option order."""

        _esm = esm_source("choice_group.js")
        legend = traitlets.Unicode(help="names the group: the question and how many answers to choose").tag(
            sync=True)
        options = traitlets.List(traitlets.List(traitlets.Unicode()), help="[text, id] per option").tag(sync=True)
        multiple = traitlets.Bool(False, help="True: checkboxes, several answers").tag(sync=True)
        value = traitlets.List(traitlets.Unicode(), help="the chosen option ids").tag(sync=True)

        @traitlets.validate("value")
        def _known_ids(self, proposal):
            chosen = list(proposal["value"])
            ids = [oid for _text, oid in self.options]
            if not set(chosen) <= set(ids):
                raise traitlets.TraitError(f"unknown option ids: {sorted(set(chosen) - set(ids))}")
            if not self.multiple and len(chosen) > 1:
                raise traitlets.TraitError("a one-answer question holds one answer")
            return [oid for oid in ids if oid in chosen]

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.on_msg(self._chosen_in_view)

        def _chosen_in_view(self, _widget, content, _buffers) -> None:
            """The learner's ticks, sent as messages (``record`` in choice_group.js says why not as syncs).

            Set as ipywidgets sets a value that came from the view (under its property lock), so the value is
            not sent back: an older value sent back would untick what the learner ticked since.
            """
            if not isinstance(content, dict) or not isinstance(content.get("chosen"), list):
                return
            ids = [oid for _text, oid in self.options]
            chosen = [oid for oid in ids if oid in content["chosen"]]
            if len(chosen) != len(content["chosen"]) or (not self.multiple and len(chosen) > 1):
                self.send_state("value")  # not a choice this group offers: the view shows Python's value again
                return
            with self._lock_property(value=chosen):
                self.value = chosen

    return ChoiceGroup


def choice_group(options: Sequence[tuple[str, str]], *, legend: str, multiple: bool):
    """A new group with nothing chosen."""
    return choice_group_class()(legend=legend, options=[[text, oid] for text, oid in options], multiple=multiple)
