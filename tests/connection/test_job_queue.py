"""The job queue's SQLite file is kept as the main database is: WAL, synchronous=NORMAL."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from taperwell.core.job_queue import JobQueue


def test_the_queue_waits_for_no_fsync_on_each_job_and_keeps_its_jobs(tmp_path: Path) -> None:
    queue = JobQueue("taperwell-test", filename=str(tmp_path / "queue.sqlite3"))
    connection = queue.storage.conn
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL, not FULL (2)

    queue.storage.enqueue(b"job one")
    queue.storage.enqueue(b"job two")
    assert queue.storage.queue_size() == 2
    assert bytes(queue.storage.dequeue()) == b"job one"


def test_the_site_queues_its_jobs_in_that_queue_without_redis() -> None:
    if settings.HUEY.get("url"):  # REDIS_URL set: the queue lives in Redis
        assert settings.HUEY["huey_class"] == "huey.RedisHuey"
    else:
        assert settings.HUEY["huey_class"] == "taperwell.core.job_queue.JobQueue"
