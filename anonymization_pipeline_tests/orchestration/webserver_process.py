"""`dagster dev` as a test's child: its own process group on a free loopback port, always stopped.

The server forks a webserver, a daemon, code servers and run workers. None of them starts a new
session, so they all stay in the process group of the `dagster dev` we start; stopping means
asking `dagster dev` to shut its services down (SIGTERM, which it treats as Ctrl-C), then
SIGTERM and finally SIGKILL to whatever is left in the group. The caller asserts the group is empty.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy, even if one is set
LOCATIONS_QUERY = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
LOCATIONS_QUERY += "locationOrLoadError { __typename ... on PythonError { message } } } } } }"


class DagsterDevError(RuntimeError):
    """`dagster dev` did not come up, or its code location did not load; carries the log's tail."""


@dataclass(frozen=True)
class DagsterDev:
    """A running `dagster dev`: its process (the group leader), port and combined log file."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        """The base URL of the webserver, e.g. `http://127.0.0.1:40123`."""
        return f"http://{LOOPBACK}:{self.port}"

    def log_tail(self, characters: int = 3000) -> str:
        """The end of the server's log, for a failure message."""
        return self.log_path.read_text(errors="replace")[-characters:]

    def graphql(self, query: str) -> dict[str, Any]:
        """The `data` of a GraphQL query against this server; raises DagsterDevError on GraphQL errors.

        Example:
            dev.graphql("{ version }")  # {"version": "1.13.27"}
        """
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with DIRECT.open(request, timeout=10) as response:
            body = json.load(response)
        if body.get("errors"):
            raise DagsterDevError(f"GraphQL errors: {body['errors']}")
        return body["data"]


def free_loopback_port() -> int:
    """A TCP port the kernel just handed out on 127.0.0.1, so parallel runs do not collide."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def process_group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group `pgid`, e.g. `process_group_members(dev.process.pid)`."""
    return sorted(pid for pid, (_parent, group) in _live_processes().items() if group == pgid)


def descendants(pid: int) -> list[int]:
    """Live (non-zombie) processes below `pid`, e.g. `descendants(os.getpid())` after a browser closed."""
    parents = {child: parent for child, (parent, _group) in _live_processes().items()}
    found = []
    for child in parents:
        ancestor = parents.get(child)
        while ancestor is not None and ancestor != pid:
            ancestor = parents.get(ancestor)
        if ancestor == pid:
            found.append(child)
    return sorted(found)


def _live_processes() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, process group) of every process that is not a zombie, from /proc/<pid>/stat."""
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            processes[int(stat.parent.name)] = (int(fields[1]), int(fields[2]))
    return processes


@contextmanager
def dagster_dev(
    repo: Path, env: Mapping[str, str], log_path: Path, startup_timeout: float = 90.0
) -> Iterator[DagsterDev]:
    """Start `dagster dev -w workspace.yaml` in `repo`; yield once its code location has loaded.

    Example:
        with dagster_dev(REPO, os.environ | {"ANONYMIZER_POLICY": str(policy)}, tmp_path / "dev.log") as dev:
            dev.graphql("{ version }")
    """
    port = free_loopback_port()
    command = [str(repo / ".venv" / "bin" / "dagster"), "dev", "-w", "workspace.yaml", "-h", LOOPBACK, "-p", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=repo, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    dev = DagsterDev(process, port, log_path)
    try:
        _wait_until_loaded(dev, time.monotonic() + startup_timeout)
        yield dev
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 30.0, kill_after: float = 10.0) -> None:
    """Graceful shutdown of `dagster dev`, then SIGTERM and SIGKILL to anything left in its group."""
    pgid = process.pid
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    for sig, wait in ((signal.SIGTERM, kill_after), (signal.SIGKILL, kill_after)):
        if not process_group_members(pgid) and process.poll() is not None:
            break
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + wait
        while process_group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
    process.wait(timeout=kill_after)


def _wait_until_loaded(dev: DagsterDev, deadline: float) -> None:
    """Until /server_info answers and every code location reports LOADED without an error."""
    while time.monotonic() < deadline:
        if dev.process.poll() is not None:
            raise DagsterDevError(f"dagster dev exited with {dev.process.returncode}:\n{dev.log_tail()}")
        entries = _location_entries(dev) if _answers(f"{dev.url}/server_info") else None
        if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
            errors = [e for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
            if errors:
                raise DagsterDevError(f"code location failed to load: {errors[0]['locationOrLoadError']['message']}")
            return
        time.sleep(0.5)
    raise DagsterDevError(f"dagster dev did not load its workspace in time:\n{dev.log_tail()}")


def _answers(url: str) -> bool:
    try:
        with DIRECT.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _location_entries(dev: DagsterDev) -> list[dict[str, Any]] | None:
    try:
        return dev.graphql(LOCATIONS_QUERY)["workspaceOrError"].get("locationEntries")
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return None
