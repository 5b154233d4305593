"""``flask`` commands: demo data, the first administrator, the outbox."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from .accounts.demo import DEMO_TOTP_SECRET
from .accounts.models import Organization, Role, Sector, User
from .accounts.passwords import hash_password
from .accounts.services import (
    AccountError,
    find_user_by_email,
    normalize_email,
    validate_new_password,
)
from .demo import ensure_regions, is_empty, load_demo
from .extensions import db
from .mail.services import deliver_due


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no account yet.")
    def seed_demo(if_empty: bool) -> None:
        """Load fictional demo data and print the demo accounts."""
        if if_empty and not is_empty():
            click.echo("Database already has data: demo data not loaded.")
            return
        accounts = load_demo()
        click.echo(f"Demo accounts (password for all: {accounts[0][1]}):")
        for email, _password, role in accounts:
            click.echo(f"  {role.value:<12} {email}")
        click.echo(f"Staff and admin sign in with two factors: authenticator key {DEMO_TOTP_SECRET}")
        click.echo("  (or print the current codes with: flask --app wsgi demo-codes)")

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.password_option()
    def create_admin(email: str, name: str, password: str) -> None:
        """Create the first administrator (and the network organization if needed)."""
        try:
            validate_new_password(password)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        if find_user_by_email(email):
            raise click.ClickException("An account already uses this email.")
        regions = ensure_regions()
        network = db.session.scalar(sa.select(Organization).where(Organization.is_network.is_(True)))
        if network is None:
            network = Organization(
                name=app.config["NETWORK_NAME"],
                sector=Sector.OTHER,
                region=regions["Montréal"],
                town="Montréal",
                is_network=True,
            )
            db.session.add(network)
            db.session.flush()
        db.session.add(
            User(
                email=normalize_email(email),
                name=name,
                role=Role.ADMIN,
                organization=network,
                password_hash=hash_password(password),
            )
        )
        db.session.commit()
        click.echo(f"Administrator {email} created.")

    @app.cli.command("outbox-flush")
    def outbox_flush() -> None:
        """Send every due email now (what the scheduler does every minute)."""
        total = {"sent": 0}
        while True:
            counts = deliver_due()
            total["sent"] += counts["sent"]
            if not any(counts.values()) or counts["sent"] == 0:
                break
        click.echo(f"sent {total['sent']}")
