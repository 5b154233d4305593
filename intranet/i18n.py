"""Language and time: French first, English complete, dates in the network's time zone.

Numbers, plurals, dates and times go through Babel in the reader's language, never through
``str()`` or ``isoformat()``: templates use the filters ``number`` ("4,3" / "4.3"), ``date``,
``datetime`` and ``time`` (never seconds) and ``ngettext`` (whose ``num`` is formatted too); Python
code uses :func:`number`, :func:`day`, :func:`moment` and :func:`clock` (flash messages, emails,
PDFs made by workers). ``tests/test_formats.py`` reads every page of every demo role for ISO dates,
seconds and decimal points in French.
French being the source language, a plural string not found in a catalogue still follows the
French rule ("0 pratique", "2 pratiques"), not gettext's English one.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path

import flask_babel
from babel import Locale
from babel import support as babel_support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from .extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    lang = session.get("lang") if request else None
    if isinstance(lang, str) and lang in languages:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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


# --- plurals: the source language's rule for what no catalogue translates ---------------------


class SourceLanguageTranslations(babel_support.Translations):
    """A merged catalogue whose untranslated plurals follow the source language's CLDR rule
    (gettext would pick the singular for 1 only: "0 pratiques")."""

    source: Locale = Locale("fr")
    locale: Locale | None = None  # the catalogue's language

    def ngettext(self, singular, plural, num):
        if isinstance(num, float) and not num.is_integer():
            # gettext's rules take integers: "1,5 heure" (fr) but "1.5 hours" (en), as CLDR says.
            reader = self.locale or self.source
            index = 0 if reader.plural_form(abs(num)) == "one" else 1
        else:
            index = self.plural(int(num))
        try:
            return self._catalog[(singular, index)]
        except KeyError:
            return singular if self.source.plural_form(abs(num)) == "one" else plural

    ungettext = ngettext


class SourceLanguageDomain(flask_babel.Domain):
    def __init__(self, *args, source: str = "fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.source = Locale.parse(source)

    def get_translations(self):
        translations = super().get_translations()
        if isinstance(translations, babel_support.Translations) and not isinstance(
            translations, SourceLanguageTranslations
        ):
            # Same catalogue and plural rule, with the source language's fallback (cached per locale).
            upgraded = SourceLanguageTranslations()
            upgraded._catalog = translations._catalog
            upgraded.plural = translations.plural
            upgraded.files = getattr(translations, "files", [])
            upgraded.source = self.source
            upgraded.locale = get_locale()
            self.get_translations_cache(None)[str(get_locale()), self.domain[0]] = upgraded
            return upgraded
        return translations


# --- numbers, dates and times in the reader's language -----------------------------------------


def number(value, digits: int = 0) -> str:
    """``value`` with the reader's separators and at most ``digits`` decimals, trailing zeros
    dropped: 4.25 → "4,2" (fr) / "4.2" (en); 6.0 → "6"; 1234 → "1 234" / "1,234"."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, pattern)


def day(value: date | datetime | None, fmt: str = "long") -> str:
    """A date as people read it ("20 décembre 2026" / "December 20, 2026"), never ISO."""
    return format_date(value, fmt) if value else ""


def moment(value: datetime | None, fmt: str = "medium") -> str:
    """A date and time in the network's zone, without seconds: the named formats ("short",
    "medium", "long", "full") are the locale's date with its short time ("20 déc. 2026, 09:00" /
    "Dec 20, 2026, 9:00 AM"); any other ``fmt`` is a Babel pattern."""
    if not value:
        return ""
    if fmt in _NAMED:
        locale = get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])
        combined = str(locale.datetime_formats[fmt])
        fmt = combined.replace("{1}", locale.date_formats[fmt].pattern).replace(
            "{0}", locale.time_formats["short"].pattern
        )
    return format_datetime(value, fmt)


_NAMED = ("short", "medium", "long", "full")


def clock(value: time | datetime | None) -> str:
    """A time of day without seconds ("09:00" / "9:00 AM"); datetimes in the network's zone."""
    if not value:
        return ""
    return format_time(value, "short")


@pass_context
def _ngettext(context, singular: str, plural: str, num, **variables):
    """Jinja's ``ngettext`` with ``num`` written in the reader's language ("1 234")."""
    text = flask_babel.get_translations().ungettext(singular, plural, num)
    variables.setdefault("num", number(num, 2) if isinstance(num, int | float) else num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def init_app(app: Flask, root: Path) -> None:
    directories = translation_directories(root)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    compile_catalogues(directories)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # cached_property on the shared Babel object: one domain per app, with the source's plurals.
    babel.domain_instance = SourceLanguageDomain(
        domain=app.config.get("BABEL_DOMAIN", "messages"), source=app.config["BABEL_DEFAULT_LOCALE"]
    )
    app.jinja_env.filters["datetime"] = moment
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["time"] = clock
    app.jinja_env.filters["number"] = number
    app.jinja_env.globals["ngettext"] = _ngettext
