"""bench/memory_trace.py: the child's RSS sampled from outside, a peak cut to a window, and the
runner's log line it parses."""

import subprocess
import sys
from pathlib import Path

import pytest

from genai_pipeline.cli.bench.memory_trace import BUILD_LINE, RssTrace, sampled_rss
from genai_pipeline.transform.runner import build_line


def _sampled_peak_mb(code: str) -> float:
    child = subprocess.Popen([sys.executable, "-c", code])
    with sampled_rss(child.pid) as trace:
        child.wait()
    assert trace.samples, "no sample taken"
    return max(mb for _, mb in trace.samples)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="RSS is sampled from /proc (Linux)")
def test_the_sampler_reads_the_childs_memory_not_its_own():
    assert _sampled_peak_mb("import time; block = bytearray(300 * 2**20); time.sleep(1.5)") >= 300
    assert _sampled_peak_mb("import time; time.sleep(1.5)") < 100


def test_a_peak_counts_only_the_samples_inside_its_window():
    trace = RssTrace([(10.0, 500.0), (11.0, 900.0), (12.0, 600.0), (13.0, 700.0)])
    assert trace.peak_between(11.5, 13.0) == 700.0
    assert trace.peak_between(10.0, 11.0) == 900.0
    assert trace.peak_between(14.0, 15.0) is None


def test_the_benchmark_reads_the_build_number_and_days_from_the_runners_log_line():
    line = build_line(3, 30, {"min_date": "2026-01-21", "max_date": "2026-02-04"}, 17.25, 1204.6)
    match = BUILD_LINE.match(line)
    assert match is not None, line
    assert match.groups() == ("3", "2026-01-21", "2026-02-04")
