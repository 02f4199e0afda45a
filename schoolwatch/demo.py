"""`schoolwatch demo`: one full cycle on the bundled example school, offline, in under a minute.

Serves the sample feeds and forum pages on 127.0.0.1, writes a demo config pointing at them,
runs every crawl as production does (one process per source), prints what was found, builds
the SLT digest and delivers it over real SMTP to a local sink, and leaves the digest as .html
and .eml files in the output folder.
"""

from __future__ import annotations

import email
import email.policy
import shutil
from collections import Counter
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import yaml
from rich.console import Console
from sqlalchemy import func, select

from schoolwatch.digest_files import slug

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "example"
PLACEHOLDER = "http://127.0.0.1:8765"


def write_demo_config(out: Path, site_url: str, smtp_port: int) -> Path:
    data = yaml.safe_load((EXAMPLE / "schoolwatch.yaml").read_text(encoding="utf-8"))
    for source in data.get("sources", []):
        source["url"] = source["url"].replace(PLACEHOLDER, site_url)
    data["smtp"] = {**data.get("smtp", {}), "host": "127.0.0.1", "port": smtp_port, "tls": "none"}
    data["storage"] = "sqlite:///schoolwatch-demo.db"  # relative to the demo config's folder
    path = out / "schoolwatch-demo.yaml"
    header = (
        "# Written by `schoolwatch demo` from config/example/schoolwatch.yaml: the sample\n"
        f"# sources are served on {site_url} and mail goes to a local sink on port {smtp_port}.\n"
    )
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def run_demo(out: Path, console: Console | None = None) -> int:
    from alerts.digest import queue_digests
    from alerts.outbox import flush
    from alerts.sink import SmtpSink
    from alerts.urgent import route_new_items
    from config.loader import load_config
    from schoolwatch.crawl_report import crawl_with_progress
    from schoolwatch.localsite import LocalSite
    from store.migrate import open_store

    console = console or Console()
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)  # a demo always starts from nothing, so its figures are comparable
    out.mkdir(parents=True)
    started = datetime.now(UTC)
    console.print(f"[bold]schoolwatch demo[/bold]: output in {out}")
    with LocalSite(EXAMPLE / "site") as site, SmtpSink() as sink:
        cfg_path = write_demo_config(out, site.url, sink.port)
        cfg = load_config(cfg_path)
        console.print(f"sample sources served on {site.url}; mail sink on 127.0.0.1:{sink.port}")
        crawl_status = crawl_with_progress(cfg, cfg_path, None, console=console)
        factory = open_store(cfg.database_url)
        print_summary(console, factory)
        # What the daemon does every minute: route new items to their lanes, then send.
        routed = route_new_items(factory, cfg)
        alerts = flush(factory, cfg.smtp)
        console.print(
            f"alerts: {routed.alerts} sent at once (safeguarding to the DSL, staff conduct to the "
            f"head), {routed.queued} complaint(s) in the comms queue; {alerts.sent} delivered"
        )
        written = save_received([m.data for m in sink.messages], out, prefix="alert")
        seen = len(sink.messages)
        queued = queue_digests(factory, cfg, now=datetime.now(UTC))
        report = flush(factory, cfg.smtp)
        console.print(
            f"digest: {len(queued)} queued, {report.sent} delivered over SMTP to the sink"
        )
        written += save_received([m.data for m in sink.messages[seen:]], out, prefix="digest")
    for path in written:
        console.print(f"  wrote {path}")
    seconds = (datetime.now(UTC) - started).total_seconds()
    console.print(
        f"demo finished in {seconds:.1f}s. Open the .html file in a browser, or the .eml "
        "in a mail client."
    )
    if crawl_status != 0 or report.sent != len(queued) or not written:
        console.print("[red]the demo did not complete cleanly: see the messages above[/red]")
        return 1
    return 0


def print_summary(console: Console, factory) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from store.models import Item, LabelRow, MentionRow, Sighting

    with factory() as s:
        items = s.scalar(select(func.count()).select_from(Item)) or 0
        sightings = s.scalar(select(func.count()).select_from(Sighting)) or 0
        mentions = s.execute(
            select(MentionRow.school, MentionRow.kind, MentionRow.name, func.count())
            .group_by(MentionRow.school, MentionRow.kind, MentionRow.name)
            .order_by(MentionRow.school, MentionRow.kind, func.count().desc())
        ).all()
        labels = Counter(
            dict(s.execute(select(LabelRow.label, func.count()).group_by(LabelRow.label)).all())
        )
        severities = Counter(
            dict(s.execute(select(Item.severity, func.count()).group_by(Item.severity)).all())
        )
    console.print(
        f"stored {items} relevant items ({sightings} sightings: a post carried by "
        "several sources is stored once)"
    )
    table = Table(title="mentions")
    for col in ("school", "kind", "name", "posts"):
        table.add_column(col)
    for school, kind, name, n in mentions:
        table.add_row(school, kind, name, str(n))
    console.print(table)
    console.print("labels: " + (", ".join(f"{k} {v}" for k, v in labels.most_common()) or "none"))
    console.print("severity: " + ", ".join(f"{k} {v}" for k, v in severities.items() if k))


def save_received(messages: list[bytes], out: Path, *, prefix: str) -> list[Path]:
    """Write each message the sink received as .eml, and its HTML part as .html."""
    written: list[Path] = []
    for raw in messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        to = str(msg.get("To", "unknown"))
        name = slug(to.split("@")[0]) or "message"
        base = out / f"{prefix}-{name}"
        n = 2
        while base.with_suffix(".eml").exists():
            base = out / f"{prefix}-{name}-{n}"
            n += 1
        base.with_suffix(".eml").write_bytes(raw)
        written.append(base.with_suffix(".eml"))
        html = msg.get_body(preferencelist=("html",))
        if html is not None:
            base.with_suffix(".html").write_text(html.get_content(), encoding="utf-8")
            written.append(base.with_suffix(".html"))
    return written
