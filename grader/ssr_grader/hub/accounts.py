"""Hub accounts from the cohort's roster: one system account per learner, in the course's groups, with a password
printed once for the trainer.

nbgrader knows a learner on a hub by the name of the system account their server runs as, and the
gradebook, the papers (``papers/<learner id>/``) and ``ssr-trainer collect`` know them by the roster
id. So the account name *is* the roster id, and an id that cannot safely be an account name is not
mapped to another name silently (the learner's work would then land under a name the gradebook does
not know): it is refused, with the reason and a safe id to put in the roster instead.

Roster text is hostile input. An account name must be lower-case letters, digits and ``-``, start
with a letter, be at most 32 characters, not be a name the system reserves, and not be an account
that already exists outside this course: a roster naming ``root`` or ``www-data`` changes nothing.
An existing account already in the course's group is kept as it is (its password too), so running
the command again with a longer roster only adds the newcomers.

Accounts get no login shell (``/usr/sbin/nologin``): the hub starts their server without one, and
the password opens the hub, not SSH or a console. Passwords go to ``chpasswd`` on its standard
input, never on a command line, and are not stored anywhere by this command.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..intake.roster import Learner

__all__ = ["AccountError", "AccountsReport", "NewAccount", "account_problem", "course_groups", "course_id_of",
           "create_accounts", "delete_accounts", "in_group", "make_password", "require_root", "safe_name"]

#: Account names the course will create: lower case, a letter first, at most 32 characters (the Linux limit).
ACCOUNT_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
#: Names never given to a learner even when no such account exists yet (system and service accounts, and
#: names that read like an administrator).
RESERVED = frozenset({
    "root", "admin", "administrator", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news",
    "uucp", "proxy", "www-data", "backup", "list", "irc", "gnats", "nobody", "nogroup", "systemd-network",
    "systemd-resolve", "systemd-timesync", "messagebus", "sshd", "jupyter", "jupyterhub", "jovyan", "postgres",
    "mysql", "ubuntu", "debian", "operator", "sudo", "wheel", "staff", "users", "adm", "shadow", "utmp", "tty",
})
#: An unambiguous alphabet for passwords read off paper: no 0/O, 1/l/I.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NOLOGIN = next((p for p in ("/usr/sbin/nologin", "/sbin/nologin") if Path(p).exists()), "/usr/sbin/nologin")


class AccountError(RuntimeError):
    """The accounts cannot be made here (not root, no useradd): nothing was changed."""


@dataclass(frozen=True)
class NewAccount:
    learner: Learner
    account: str
    password: str


@dataclass
class AccountsReport:
    created: list[NewAccount]
    kept: list[str]  # already accounts of this course: unchanged, password too
    refused: list[tuple[str, str]]  # (roster id, why)


def course_id_of(course) -> str:
    """The course's nbgrader id, from its ``nbgrader_config.py`` (without starting nbgrader)."""
    value = course.config().CourseDirectory.get("course_id")
    if not isinstance(value, str) or not ACCOUNT_NAME.match(value):
        raise AccountError(f"{course.root / 'nbgrader_config.py'} sets no usable c.CourseDirectory.course_id "
                           "(lower-case letters, digits and '-'): the hub's groups are named after it")
    return value


def course_groups(course_id: str) -> tuple[str, str]:
    """The system groups (and hub groups) of a course: learners ``nbgrader-<course>``, trainers ``formgrade-<course>``.

    nbgrader's ``JupyterHubAuthPlugin`` reads a learner's courses from these hub group names.
    """
    return f"nbgrader-{course_id}", f"formgrade-{course_id}"


def safe_name(learner_id: str) -> str:
    """A suggestion for an id that can be an account name (lower case, ``-`` for anything else), for the message."""
    name = re.sub(r"[^a-z0-9-]+", "-", learner_id.lower()).strip("-")
    if not name or not name[0].isalpha():
        name = f"l-{name}".rstrip("-")
    return name[:32].rstrip("-")


