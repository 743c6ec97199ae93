"""The learner's choices: a question's options (a radio group or checkboxes) and labelled drop-down lists.

ipywidgets' RadioButtons give each button its own name and no group label, so arrow keys do not
move between them and a screen reader never says which question they answer. The group
(``static/choice_group.js``) is the WAI-ARIA radio-group pattern with native controls: a fieldset
named by its legend, radio buttons sharing one name, each option tied to its text by a label.

The list (``static/choice_list.js``) is a native ``<select>`` tied to its ``<label>``, as ipywidgets'
Dropdown is; it is ours for one reason, the same as the group's: what the learner chooses reaches
Python as a message of its own, in the order it was made (see ``ChosenInView``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ._static import esm_source

__all__ = ["choice_group", "choice_list"]


@functools.cache
def _classes():
    import anywidget
    import traitlets

    class ChosenInView(anywidget.AnyWidget):
        """A control whose ``value`` the view sends as a message (``{"chosen": ...}``), not as a state sync.

        ipywidgets sends one state sync of a model at a time and holds the next until the kernel has
        answered the first, while a button's click is sent at once (jupyter-widgets/ipywidgets#1382).
        Several ticks, or a list changed twice (arrow keys on a closed list), then Check: on a slow
        link or a busy kernel the click reached Python before the later changes, and the feedback
        judged the first change alone. Messages keep the order they were made in, so Check sees all.
        """

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.on_msg(self._chosen_in_view)

        def _accepted(self, chosen):
            """The value for what the view sent, or ``None`` when it is not a choice this control offers."""
            raise NotImplementedError

        def _chosen_in_view(self, _widget, content, _buffers) -> None:
            """Set as ipywidgets sets a value that came from the view (under its property lock), so the value is
            not sent back: an older value sent back would undo what the learner chose since.
            """
            value = self._accepted(content["chosen"]) if isinstance(content, dict) and "chosen" in content else None
            if value is None:
                self.send_state("value")  # not a choice offered here: the view shows Python's value again
                return
            with self._lock_property(value=value):
                self.value = value

        def _ids(self) -> list[str]:
            return [oid for _text, oid in self.options]

    class ChoiceGroup(ChosenInView):
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
            ids = self._ids()
            if not set(chosen) <= set(ids):
                raise traitlets.TraitError(f"unknown option ids: {sorted(set(chosen) - set(ids))}")
            if not self.multiple and len(chosen) > 1:
                raise traitlets.TraitError("a one-answer question holds one answer")
            return [oid for oid in ids if oid in chosen]

        def _accepted(self, chosen):
            if not isinstance(chosen, list):
                return None
            value = [oid for oid in self._ids() if oid in chosen]
            return value if len(value) == len(chosen) and (self.multiple or len(value) <= 1) else None

    class ChoiceList(ChosenInView):
        """A drop-down list: options as ``[text, id]`` pairs, ``value`` the chosen id (the first option is the hint)."""

        _esm = esm_source("choice_list.js")
        description = traitlets.Unicode(help="the list's visible label").tag(sync=True)
        description_hidden = traitlets.Unicode(
            help="said by screen readers before the label, not shown (whose list it is)").tag(sync=True)
        label_width = traitlets.Unicode("45%", help="the label's width beside the list (CSS)").tag(sync=True)
        options = traitlets.List(traitlets.List(traitlets.Unicode()), help="[text, id] per option").tag(sync=True)
        value = traitlets.Unicode(help="the chosen option's id").tag(sync=True)

        @traitlets.validate("value")
        def _known_id(self, proposal):
            if proposal["value"] not in self._ids():
                raise traitlets.TraitError(f"unknown option id: {proposal['value']!r}")
            return proposal["value"]

        def _accepted(self, chosen):
            return chosen if isinstance(chosen, str) and chosen in self._ids() else None

    return ChoiceGroup, ChoiceList


def choice_group(options: Sequence[tuple[str, str]], *, legend: str, multiple: bool):
    """A new group with nothing chosen."""
    group_class, _list_class = _classes()
    return group_class(legend=legend, options=[[text, oid] for text, oid in options], multiple=multiple)


def choice_list(options: Sequence[tuple[str, str]], *, description: str, description_hidden: str = "",
                label_width: str = "45%", **kwargs):
    """A new list showing its first option (the hint); ``kwargs`` go to the widget (such as ``layout``)."""
    _group_class, list_class = _classes()
    pairs = [[text, oid] for text, oid in options]
    return list_class(options=pairs, value=pairs[0][1], description=description,
                      description_hidden=description_hidden, label_width=label_width, **kwargs)
