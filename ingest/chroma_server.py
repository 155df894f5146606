"""A local `chroma run` server as a child process: for scale-out trials, benchmarks and server tests.

Starts on a free 127.0.0.1 port, waits for the heartbeat, and stops with SIGTERM (SIGKILL if it lingers).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from ingest.settings import Settings


def chroma_cli() -> str | None:
    """The `chroma` console script shipped in the chromadb wheel, preferring this interpreter's."""
    return shutil.which("chroma", path=os.path.dirname(sys.executable)) or shutil.which("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """`chroma run --path DIR --port PORT` on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(self, path: Path, log: Path):
        self.path, self.log_path = path, log
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = None

    def start(self, timeout: float = 30.0) -> None:
        """Start the server, or do nothing if this object's server is running.

        (A second `chroma run` on the same port would not serve, while the first one, no longer referenced,
        would outlive stop(): bench/scale.py once did exactly that and measured the idle twin's RSS.)
        """
        import httpx

        if self.proc is not None and self.proc.poll() is None:
            return
        chroma = chroma_cli()
        if not chroma:
            raise RuntimeError("the `chroma` CLI (from the chromadb package) is not installed")
        self.path.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([chroma, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run did not answer its heartbeat within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def settings(self, data_dir: Path, **kw) -> Settings:
        """Settings pointing podbot at this server."""
        return Settings(_env_file=None, podbot_data_dir=data_dir, chroma_host="127.0.0.1",
                        chroma_port=self.port, **kw)

    def __enter__(self) -> ChromaServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
