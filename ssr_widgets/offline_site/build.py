"""Build the offline site: ``build_site(out_dir)`` (the command is ``ssr-course build-offline OUT_DIR``).

The steps, each checked, so that a wrong version or a missing file fails the build and never a learner's page:

1. the Pyodide core from npm (``offline/node_modules/pyodide``, installed by ``npm ci``), whose version must be the
   one the installed ``jupyterlite-pyodide-kernel`` was built against;
2. the wheels the kernel and the course import: Pyodide's own choice of version for every package its lock
   file names (fetched from PyPI, where the pure-Python ones are), the build environment's version for the rest
   (the versions the course's tests ran with), PyYAML as a pure-Python wheel built from its source release, and
   this project's own wheel; the site's ``pyodide-lock.json`` lists exactly these, nothing it does not hold;
3. ``jupyter lite build`` with only the course's notebooks as contents and only the front-end extensions the
   course needs (the widget manager, anywidget, the Pyodide kernel), the PyPI fallback turned off;
4. the app's page waits for JupyterLite's service worker before JupyterLite starts (see :func:`connect_first`);
5. a check of the built folder: every package in the lock file is there with its hash, and nothing of the
   trainer's (item bank, quiz source, answer keys) is.
"""

from __future__ import annotations

import email.parser
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The project's source tree (the wheel is built from it) and the notebooks a learner receives.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = PROJECT_ROOT / "notebooks"
NPM_FOLDER = PROJECT_ROOT / "offline"

#: The notebooks of the offline edition, as they sit in the learner's JupyterLab. The pre-test is left out:
#: its answers count only when a trainer collects them before the course, which needs a server.
COURSE_NOTEBOOKS = (
    "00_welcome.ipynb", "01_concept.ipynb", "02_context.ipynb", "03_actors.ipynb", "04_support.ipynb",
    "glossary.ipynb", "quiz/practice_quiz.ipynb", "quiz/end_of_course_quiz.ipynb", "quiz/course_evaluation.ipynb",
)


