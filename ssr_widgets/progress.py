"""Learner progress: each exercise's last answer and whether it was completed, kept in one JSON file.

Why a file and not widget state: a kernel restart or closing the notebook loses widget state,
and a learner must not lose their work. The file lives in the learner's workspace (the folder
the course's notebooks are in, or ``$SSR_PROGRESS_FILE``), so it survives restarts and follows the learner
on a JupyterHub. Writes are atomic (write a temporary file, then rename) and locked, so two
notebooks saving at once never leave half a file. A file that cannot be read is moved aside,
never deleted, and the learner is told where it went.

In the offline edition (JupyterLite's Pyodide kernel, ``sys.platform == "emscripten"``) the file lives in the
browser's storage, reached through JupyterLite's DriveFS, and there is no file lock: DriveFS has no ``flock`` and
writes a file's content when it is closed, so filelock's fallback marker (``ssr-progress.json.lock``, unlinked
while still open, then closed) was written back on every release. The next save then waited 10 s for that
marker, which names the kernel itself (pid 42), and failed. The write there is still a temporary file and a
rename: DriveFS renames by storing the new name in one step, so the file is never half written, where an
``open(path, "w")`` would store an empty file first. A kernel that JupyterLite started without DriveFS (before
its service worker was ready; the offline site's page now waits for it) has its files in memory only: the store
then tells the learner, once, to reload the page, rather than losing their answers in silence.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .translation import _

__all__ = ["COURSE_HOME", "DEFAULT_FILENAME", "ProgressStore", "default_store", "progress_path"]

DEFAULT_FILENAME = "ssr-progress.json"
FORMAT_VERSION = 1
_LOCK_TIMEOUT_S = 10
#: JupyterLite's Pyodide kernel: files are in the browser's storage (DriveFS), where file locks do not work.
IN_BROWSER = sys.platform == "emscripten"
#: The lock of a kernel in the browser, for its own saves. Two notebooks open at once are two kernels with no lock
#: between them (nor was there one before: DriveFS cannot create a file exclusively); each write is still whole.
_IN_KERNEL_LOCK = threading.RLock()
#: Where JupyterLite mounts the learner's files (DriveFS) in the kernel. A kernel started before JupyterLite's
#: service worker was ready has no such mount: its files are in memory and are gone when the page closes.
BROWSER_DRIVE = "/drive"


#: The course's first notebook (``course.yml``'s first section): the folder that holds it holds the progress file.
COURSE_HOME = "00_welcome.ipynb"
#: The folders of the course's other languages inside notebooks/ (``notebooks/fr/``; see ssr_widgets.translation).
_EDITIONS = ("fr",)


def progress_path() -> Path:
    """Where progress is kept: ``$SSR_PROGRESS_FILE``, else ``ssr-progress.json`` in the working folder.

    A course notebook one folder down (the practice quiz, ``notebooks/quiz/``) runs there, but its answers
    belong in the same file as the sections', which the welcome page counts: when the working folder does not
    hold the welcome notebook and the folder above does, the file is in the folder above.
    """
    env = os.environ.get("SSR_PROGRESS_FILE")
    if env:
        return Path(env).expanduser()
    here = Path.cwd()
    if not (here / COURSE_HOME).exists() and (here.parent / COURSE_HOME).exists():
        here = here.parent
    # The French edition (notebooks/fr/) keeps its answers in the same file as the English one: the answers are
    # option ids, the same in both languages, so a learner who changes language keeps their progress.
    if here.name in _EDITIONS and (here.parent / COURSE_HOME).exists():
        here = here.parent
    return here / DEFAULT_FILENAME


@dataclass
class ProgressStore:
    """Read and write one learner's progress file.

    Entries are keyed ``"<content file>#<exercise id>"`` and hold ``answer`` (JSON data),
    ``completed`` (bool), ``score`` (0–1), ``attempts`` and ``updated`` (ISO time).

    Problems are never raised to the learner: they are collected in :attr:`notices` as
    plain-language messages that the views display.
    """

    path: Path
    notices: list[str] = field(default_factory=list)

    @property
    def _lock(self) -> AbstractContextManager[Any]:
        if IN_BROWSER:
            # See the module's docstring: a file lock in DriveFS is left behind and then blocks every later save.
            return _IN_KERNEL_LOCK
        return FileLock(str(self.path) + ".lock", timeout=_LOCK_TIMEOUT_S)

    # -- reading -----------------------------------------------------------------------------
    def load(self) -> dict[str, dict[str, Any]]:
        """All entries. A missing file is an empty record; a damaged one is set aside."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self._notice(_("Your saved progress could not be read ({reason}). Answers will not be restored.").format(
                reason=exc.strerror))
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
            return _validated(data)
        except (UnicodeDecodeError, json.JSONDecodeError, _BadShape) as exc:
            self._set_aside(exc)
            return {}

    def get(self, key: str) -> dict[str, Any] | None:
        self._check_kept()
        return self.load().get(key)

    # -- writing -----------------------------------------------------------------------------
    def save(self, key: str, *, answer: Any, completed: bool, score: float) -> bool:
        """Record one exercise's answer. Returns False (with a notice) if it could not be saved."""
        try:
            with self._lock:
                entries = self.load()
                previous = entries.get(key, {})
                entries[key] = {
                    "answer": answer,
                    "completed": bool(completed),
                    "score": round(float(score), 4),
                    "attempts": int(previous.get("attempts", 0)) + 1,
                    "updated": _now(),
                }
                self._write(entries)
            return self._check_kept()
        except (OSError, Timeout) as exc:
            self._notice(_("Your answer could not be saved ({reason}). Check that the folder is writable.").format(
                reason=_reason(exc)))
            return False

    def _check_kept(self) -> bool:
        """In the browser: is the file where the browser keeps it? If not, the learner is told (once) to reload."""
        if not IN_BROWSER or Path(os.path.abspath(self.path)).is_relative_to(BROWSER_DRIVE):
            return True
        message = _("This page's Python is not connected to your browser's storage, so your answers are not kept "
                    "and your saved answers are not shown. Reload the page (your work saved before is still there).")
        if message not in self.notices:
            self._notice(message)
        return False

    def merge(self, entries: dict[str, dict[str, Any]],
              newer: Callable[[dict[str, Any], dict[str, Any]], bool]) -> tuple[int, int]:
        """Take ``entries`` (already checked) into the file, under the lock, in one atomic write: an exercise this file
        has no answer to is taken; one it has is replaced only when ``newer(theirs, mine)`` says so. Returns (taken,
        kept). Used to restore a copy of one's work (see ``backup.py``)."""
        taken = kept = 0
        with self._lock:
            current = self.load()
            for key, entry in entries.items():
                mine = current.get(key)
                if mine is not None and not newer(entry, mine):
                    kept += 1
                    continue
                current[key] = entry
                taken += 1
            if taken:
                self._write(current)
        self._check_kept()
        return taken, kept

    def reset(self, key: str) -> bool:
        """Forget one exercise's answer, so the learner can start it again."""
        try:
            with self._lock:
                entries = self.load()
                if entries.pop(key, None) is not None:
                    self._write(entries)
            return True
        except (OSError, Timeout) as exc:
            self._notice(_("The exercise could not be reset ({reason}).").format(reason=_reason(exc)))
            return False

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {"format": FORMAT_VERSION, "exercises": entries}, ensure_ascii=False, indent=1, sort_keys=True
        )
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- damaged files -----------------------------------------------------------------------
    def _set_aside(self, exc: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{self.path.suffix}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.stem}.damaged-{stamp}-{n}{self.path.suffix}")
            n += 1
        try:
            os.replace(self.path, target)
        except OSError:
            self._notice(_("Your progress file {file} is damaged ({reason}) and could not be moved aside. "
                           "Answers will not be restored.").format(file=self.path.name, reason=_reason(exc)))
            return
        self._notice(_("Your progress file {file} was damaged ({reason}). It was kept as {kept} and a new one was "
                       "started. Your earlier answers are not shown; a course trainer can recover them from that "
                       "file.").format(file=self.path.name, reason=_reason(exc), kept=target.name))

    def _notice(self, message: str) -> None:
        self.notices.append(message)


class _BadShape(ValueError):
    pass


def _validated(data: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        raise _BadShape("it is not a progress record")
    if data.get("format") != FORMAT_VERSION:
        raise _BadShape(f"unknown format {data.get('format')!r}")
    entries = data["exercises"]
    for key, entry in entries.items():
        if not isinstance(entry, dict) or "answer" not in entry or not isinstance(entry.get("completed"), bool):
            raise _BadShape(f"entry {key!r} is incomplete")
    return entries


def _reason(exc: BaseException) -> str:
    if isinstance(exc, Timeout):
        return _("another notebook kept the file locked")
    if isinstance(exc, json.JSONDecodeError):
        return _("not valid JSON at line {line}").format(line=exc.lineno)
    if isinstance(exc, UnicodeDecodeError):
        return _("not text")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_default: ProgressStore | None = None


def default_store() -> ProgressStore:
    """The store for this kernel, at :func:`progress_path` (re-resolved if the path changes)."""
    global _default
    path = progress_path()
    if _default is None or _default.path != path:
        _default = ProgressStore(path)
    return _default
