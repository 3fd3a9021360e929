"""CLI commands: create-admin, demo, audit verify."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from app.core.errors import DomainError
from app.extensions import db


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
    app.cli.add_command(audit_group)
    app.cli.add_command(jobs_group)


@click.command("create-admin")
@click.option("--email", required=True, help="The administrator's e-mail address.")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--name", required=True, help="The administrator's full name.")
@with_appcontext
def create_admin(email: str, password: str, name: str) -> None:
    """Create a global administrator."""
    from app.auth.services import create_user

    try:
        user = create_user(email=email, name=name, password=password, actor=None, is_admin=True)
    except DomainError as error:
        db.session.rollback()
        messages = getattr(error, "errors", None)
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in messages.items()) if messages else ""
        raise click.ClickException(detail or error.message) from error
    db.session.commit()
    click.echo(f"Created administrator {user.name} <{user.email}>.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@with_appcontext
def demo(if_empty: bool) -> None:
    """Load realistic demo data: two associations, their units, owners, board and manager."""
    from app.auth.services import count_users
    from app.demo import DEMO_PASSWORD, load_demo

    if count_users():
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException(
            "The database already has users; demo data goes into an empty database only."
        )
    from flask import current_app

    # Nobody reads notifications about demo data: for the rest of this command (the job
    # runner sends them after the commit, before the process exits) mail stays in memory.
    current_app.config["MAIL_BACKEND"] = "memory"
    logins = load_demo()
    db.session.commit()
    click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000/login with:")
    for role, email in logins:
        click.echo(f"  {role:<42} {email:<40} password: {DEMO_PASSWORD}")


@click.group("audit")
def audit_group() -> None:
    """Work with the audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Check every hash chain of the audit log; report the first broken link."""
    from app.core.audit import verify

    count, breaks = verify()
    if not breaks:
        click.echo(f"The audit chain holds: {count} entries checked.")
        return
    for item in breaks:
        chain = f"association {item.association_id}" if item.association_id else "global"
        click.echo(
            f"BROKEN: {chain} chain, first broken link at entry {item.entry_id}: {item.reason}.",
            err=True,
        )
    raise SystemExit(1)


@click.group("jobs")
def jobs_group() -> None:
    """Run and recover background jobs."""


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def jobs_worker(burst: bool) -> None:
    """Run a worker for the Redis queue (needs REDIS_URL); finishes crashed jobs first."""
    from flask import current_app

    from app.core.jobs import run_worker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL: without it jobs run inside the web process.")
    from app.core.jobs import queue_name

    click.echo(f"Worker listening on {app.config['REDIS_URL']} (queue '{queue_name(app)}').")
    run_worker(app, burst=burst)


@jobs_group.command("recover")
@with_appcontext
def jobs_recover() -> None:
    """Start again the jobs a crash left unfinished (such as a half-built mailing batch)."""
    from flask import current_app

    from app.core.jobs import recover

    count = recover(current_app._get_current_object())
    click.echo(f"Restarted {count} unfinished job(s).")


@jobs_group.command("list")
@click.option(
    "--status",
    type=click.Choice(["queued", "running", "done", "failed"]),
    help="Only jobs in this state (default: all but done).",
)
@click.option("--limit", default=50, show_default=True, help="At most this many, newest first.")
@with_appcontext
def jobs_list(status: str | None, limit: int) -> None:
    """List background jobs with their attempts and last error (failed ones first to fix)."""
    from sqlalchemy import select

    from app.core.jobs import Job, describe_args

    statement = select(Job).order_by(Job.id.desc()).limit(limit)
    statement = (
        statement.where(Job.status == status) if status else statement.where(Job.status != "done")
    )
    rows = db.session.scalars(statement).all()
    if not rows:
        click.echo("No jobs.")
    for row in rows:
        click.echo(
            f"{row.id:>6}  {row.status:<8} {row.name}({describe_args(row)})  "
            f"attempt {row.attempts}/{row.max_attempts}"
            + (f"  next {row.run_after:%Y-%m-%d %H:%M:%S} UTC" if row.status == "queued" else "")
            + (f"\n        {row.last_error}" if row.last_error else "")
        )


@jobs_group.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def jobs_retry(job_id: int) -> None:
    """Run a failed job again from its first attempt."""
    from app.core.jobs import Job, retry

    row = db.session.get(Job, job_id)
    if row is None:
        raise click.ClickException(f"There is no job {job_id}.")
    try:
        retry(row)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Job {job_id} is queued again.")


@jobs_group.command("daily")
@with_appcontext
def jobs_daily() -> None:
    """Run the daily work: insurance expiry reminders, contract activation and renewal."""
    from app.core.jobs import run_daily

    for name in run_daily():
        click.echo(f"ran {name}")