def french_notebooks() -> list[str]:
    """The French edition as far as it is built (``notebooks/fr/``, same names as the English): a francophone
    learner opens ``fr/00_welcome.ipynb``. Its links to notebooks not yet in French lead to the English ones."""
    edition = NOTEBOOKS / "fr"
    return sorted(p.relative_to(NOTEBOOKS).as_posix() for p in edition.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


#: What the kernel imports besides the course: Pyodide's package manager and what the kernel's start-up installs.
KERNEL_PACKAGES = ("micropip", "comm", "jedi", "ipython")
#: This project's distribution name; its wheel goes in the site like any other.
COURSE_DIST = "ssr-course"

#: Requirements that the browser does not need, by reason. A new requirement of the course that is in none of
#: these and in no wheel fails the build, so that a dependency is never left out of the site by accident.
NOT_IN_BROWSER = {
    # the server and the trainer's tools: a static site has no server, and grading happens on the trainer's side
    "jupyterlab": "server", "notebook": "server", "nbgrader": "trainer", "nbconvert": "trainer", "click": "trainer",
    # the front-end halves of ipywidgets: the site carries them as JupyterLab extensions, not as Python packages
    "jupyterlab-widgets": "front end", "widgetsnbextension": "front end",
}
#: Packages whose Pyodide-lock version is not on PyPI for Pyodide's ABI; the build environment's version is
#: (pydantic-core publishes ``pyemscripten`` wheels from 2.47 on), and pydantic must match its core.
ENVIRONMENT_VERSION = ("pydantic", "pydantic-core")
#: No registry holds a Pyodide build of PyYAML; its pure-Python half is all the course needs (the loader falls
#: back to ``yaml.SafeLoader`` where libyaml is missing), built from PyPI's source release with libyaml off.
PURE_FROM_SOURCE = ("pyyaml",)

#: Pyodide core files that a learner's browser never loads: type declarations, source maps, demo consoles.
PYODIDE_SKIP_SUFFIXES = (".d.ts", ".map", ".html", ".md")

#: The Pyodide kernel's settings in ``jupyter-lite.json``.
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: Front-end extensions of the site, by their npm name. Anything else in the build environment (nbgrader's
#: instructor tools, say) stays out.
LAB_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "anywidget", "@jupyterlite/pyodide-kernel-extension")
#: Files of the trainer's that must never be in a learner's site (checked after the build).
TRAINER_FILES = ("item_bank.yml", "item_bank.fr.yml", "quiz.yml", "rubric.md", "course_secret.key", "gradebook.db",
                 "issuer.yml")


class OfflineBuildError(RuntimeError):
    """A build that cannot give a working offline site; the message says what to do."""


@dataclass
class Wheel:
    name: str  # canonical name
    version: str
    path: Path
    depends: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


# -- 1. Pyodide ------------------------------------------------------------------------------------------------
def kernel_pyodide_version() -> str:
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    return PYODIDE_VERSION


def find_pyodide(pyodide_dir: Path | None = None, *, log: Callable[[str], None] = print) -> Path:
    """The npm ``pyodide`` package's folder, installed with ``npm ci`` in ``offline/`` when it is not there yet."""
    if pyodide_dir is None and os.environ.get("SSR_PYODIDE_DIR"):
        pyodide_dir = Path(os.environ["SSR_PYODIDE_DIR"])
    if pyodide_dir is None:
        pyodide_dir = NPM_FOLDER / "node_modules" / "pyodide"
        if not (pyodide_dir / "package.json").exists():
            if not (NPM_FOLDER / "package-lock.json").exists():
                raise OfflineBuildError(
                    "the Pyodide core was not found: pass --pyodide-dir (the npm 'pyodide' package's folder) or set "
                    "SSR_PYODIDE_DIR")
            log(f"npm ci in {NPM_FOLDER.name}/ (the Pyodide core)")
            _run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=NPM_FOLDER)
    meta = json.loads((pyodide_dir / "package.json").read_text(encoding="utf-8"))
    wanted = kernel_pyodide_version()
    if meta.get("version") != wanted:
        raise OfflineBuildError(
            f"the Pyodide core in {pyodide_dir} is version {meta.get('version')}, but jupyterlite-pyodide-kernel "
            f"was built against {wanted}: pin pyodide {wanted} in offline/package.json")
    for name in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"):
        if not (pyodide_dir / name).exists():
            raise OfflineBuildError(f"{pyodide_dir} has no {name}: not the npm 'pyodide' package")
    return pyodide_dir


# -- 2. wheels -------------------------------------------------------------------------------------------------
def pip_platform_args(lock_info: dict[str, Any]) -> list[str]:
    """pip's options for wheels that run in this Pyodide: its Python, and its ABI (PEP 783) or pure Python."""
    major, minor = lock_info["python"].split(".")[:2]
    return ["--only-binary=:all:", "--platform", f"pyemscripten_{lock_info['abi_version']}_{lock_info['arch']}",
            "--platform", "any", "--python-version", f"{major}.{minor}", "--implementation", "cp",
            "--abi", f"cp{major}{minor}", "--abi", "none"]


def marker_environment(lock_info: dict[str, Any]) -> dict[str, str]:
    python = lock_info["python"]
    return {
        "python_version": ".".join(python.split(".")[:2]), "python_full_version": python,
        "sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
        "platform_machine": lock_info["arch"], "implementation_name": "cpython",
        "platform_python_implementation": "CPython", "extra": "",
    }


def wheel_metadata(path: Path) -> email.message.Message:
    with zipfile.ZipFile(path) as zf:
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1]
        return email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))


def wheel_requirements(path: Path, env: dict[str, str]) -> list[str]:
    """Canonical names this wheel needs in the browser (its requirements whose markers hold there, no extras)."""
    from packaging.requirements import Requirement

    out = []
    for line in wheel_metadata(path).get_all("Requires-Dist") or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            out.append(canonical(req.name))
    return sorted(set(out))


