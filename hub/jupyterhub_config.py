"""JupyterHub for one cohort of the SSR course: a server per learner, the nbgrader exchange, the formgrader for trainers.

Started by  sudo .venv/bin/ssr-trainer hub start  (which checks the machine first and sets the
SSR_* variables below), or as root by hand:  jupyterhub -f hub/jupyterhub_config.py

What it sets up (see hub/README.md for the why of each, and for TLS on a real host):
- the hub on 127.0.0.1:8000 unless told otherwise, behind configurable-http-proxy (npm, hub/package.json);
- login with the system accounts that  ssr-trainer hub accounts  made from the roster (PAM), for members of
  the course's groups only: learners nbgrader-<course>, trainers formgrade-<course>;
- one JupyterLab per account, started as that account (nbgrader knows a learner by it), in their home folder,
  which keeps their work between days; learners get the learner settings (no nbgrader instructor panels);
- the nbgrader exchange in a shared folder, with JupyterHubAuthPlugin and course-named paths;
- the formgrader as the hub service /services/<course>/formgrader, run as the account that owns the course
  folder, open to the formgrade-<course> group only (a new tab: JupyterHub >= 4.1 refuses it in a frame);
- the idle culler: a server idle for an hour is stopped; the account and its files stay.
"""

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "hub"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


COURSE_DIR = Path(_env("SSR_COURSE_DIR", str(REPO / "grader"))).resolve()
COURSE = _env("SSR_HUB_COURSE", "ssr-intro")  # the course id of COURSE_DIR/nbgrader_config.py
EXCHANGE = _env("SSR_EXCHANGE", "/srv/nbgrader/exchange")
STATE = Path(_env("SSR_HUB_STATE", "/srv/ssr-hub"))  # the hub's database, cookie secret and proxy pid
# The Python the learners' servers run with: every account must be able to run it (not one under /root).
PYTHON = _env("SSR_HUB_PYTHON", sys.executable)
IDLE_MINUTES = int(_env("SSR_HUB_IDLE_MINUTES", "60"))
LEARNERS, TRAINERS = f"nbgrader-{COURSE}", f"formgrade-{COURSE}"

