"""Which strings of the content YAML a learner reads (and so are translated), and where each one is.

One walk over a content file's data serves both sides: extraction (``catalogue.py`` puts each text in the
``content`` catalogue under a context that locates it) and loading in French (``loader.py`` replaces each text by
its translation before the model validates it). Because both use the same walk and the same contexts, every text
the loader can show has exactly one catalogue entry.

What is *not* text stays as it is, once, in the English YAML: ids and keys, ``correct`` flags and answer keys
(``category``, ``answer``, ``next``), objectives, URLs, references to other files, and the sources (a source is
cited by its published title, as in a bibliography; its French form, where there is one, is in ``fr``).
A string under a key in neither list below is an error (``unclassified``): a new field must be classified before
the French edition can be complete, and ``tests/test_translation.py`` checks that none is left.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["NOT_TEXT_KEYS", "SKIPPED_KEYS", "TEXT_KEYS", "TEXT_LIST_KEYS", "localise", "text_fields", "unclassified"]

#: Keys whose string value a learner reads.
TEXT_KEYS = frozenset({
    "title", "prompt", "text", "why", "label", "description", "hint", "name", "consequence", "summary",
    "definition", "term", "abbr", "intro", "profile_intro", "official_name", "fictional_note", "value", "event",
    "when", "signed", "compared",
})
#: Keys whose value is a list of texts (a country's history, an agreement's provisions, rating options).
TEXT_LIST_KEYS = frozenset({"history", "provisions", "options"})
#: Keys whose value maps ids to texts (a written exercise's model answer, one text per box).
TEXT_MAP_KEYS = frozenset({"model_answer"})
#: Keys whose whole value is never translated: sources (cited by their published title), the glossary's French forms
#: (already French) and its English forms (matched in the English notebooks only).
SKIPPED_KEYS = frozenset({"sources", "source", "fr", "forms"})
#: Keys whose string value is an id, a key, an answer, a reference, a URL or a file name: never translated.
NOT_TEXT_KEYS = frozenset({
    "id", "kind", "objective", "objectives", "url", "category", "actor", "level", "role", "answer", "from", "to",
    "next", "start", "section", "taxonomy", "notebook", "content", "letter", "bank", "item", "asks", "facts",
    "questions", "a", "b", "c", "d", "e", "A", "B", "C", "D", "E",
})

Walked = tuple[str, Any, Any]  # (context, container, key): container[key] is the text


def _step(path: str, key: Any, value: Any = None) -> str:
    if isinstance(key, int):
        item_id = value.get("id") if isinstance(value, dict) else None
        return f"{path}[{item_id if isinstance(item_id, str) else key}]"
    return f"{path}.{key}" if path else str(key)


def _walk(node: Any, path: str, key: str | None) -> Iterator[Walked]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in SKIPPED_KEYS:
                continue
            sub = _step(path, k)
            if isinstance(v, str):
                if k in TEXT_KEYS:
                    yield sub, node, k
            elif k in TEXT_MAP_KEYS and isinstance(v, dict):
                for field_id, text in v.items():
                    if isinstance(text, str):
                        yield _step(sub, field_id), v, field_id
            else:
                yield from _walk(v, sub, k)
    elif isinstance(node, list):
        for n, v in enumerate(node):
            if isinstance(v, str):
                if key in TEXT_LIST_KEYS:
                    yield _step(path, n), node, n
            else:
                yield from _walk(v, _step(path, n, v), key)


def text_fields(data: Any, file: str) -> Iterator[Walked]:
    """Every learner-facing text of one content file's data, with its context ``<file>#<where>``.

    In a section file the exercise id comes first (``01_concept.yml#human-security.options[a].why``); list
    elements are named by their ``id`` where they have one, so reordering options keeps their contexts.
    """
    for where, container, key in _walk(data, "", None):
        yield f"{file}#{where.removeprefix('exercises.')}", container, key


def localise(data: Any, file: str, translate: Callable[[str, str], str]) -> Any:
    """A copy of ``data`` with each text replaced by ``translate(context, text)``; everything else is the same."""
    data = copy.deepcopy(data)
    for context, container, key in list(text_fields(data, file)):
        container[key] = translate(context, container[key])
    return data


def unclassified(data: Any, path: str = "") -> list[str]:
    """Paths of strings under keys that are neither text nor known non-text (should be empty)."""
    out: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k in SKIPPED_KEYS:
                continue
            sub = _step(path, k)
            if isinstance(v, str):
                if k not in TEXT_KEYS and k not in NOT_TEXT_KEYS:
                    out.append(sub)
            elif k in TEXT_MAP_KEYS and isinstance(v, dict):
                continue
            elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                if v and k not in TEXT_LIST_KEYS and k not in NOT_TEXT_KEYS:
                    out.append(sub)
            else:
                out += unclassified(v, sub)
    elif isinstance(data, list):
        for n, v in enumerate(data):
            out += unclassified(v, _step(path, n, v))
    return out