def wheel_imports(path: Path) -> list[str]:
    """The top-level modules a wheel installs (Pyodide's lock lists them, to find packages by import)."""
    names = set()
    with zipfile.ZipFile(path) as zf:
        for n in zf.namelist():
            top = n.split("/", 1)[0]
            if top.endswith((".dist-info", ".data")):
                continue
            if "/" in n:
                names.add(top)
            elif n.endswith(".py"):
                names.add(n[:-3])
    return sorted(names)


def build_course_wheel(dest: Path) -> Path:
    if not (PROJECT_ROOT / "pyproject.toml").exists():
        raise OfflineBuildError(f"the course's source tree was not found at {PROJECT_ROOT}: build from a clone")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dest), str(PROJECT_ROOT)])
    (wheel,) = dest.glob("ssr_course-*.whl")
    return wheel


def build_pure_wheel(name: str, version: str, dest: Path) -> Path:
    env = {**os.environ, "PYYAML_FORCE_LIBYAML": "0"} if canonical(name) == "pyyaml" else None
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", f"--no-binary={name}", "-w", str(dest),
          f"{name}=={version}"], env=env)
    (wheel,) = [w for w in dest.glob("*.whl") if canonical(w.name.split("-")[0]) == canonical(name)]
    if not wheel.name.endswith("-py3-none-any.whl"):
        raise OfflineBuildError(f"{wheel.name} is not a pure-Python wheel: it would not run in Pyodide")
    return wheel


def download_wheels(specs: Iterable[str], dest: Path, lock_info: dict[str, Any]) -> None:
    specs = sorted(specs)
    if specs:
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest),
              *pip_platform_args(lock_info), *specs])


def collect_wheels(lock: dict[str, Any], work: Path, *, log: Callable[[str], None] = print) -> dict[str, Wheel]:
    """Every wheel the kernel and the course need, with the names each depends on, resolved level by level."""
    packages = {canonical(k): v for k, v in lock["packages"].items()}
    env = marker_environment(lock["info"])
    wheels_dir = work / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)

    log("building the course's wheel")
    course = build_course_wheel(wheels_dir)
    newer: set[str] = set(ENVIRONMENT_VERSION)
    while True:
        found = _resolve(course, packages, newer, wheels_dir, lock["info"], env, log)
        unmet = _unmet_requirements(found, env)
        # a package that takes the environment's version may need a newer one of a package Pyodide locks
        # (pydantic 2.14 needs typing-extensions 4.16): take the environment's version of that one too, once
        retry = {dep for dep, _ in unmet if dep not in newer}
        if not retry:
            break
        newer |= retry
    if unmet:
        raise OfflineBuildError("the wheels do not fit together:\n" + "\n".join(msg for _, msg in unmet))
    return found


def _resolve(course: Path, packages: dict[str, Any], newer: set[str], wheels_dir: Path, info: dict[str, Any],
             env: dict[str, str], log: Callable[[str], None]) -> dict[str, Wheel]:
    found: dict[str, Wheel] = {COURSE_DIST: Wheel(COURSE_DIST, wheel_metadata(course)["Version"], course)}
    found[COURSE_DIST].depends = _needs(found[COURSE_DIST], env)
    todo = set(KERNEL_PACKAGES) | set(found[COURSE_DIST].depends)
    while todo:
        versions = {name: _version_for(name, packages, newer) for name in sorted(todo)}
        pure = {n: v for n, v in versions.items() if n in PURE_FROM_SOURCE}
        for name, version in pure.items():
            log(f"building a pure-Python wheel of {name} {version} from its source release")
            build_pure_wheel(name, version, wheels_dir)
        log(f"fetching {len(versions) - len(pure)} wheels: {', '.join(sorted(set(versions) - set(pure)))}")
        download_wheels([f"{n}=={v}" for n, v in versions.items() if n not in pure], wheels_dir, info)
        for name, version in versions.items():
            path = _find_wheel(wheels_dir, name, version)
            wheel = Wheel(name, version, path)
            locked = packages.get(name)
            if locked and locked["version"] == version and name not in PURE_FROM_SOURCE:
                wheel.depends = sorted(canonical(d) for d in locked["depends"])
            else:
                wheel.depends = _needs(wheel, env)
            found[name] = wheel
        todo = {d for w in found.values() for d in w.depends} - set(found)
    return found


