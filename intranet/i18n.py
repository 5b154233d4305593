"""Language and time: French first, English complete, dates in the network's time zone."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime
from flask_login import current_user

from .extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    lang = session.get("lang") if request else None
    return lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["NETWORK_TIMEZONE"]


def translation_directories(root: Path) -> list[str]:
    """The foundation's catalogue (``intranet/translations``) plus one per feature package
    (``intranet/<feature>/translations``)."""
    dirs = [root / "intranet" / "translations"]
    dirs += sorted(p for p in (root / "intranet").glob("*/translations") if p.is_dir())
    return [str(d) for d in dirs if d.is_dir()]


def compile_catalogues(directories: list[str]) -> list[Path]:
    """Compile .po files whose .mo is missing or older (the build's job, done here too so a
    fresh clone never runs on stale catalogues). Returns what was compiled."""
    compiled = []
    for directory in directories:
        for po in Path(directory).glob("*/LC_MESSAGES/*.po"):
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as handle:
                catalog = read_po(handle)
            tmp = mo.with_suffix(f".mo.{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                write_mo(handle, catalog)
            tmp.replace(mo)
            compiled.append(mo)
    return compiled


def init_app(app: Flask, root: Path) -> None:
    directories = translation_directories(root)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    compile_catalogues(directories)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
