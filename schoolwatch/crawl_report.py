"""`schoolwatch crawl`: run crawls now with a progress display, then say how each source did."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from config.schema import Config
from schoolwatch.crawl import CrawlResult, CrawlRunner, selected_sources


def crawl_with_progress(
    cfg: Config,
    config_path: Path,
    source_name: str | None,
    *,
    parallel: int = 2,
    console: Console | None = None,
) -> int:
    from store.migrate import open_store

    console = console or Console(stderr=True)
    sources = selected_sources(cfg, source_name)
    if not sources:
        console.print("no enabled sources in the config: nothing to crawl")
        return 0
    factory = open_store(cfg.database_url)  # migrate once here, not in every child at once
    runner = CrawlRunner(config_path)
    with Progress(
        TextColumn("crawling"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(sources))

        def done(result: CrawlResult) -> None:
            progress.update(task, advance=1, description=f"{result.source} done")

        results = runner.run_many(sources, parallel=parallel, on_done=done)
    console.print(source_table(factory, [r for r in results]))
    for r in results:
        if not r.ok:
            what = "errors in its log" if r.errors else "last lines of its log"
            console.print(f"[red]crawl {r.source} exited with status {r.returncode}[/red]; {what}:")
            for line in r.problem_lines():
                console.print(f"  {line}", markup=False, highlight=False)
    return 0 if all(r.ok for r in results) else 1


def source_table(factory, results: list[CrawlResult]) -> Table:  # type: ignore[no-untyped-def]
    from store.sources import get_state

    table = Table(title="sources")
    for col in ("source", "result", "entries read", "consecutive failures", "last error"):
        table.add_column(col)
    with factory() as session:
        for r in results:
            st = get_state(session, r.source)
            if st is None:
                table.add_row(r.source, "no state recorded", "-", "-", "-")
                continue
            failed = st.last_error_at is not None and (
                st.last_success_at is None or st.last_error_at >= st.last_success_at
            )
            result = "[red]failed[/red]" if failed else "[green]ok[/green]"
            error = f"{st.last_error_class}: {st.last_error}" if failed and st.last_error else ""
            if st.warnings and not failed:
                error = "warning: " + "; ".join(st.warnings)[:120]
            table.add_row(
                r.source, result, str(st.last_items), str(st.consecutive_failures), error[:160]
            )
    return table
