"""LTI 1.3 login into the cohort hub (issue 14): the LMS says who, this machine says what rights.

The hub test starts the shipped config with ``ssr-trainer hub start --lti13-*`` on 127.0.0.1 against a
fake LMS platform that this test runs on 127.0.0.1 (an RSA key made here, its JWKS served over HTTP,
an authorization endpoint that answers with the form an LMS posts back). Each launch is the real OpenID
Connect third-party-initiated login: the LMS's POST to the hub's login initiation URL, the redirect to
the platform with the hub's state and nonce, the platform's signed id_token posted back to the hub's
redirect URI, and the hub's session checked with /hub/api/user. The accounts are made from rosters by
``ssr-trainer hub accounts``, as a trainer makes them, and removed afterwards.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from ssr_grader.hub.lti import (
    CLAIM_CUSTOM,
    CLAIM_LIS,
    CLAIM_ROLES,
    LaunchRefused,
    Lti13Settings,
    lms_roles,
    lti13_env,
    lti13_from_env,
    username_from_token,
)

from .conftest import ROOT

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
COURSE = "ssr-intro"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


# -- The username: one claim, the roster id exactly; claims are hostile (fast) -----------------------------------

def _token(**custom) -> dict:
    return {CLAIM_CUSTOM: custom, CLAIM_ROLES: [LEARNER]}


@pytest.mark.parametrize(("value", "why"), [
    ("../root", "cannot be an account"),
    ("amina/../../etc", "cannot be an account"),
    ("root", "cannot be an account"),  # a name the system reserves
    ("www-data", "cannot be an account"),
    ("Amina", "cannot be an account"),  # the account is the roster id exactly: never lower-cased into someone else
    ("amina\n", "cannot be an account"),
    ("amina\x00", "cannot be an account"),
    ("a" * 100_000, "cannot be an account"),
    ("jean.dupont@example.org", "cannot be an account"),
    ("$User.username", "did not fill in"),  # the LMS left its variable unsubstituted
    ("", "did not send"),
    (None, "did not send"),
    (42, "not text"),
    (["amina"], "not text"),
])
def test_hostile_username_claims_are_refused_with_a_short_reason(value, why):
    with pytest.raises(LaunchRefused) as refused:
        username_from_token(_token(ssr_id=value), "ssr_id")
    assert why in str(refused.value), refused.value
    assert len(str(refused.value)) < 400, "the refusal page shows a claim cut short"


def test_no_fallback_to_sub_when_the_chosen_claim_is_missing():
    """ltiauthenticator falls back to ``sub``; here that could be another person's account, so it is refused."""
    with pytest.raises(LaunchRefused):
        username_from_token({"sub": "amina", CLAIM_CUSTOM: {"other": "x"}}, "ssr_id")
    with pytest.raises(LaunchRefused):
        username_from_token({"sub": "amina", CLAIM_CUSTOM: "not a dict"}, "ssr_id")
    with pytest.raises(LaunchRefused):
        username_from_token({"sub": "amina", CLAIM_LIS: ["x"]}, "sourcedid")


def test_the_canvas_username_is_the_roster_id_of_canvass_gradebook_export(tmp_path):
    """A roster read from Canvas's gradebook has ids canvas-<user id>; Canvas's $Canvas.user.id gives the same."""
    from ssr_grader.intake.roster import read_roster

    from .lms_fixtures import Person, canvas_gradebook

    people = [Person("Amina", "Diallo", "a@example.org", 212095, 4521, "adiallo"),
              Person("Bo", "Li", "b@example.org", 212096, 4522, "bli")]
    path = tmp_path / "gradebook.csv"
    path.write_bytes(canvas_gradebook(people, "SSR quiz", 777))
    learners, _ = read_roster(path)
    for person, learner in zip(people, learners, strict=True):
        token = _token(canvas_user_id=str(person.canvas))
        assert username_from_token(token, "canvas") == learner.id == f"canvas-{person.canvas}"
    for hostile in ("4521 ", "-4521", "4521/..", "1" * 21, "٤٥٢١"):  # the last: Arabic-Indic digits
        with pytest.raises(LaunchRefused):
            username_from_token(_token(canvas_user_id=hostile), "canvas")


def test_the_sourcedid_username_is_the_lis_person_sourcedid():
    assert username_from_token({CLAIM_LIS: {"person_sourcedid": "s-2026-017"}}, "sourcedid") == "s-2026-017"