def _version_for(name: str, locked: dict[str, Any], newer: set[str]) -> str:
    if name in locked and name not in newer:
        return locked[name]["version"]
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        raise OfflineBuildError(
            f"{name} is needed in the browser but is neither in Pyodide's lock file nor installed here: install the "
            "course (pip install -e '.[offline]') before building") from None


def _needs(wheel: Wheel, env: dict[str, str]) -> list[str]:
    return [r for r in wheel_requirements(wheel.path, env) if r not in NOT_IN_BROWSER]


def _find_wheel(folder: Path, name: str, version: str) -> Path:
    from packaging.utils import parse_wheel_filename

    for path in folder.glob("*.whl"):
        wname, wversion, *_ = parse_wheel_filename(path.name)
        if canonical(wname) == name and str(wversion) == version:
            return path
    raise OfflineBuildError(f"no wheel of {name} {version} for Pyodide (looked in {folder})")


def _unmet_requirements(found: dict[str, Wheel], env: dict[str, str]) -> list[tuple[str, str]]:
    """Each wheel's version requirements that the wheels chosen do not meet (Pyodide does not check them)."""
    from packaging.requirements import Requirement

    problems = []
    for wheel in found.values():
        for line in wheel_metadata(wheel.path).get_all("Requires-Dist") or []:
            req = Requirement(line)
            dep = canonical(req.name)
            if dep in found and (req.marker is None or req.marker.evaluate(env)) and \
                    not req.specifier.contains(found[dep].version, prereleases=True):
                problems.append((dep, f"{wheel.name} {wheel.version} needs {req}, the site has {dep} "
                                      f"{found[dep].version}"))
    return problems


def site_lock(lock: dict[str, Any], wheels: dict[str, Wheel]) -> dict[str, Any]:
    """Pyodide's lock file, listing only the packages the site holds, each pointing at its wheel beside it."""
    by_name = {canonical(k): v for k, v in lock["packages"].items()}
    out: dict[str, Any] = {}
    for name, wheel in sorted(wheels.items()):
        entry = dict(by_name.get(name, {}))
        entry.update({
            "name": entry.get("name", name), "version": wheel.version, "file_name": wheel.path.name,
            "install_dir": "site", "sha256": wheel.sha256, "package_type": "package",
            "imports": entry.get("imports") or wheel_imports(wheel.path), "depends": wheel.depends,
            "unvendored_tests": False,
        })
        entry.setdefault("tool", {})
        out[name] = entry
    return {"info": lock["info"], "packages": out}


# -- 3. JupyterLite ---------------------------------------------------------------------------------------------
def lab_extension_folders() -> list[Path]:
    from jupyter_core.paths import jupyter_path

    folders = []
    for name in LAB_EXTENSIONS:
        for root in jupyter_path("labextensions"):
            if (Path(root) / name / "package.json").exists():
                folders.append(Path(root) / name)
                break
        else:
            raise OfflineBuildError(f"the JupyterLab extension {name} is not installed here")
    return folders


