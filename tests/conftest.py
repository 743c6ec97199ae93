"""Shared fixtures: a sample content file and a progress store in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssr_widgets.loader import load_section
from ssr_widgets.progress import ProgressStore
from ssr_widgets.translation import set_language

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


#: Test modules that create system accounts or run JupyterHub: one test process runs them all, one after another,
#: so two never lock /etc/passwd or start accounts of the same name at once.
_ONE_AT_A_TIME = {"test_first_start", "test_quiz_pipeline", "test_pretest", "test_hub", "test_hub_lti"}


#: The groups that take longest, longest first (measured in full runs: a few minutes each). run-tests.sh passes
#: ``--no-loadscope-reorder``, so pytest-xdist hands out groups in collection order; by default it sorts them by
#: their number of tests, which left the longest groups of few tests (the Binder build, the browser quizzes, the
#: other browsers) to the end, one process working through them while the other had nothing left to do.
SLOWEST_FIRST = (
    "system-accounts", "test_browser_a11y", "test_offline", "test_cli", "test_binder", "test_browser_engines",
    "test_browser_quiz", "test_direct_grading", "test_hostile_submissions", "test_translation",
    "test_browser_evaluation", "test_variants", "test_lms_round_trip", "test_browser", "test_browser_new_kinds",
    "test_learning_gain", "test_french_quiz", "test_issuing", "test_browser_formgrader", "test_notebooks_execute",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """With two test processes (run-tests.sh: ``-n 2 --dist loadgroup``), a module's tests stay in one process.

    So a module's JupyterLab server or graded course (module fixtures) is set up once, not once per process.
    ``tryfirst``: pytest-xdist reads the groups in its own hook of the same name, which otherwise runs before this
    one and finds none (tests/test_suite_setup.py checks that the groups take effect). The longest groups come
    first (:data:`SLOWEST_FIRST`), so the two processes finish close together.
    """
    def group(item) -> str:
        module = item.module.__name__.rsplit(".", 1)[-1]
        return "system-accounts" if module in _ONE_AT_A_TIME else module

    for item in items:
        item.add_marker(pytest.mark.xdist_group(group(item)))
    rank = {name: n for n, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(group(item), len(rank)))  # stable: the rest keep their order


@pytest.fixture
def sample():
    return load_section(FIXTURES / "sample.yml")


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "ssr-progress.json")


@pytest.fixture
def page():
    """A page in headless Debian Chromium, for the browser tests."""
    from .lab_harness import chromium_page

    with chromium_page() as p:
        yield p


@pytest.fixture(autouse=True)
def _isolated_progress(tmp_path, monkeypatch):
    """Never let a test read or write a real learner's progress file."""
    monkeypatch.setenv("SSR_PROGRESS_FILE", str(tmp_path / "default-progress.json"))


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A test that shows the course in French leaves the widgets English for the next one, pass or fail."""
    yield
    set_language("en")


@pytest.fixture
def new_kinds():
    """Small exercises of the kinds order, match, actormap and scenario."""
    return load_section(FIXTURES / "new_kinds.yml")


@pytest.fixture
def load_one(tmp_path):
    """Write one exercise (a dict, as YAML would hold it) to a file and load it through the loader."""
    import yaml

    files = iter(range(1000))

    def load(exercise: dict, ex_id: str = "ex"):
        path = tmp_path / f"one-{next(files)}.yml"  # a new name each time: the loader caches by path and time
        path.write_text(yaml.safe_dump({"section": "s", "exercises": {ex_id: exercise}}, allow_unicode=True),
                        encoding="utf-8")
        return load_section(path).exercises[ex_id]

    return load
