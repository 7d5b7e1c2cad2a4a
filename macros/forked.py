"""Processes forked from the build, which work on what the build has loaded without copying it,
and texts made in one (:class:`MadeAside`).

The process shares the build's memory until either writes to it; the collector would write to
every object it visits, so what exists at the fork is kept out of its sight in both.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
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


class AsideError(Exception):
    """Making a text aside failed; the message is Chinese and names the text."""


class MadeAside:
    """Texts made one after another in a forked process while the build goes on, each asked for
    when the build comes to it: a large site's generated pages' Markdown (the build reads them after
    every hand-written page), its printable pages' QR codes. ``made``: (what the text is, in Chinese
    for messages, e.g. "页面 mentors/a.md"; the function that makes it). What arrives is kept until
    :meth:`text` asks for it (a thread takes it from the pipe, so the process never waits for the build).
    """

    def __init__(self, made: Sequence[tuple[str, Callable[[], str]]], name: str) -> None:
        self.made = made
        self._received: dict[int, str] = {}
        self._failure: str | None = None
        self._done = False
        self._arrived = threading.Condition()
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        self._process = start(_make_all, (made, send), name, daemon=True)
        send.close()
        threading.Thread(target=self._take, args=(receive,), name=name, daemon=True).start()

    def text(self, number: int) -> str:
        """Text ``number`` (waits for it); once: it is not kept after."""
        with self._arrived:
            self._arrived.wait_for(lambda: number in self._received or self._done)
            if number in self._received:
                return self._received.pop(number)
        if self._failure:
            raise AsideError(self._failure)
        self._process.join(timeout=5)
        raise AsideError(f"生成{self.made[number][0]} 时{exited(self._process)}")

    def close(self) -> None:
        """Stop the process (the build ended before every text was asked for)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def _take(self, receive: Connection) -> None:
        while True:
            try:
                number, text, failure = receive.recv()
            except EOFError:
                number, text, failure = -1, "", None
            with self._arrived:
                if number >= 0 and failure is None:
                    self._received[number] = text
                else:
                    self._done, self._failure = True, failure
                self._arrived.notify_all()
            if number < 0 or failure is not None:
                receive.close()
                return


def _make_all(made: Sequence[tuple[str, Callable[[], str]]], send: Connection) -> None:
    for number, (what, make) in enumerate(made):
        try:
            text = make()
        except Exception as error:  # reported by the build, which stops
            send.send((number, "", f"生成{what} 出错：{failure(error)}"))
            return
        send.send((number, text, None))