def write_lite_dir(lite: Path, pyodide_dir: Path, wheels: dict[str, Wheel], lock: dict[str, Any]) -> None:
    static = lite / "static" / "pyodide"
    static.mkdir(parents=True)
    for f in pyodide_dir.iterdir():
        if f.is_file() and not f.name.endswith(PYODIDE_SKIP_SUFFIXES) and f.name not in ("package.json",
                                                                                            "pyodide-lock.json"):
            shutil.copy2(f, static / f.name)
    for wheel in wheels.values():
        shutil.copy2(wheel.path, static / wheel.path.name)
    (static / "pyodide-lock.json").write_text(json.dumps(site_lock(lock, wheels), indent=1), encoding="utf-8")

    files = lite / "files"
    for rel in (*COURSE_NOTEBOOKS, *french_notebooks()):
        (files / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(NOTEBOOKS / rel, files / rel)

    (lite / "jupyter_lite_config.json").write_text(json.dumps({
        "LiteBuildConfig": {
            "contents": ["files"],
            "ignore_sys_prefix": ["federated_extensions"],
            "federated_extensions": [str(p) for p in lab_extension_folders()],
            "no_sourcemaps": True,
            "apps": ["lab"],
        },
    }, indent=1), encoding="utf-8")
    (lite / "jupyter-lite.json").write_text(json.dumps({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Introduction to Security Sector Reform",
            "litePluginSettings": {KERNEL_PLUGIN: {
                "disablePyPIFallback": True,
                # loaded with Pyodide, so the first exercise needs no install step; the kernel's own packages too
                "loadPyodideOptions": {"packages": [*KERNEL_PACKAGES, COURSE_DIST]},
            }},
        },
    }, indent=1), encoding="utf-8")


def run_lite_build(lite: Path, out_dir: Path) -> None:
    _run([sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite), "--output-dir", str(out_dir)],
         cwd=lite)


# -- 4. the service worker first ----------------------------------------------------------------------------------
#: The app page that starts the kernels (the site's only app: ``apps`` is ``lab``).
APP_PAGE = Path("lab") / "index.html"
#: Where that page starts JupyterLite; the wait goes just before it.
_BOOT = "        await import(\n          '../config-utils.js"
#: Before JupyterLite starts: the page is controlled by JupyterLite's service worker, registered for this version.
#:
#: The Pyodide kernel mounts the learner's files (DriveFS, through the service worker) only if JupyterLite's
#: service-worker manager has its registration when the kernel is created; it does not wait for it. And
#: JupyterLite records the version of its service worker only when a page is already controlled, so on the second
#: visit it finds no record, unregisters the worker and registers it again while the notebook opens. A kernel
#: created in that window has no /drive: its working folder is in memory, the saved answers are not found (the
#: exercise shows none, with no message) and a new answer is lost when the page closes. Measured: the answer was
#: missing after a reload in 1 of 4 test runs, and in a run with the worker's script served 6 s late after the first
#: visit (the kernel said "Pyodide contents will NOT be synced"). Here the page registers the same worker (same
#: URL, so the same registration), waits until it controls the page, and records the version as JupyterLite reads
#: it; JupyterLite then finds its registration at once. A new site version is handled the same way (the old
#: workers are unregistered first). Without service workers (``file://``, some private windows), or if the worker
#: does not take control within 10 s, JupyterLite starts as it would have.
_CONNECT_FIRST = """    <script>
      // ssr-course (ssr_widgets/offline_site/build.py, connect_first): the service worker first, then JupyterLite.
      async function ssrServiceWorkerFirst() {
        const sw = navigator.serviceWorker;
        if (!sw) return;
        try {
          const url = new URL('../service-worker.js?enableCache=false', window.location.href).href;
          const key = `${url}-version`;
          const version = %(version)s;
          if (sw.controller && sw.controller.scriptURL === url && localStorage.getItem(key) === version) return;
          if (localStorage.getItem(key) !== version) {
            for (const registration of await sw.getRegistrations()) await registration.unregister();
          }
          await sw.register(url);
          if (!(sw.controller && sw.controller.scriptURL === url)) {
            await new Promise((resolve) => {
              const done = () => { if (sw.controller && sw.controller.scriptURL === url) resolve(); };
              sw.addEventListener('controllerchange', done);
              setTimeout(resolve, 10000);
              done();
            });
          }
          if (sw.controller && sw.controller.scriptURL === url) localStorage.setItem(key, version);
        } catch (err) {
          console.warn('ssr-course: the service worker could not be connected first', err);
        }
      }
    </script>
"""