def in_group(account: str, group: str) -> bool:
    try:
        entry = pwd.getpwnam(account)
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        return False
    return gid in os.getgrouplist(account, entry.pw_gid)


def account_problem(learner_id: str, group: str) -> str | None:
    """Why ``learner_id`` cannot be (or stay) a learner's account name in ``group``, or None if it can."""
    if not ACCOUNT_NAME.match(learner_id):
        return (f"cannot be an account name (lower-case letters, digits and '-', a letter first, at most 32): "
                f"change the id in the roster, e.g. to {safe_name(learner_id)!r}, and import it again")
    if learner_id in RESERVED:
        return "is a name the system reserves: give this learner another id in the roster"
    try:
        pwd.getpwnam(learner_id)
    except KeyError:
        try:
            grp.getgrnam(learner_id)
        except KeyError:
            return None
        return "is the name of an existing system group: give this learner another id in the roster"
    if not in_group(learner_id, group):
        return (f"is an existing account of this server that is not in the course ({group}): left untouched; "
                "give this learner another id in the roster")
    return None


def make_password(words: int = 4, size: int = 4) -> str:
    """A random password of ``words`` groups of ``size`` characters (about 23 bits each), easy to read off paper."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(words))


def require_root(what: str) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        raise AccountError(f"{what} needs root (system accounts and the hub's servers run as each learner): "
                           "run it with sudo, e.g.  sudo .venv/bin/ssr-trainer hub ...")


def _run(cmd: list[str], stdin: str | None = None) -> None:
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise AccountError(f"{cmd[0]} failed: {done.stderr.strip()[:300]}")


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        _run(["groupadd", name])


def create_accounts(learners: list[Learner], course_id: str, *, trainer: bool = False,
                    home_base: Path | None = None) -> AccountsReport:
    """Make a system account for each learner (in ``nbgrader-<course>``; trainers: ``formgrade-<course>``).

    Returns what was made, with each new account's password (printed once by the CLI), what was kept
    and what was refused, and why. Nothing is asked of the system until every id has been checked.
    """
    require_root("Creating hub accounts")
    learner_group, trainer_group = course_groups(course_id)
    group = trainer_group if trainer else learner_group
    report = AccountsReport([], [], [])
    todo: list[Learner] = []
    for lr in learners:
        problem = account_problem(lr.id, group)
        if problem:
            report.refused.append((lr.id, problem))
        elif _exists(lr.id):
            report.kept.append(lr.id)
        else:
            todo.append(lr)
    if not todo:
        return report
    ensure_group(group)
    for lr in todo:
        cmd = ["useradd", "--create-home", "--shell", NOLOGIN, "--groups", group, "--comment",
               _gecos(lr), "--user-group"]
        if home_base is not None:
            cmd += ["--base-dir", str(home_base)]
        _run([*cmd, lr.id])
        home = Path(pwd.getpwnam(lr.id).pw_dir)
        home.chmod(0o700)  # a learner's files are theirs alone (the hub's 403 covers the web; this covers the disk)
        password = make_password()
        _run(["chpasswd"], stdin=f"{lr.id}:{password}\n")
        report.created.append(NewAccount(lr, lr.id, password))
    return report


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _gecos(lr: Learner) -> str:
    """The account's comment: the learner's name in plain ASCII-safe form (no ':' or ',', which split the field)."""
    return re.sub(r"[:,=\x00-\x1f\x7f]", " ", f"{lr.full_name} (SSR course)")[:120]


def delete_accounts(names: list[str], course_id: str, *, trainer: bool = False) -> list[str]:
    """Remove accounts of this course (and their home folders); accounts outside the course are never touched."""
    require_root("Removing hub accounts")
    group = course_groups(course_id)[1 if trainer else 0]
    removed = []
    for name in names:
        if ACCOUNT_NAME.match(name) and in_group(name, group):
            _run(["userdel", "--remove", name])
            removed.append(name)
    return removed
