"""A table-day file is replaced atomically: readers never see a partial file, temp files are
invisible to readers' globs, and a dead writer's temp file is cleaned by the next write."""

import datetime as dt
import subprocess
import threading

import duckdb
import pyarrow.parquet as pq

from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.landing.raw_files import TEMP_PREFIX, TEMP_SUFFIX, day_file, day_folder, to_arrow, write_day
from genai_pipeline.simulation import generate_day

DAY = dt.date(2025, 12, 1)


def generations(seed: int):
    return to_arrow("generations", generate_day(SimulationSettings(base_users=20_000, seed=seed), DAY)["generations"])


def test_a_reader_during_rewrites_sees_the_old_file_or_the_new_one_never_a_partial_one(tmp_path):
    versions = [generations(1), generations(2)]
    path = write_day(tmp_path, "generations", DAY, versions[0])
    contents = [path.read_bytes()]
    write_day(tmp_path, "generations", DAY, versions[1])
    contents.append(path.read_bytes())
    assert contents[0] != contents[1]
    done = threading.Event()

    def rewrite_many_times():
        for i in range(40):
            write_day(tmp_path, "generations", DAY, versions[i % 2])
        done.set()

    writer = threading.Thread(target=rewrite_many_times)
    writer.start()
    reads = []
    while not done.is_set():
        reads.append(path.read_bytes())
    writer.join()
    assert len(reads) > 40  # the reads overlapped the rewrites
    assert {contents.index(data) if data in contents else "partial" for data in reads} <= {0, 1}


def test_temp_files_are_invisible_to_a_readers_glob(tmp_path):
    write_day(tmp_path, "generations", DAY, generations(1))
    leftover = day_folder(tmp_path, "generations", DAY) / f"{TEMP_PREFIX}999999999{TEMP_SUFFIX}"
    leftover.write_bytes(b"half a parquet file")
    assert leftover.name.startswith(".") and not leftover.name.endswith(".parquet")
    with duckdb.connect() as conn:
        query = f"select count(*) from read_parquet('{tmp_path}/generations/*/*.parquet', hive_partitioning = true)"
        rows = conn.execute(query).fetchone()[0]
    assert rows == pq.read_metadata(day_file(tmp_path, "generations", DAY)).num_rows


def test_the_next_write_removes_a_dead_writers_temp_file_and_keeps_a_live_writers(tmp_path):
    folder = day_folder(tmp_path, "generations", DAY)
    folder.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    live = subprocess.Popen(["sleep", "60"])
    try:
        killed_writer = folder / f"{TEMP_PREFIX}{dead.pid}{TEMP_SUFFIX}"
        writing_now = folder / f"{TEMP_PREFIX}{live.pid}{TEMP_SUFFIX}"
        for temp in (killed_writer, writing_now):
            temp.write_bytes(b"half a parquet file")
        write_day(tmp_path, "generations", DAY, generations(1))
        assert not killed_writer.exists()
        assert writing_now.exists()
    finally:
        live.kill()
        live.wait()
    assert {p.name for p in folder.iterdir()} == {"part-0.parquet", writing_now.name}
