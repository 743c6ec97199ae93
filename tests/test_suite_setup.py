"""The test command's own set-up: what the suite relies on to run in two processes within its time budget."""

from __future__ import annotations

import os

import pytest


def test_the_two_test_processes_keep_each_modules_tests_together(request):
    """run-tests.sh shares tests between two processes with ``--dist loadgroup``, and tests/conftest.py puts each
    module's tests in one group (the tests that make system accounts in one group for all). If pytest-xdist stops
    honouring the groups (as with pytest 9.2: pytest-dev/pytest-xdist#1386), module fixtures are built twice and
    account tests run at the same time; this test then fails, instead of the suite quietly growing slower and flaky.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("not run by a test process of pytest-xdist (run-tests.sh runs two)")
    if not request.config.getvalue("loadgroup"):  # what pytest-xdist sets in a test process for --dist loadgroup
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith("@test_suite_setup"), request.node.nodeid


def test_the_longest_groups_are_handed_out_first(request):
    """tests/conftest.py orders the groups longest first, and run-tests.sh's ``--no-loadscope-reorder`` keeps that
    order (pytest-xdist would otherwise sort the groups by their number of tests and leave the long ones of few
    tests to the end, where one process works alone)."""
    from .conftest import SLOWEST_FIRST

    groups = []
    for item in request.session.items:
        marker = item.get_closest_marker("xdist_group")
        name = marker.args[0] if marker else None
        if name not in groups:
            groups.append(name)
    ranked = [g for g in groups if g in SLOWEST_FIRST]
    assert ranked == [g for g in SLOWEST_FIRST if g in groups]
    assert groups[:len(ranked)] == ranked, "the ranked groups come before all others"
    if os.environ.get("PYTEST_XDIST_WORKER") and request.config.getvalue("loadgroup"):
        assert request.config.getvalue("loadscopereorder") is False, "run-tests.sh passes --no-loadscope-reorder"
