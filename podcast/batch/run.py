"""The library entry of a batch: ``run_batch(...) -> BatchResult``; never prints."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podcast.batch.cluster import run_cluster
from podcast.batch.entries import entries_of
from podcast.batch.local import run_local
from podcast.batch.task import Report
from podcast.errors import OutputError
from podcast.render import Options


@dataclass(frozen=True)
class BatchResult:
    """What a batch did."""

    reports: tuple[Report, ...]
    """One per episode, in the order of the entries."""
    seconds: float
    """Wall seconds the batch took."""

    @property
    def failed(self) -> tuple[Report, ...]:
        """The episodes that failed."""
        return tuple(report for report in self.reports if report.error)


def run_batch(
    source: Path,
    out_dir: Path,
    options: Options,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    started: Callable[[int], None] | None = None,
    progress: Callable[[Report], None] | None = None,
) -> BatchResult:
    """Render every transcript of ``source`` (a folder or a manifest) into ``out_dir``:
    here with ``jobs`` worker processes (default: the cores), or on the Dask cluster
    whose scheduler is at ``scheduler`` (tcp://HOST:PORT). ``started`` hears how many
    episodes there are; ``progress`` each episode's report as it finishes. An episode
    that fails is reported and the rest go on."""
    begin = time.perf_counter()
    entries = entries_of(source)
    _prepare(out_dir)
    if started:
        started(len(entries))
    if scheduler:
        reports = run_cluster(entries, out_dir, options, scheduler)
    else:
        reports = run_local(entries, out_dir, options, jobs or os.cpu_count() or 1)
    found: dict[str, Report] = {}
    for report in reports:
        found[report.name] = report
        if progress:
            progress(report)
    ordered = tuple(found[entry.name] for entry in entries if entry.name in found)
    return BatchResult(ordered, time.perf_counter() - begin)


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: is a file; give a folder for the episodes with -o")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot create the folder ({error.strerror})") from error
