"""Processes forked from the build, which work on what the build has loaded without copying it.

The process shares the build's memory until either writes to it; the collector would write to
every object it visits, so what exists at the fork is kept out of its sight in both.
"""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.process import BaseProcess


def start(target: Callable[..., None], args: tuple, name: str, *, daemon: bool = False) -> BaseProcess:
    """``target(*args)`` in a forked process, started."""
    gc.freeze()
    try:
        process = multiprocessing.get_context("fork").Process(target=target, args=args, name=name, daemon=daemon)
        process.start()
    finally:
        gc.unfreeze()
    return process


def failure(error: BaseException) -> str:
    """What a forked process sends the build when ``error`` stops it: the error and where it arose."""
    return f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=-3)}"


def exited(process: BaseProcess) -> str:
    """The words for a process that stopped without a message of its own."""
    return f"进程意外退出（退出码 {process.exitcode}）"