def connect_first(out_dir: Path) -> None:
    """Make the app page connect JupyterLite's service worker before JupyterLite starts (see ``_CONNECT_FIRST``)."""
    page = out_dir / APP_PAGE
    html = page.read_text(encoding="utf-8")
    config = json.loads((out_dir / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    version = config.get("appVersion")
    if html.count(_BOOT) != 1 or "</head>" not in html or not version or config.get("enableServiceWorkerCache"):
        raise OfflineBuildError(
            f"{APP_PAGE} does not start JupyterLite as JupyterLite 0.8 does: the service-worker wait cannot be added")
    html = html.replace("    <script>\n      (async function () {", _CONNECT_FIRST % {"version": json.dumps(version)}
                        + "    <script>\n      (async function () {", 1)
    html = html.replace(_BOOT, "        await ssrServiceWorkerFirst();\n" + _BOOT, 1)
    page.write_text(html, encoding="utf-8")


# -- 5. checks --------------------------------------------------------------------------------------------------
def check_site(out_dir: Path) -> list[str]:
    """Problems with a built site: settings that would reach the internet, missing wheels, the trainer's files."""
    problems = []
    config = json.loads((out_dir / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    kernel = config.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    if kernel.get("disablePyPIFallback") is not True:
        problems.append("jupyter-lite.json: the PyPI fallback is not disabled")
    url = kernel.get("pyodideUrl", "")
    if not url.startswith("./"):
        problems.append(f"jupyter-lite.json: Pyodide is loaded from {url or 'the CDN'}, not from the site")
    lock_path = out_dir / "static" / "pyodide" / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    for name, pkg in lock["packages"].items():
        path = lock_path.parent / pkg["file_name"]
        if not path.exists():
            problems.append(f"pyodide-lock.json: {name}'s {pkg['file_name']} is not in the site")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != pkg["sha256"]:
            problems.append(f"pyodide-lock.json: {name}'s {pkg['file_name']} does not match its hash")
        for dep in pkg["depends"]:
            if canonical(dep) not in {canonical(n) for n in lock["packages"]}:
                problems.append(f"pyodide-lock.json: {name} depends on {dep}, which the site does not hold")
    if "await ssrServiceWorkerFirst();" not in (out_dir / APP_PAGE).read_text(encoding="utf-8"):
        problems.append(f"{APP_PAGE}: JupyterLite starts before its service worker is connected")
    for path in out_dir.rglob("*"):
        if path.name in TRAINER_FILES:
            problems.append(f"{path.relative_to(out_dir)}: a trainer's file")
    return problems


def build_site(out_dir: Path | str, *, pyodide_dir: Path | None = None, log: Callable[[str], None] = print) -> Path:
    """Build the offline site into ``out_dir`` (replaced if it exists) and return it."""
    out_dir = Path(out_dir).resolve()
    pyodide_dir = find_pyodide(pyodide_dir, log=log)
    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="ssr-offline-") as tmp:
        work = Path(tmp)
        wheels = collect_wheels(lock, work, log=log)
        lite = work / "lite"
        write_lite_dir(lite, pyodide_dir, wheels, lock)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        log("jupyter lite build")
        run_lite_build(lite, out_dir)
        connect_first(out_dir)
    problems = check_site(out_dir)
    if problems:
        raise OfflineBuildError("the built site is not fit to ship:\n" + "\n".join(problems))
    log(f"built {out_dir}")
    return out_dir


def _run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise OfflineBuildError(f"{' '.join(cmd[:4])} ... failed (exit {proc.returncode}):\n{tail}")