@pytest.mark.parametrize(("roles", "expected"), [
    ([LEARNER], (False, True)),
    ([INSTRUCTOR], (True, False)),
    ([INSTRUCTOR + "#TeachingAssistant"], (True, False)),
    ([ADMIN], (False, False)),  # a site administrator is nobody special in the course
    (["http://example.org/vocab#Instructor"], (False, False)),
    ("Instructor", (False, False)),  # not a list
    ([{"role": INSTRUCTOR}, 7, None, INSTRUCTOR + "x" * 300], (False, False)),
])
def test_lms_roles_read_only_course_membership_roles(roles, expected):
    assert lms_roles({CLAIM_ROLES: roles}) == expected


def test_lti13_settings_refuse_plain_http_and_missing_ids_and_round_trip_through_the_environment():
    good = Lti13Settings("https://moodle.example.org", ("AbC123",), "https://moodle.example.org/mod/lti/auth.php",
                         "https://moodle.example.org/mod/lti/certs.php")
    env = lti13_env(good)
    assert lti13_from_env(env) == good
    assert lti13_from_env({}) is None
    for bad, why in [
        (Lti13Settings("http://moodle.example.org", ("A",), good.authorize_url, good.jwks_url), "must be https"),
        (Lti13Settings(good.issuer, (), good.authorize_url, good.jwks_url), "client id is needed"),
        (Lti13Settings(good.issuer, ("a b",), good.authorize_url, good.jwks_url), "not an LTI client"),
        (Lti13Settings(good.issuer, ("A",), "javascript:alert(1)", good.jwks_url), "not a full URL"),
        (Lti13Settings(good.issuer, ("A",), good.authorize_url, good.jwks_url, "email"), "username source"),
    ]:
        with pytest.raises(ValueError, match=why):
            lti13_env(bad)
    loopback = Lti13Settings("http://127.0.0.1:9", ("A",), "http://127.0.0.1:9/auth", "http://localhost:9/jwks")
    assert lti13_env(loopback)  # a platform on this machine (the test's) may be plain http



@pytest.mark.parametrize(("scheme", "cross_site"), [("https", True), ("http", False)])
def test_launch_cookies_survive_the_platforms_cross_site_post_on_https(scheme, cross_site):
    """The state and nonce cookies must come back on the LMS's cross-site POST: SameSite=None; Secure on https."""
    from types import SimpleNamespace

    from ssr_grader.hub.lti import _CrossSiteCookies

    set_cookies = []
    handler = SimpleNamespace(authenticator=SimpleNamespace(get_uri_scheme=lambda request: scheme), request=None,
                              _set_cookie=lambda key, value, **kw: set_cookies.append((key, kw)))
    _CrossSiteCookies._set_oauth_cookie(handler, "lti13authenticator-state", "s")
    (key, kw), = set_cookies
    assert key == "lti13authenticator-state"
    assert kw["httponly"] and kw["encrypted"] and kw["expires_days"] == 1
    assert (kw.get("samesite") == "None" and kw.get("secure") is True) == cross_site, kw

# -- A fake LMS platform on 127.0.0.1 ----------------------------------------------------------------------------

