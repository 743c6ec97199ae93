"""Each learner's own paper: which bank item fills each slot of the quiz, and in which order its options come.

Why: with one fixed paper, answers pass from one learner to the next. Like Moodle's random
questions, each slot draws one item from the pool of items on its learning objective, and each
learner sees the options in their own order. The draw is a keyed hash (HMAC-SHA256) of the
learner id with the course's secret, so it is the same every time it is made (the trainer can
rebuild any learner's paper, and grading finds the learner's own items and keys), and nobody
without the secret can work out whose paper has which item. The secret lives only in the course
folder (``course_secret.key``, never in git, a release or a package).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .bank import ItemBank, QuizItem, QuizSettings

__all__ = ["SECRET_FILE", "LearnerPaper", "SlotDraw", "course_secret", "draw_paper", "paper_code"]

SECRET_FILE = "course_secret.key"  # noqa: S105 - a file name, not a secret


def course_secret(root: Path, *, create: bool = True) -> bytes:
    """The course's secret (32 random bytes, hex in ``course_secret.key``), made on first use, readable by the owner only."""
    path = root / SECRET_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        return bytes.fromhex(text)
    except FileNotFoundError:
        if not create:
            raise
    except ValueError:
        raise ValueError(f"{path} is damaged (not 64 hexadecimal characters): restore it from your backup; "
                         "without it, learners' papers cannot be rebuilt") from None
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value.hex() + "\n")
    return value


class _Draw:
    """A deterministic stream of integers from HMAC-SHA256(secret, label)."""

    def __init__(self, secret: bytes, *label: str) -> None:
        self._key = hmac.new(secret, "\x1f".join(label).encode("utf-8"), hashlib.sha256).digest()
        self._counter = 0
        self._pool = b""

    def below(self, n: int) -> int:
        """A uniform integer in [0, n) (rejection sampling: no modulo bias)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            if len(self._pool) < 8:
                self._pool += hmac.new(self._key, self._counter.to_bytes(8, "big"), hashlib.sha256).digest()
                self._counter += 1
            value, self._pool = int.from_bytes(self._pool[:8], "big"), self._pool[8:]
            if value < limit:
                return value % n

    def shuffled(self, values: list) -> list:
        out = list(values)
        for i in range(len(out) - 1, 0, -1):  # Fisher-Yates
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out


@dataclass(frozen=True)
class SlotDraw:
    """One question of a learner's paper: the slot, the item drawn, and its options in this learner's order."""

    slot: str  # "s01"
    number: int  # 1-based question number
    item: QuizItem
    order: tuple[str, ...]  # the item's own option ids (A, B, ...) in the order this learner sees them

    @property
    def answer_id(self) -> str:
        return f"answer_{self.slot}"

    @property
    def letters(self) -> str:
        """The letters the learner answers with: A, B, C... in the order shown."""
        return "".join(chr(ord("A") + i) for i in range(len(self.order)))

    def to_item(self, letter: str) -> str:
        """The item's own option id behind a letter the learner gave."""
        return self.order[ord(letter) - ord("A")]

    @property
    def key(self) -> str:
        """The right answer in this learner's letters, sorted (``"B"``, or ``"AC"`` for several)."""
        right = {o.id for o in self.item.options if o.correct}
        return "".join(sorted(chr(ord("A") + i) for i, oid in enumerate(self.order) if oid in right))

    def options(self) -> list[tuple[str, object]]:
        """``[(learner letter, option)]`` in the order shown."""
        by_id = {o.id: o for o in self.item.options}
        return [(chr(ord("A") + i), by_id[oid]) for i, oid in enumerate(self.order)]


@dataclass(frozen=True)
class LearnerPaper:
    student: str
    code: str  # printed on the paper, so a paper handed in by the wrong learner is noticed
    slots: tuple[SlotDraw, ...]

    def slot(self, slot: str) -> SlotDraw:
        return next(s for s in self.slots if s.slot == slot)

    @property
    def keys(self) -> dict[str, str]:
        return {s.slot: s.key for s in self.slots}


def paper_code(secret: bytes, student: str) -> str:
    """A short code that names this learner's paper (``7F3A-91C2``): the paper's own, not the learner's id."""
    digest = hmac.new(secret, f"paper\x1f{student}".encode(), hashlib.sha256).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}"


def draw_paper(bank: ItemBank, quiz: QuizSettings, secret: bytes, student: str) -> LearnerPaper:
    """The learner's paper: for each objective, its slots take distinct items from the objective's pool."""
    taken: dict[str, list[QuizItem]] = {}
    draws = []
    for number, (slot, objective) in enumerate(quiz.slots, 1):
        if objective not in taken:
            taken[objective] = _Draw(secret, "pool", student, objective).shuffled(bank.pool(objective))
        item = taken[objective].pop(0)
        order = tuple(_Draw(secret, "order", student, item.id).shuffled([o.id for o in item.options]))
        draws.append(SlotDraw(slot, number, item, order))
    return LearnerPaper(student, paper_code(secret, student), tuple(draws))
