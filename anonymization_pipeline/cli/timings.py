"""`--timings` on every command: where the time of the whole process went, by phase and by import.

Phases are what a command marks (`with timed("load policy"):`) plus what the pipeline measured
itself (each Dagster step, each stage, each part of the risk stage). Imports are the heavy
packages, each with its own time (a package imported while another one loads is counted once,
for itself), which is what `python -X importtime` would show summed by package. The clock of
imports is wound only when `--timings` is on the command line, before anything heavy is imported.
"""

from __future__ import annotations

import argparse
import builtins
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

HEAVY_PACKAGES = frozenset(
    {
        "cryptography",
        "dagster",
        "dagster_graphql",
        "faker",
        "great_expectations",
        "matplotlib",
        "numpy",
        "pandas",
        "pyarrow",
        "pydantic",
        "scipy",
        "sqlalchemy",
        "yaml",
    }
)
FLAG = "--timings"


@dataclass
class ImportClock:
    """Each watched package's own import time, from the first `import` statement that loads it."""

    watched: frozenset[str] = HEAVY_PACKAGES
    seconds: dict[str, float] = field(default_factory=dict)
    _nested: list[float] = field(default_factory=list)
    _original: Callable[..., Any] | None = None

    def install(self) -> None:
        """Time `import` statements from now on (the console script never takes it back)."""
        original = self._original = builtins.__import__

        def timed_import(name: str, globals=None, locals=None, fromlist=(), level: int = 0) -> Any:
            package = name.partition(".")[0]
            if level or package not in self.watched or package in sys.modules:
                return original(name, globals, locals, fromlist, level)
            self._nested.append(0.0)
            started = time.perf_counter()
            try:
                return original(name, globals, locals, fromlist, level)
            finally:
                elapsed = time.perf_counter() - started
                own = elapsed - self._nested.pop()
                self.seconds[package] = self.seconds.get(package, 0.0) + own
                if self._nested:
                    self._nested[-1] += elapsed

        builtins.__import__ = timed_import

    def uninstall(self) -> None:
        if self._original is not None:
            builtins.__import__, self._original = self._original, None


@dataclass
class CommandClock:
    """The phases of one command (epoch start, name, seconds) and the imports' clock."""

    started: float
    imports: ImportClock = field(default_factory=ImportClock)
    phases: list[tuple[float, str, float]] = field(default_factory=list)

    def record(self, name: str, seconds: float, started: float | None = None) -> None:
        """A phase; without `started` it is taken to have just ended."""
        self.phases.append((time.time() - seconds if started is None else started, name, seconds))

    def print(self, stream: TextIO) -> None:
        """Phases in the order they started, then the whole process (from the interpreter's start on Linux)."""
        now = time.time()
        boot = process_start()
        print("timings (s):", file=stream)
        if boot is not None:
            print(f"  {'interpreter start-up':<50}{self.started - boot:8.3f}", file=stream)
        for _, name, seconds in sorted(self.phases, key=lambda phase: phase[0]):
            print(f"  {name:<50}{seconds:8.3f}", file=stream)
        print(f"  {'whole process' if boot is not None else 'total':<50}{now - (boot or self.started):8.3f}", file=stream)
        if self.imports.seconds:
            print("imports (s, each package's own time):", file=stream)
            for package, seconds in sorted(self.imports.seconds.items(), key=lambda item: -item[1]):
                print(f"  {package:<50}{seconds:8.3f}", file=stream)


def process_start() -> float | None:
    """When this process started (epoch seconds, 10 ms resolution), on Linux; None elsewhere."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rpartition(")")[2].split()[19])
        with open("/proc/stat", encoding="ascii") as system:
            boot = next(int(line.split()[1]) for line in system if line.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")


CLOCK = CommandClock(started=time.time())
"""The clock of this process's command; the CLI package winds its import clock on `--timings`."""


@contextmanager
def timed(phase: str) -> Iterator[None]:
    """Record how long the block took as a phase of the command."""
    started, clock = time.time(), time.perf_counter()
    try:
        yield
    finally:
        CLOCK.record(phase, time.perf_counter() - clock, started)


def record_stages(stage_seconds: Mapping[str, float]) -> None:
    """What the pipeline measured inside its stages (the report's `timings`), listed after the steps."""
    for stage, seconds in stage_seconds.items():
        CLOCK.record(f"    stage {stage}", seconds, started=time.time())


def add_option(subparsers: argparse._SubParsersAction) -> None:
    """`--timings` on every command and sub-command that has no option of that name yet."""
    for parser in subparsers.choices.values():
        nested = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
        for action in nested:
            add_option(action)
        if not nested and FLAG not in parser._option_string_actions:
            parser.add_argument(FLAG, action="store_true", help="print where the time went (phases and imports) to stderr")


@contextmanager
def reported(args: argparse.Namespace) -> Iterator[None]:
    """Run a command and, with `--timings`, print its timings to stderr, even when it fails."""
    CLOCK.record("start-up: CLI imports, arguments", time.time() - CLOCK.started, CLOCK.started)
    try:
        with timed(f"command {args.command}, whole"):
            yield
    finally:
        if getattr(args, "timings", False):
            CLOCK.print(sys.stderr)
