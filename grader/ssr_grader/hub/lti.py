"""LTI 1.3 login from Moodle or Canvas into the cohort hub: ltiauthenticator's ``LTI13Authenticator`` (the OpenID
Connect launch, the platform's signature, issuer, audience, nonce and state), with three things of ours on top.

Why a subclass, and only this much: ltiauthenticator checks that a launch really comes from the LMS, and
that part is left to it. What it does not do is what this hub needs:

1. **The username is the roster id.** nbgrader knows a learner by the system account their server runs
   as, and ``ssr-trainer hub accounts`` names each account after the roster id (``accounts.py``). So the
   LTI username must be exactly the roster id, taken from one claim chosen to match the roster file
   (``username_from``). ltiauthenticator falls back to ``sub`` when the chosen claim is missing; here a
   missing or unusable claim refuses the launch instead, since ``sub`` could name someone else's account.
2. **The LMS says who; this machine says what rights.** A launch is accepted only for an account that
   ``ssr-trainer hub accounts`` made, still in one of the course's system groups. The LMS role then
   picks among those groups (Instructor → ``formgrade-<course>``, Learner → ``nbgrader-<course>``)
   and can never add one: an LMS Instructor whose account is a learner's is not a trainer here. No
   claim creates an account, a group, or an admin.
3. **Cookies for a cross-site launch.** The platform posts the id_token back from its own site, so on
   https the state and nonce cookies are set ``SameSite=None; Secure`` (browsers leave ``Lax`` cookies
   off a cross-site POST, and the launch would fail with "OAuth state missing from cookies").

Every claim is hostile input: only strings are used, names must be what ``accounts.py`` accepts (lower
case, a letter first, at most 32, not reserved), and what the refusal page shows of a claim is cut short
and escaped.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.handlers import LTI13LoginInitHandler
from tornado.web import HTTPError
from traitlets import CaselessStrEnum, Unicode, default
from traitlets import Set as SetTrait

from .accounts import ACCOUNT_NAME, RESERVED, course_groups
from .auth import system_course_groups

__all__ = ["CLAIM_CUSTOM", "CLAIM_DEPLOYMENT", "CLAIM_LIS", "CLAIM_ROLES", "USERNAME_SOURCES",
           "CohortLTI13Authenticator", "LaunchRefused", "Lti13Settings", "groups_for_launch", "lms_roles",
           "lti13_env", "lti13_from_env", "username_from_token"]

CLAIM_CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
CLAIM_LIS = "https://purl.imsglobal.org/spec/lti/claim/lis"
CLAIM_ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
CLAIM_DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"

#: Where the username comes from, to match the roster the accounts were made from (hub/README.md):
#: ``ssr_id``    our CSV roster: the custom parameter ``ssr_id``, as is (Moodle ``ssr_id=$User.username``,
#:               Canvas ``ssr_id=$Canvas.user.loginId``);
#: ``canvas``    Canvas's gradebook export (roster ids ``canvas-<user id>``): ``canvas-`` and the custom
#:               parameter ``canvas_user_id`` (Canvas ``canvas_user_id=$Canvas.user.id``), digits only;
#: ``sourcedid`` the LIS claim ``person_sourcedid`` (Moodle: the user's ID number; Canvas: the SIS user id).
USERNAME_SOURCES = ("ssr_id", "canvas", "sourcedid")
_ENV = "SSR_HUB_LTI13_"


class LaunchRefused(Exception):
    """A verified launch that this hub does not accept; the message says why and what to do."""


def _shown(value: object, limit: int = 40) -> str:
    """A claim as the refusal page may show it: short, control characters escaped (the page escapes HTML)."""
    if not isinstance(value, str):
        return f"{'a list' if isinstance(value, list) else 'a value'} of type {type(value).__name__}, not text"
    cut = value[:limit]
    return repr(cut) + ("…" if len(value) > limit else "")


def _claim(token: Mapping, source: str) -> tuple[object, str]:
    """The raw value the username comes from, and how to name it in a message."""
    if source == "sourcedid":
        lis = token.get(CLAIM_LIS)
        return (lis.get("person_sourcedid") if isinstance(lis, dict) else None), "the LIS claim person_sourcedid"
    custom = token.get(CLAIM_CUSTOM)
    name = "canvas_user_id" if source == "canvas" else "ssr_id"
    return (custom.get(name) if isinstance(custom, dict) else None), f"the custom parameter {name}"


def username_from_token(token: Mapping, source: str) -> str:
    """The account name a verified id_token names (the roster id), or LaunchRefused saying why not.

    Only the shape is checked here (whether such an account exists is the authenticator's next step).
    """
    if source not in USERNAME_SOURCES:
        raise LaunchRefused(f"the hub is set to take the username from {source!r}, which it does not know")
    value, where = _claim(token, source)
    if value is None or value == "":
        raise LaunchRefused(f"the LMS did not send {where}, which this hub takes the username from: set it in "
                            "the tool's custom parameters in the LMS (hub/README.md, LTI 1.3 login)")
    if not isinstance(value, str):
        raise LaunchRefused(f"{where} is {_shown(value)}: the hub needs the roster id as text")
    if value.startswith("$"):
        raise LaunchRefused(f"the LMS did not fill in {where} (it sent {_shown(value)}): check the variable's "
                            "spelling and the tool's privacy settings in the LMS")
    if source == "canvas":
        if not re.fullmatch(r"[0-9]{1,20}", value):
            raise LaunchRefused(f"{where} is {_shown(value)}, not a Canvas user id (digits)")
        value = f"canvas-{value}"
    if not ACCOUNT_NAME.fullmatch(value) or value in RESERVED:  # fullmatch: '$' alone lets "name\n" through
        raise LaunchRefused(f"{where} is {_shown(value)}, which cannot be an account of this hub (lower-case "
                            "letters, digits and '-', a letter first, at most 32 characters): the accounts are "
                            "named after the roster ids, so the LMS must send the roster id")
    return value


def lms_roles(token: Mapping) -> tuple[bool, bool]:
    """(instructor, learner): the launch's course-context roles (LTI 1.3 membership vocabulary).

    ``...membership#Instructor`` and its sub-roles (``#Instructor#TeachingAssistant``) count as instructor,
    ``...membership#Learner`` and its sub-roles as learner; institution and system roles (a site
    administrator) count for nothing here. Anything that is not a short string is skipped.
    """
    roles = token.get(CLAIM_ROLES)
    instructor = learner = False
    if not isinstance(roles, list):
        return False, False
    for role in roles[:64]:
        if not isinstance(role, str) or len(role) > 200:
            continue
        if role in (MEMBERSHIP + "Instructor", "Instructor") or role.startswith(MEMBERSHIP + "Instructor#"):
            instructor = True
        elif role in (MEMBERSHIP + "Learner", "Learner") or role.startswith(MEMBERSHIP + "Learner#"):
            learner = True
    return instructor, learner


def groups_for_launch(account: str, course_id: str, token: Mapping) -> list[str]:
    """The hub groups a launch gives: the LMS role's groups that the account is already in on this machine."""
    learners, trainers = course_groups(course_id)
    instructor, learner = lms_roles(token)
    wanted = ({trainers} if instructor else set()) | ({learners} if learner else set())
    return [g for g in system_course_groups(account, course_id) if g in wanted]


