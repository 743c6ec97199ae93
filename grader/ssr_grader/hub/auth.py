"""The hub's login: JupyterHub's own PAM authenticator (system passwords), with the hub groups taken from the
account's system groups at every login.

Why PAM: the learners need system accounts anyway (nbgrader knows a learner by the account their
server runs as), PAM checks the passwords those accounts already have, and it is part of JupyterHub
(no further package, no second password store to keep in step). The course's system groups
(``nbgrader-<course>`` for learners, ``formgrade-<course>`` for trainers, made by ``ssr-trainer hub
accounts``) are the one record of who is in the cohort: only their members may log in
(``allowed_groups``), and each login copies them to the hub groups of the same names
(``Authenticator.manage_groups``), which nbgrader and the hub's roles read.
"""

from __future__ import annotations

import grp
import os
import pwd

from jupyterhub.auth import PAMAuthenticator
from traitlets import Unicode

__all__ = ["CohortPAMAuthenticator", "system_course_groups"]


def system_course_groups(account: str, course_id: str) -> list[str]:
    """The course's groups (``nbgrader-<course>``, ``formgrade-<course>``) that the system account is in."""
    try:
        entry = pwd.getpwnam(account)
    except KeyError:
        return []
    gids = set(os.getgrouplist(account, entry.pw_gid))
    out = []
    for name in (f"nbgrader-{course_id}", f"formgrade-{course_id}"):
        try:
            if grp.getgrnam(name).gr_gid in gids:
                out.append(name)
        except KeyError:
            continue
    return out


class CohortPAMAuthenticator(PAMAuthenticator):
    """PAM login for the course's accounts; hub groups follow the system groups."""

    course_id = Unicode("ssr-intro", help="the nbgrader course id (its groups are nbgrader-<id>, formgrade-<id>)",
                        config=True)

    async def authenticate(self, handler, data):
        name = await super().authenticate(handler, data)
        if name is None:
            return None
        return {"name": name, "groups": system_course_groups(name, self.course_id)}

    async def refresh_user(self, user, handler=None):
        """Keep the hub groups in step with the system groups (a trainer added or removed) between logins."""
        return {"name": user.name, "groups": system_course_groups(user.name, self.course_id)}
