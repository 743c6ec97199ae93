"""Shared fixtures: a sample content file and a progress store in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssr_widgets.loader import load_section
from ssr_widgets.progress import ProgressStore

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sample():
    return load_section(FIXTURES / "sample.yml")


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "ssr-progress.json")


@pytest.fixture(autouse=True)
def _isolated_progress(tmp_path, monkeypatch):
    """Never let a test read or write a real learner's progress file."""
    monkeypatch.setenv("SSR_PROGRESS_FILE", str(tmp_path / "default-progress.json"))