class _CrossSiteCookies(LTI13LoginInitHandler):
    """ltiauthenticator's login initiation, with its state and nonce cookies sent back on the platform's POST."""

    def _set_oauth_cookie(self, key: str, value) -> None:
        extra = {}
        if self.authenticator.get_uri_scheme(self.request) == "https":
            extra = {"samesite": "None", "secure": True}
        self._set_cookie(key, value, expires_days=1, httponly=True, encrypted=True, **extra)


class CohortLTI13Authenticator(LTI13Authenticator):
    """LTI 1.3 launches for the course's accounts: the username is the roster id, rights come from this machine."""

    login_service = "your course in the LMS (Moodle or Canvas): open the hub from its link there"
    login_handler = _CrossSiteCookies

    course_id = Unicode("ssr-intro", config=True,
                        help="the nbgrader course id (its groups are nbgrader-<id>, formgrade-<id>)")
    username_from = CaselessStrEnum(USERNAME_SOURCES, default_value="ssr_id", config=True,
                                    help="the claim the roster id comes from (see USERNAME_SOURCES)")
    deployment_ids = SetTrait(Unicode(), config=True,
                              help="accept only these LTI deployment ids (empty: any deployment of the client ids)")

    @default("any_allow_config")
    def _any_allow_config(self):
        return True  # check_allowed below is the allow rule: the course's system groups

    async def authenticate(self, handler, data=None):
        token = data or {}
        try:
            if self.deployment_ids and token.get(CLAIM_DEPLOYMENT) not in self.deployment_ids:
                raise LaunchRefused(f"this launch comes from LTI deployment {_shown(token.get(CLAIM_DEPLOYMENT))}, "
                                    "which this hub is not set to accept")
            name = username_from_token(token, self.username_from)
            if not system_course_groups(name, self.course_id):
                raise LaunchRefused(
                    f"there is no account {name!r} for this course on the hub. Accounts are made from the roster "
                    "(ssr-trainer hub accounts); if you are in the course, ask your trainer to add you")
            groups = groups_for_launch(name, self.course_id, token)
            if not groups:
                raise LaunchRefused(
                    f"your role in the LMS course gives the account {name!r} nothing on this hub: learners open it "
                    "as Learner (Student), trainers as Instructor (Teacher) with a trainer account")
        except LaunchRefused as exc:
            self.log.warning("LTI 1.3 launch refused: %s", exc)
            raise HTTPError(403, f"Login refused: {exc}.") from None
        self.log.info("LTI 1.3 launch for %s, hub groups %s", name, groups)
        return {"name": name, "groups": groups}

    def check_allowed(self, username, authentication=None):
        """Only accounts still in one of the course's system groups, at every login."""
        return bool(system_course_groups(username, self.course_id))

    async def refresh_user(self, user, handler=None):
        """Groups only shrink between launches (a trainer removed on the machine); no course group: log in again."""
        system = set(system_course_groups(user.name, self.course_id))
        keep = [g.name for g in user.groups if g.name in system]
        if not keep:
            return False
        return {"name": user.name, "groups": keep}