# -- Network: the hub on loopback unless told otherwise; TLS when certificate files are given ------------------
c.JupyterHub.ip = _env("SSR_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(_env("SSR_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's own API, for the proxy, the servers and the services
c.JupyterHub.hub_port = int(_env("SSR_HUB_API_PORT", "8081"))
if os.environ.get("SSR_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["SSR_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["SSR_HUB_SSL_KEY"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_env('SSR_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [
    os.environ.get("SSR_HUB_PROXY")
    or next((str(p) for p in [HERE / "node_modules" / ".bin" / "configurable-http-proxy"] if p.exists()), None)
    or shutil.which("configurable-http-proxy") or "configurable-http-proxy"
]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# -- Login: system accounts of the course's groups (PAM); hub groups follow the system groups -----------------
# Or, with SSR_HUB_LTI13_ISSUER set (ssr-trainer hub start --lti13-issuer ...), LTI 1.3 from Moodle or Canvas:
# the LMS says who (the username is the roster id, from SSR_HUB_LTI13_USERNAME's claim), the system groups say
# what rights; no launch makes an account or a trainer (grader/ssr_grader/hub/lti.py, hub/README.md).
if not os.environ.get("SSR_HUB_LTI13_ISSUER"):
    c.JupyterHub.authenticator_class = "ssr_grader.hub.auth.CohortPAMAuthenticator"
    c.CohortPAMAuthenticator.course_id = COURSE
    c.LocalAuthenticator.allowed_groups = {LEARNERS, TRAINERS}
    c.LocalAuthenticator.create_system_users = False  # accounts come from the roster (ssr-trainer hub accounts)
else:
    try:
        from ssr_grader.hub.lti import lti13_from_env

        _lti13 = lti13_from_env(os.environ)
    except ImportError as exc:
        raise SystemExit(f"LTI 1.3 login needs jupyterhub-ltiauthenticator: pip install -e '.[hub]' ({exc})") from None
    except ValueError as exc:
        raise SystemExit(f"LTI 1.3 login is set up wrong (SSR_HUB_LTI13_*): {exc}") from None
    c.JupyterHub.authenticator_class = "ssr_grader.hub.lti.CohortLTI13Authenticator"
    c.CohortLTI13Authenticator.course_id = COURSE
    c.CohortLTI13Authenticator.issuer = _lti13.issuer
    c.CohortLTI13Authenticator.client_id = set(_lti13.client_ids)
    c.CohortLTI13Authenticator.authorize_url = _lti13.authorize_url
    c.CohortLTI13Authenticator.jwks_endpoint = _lti13.jwks_url
    c.CohortLTI13Authenticator.username_from = _lti13.username_from
    c.CohortLTI13Authenticator.deployment_ids = set(_lti13.deployment_ids)
    c.Authenticator.allow_all = False  # CohortLTI13Authenticator.check_allowed: the course's system groups
c.Authenticator.admin_users = set()  # nobody is a hub admin, whatever the login
c.Authenticator.manage_groups = True

# -- Servers: one JupyterLab per account, run as that account, in its home folder -----------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.args = [
    f"--LabApp.extra_labextensions_path={REPO / 'jupyter-config' / 'labextensions'}",  # the course's autorun
    f"--LabApp.app_settings_dir={REPO / 'binder'}",  # overrides.json: no news or update pop-ups, as on Binder
]


def _is_trainer(spawner) -> bool:
    return any(g.name == TRAINERS for g in spawner.user.groups)


def _config_path(spawner) -> str:
    """Learners: the learner settings (no nbgrader instructor panels) and the hub's; trainers: the hub's only."""
    paths = [] if _is_trainer(spawner) else [str(REPO / "jupyter-config" / "learner")]
    return os.pathsep.join([*paths, str(HERE / "jupyter-config")])


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": _config_path,
    "PATH": os.pathsep.join([str(Path(PYTHON).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
    "SSR_EXCHANGE": EXCHANGE,  # read by hub/jupyter-config/nbgrader_config.py
    "SSR_HUB_COURSE": COURSE,
}


def _course_notebooks(spawner) -> None:
    """The course's notebooks in the learner's home (ssr-course/), copied at the first start, never overwritten."""
    entry = pwd.getpwnam(spawner.user.name)
    dest = Path(entry.pw_dir) / "ssr-course"
    if dest.exists():
        return
    shutil.copytree(REPO / "notebooks", dest, symlinks=False,
                    ignore=shutil.ignore_patterns("ssr-progress*", ".ipynb_checkpoints", "__pycache__"))
    for path in [dest, *dest.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    # As start-course.sh and Binder do: the sections and the practice quiz signed with the learner's own key (made
    # in their home now), so the course's autorun extension runs them on opening. Run as the learner, not root.
    ours = [*sorted(dest.glob("[0-9][0-9]_*.ipynb")), dest / "quiz" / "practice_quiz.ipynb",
            *sorted(dest.glob("fr/[0-9][0-9]_*.ipynb"))]
    env = {"HOME": entry.pw_dir, "USER": entry.pw_name, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
    try:
        subprocess.run([PYTHON, "-m", "nbformat.sign", *map(str, ours)], user=entry.pw_uid, group=entry.pw_gid,
                       env=env, cwd=dest, capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:  # the learner can still use Run All Cells
        print(f"Could not mark {spawner.user.name}'s course notebooks trusted: {exc}", file=sys.stderr)


c.Spawner.pre_spawn_hook = _course_notebooks

# -- Permissions: servers may read their own user's groups (nbgrader's JupyterHubAuthPlugin needs that) --------
c.JupyterHub.load_roles = [
    {"name": "server", "scopes": ["users:activity!user", "access:servers!server", "read:users:name!user",
                                  "read:users:groups!user"]},
    {"name": TRAINERS, "groups": [TRAINERS],
     "scopes": [f"access:services!service={COURSE}", "list:services", f"read:services!service={COURSE}"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]

# -- Services: the formgrader for trainers, the idle culler -----------------------------------------------------
try:
    _grader = pwd.getpwuid(COURSE_DIR.stat().st_uid).pw_name
except (OSError, KeyError):
    raise SystemExit(f"The course folder {COURSE_DIR} is missing or has no owner on this server.") from None
if _grader == "root":
    raise SystemExit(f"The course folder {COURSE_DIR} belongs to root: give it to a trainer's account "
                     f"(chown -R <trainer> {COURSE_DIR}); the formgrader runs as that account, never as root.")
c.JupyterHub.services = [
    {
        "name": COURSE,
        "url": f"http://127.0.0.1:{_env('SSR_HUB_SERVICE_PORT', '9999')}",
        "command": [PYTHON, "-m", "jupyterhub.singleuser", "--ServerApp.root_dir=."],
        "user": _grader,
        "cwd": str(COURSE_DIR),
        "environment": {"JUPYTERHUB_DEFAULT_URL": "/formgrader", "SSR_EXCHANGE": EXCHANGE,
                        "SSR_COURSE_DIR": str(COURSE_DIR)},
        "oauth_no_confirm": True,
    },
    {
        "name": "idle-culler",
        # servers only (no --cull-users): the accounts, their hub users and their files stay
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_MINUTES * 60}"],
    },
]
