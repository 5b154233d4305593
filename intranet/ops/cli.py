"""``flask backup``, ``flask restore``, ``flask purge-audit``, ``flask demo-codes``."""

from __future__ import annotations

import time
from pathlib import Path

import click
import pyotp
import sqlalchemy as sa
from flask import Flask, current_app

from ..accounts.demo import DEMO_DOMAIN
from ..accounts.models import User
from ..audit.jobs import purge_audit_log
from ..extensions import db
from .backup import BackupError, backup, prune_backups, read_manifest, restore


def init_app(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--portable", is_flag=True, help="Dump through SQLAlchemy (restorable into any database).")
    @click.option(
        "--keep-days",
        type=click.IntRange(0, 36500),
        default=None,
        help="Delete the backups in PATH's directory older than this many days "
        "(default: BACKUP_RETENTION_DAYS; 0 keeps them all).",
    )
    def backup_command(path: Path, portable: bool, keep_days: int | None) -> None:
        """Back up the database and the instance/ files into PATH (.tar.gz), while the site runs,
        then delete the backups beside it that are older than the retention."""
        try:
            manifest = backup(path, portable=portable)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        click.echo(
            f"Backup written to {path}: {manifest['database']['kind']} database, {rows} rows, "
            f"{len(manifest['files'])} files."
        )
        days = current_app.config["BACKUP_RETENTION_DAYS"] if keep_days is None else keep_days
        for old in prune_backups(path.parent, int(days), keep=path):
            click.echo(f"Deleted {old.name}: older than {days} days.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Restore even if the schema differs.")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(path: Path, force: bool, yes: bool) -> None:
        """Replace the database and instance/ files with a backup (stop the web and workers first)."""
        try:
            manifest = read_manifest(path)
        except (BackupError, OSError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        if not yes:
            click.confirm(
                f"Replace EVERYTHING in this database with the backup of {manifest['created_at']}?",
                abort=True,
            )
        try:
            restore(path, force=force)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Restored {sum(manifest['counts'].values())} rows and {len(manifest['files'])} files.")

    @app.cli.command("purge-audit")
    def purge_audit() -> None:
        """Remove audit events older than AUDIT_RETENTION_DAYS (the scheduler does it daily)."""
        click.echo(f"{purge_audit_log()} events removed.")

    @app.cli.command("demo-codes")
    def demo_codes() -> None:
        """Print the current two-factor codes of the demo team (never in production)."""
        if current_app.config["PASSERELLE_ENV"] == "production":
            raise click.ClickException("demo-codes is refused in production.")
        team = db.session.scalars(
            sa.select(User).where(User.email.endswith(DEMO_DOMAIN), User.totp_enabled_at.is_not(None))
        ).all()
        left = 30 - int(time.time()) % 30
        for user in team:
            if user.totp_secret is None:
                continue
            click.echo(f"{pyotp.TOTP(user.totp_secret).now()}  {user.email}  ({left} s)")
