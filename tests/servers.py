"""Triple stores and stub HTTP servers for the tests, each on 127.0.0.1 and bounded.

Every server listens on a free loopback port, keeps its files in a temporary directory,
and is stopped (terminated, then killed) by the fixture or context manager that started
it. A store that is not installed skips its tests visibly, except on CI (`CI` set),
where .ci/run installs it and its absence is a failure.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sysconfig
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.remote import Endpoint

HOST = "127.0.0.1"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def installed(program: str) -> str | None:
    """The path of `program`, looked for beside this Python first: a virtualenv's
    programs are there even when the virtualenv is not activated."""
    scripts = sysconfig.get_path("scripts")
    return shutil.which(program, path=os.pathsep.join([scripts, os.environ.get("PATH", "")]))


def require(program: str, package: str) -> str:
    """The path of `program`; skip (fail on CI) when it is not installed."""
    path = installed(program)
    if path is None:
        message = f"{program} is not installed ({package}); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _log_tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _answers(url: str) -> bool:
    """Whether a SPARQL endpoint at `url` answers `ASK {}` (with any HTTP status)."""
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
        return True
    except urllib.error.HTTPError as error:
        error.close()
        return True
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Process:
    """A server process started in its own session, and its log file."""

    popen: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, args: list[str], cwd: Path, log: Path) -> Process:
        with log.open("wb") as out:
            popen = subprocess.Popen(
                args,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(popen, log)

    def wait_until_answers(self, url: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(
                    f"{self.popen.args[0]} exited with {self.popen.returncode}:\n"
                    + _log_tail(self.log)
                )
            if _answers(url):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{url} did not answer within {timeout:g} s:\n{_log_tail(self.log)}")

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL if it is still there later."""
        if self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(STOP_TIMEOUT)


# -- Oxigraph ---------------------------------------------------------------------------


# As docs/triple-stores.md starts it: queries read the union of all graphs.
OXIGRAPH_OPTIONS = ("--union-default-graph",)


@dataclass
class Oxigraph:
    """An `oxigraph serve` on 127.0.0.1."""

    process: Process
    base: str

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(
            query_url=f"{self.base}/query",
            update_url=f"{self.base}/update",
            store_url=f"{self.base}/store",
        )


@contextlib.contextmanager
def oxigraph(directory: Path, options: tuple[str, ...] = OXIGRAPH_OPTIONS) -> Iterator[Oxigraph]:
    """An `oxigraph serve`, by default as docs/triple-stores.md starts it; `options=()`
    for a plain one, whose default graph is a graph of its own."""
    program = require("oxigraph", "PyPI package oxigraph")
    port = free_port()
    (directory / "store").mkdir(parents=True)
    args = [program, "serve", "--location", str(directory / "store")]
    args += ["--bind", f"{HOST}:{port}", *options]
    process = Process.start(args, directory, directory / "oxigraph.log")
    try:
        base = f"http://{HOST}:{port}"
        process.wait_until_answers(f"{base}/query")
        yield Oxigraph(process, base)
    finally:
        process.stop()


# -- Virtuoso ---------------------------------------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {host}:{sql_port}
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}
CaseMode = 2
TempDBSize = 100

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {dir}/www
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


@dataclass
class Virtuoso:
    """A private `virtuoso-t` on 127.0.0.1 (no system service), with a random DBA password.

    Queries go to /sparql (no login); updates to /sparql-auth and graphs to
    /sparql-graph-crud-auth, both behind HTTP Digest as user `dba`.
    """

    process: Process
    base: str
    user: str
    password: str

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(
            query_url=f"{self.base}/sparql",
            update_url=f"{self.base}/sparql-auth",
            store_url=f"{self.base}/sparql-graph-crud-auth",
        )


@contextlib.contextmanager
def virtuoso(directory: Path) -> Iterator[Virtuoso]:
    program = require("virtuoso-t", "Debian package virtuoso-opensource-7-bin")
    isql = require("isql-vt", "Debian package virtuoso-opensource-7-bin")
    sql_port, http_port = free_port(), free_port()
    (directory / "www").mkdir(parents=True)
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(dir=directory, host=HOST, sql_port=sql_port, http_port=http_port)
    )
    args = [program, "+foreground", "+configfile", str(ini)]
    process = Process.start(args, directory, directory / "virtuoso-t.log")
    try:
        base = f"http://{HOST}:{http_port}"
        process.wait_until_answers(f"{base}/sparql")
        password = "mg" + secrets.token_hex(16)  # an SQL identifier: letters first
        isql_run = subprocess.run(
            [isql, f"{HOST}:{sql_port}", "dba", "dba", f"exec=set password dba {password};"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if "Done." not in isql_run.stdout:  # isql-vt exits 0 on SQL errors too
            raise RuntimeError(f"cannot set the DBA password:\n{isql_run.stdout}{isql_run.stderr}")
        yield Virtuoso(process, base, "dba", password)
    finally:
        process.stop()


# -- stub HTTP servers ------------------------------------------------------------------

Handler = Callable[[http.server.BaseHTTPRequestHandler, bytes], tuple[int, dict[str, str], bytes]]


@dataclass
class Stub:
    """A plain HTTP server on 127.0.0.1 answering every request with `handler`."""

    url: str
    requests: list[dict]


@contextlib.contextmanager
def stub(handler: Handler) -> Iterator[Stub]:
    """Answer each request with handler(request, body) -> (status, headers, body)."""
    seen: list[dict] = []

    class Answer(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen.append({"method": self.command, "path": self.path, "headers": self.headers})
            status, headers, data = handler(self, body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_HEAD = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((HOST, 0), Answer)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Stub(f"http://{HOST}:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(STOP_TIMEOUT)


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers; its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(8)
    try:
        yield f"http://{HOST}:{listener.getsockname()[1]}"
    finally:
        listener.close()