class Platform:
    """An LTI 1.3 platform as far as a launch goes: a key, its JWKS, and the OIDC authorization endpoint."""

    def __init__(self, client_id: str, deployment_id: str) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        self.client_id, self.deployment_id, self.kid = client_id, deployment_id, uuid.uuid4().hex
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwk = {**RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True), "kid": self.kid, "alg": "RS256",
                    "use": "sig"}
        self.launches: dict[str, dict] = {}  # login_hint -> (claims, signing key)
        self.redirect_uris: set[str] = set()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/jwks":
                    self._send(200, "application/json", json.dumps({"keys": [platform.jwk]}))
                elif url.path == "/auth":
                    status, body = platform.authorize({k: v[0] for k, v in parse_qs(url.query).items()})
                    self._send(status, "text/html", body)
                else:
                    self._send(404, "text/plain", "not here")

            def _send(self, status: int, kind: str, body: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.base
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def expect(self, claims: dict, key=None) -> str:
        """Register a launch (as the LMS does when a user clicks the link); returns its login_hint."""
        hint = secrets.token_hex(8)
        self.launches[hint] = {"claims": claims, "key": key or self.key}
        return hint

    def authorize(self, q: dict[str, str]) -> tuple[int, str]:
        """The authentication request (IMS Security Framework step 2) answered with the auto-posting form."""
        import jwt

        launch = self.launches.pop(q.get("login_hint", ""), None)
        checks = {"response_type": "id_token", "scope": "openid", "response_mode": "form_post", "prompt": "none",
                  "client_id": self.client_id}
        if launch is None or any(q.get(k) != v for k, v in checks.items()) or not q.get("nonce") \
                or q.get("redirect_uri") not in self.redirect_uris:
            return 400, f"bad authentication request: {sorted(q)}"
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "azp": self.client_id, "iat": now, "exp": now + 300,
            "nonce": q["nonce"], "sub": secrets.token_hex(6),
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": self.deployment_id,
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": q["redirect_uri"],
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "ssr-hub-link"},
            "https://purl.imsglobal.org/spec/lti/claim/context": {"id": "c1", "label": "SSR101", "title": "SSR"},
            **launch["claims"],
        }
        token = jwt.encode(claims, launch["key"], algorithm="RS256", headers={"kid": self.kid})
        fields = {"id_token": token, "state": q.get("state", "")}
        inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
        return 200, (f'<form id="lti" method="post" action="{q["redirect_uri"]}">{inputs}</form>'
                     "<script>document.getElementById('lti').submit()</script>")


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action, self.fields = "", {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


def launch(hub: str, platform: Platform, claims: dict, key=None):
    """One LTI 1.3 launch as a browser makes it; returns (the session, the hub's answer to the id_token POST)."""
    import requests

    browser = requests.Session()
    hint = platform.expect(claims, key)
    # 1. The LMS's third-party-initiated login (a form POST to the hub), which the hub redirects to the platform.
    at_platform = browser.post(f"{hub}/hub/lti13/oauth_login", timeout=30, data={
        "iss": platform.issuer, "login_hint": hint, "target_link_uri": f"{hub}/hub/home",
        "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id})
    assert at_platform.status_code == 200 and at_platform.url.startswith(platform.base + "/auth?"), \
        (at_platform.status_code, at_platform.url, at_platform.text[:500])
    asked = parse_qs(urlparse(at_platform.url).query)
    assert asked["redirect_uri"] == [f"{hub}/hub/lti13/oauth_callback"] and asked["nonce"] and asked["state"]
    # 2. The platform's auto-posting form: the signed id_token and the hub's own state, back to the hub.
    form = _Form()
    form.feed(at_platform.text)
    assert form.action == f"{hub}/hub/lti13/oauth_callback" and form.fields["state"] == asked["state"][0]
    answer = browser.post(form.action, data=form.fields, allow_redirects=False, timeout=30)
    return browser, answer


def hub_user(browser, hub: str) -> dict | None:
    """The hub's idea of who this browser is (/hub/api/user with the session cookie), or None."""
    browser.get(f"{hub}/hub/home", timeout=30)  # sets the _xsrf cookie the API wants with a cookie session
    xsrf = next((c.value for c in browser.cookies if c.name == "_xsrf"), "")
    answer = browser.get(f"{hub}/hub/api/user", headers={"X-XSRFToken": xsrf}, timeout=30)
    return answer.json() if answer.status_code == 200 else None


# -- The hub with LTI 1.3 login, against the fake platform (root: real accounts) ---------------------------------

@pytest.mark.slow  # 68 s here with other test runs loading the machine: almost all of it the hub's start-up
def test_lti13_launches_into_the_hub_with_the_rosters_accounts_and_the_machines_rights(tmp_path):
    if not IS_ROOT:
        if os.environ.get("CI"):
            pytest.fail("CI runs as root: this test must run there")
        pytest.skip("needs root: the hub's accounts are system accounts")
    proxy = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        if os.environ.get("CI"):
            pytest.fail("configurable-http-proxy is missing in CI: run-tests.sh should have run npm ci --prefix hub")
        pytest.skip("configurable-http-proxy is not installed (npm ci --prefix hub)")
    from .hub_harness import learner_python, make_accounts, remove_accounts, running_hub
    from .quiz_helpers import COURSE_FILES

    started = time.monotonic()
    prefix = f"ssrlti{secrets.token_hex(2)}"
    amina, bo, trainer, ghost = (f"{prefix}-{n}" for n in ("amina", "bo", "trainer", "ghost"))
    groups_before = {g.gr_name for g in grp.getgrall()}
    work = Path(tempfile.mkdtemp(prefix="ssr-hub-lti-", dir="/tmp"))  # not under pytest's private tmp
    work.chmod(0o755)
    platform = Platform(client_id=f"ssr-{secrets.token_hex(4)}", deployment_id="1:ssr")
    created = [amina, bo, trainer]
    stack = contextlib.ExitStack()
    try:
        python = learner_python(work)
        trainers_csv, learners_csv = tmp_path / "trainers.csv", tmp_path / "cohort.csv"
        trainers_csv.write_text(f"id,first name,last name,email\n{trainer},Tess,Trainer,t@example.org\n")
        learners_csv.write_text(f"id,first name,last name,email\n{amina},Amina,Diallo,a@example.org\n"
                                f"{bo},Bo,Li,b@example.org\n")
        for roster, trainers in ((trainers_csv, True), (learners_csv, False)):
            code, output = make_accounts(roster, trainers=trainers)
            assert code == 0, output
        course = work / "course"
        course.mkdir()
        for name in COURSE_FILES:
            shutil.copy(ROOT / "grader" / name, course / name)
        subprocess.run(["chown", "-R", f"{trainer}:{trainer}", str(course)], check=True)
        hub = stack.enter_context(running_hub(
            course, python, work / "exchange", work / "state", work / "hub.log",
            extra=["--lti13-issuer", platform.issuer, "--lti13-client-id", platform.client_id,
                   "--lti13-authorize-url", f"{platform.base}/auth", "--lti13-jwks-url", f"{platform.base}/jwks",
                   "--lti13-deployment-id", platform.deployment_id]))
        platform.redirect_uris.add(f"{hub.base}/hub/lti13/oauth_callback")
        assert "learners open it from the course's link in the LMS" in hub.log.read_text()
        hub_up = time.monotonic() - started

        def as_learner(name: str, roles: list[str]) -> dict:
            return {CLAIM_CUSTOM: {"ssr_id": name}, CLAIM_ROLES: roles}

        # A learner of the roster: her own account, the learners' group only.
        browser, answer = launch(hub.base, platform, as_learner(amina, [LEARNER]))
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/hub/home"), answer.text[:500]
        me = hub_user(browser, hub.base)
        assert me and me["name"] == amina and me["groups"] == [f"nbgrader-{COURSE}"], me
        assert not me["admin"]

        # The trainer, as Instructor in the LMS: the trainers' group (the formgrader), nothing else.
        browser, answer = launch(hub.base, platform, as_learner(trainer, [INSTRUCTOR, ADMIN]))
        assert answer.status_code == 302, answer.text[:500]
        me = hub_user(browser, hub.base)
        assert me and me["name"] == trainer and me["groups"] == [f"formgrade-{COURSE}"] and not me["admin"], me

        # A learner whom the LMS calls Instructor is no trainer here: Instructor alone gives her account nothing ...
        browser, answer = launch(hub.base, platform, as_learner(bo, [INSTRUCTOR]))
        assert answer.status_code == 403 and "gives the account" in answer.text, answer.text[:2000]
        assert hub_user(browser, hub.base) is None
        # ... and Instructor with Learner gives the learners' group only.
        browser, answer = launch(hub.base, platform, as_learner(bo, [INSTRUCTOR, LEARNER]))
        assert answer.status_code == 302, answer.text[:500]
        me = hub_user(browser, hub.base)
        assert me and me["name"] == bo and me["groups"] == [f"nbgrader-{COURSE}"], me

        # Someone the LMS knows but the roster does not: refused, clearly, and no hub user made.
        browser, answer = launch(hub.base, platform, as_learner(ghost, [LEARNER, INSTRUCTOR]))
        assert answer.status_code == 403, answer.text[:500]
        assert f"there is no account &#39;{ghost}&#39; for this course" in answer.text, answer.text[:3000]
        assert hub_user(browser, hub.base) is None
        # A hostile username: refused before any account is looked up.
        browser, answer = launch(hub.base, platform, as_learner("../../root", [LEARNER]))
        assert answer.status_code == 403 and "cannot be an account of this hub" in answer.text, answer.text[:3000]

        # A forged id_token (signed with another key under the platform's key id): refused, no session.
        from cryptography.hazmat.primitives.asymmetric import rsa

        forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        browser, answer = launch(hub.base, platform, as_learner(amina, [LEARNER, INSTRUCTOR]), key=forger)
        assert answer.status_code in (400, 401, 403) and "jupyterhub-session-id" not in answer.headers.get(
            "Set-Cookie", ""), (answer.status_code, answer.text[:500])
        assert "Signature verification failed" in answer.text, answer.text[:3000]
        assert hub_user(browser, hub.base) is None

        # The hub's own record: only the three accounts that logged in; nobody an admin, nobody else a user.
        with contextlib.closing(sqlite3.connect(work / "state" / "jupyterhub.sqlite")) as db:
            users = dict(db.execute("select name, admin from users").fetchall())
        assert users == {amina: 0, trainer: 0, bo: 0}, users
        total = time.monotonic() - started
        print(f"LTI 1.3 hub test: hub up after {hub_up:.1f} s, total {total:.1f} s")
    finally:
        stack.close()
        platform.close()
        left = remove_accounts(created, groups_before)
        shutil.rmtree(work, ignore_errors=True)
        if left and sys.exc_info()[0] is None:  # never hide the failure that got here first
            raise AssertionError(f"the test's accounts could not be removed: {left}")

