"""An item bank's texts in another language (``item_bank.fr.yml`` beside ``item_bank.yml``), kept in step with it.

Why a file of its own, beside the bank, and not the course's gettext catalogues: a certification bank is the
trainer's, private, and written by trainers who do not run Babel; its French must stay as private as its English
(a rationale that starts « Juste. » gives the key away), so it lives in the same private course folder and is
never released, packaged or put in a site. What is not text exists once, in the English bank: ids, objectives,
which options are right, sources. The French file holds only texts, by item id and option letter.

Kept in step: each French item records a short digest of its English texts (stem, and each option's text and
rationale). When the English item changes, its digest no longer matches and :func:`check_translation` names the
item as stale, so a French quiz is never built from a translation of an older question. After a review, the
translator refreshes the digests with :func:`stamp` (``python -m ssr_grader.quiz.bank_translation --stamp``).

The quiz's own texts that the trainer writes in ``quiz.yml`` (its title and the open question) are translated in the
same file, under ``quiz:``, with a digest of their English: a learner's paper in French needs them as much as the
items, and they are as much the trainer's (a certification course has its own open question). The paper's fixed
texts (instructions, headings) are the course's, in the ``trainer`` gettext catalogue.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field, ValidationError

from ssr_widgets.model import ContentError

from .bank import ItemBank, Letter, QuizItem, QuizOption, QuizSettings, _Frozen, _read, load_bank, load_quiz

__all__ = ["BankTexts", "QuizTexts", "check_quiz_texts", "check_translation", "english_digest", "load_translation",
           "quiz_digest", "stamp", "translated_item", "translation_path"]

Text = Annotated[str, Field(min_length=1)]


class OptionTexts(_Frozen):
    text: Text
    why: Text


class ItemTexts(_Frozen):
    #: The digest of the English texts this translation was made (or last reviewed) from.
    english: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]
    stem: Text
    options: dict[Letter, OptionTexts]


class QuizTexts(_Frozen):
    """The texts of ``quiz.yml`` that a learner reads: the quiz's title and the open question's prompt."""

    #: The digest of the English title and prompt this translation was made (or last reviewed) from.
    english: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]
    title: Text
    open_question: Text


class BankTexts(_Frozen):
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    #: Optional for the items' own checks; a paper in this language needs it (:func:`check_quiz_texts`).
    quiz: QuizTexts | None = None
    items: dict[str, ItemTexts]


def translation_path(bank_path: Path, language: str) -> Path:
    """``item_bank.yml`` → ``item_bank.fr.yml``: the translation sits beside its bank, as private as it."""
    return bank_path.with_name(f"{bank_path.stem}.{language}{bank_path.suffix}")


def english_digest(item: QuizItem) -> str:
    """12 hex digits of SHA-256 over the item's English texts: the stem, and each option's letter, text and why."""
    texts = [item.stem, *[f"{o.id}\x1f{o.text}\x1f{o.why}" for o in item.options]]
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def quiz_digest(quiz: QuizSettings) -> str:
    """12 hex digits of SHA-256 over the English that ``quiz:`` translates: the title and the open question."""
    texts = [quiz.title, quiz.open_question.prompt]
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def load_translation(path: Path) -> BankTexts:
    """Read and validate a bank translation; errors name the file and the field."""
    data = _read(path)
    try:
        return BankTexts.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ContentError(f"{path.name}: {where}: {first['msg']}") from None


def check_translation(bank: ItemBank, texts: BankTexts) -> list[str]:
    """Every problem that stops a quiz in this language: items missing, unknown, with other option letters, or
    translated from English that has changed since (stale). Empty when the translation is complete and current."""
    problems = []
    for item in bank.items:
        tr = texts.items.get(item.id)
        if tr is None:
            problems.append(f"{item.id}: not translated")
            continue
        letters = [o.id for o in item.options]
        if sorted(tr.options) != letters:
            problems.append(f"{item.id}: options {', '.join(sorted(tr.options))} but the bank has {', '.join(letters)}")
        if tr.english != english_digest(item):
            problems.append(f"{item.id}: stale: its English changed since it was translated; review the {texts.language}"
                            " texts, then refresh the digest (--stamp)")
    known = {it.id for it in bank.items}
    problems += [f"{item_id}: not in the bank" for item_id in texts.items if item_id not in known]
    return problems


def check_quiz_texts(quiz: QuizSettings, texts: BankTexts) -> list[str]:
    """The problems that stop a paper in this language besides the items': the quiz's title and open question are
    missing, or translated from an English that has changed since (stale). Empty when present and current."""
    if texts.quiz is None:
        return ["quiz: not translated (the quiz's title and open question, from quiz.yml)"]
    if texts.quiz.english != quiz_digest(quiz):
        return [f"quiz: stale: the title or the open question in quiz.yml changed since it was translated; review the "
                f"{texts.language} texts, then refresh the digest (--stamp)"]
    return []


def translated_item(item: QuizItem, texts: BankTexts) -> QuizItem:
    """The item with its texts in the translation's language: same id, objective, keys and sources."""
    tr = texts.items[item.id]
    options = tuple(QuizOption(id=o.id, text=tr.options[o.id].text, correct=o.correct, why=tr.options[o.id].why)
                    for o in item.options)
    return item.model_copy(update={"stem": tr.stem, "options": options})


def stamp(bank: ItemBank, data: dict, quiz: QuizSettings | None = None) -> dict:
    """``data`` (a translation file's mapping) with every item's digest set to its English now: after a review.
    With ``quiz``, the ``quiz:`` texts' digest too (when the file has them)."""
    for item_id, entry in data.get("items", {}).items():
        entry["english"] = english_digest(bank.item(item_id))
    if quiz is not None and isinstance(data.get("quiz"), dict):
        data["quiz"]["english"] = quiz_digest(quiz)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ssr_grader.quiz.bank_translation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bank", type=Path, help="the English bank (item_bank.yml)")
    parser.add_argument("--language", default="fr")
    parser.add_argument("--stamp", action="store_true", help="refresh every item's digest after a review")
    args = parser.parse_args(argv)
    bank = load_bank(args.bank)
    quiz_path = args.bank.with_name("quiz.yml")
    quiz = load_quiz(quiz_path, bank) if quiz_path.exists() else None  # the quiz's own texts, when beside the bank
    path = translation_path(args.bank, args.language)
    if args.stamp:
        data = stamp(bank, yaml.safe_load(path.read_text(encoding="utf-8")), quiz)
        path.write_text(dump(data, args.bank.name), encoding="utf-8")
    texts = load_translation(path)
    problems = check_translation(bank, texts) + (check_quiz_texts(quiz, texts) if quiz is not None else [])
    for p in problems:
        print(f"{path.name}: {p}")
    print(f"{path.name}: {len(problems)} problem(s)" if problems else f"{path.name}: complete and current")
    return 1 if problems else 0


def dump(data: dict, bank_name: str = "item_bank.yml") -> str:
    """The file's text: a header that says what it is, then the mapping (Unicode kept, in the order given)."""
    header = (f"# The {data.get('language', '?')} texts of {bank_name}: same item ids and option letters. Which "
              f"options are right,\n# objectives and sources exist only in {bank_name}. `english` is a digest of the "
              "English texts each\n# item was translated from: python -m ssr_grader.quiz.bank_translation "
              f"{bank_name} checks it, and --stamp\n# refreshes it after a review. Keep this file as private as "
              "its bank: its rationales give the keys away.\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


if __name__ == "__main__":
    sys.exit(main())
