"""`genai-pipeline spark-server`: a server for a user, up until stopped, then nothing left."""

import signal
import socket
import subprocess
import sys

import pytest

from genai_pipeline.instance.local_processes import LOOPBACK, free_port, processes_using
from genai_pipeline.instance.local_spark import SERVER_DIR_ENV

pytestmark = pytest.mark.spark


def answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((LOOPBACK, port)) == 0


def test_spark_server_answers_until_sigterm_then_leaves_no_process(tmp_path):
    port, folder = free_port(), tmp_path / "spark"
    command = [sys.executable, "-m", "genai_pipeline.cli.main", "spark-server", "--port", str(port), "--folder", folder]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = server.stdout.readline()  # printed once the port answers
        assert f"127.0.0.1:{port}" in ready and answers(port)
        assert processes_using(folder, SERVER_DIR_ENV) != []
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert processes_using(folder, SERVER_DIR_ENV) == []
    assert not answers(port)
    assert (folder / "metastore_db").is_dir()  # kept for the next start, with its warehouse
