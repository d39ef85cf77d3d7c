"""The suite's guard around ast.parse (conftest.py): on CPython 3.11 a garbage collection inside a parse whose
finalizer formats a traceback broke the outer parse, and with it AppTest's page compile, at random."""
from __future__ import annotations

import ast
import gc
import sys
import traceback
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "dashboard" / "views" / "department_detail.py"


class _LogsATracebackWhenCollected:
    """Like a SQLite connection of an in-process Dagster run, garbage-collected on another thread: its
    finalizer logs an exception with its traceback."""

    def __init__(self):
        self.cycle = self  # only the cyclic collector frees it, at any allocation

    def __del__(self):
        try:
            {}["missing"]
        except KeyError:
            traceback.format_exc()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the AST constructor's counter is per parse from 3.12")
def test_a_page_parses_while_finalizers_format_tracebacks():
    source = PAGE.read_text(encoding="utf-8")
    thresholds = gc.get_threshold()
    gc.set_threshold(50, 1, 1)  # collect often, so that collections land inside the parses
    try:
        for _ in range(100):
            for _ in range(20):
                _LogsATracebackWhenCollected()
            ast.parse(source, str(PAGE), "exec")  # raised SystemError without the guard, every time here
    finally:
        gc.set_threshold(*thresholds)
        gc.collect()