# -- Settings: ssr-trainer hub start --lti13-* sets SSR_HUB_LTI13_* for hub/jupyterhub_config.py ----------------

@dataclass(frozen=True)
class Lti13Settings:
    """What the hub needs from the LMS (copied from its tool registration), checked."""

    issuer: str
    client_ids: tuple[str, ...]
    authorize_url: str
    jwks_url: str
    username_from: str = "ssr_id"
    deployment_ids: tuple[str, ...] = field(default_factory=tuple)

    def problems(self) -> list[str]:
        out = []
        for what, url in (("issuer", self.issuer), ("authorize URL", self.authorize_url),
                          ("JWKS URL", self.jwks_url)):
            why = _url_problem(url)
            if why:
                out.append(f"the LTI 1.3 {what} {url!r} {why}")
        if urlparse(self.issuer).query or urlparse(self.issuer).fragment:
            out.append("the LTI 1.3 issuer has no query or fragment (copy the LMS's Platform ID / issuer exactly)")
        if not self.client_ids:
            out.append("an LTI 1.3 client id is needed (Moodle: Client ID in the tool's details; Canvas: the "
                       "developer key's Client ID)")
        for value in (*self.client_ids, *self.deployment_ids):
            if not re.fullmatch(r"[A-Za-z0-9._:~-]{1,255}", value):
                out.append(f"{value!r} is not an LTI client or deployment id (letters, digits, '.', '_', ':', '~', "
                           "'-')")
        if self.username_from not in USERNAME_SOURCES:
            out.append(f"the username source {self.username_from!r} is not one of {', '.join(USERNAME_SOURCES)}")
        return out


def _url_problem(url: str) -> str | None:
    """Why a platform URL cannot be used: https only, except on this machine (a test platform)."""
    parsed = urlparse(url)
    if not parsed.hostname or parsed.scheme not in ("https", "http"):
        return "is not a full URL (https://...)"
    if parsed.scheme == "http":
        try:
            loopback = ipaddress.ip_address(parsed.hostname).is_loopback
        except ValueError:
            loopback = parsed.hostname == "localhost"
        if not loopback:
            return "must be https (the hub trusts what comes from it)"
    return None


def lti13_env(settings: Lti13Settings) -> dict[str, str]:
    """The SSR_HUB_LTI13_* variables for hub/jupyterhub_config.py; ValueError listing every problem."""
    problems = settings.problems()
    if problems:
        raise ValueError("; ".join(problems))
    return {f"{_ENV}ISSUER": settings.issuer, f"{_ENV}CLIENT_ID": ",".join(settings.client_ids),
            f"{_ENV}AUTHORIZE_URL": settings.authorize_url, f"{_ENV}JWKS_URL": settings.jwks_url,
            f"{_ENV}USERNAME": settings.username_from, f"{_ENV}DEPLOYMENT_ID": ",".join(settings.deployment_ids)}


def lti13_from_env(environ: Mapping[str, str]) -> Lti13Settings | None:
    """The settings from SSR_HUB_LTI13_* (None: LTI 1.3 is off, PAM login); ValueError when set but unusable."""
    if not environ.get(f"{_ENV}ISSUER"):
        return None

    def listed(name: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in environ.get(f"{_ENV}{name}", "").split(",") if v.strip())

    settings = Lti13Settings(environ[f"{_ENV}ISSUER"], listed("CLIENT_ID"), environ.get(f"{_ENV}AUTHORIZE_URL", ""),
                             environ.get(f"{_ENV}JWKS_URL", ""), environ.get(f"{_ENV}USERNAME") or "ssr_id",
                             listed("DEPLOYMENT_ID"))
    problems = settings.problems()
    if problems:
        raise ValueError("; ".join(problems))
    return settings
