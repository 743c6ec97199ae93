"""Binder without Docker: build a fresh venv the way repo2docker would, then run every notebook in it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from ssr_widgets.loader import load_course

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_binder_files_are_pinned():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    reqs = [
        line.strip()
        for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert reqs and all(re.match(r"^[A-Za-z0-9_.\-]+==[^=\s]+$", r) for r in reqs), "every requirement pinned"
    names = {r.split("==")[0].lower().replace("_", "-") for r in reqs}
    assert {"jupyterlab", "ipywidgets", "nbgrader", "pydantic", "pyyaml", "filelock"} <= names
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK)


def test_binder_venv_installs_the_course_and_runs_every_notebook(tmp_path):
    repo = tmp_path / "repo"  # what repo2docker copies into the image
    # what git holds: never the npm folders the test command installs (Binder builds from a clone)
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "ssr-progress*",
                                                             ".pytest_cache", "*.egg-info", "node_modules"))
    (repo / "grader").mkdir(exist_ok=True)
    (repo / "grader" / "trainer-only.txt").write_text("not for learners")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # No bytecode compiling (PIP_NO_COMPILE, here and in postBuild's pip): a third of an install's CPU time, and
    # Python compiles what it imports when it runs; the image's contents are otherwise the same.
    env = {**os.environ, "REPO_DIR": str(repo), "NB_PYTHON_PREFIX": str(venv),
           "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "PIP_NO_COMPILE": "1"}
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r",
                    str(repo / "binder" / "requirements.txt")], check=True, env=env)
    env.pop("SSR_PROGRESS_FILE", None)
    subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env, check=True)

    assert not (repo / "grader").exists(), "postBuild must remove trainer material from the learner image"
    assert (venv / "share/jupyter/lab/settings/overrides.json").exists()
    where = subprocess.run([str(py), "-c", "import ssr_widgets; print(ssr_widgets.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where, "the course package must be installed into the image, not read from the repo"

    # What Binder serves learners: the image's files and the installed packages hold no answer key.
    from ssr_grader.course import open_course

    from .key_scan import key_patterns, scan_tree

    patterns = key_patterns(open_course(ROOT / "grader").bank)
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert scan_tree(repo, patterns) == []
    assert scan_tree(site / "ssr_widgets", patterns) == [] and scan_tree(site / "ssr_grader", patterns) == []
    assert not list(repo.rglob("item_bank.yml")) and not list(site.rglob("item_bank.yml"))
    listing = subprocess.run([str(venv / "bin" / "jupyter"), "labextension", "list"], env=env,
                             capture_output=True, text=True)
    disabled = (listing.stdout + listing.stderr).split("Disabled extensions:")[-1]
    assert "@jupyter/nbgrader:formgrader" in disabled and "@jupyter/nbgrader:create-assignment" in disabled

    # Every notebook, each in its own kernel of the image's Python, as Binder runs them. One process drives them
    # all with nbclient (what `jupyter nbconvert --execute` uses), not one nbconvert start per notebook.
    notebooks = [s.notebook for s in load_course().sections if s.available] + [
        "quiz/end_of_course_quiz.ipynb",
        "quiz/course_evaluation.ipynb",
    ]
    env["SSR_PROGRESS_FILE"] = str(tmp_path / "progress.json")
    done = subprocess.run([str(py), "-c", RUN_NOTEBOOKS, *notebooks], cwd=repo / "notebooks", env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == [f"ran:{nb}" for nb in notebooks], done.stdout[-2000:]


#: Run in the image's Python: execute each notebook named on the command line in a new kernel, stop at the first
#: error (nbclient raises it with the cell and its traceback), print ``ran:<name>`` after each.
RUN_NOTEBOOKS = """
import os, sys
import nbclient, nbformat
for name in sys.argv[1:]:
    nb = nbformat.read(name, as_version=4)
    folder = os.path.dirname(os.path.abspath(name))  # the kernel starts beside its notebook, as in JupyterLab
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{name}: {errors[0]}"
    print(f"ran:{name}", flush=True)
"""
