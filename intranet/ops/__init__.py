"""Operations: backups and restores, structured logs."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, logs

    logs.init_app(app)
    cli.init_app(app)
