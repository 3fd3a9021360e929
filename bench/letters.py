"""Letters per second: a naive loop against the way the product renders batches.

    .venv/bin/python bench/letters.py [N] [--workers-only]      (N letters, default 1000)

(a) renders each letter on its own with a fresh WeasyPrint setup (a new font configuration,
the stylesheet parsed again), as a straightforward loop would; (b) renders them the way
``ladder.issue_letters_bulk`` does (``letter_pdf.render_many``): stylesheet and fonts parsed once
per process, letters laid out in chunks, both cores. Both start from the same letter HTML,
built from a demo association, and every letter comes out as its own PDF. The ratio b/a is
what matters: absolute times vary from machine to machine.

Then (c) the mailing batch of those letters, built by real RQ workers (``flask jobs
worker`` processes on a queue of the benchmark's own, against Redis at ``BENCH_REDIS_URL``,
default redis://127.0.0.1:6379/0): the batch of N letters with one worker and with two,
wall time from the request to ``done``, and the peak RSS of each worker, also for a batch of
N/5 letters (streaming chunks to disk keeps it flat). Without Redis it says so and skips (c).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def naive(htmls: list[str]) -> list[bytes]:
    """Render each letter with a fresh WeasyPrint setup."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from app.core.pdf import BASE_URL, STATIC, url_fetcher

    css_text = (STATIC / "pdf" / "letter.css").read_text()
    out = []
    for html in htmls:
        fonts = FontConfiguration()
        css = CSS(string=css_text, font_config=fonts, url_fetcher=url_fetcher())
        out.append(
            HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf(
                stylesheets=[css], font_config=fonts
            )
        )
    return out


def build_htmls(app, count: int) -> list[str]:
    """Return the HTML of `count` letters for the demo association's violations."""
    from sqlalchemy import select

    from app.compliance import letters, wording
    from app.compliance.models import Violation
    from app.core import clock
    from app.extensions import db

    violations = db.session.scalars(select(Violation)).all()
    htmls = []
    today = clock.today()
    for index in range(count):
        violation = violations[index % len(violations)]
        context = letters.letter_values(violation, "violation", today)
        htmls.append(
            letters.letter_html(
                context, wording.template_body(violation.association_id, "violation")
            )
        )
    return htmls


def _redis_url() -> str | None:
    """Return the Redis to use, or None (said) when none answers."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    from redis import Redis

    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # any failure means: no Redis to use here
        print(f"(c) skipped: Redis is not reachable at {url} ({type(error).__name__})")
        return None
    return url


def _add_letters(pdfs: list[bytes], count: int) -> None:
    """Issue `count` more letters (copies of a demo letter with the rendered PDFs)."""
    import hashlib

    from sqlalchemy import insert, select

    from app.compliance.letter_models import Letter
    from app.extensions import db

    template = db.session.scalars(select(Letter).order_by(Letter.id)).first()
    rows = []
    for index in range(count):
        pdf = pdfs[index % len(pdfs)]
        rows.append(
            {
                "association_id": template.association_id,
                "violation_id": template.violation_id,
                "kind": template.kind,
                "issued_on": template.issued_on,
                "issued_at": template.issued_at,
                "recipient": template.recipient,
                "pdf": pdf,
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "page_count": 1,
                "language": "en",
                "void_reason": "",
            }
        )
    for start in range(0, len(rows), 200):
        db.session.execute(insert(Letter), rows[start : start + 200])
    db.session.commit()


def _peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _one_run(env: dict, queue: str, url: str, who, workers: int, pdfs, count: int):
    """Build a batch of `count` new letters with `workers` RQ worker processes; return the
    wall time and the workers' peak RSS (MiB)."""
    import signal
    import subprocess

    from redis import Redis
    from rq import Queue, Worker

    from app.associations.models import Association
    from app.auth.models import User
    from app.compliance import batches
    from app.compliance.letter_models import LetterBatch
    from app.extensions import db

    _settle(who)
    root = Path(__file__).resolve().parent.parent
    flask = str(Path(sys.executable).with_name("flask"))
    processes = [
        subprocess.Popen(
            [flask, "--app", "wsgi", "jobs", "worker"],
            cwd=root,
            env=env,
            stderr=subprocess.STDOUT,
            stdout=open(f"{env['STORAGE_DIR']}/worker-{count}-{workers}-{index}.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        for index in range(workers)
    ]
    connection = Redis.from_url(url)
    rq_queue = Queue(queue, connection=connection)
    try:
        deadline = time.monotonic() + 120
        pids = {p.pid for p in processes}
        # Each loads the app first; a worker of an earlier run may still be listed.
        while not pids <= {w.pid for w in Worker.all(queue=rq_queue)}:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError("the RQ workers did not start")
            time.sleep(0.1)
        association_id, manager_id = who
        association = db.session.get(Association, association_id)
        manager = db.session.get(User, manager_id)
        _add_letters(pdfs, count)
        cpu_before = [_cpu_seconds(p.pid) for p in processes]
        started = time.perf_counter()  # from the request that creates the batch
        batch = batches.create_batch(association, actor=manager)
        db.session.commit()  # the plan goes to the queue; the workers take the chunks
        batch_id = batch.id
        while True:
            db.session.expire_all()
            status = db.session.get(LetterBatch, batch_id).status
            if status in ("done", "failed"):
                break
            if time.perf_counter() - started > 900:
                raise RuntimeError("the batch did not finish in 15 minutes")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        db.session.rollback()
        if status != "done":
            raise RuntimeError(f"the batch failed: {db.session.get(LetterBatch, batch_id).error}")
        from pypdf import PdfReader

        from app.core import storage
        from app.delivery.services import count_in_batch

        pages = len(PdfReader(storage.batch_path(batch_id)).pages)
        rss = [_peak_rss_mib(p.pid) for p in processes]
        cpu = [_cpu_seconds(p.pid) - b for p, b in zip(processes, cpu_before, strict=True)]
        return elapsed, rss, cpu, pages, count_in_batch(batch_id)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _settle(who) -> None:
    """Run here every job still waiting (the demo's mail), then put whatever waits for the
    mail in batches of its own, built here: the workers then find only the measured batch."""
    from flask import current_app

    from app.associations.models import Association
    from app.auth.models import User
    from app.compliance import batch_build, batches
    from app.core import jobs
    from app.extensions import db

    app = current_app._get_current_object()
    mode = app.config["JOBS_MODE"]
    app.config["JOBS_MODE"] = "eager"
    try:
        while jobs.run_due(app, everything=True):
            pass
        manager = db.session.get(User, who[1])
        for association in db.session.scalars(db.select(Association)).all():
            leftover = batches.create_batch(association, actor=manager)
            db.session.flush()
            batch_build.build_batch(leftover.id, inline=True)
            db.session.commit()
    finally:
        app.config["JOBS_MODE"] = mode


def workers_part(app, workdir: str, pdfs: list[bytes]) -> None:
    """(c): the mailing batch built by 1 and by 2 RQ worker processes."""
    import secrets

    url = _redis_url()
    if url is None:
        return
    from redis import Redis
    from rq import Queue

    from app.compliance.letter_models import LetterBatch
    from app.extensions import db

    count = len(pdfs)
    queue = f"bench-letters-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "STORAGE_DIR": workdir,
        "MAIL_BACKEND": "memory",
        "REDIS_URL": url,
        "JOBS_QUEUE": queue,
    }
    app.config.update(JOBS_MODE="redis", REDIS_URL=url, JOBS_QUEUE=queue)
    # What the demo left waiting for the mail goes into a batch of its own first.
    from app.auth.models import User
    from app.compliance.letter_models import Letter

    template = db.session.scalars(db.select(Letter).order_by(Letter.id)).first()
    manager = db.session.get(User, db.session.scalars(db.select(LetterBatch)).first().created_by_id)
    who = (template.association_id, manager.id)
    chunk = app.config["LETTER_BATCH_CHUNK"]
    small = max(1, count // 5)
    print(f"    (worker logs: {workdir}/worker-*.log)")
    print(f"(c) the mailing batch built by RQ worker processes (chunks of {chunk}, queue {queue})")
    try:
        runs = {}
        plan = [("1 worker", 1, count), ("2 workers", 2, count)]
        if count >= 100:  # below that the sizes are too close to compare memory
            plan.insert(0, ("small, 1 worker", 1, small))
        for label, workers, size in plan:
            elapsed, rss, cpu, pages, copies = _one_run(env, queue, url, who, workers, pdfs, size)
            runs[label] = elapsed
            print(
                f"    {size:5d} letters, {workers} worker(s): {elapsed:7.2f} s "
                f"({size / elapsed:6.1f} letters/s, {pages} pages, {copies} notice copies), "
                f"peak RSS per worker: {', '.join(f'{r:.0f}' for r in rss)} MiB, "
                f"CPU s per worker: {', '.join(f'{c:.1f}' for c in cpu)}"
            )
        load = os.getloadavg()[0]
        print(f"    load average after the runs: {load:.1f} on {os.cpu_count()} cores")
        print(
            f"    ratio 1 worker / 2 workers at {count} letters: "
            f"{runs['1 worker'] / runs['2 workers']:.2f}"
        )
    finally:
        Queue(queue, connection=Redis.from_url(url)).delete(delete_jobs=True)


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    # --workers-only: skip (a) and (b)'s comparison, render the letters and measure (c).
    workers_only = "--workers-only" in sys.argv[1:]
    count = int(arguments[0]) if arguments else 1000
    workdir = tempfile.mkdtemp(prefix="hoa-bench-")
    os.environ.setdefault("APP_ENV", "development")
    from app import create_app
    from app.compliance import letter_pdf
    from app.core import clock
    from app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite3",
            "STORAGE_DIR": workdir,
            "MAIL_BACKEND": "memory",
            "JOBS_MODE": "eager",  # the demo's mail is sent in this process, no threads
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_TIME_COST": 1,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context(), app.test_request_context():
        db.create_all()
        from app.demo import load_demo

        load_demo()
        db.session.commit()
        clock.unfreeze()
        htmls = build_htmls(app, count)
        print(f"{count} letters, {os.cpu_count()} cores")
        if workers_only:
            batch = letter_pdf.render_many(htmls)
            workers_part(app, workdir, [pdf for pdf, _pages in batch])
            return
        started = time.perf_counter()
        plain = naive(htmls)
        a = count / (time.perf_counter() - started)
        print(f"(a) naive loop, fresh WeasyPrint setup per letter: {a:8.1f} letters/s")
        started = time.perf_counter()
        batch = letter_pdf.render_many(htmls)
        b = count / (time.perf_counter() - started)
        print(f"(b) product batch rendering (render_many):         {b:8.1f} letters/s")
        assert len(plain) == len(batch) == count
        assert all(pdf.startswith(b"%PDF") for pdf, _pages in batch)
        print(f"ratio b/a: {b / a:.2f}")
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: this process {own:.0f} MiB, largest rendering worker {children:.0f} MiB")
        workers_part(app, workdir, [pdf for pdf, _pages in batch])


if __name__ == "__main__":
    main()
