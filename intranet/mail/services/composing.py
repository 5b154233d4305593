"""Composing an email: its neutral envelope, a body that says no more than the recipient's level,
rendered in the recipient's language; and what a worker loads once to render many."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.support import NullTranslations
from flask import current_app, render_template
from flask_babel import force_locale, format_date, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from ...i18n import moment, number
from ...urls import external_url
from .. import privacy

# Context that only the "full" level may show: names of people and organizations, free text.
FULL_ONLY = frozenset(
    {
        "user_name",
        "inviter_name",
        "organization_name",
        "actor_name",
        "registered_by",
        "inviting_organization",
        "network_name",
        "cancelled_by",
        "note",
        "reason",
        "room_details",
        "online_url",
    }
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str | None
    sender_name: str | None = None


def compose(
    kind: str,
    template: str,
    *,
    locale: str,
    level: privacy.Level,
    count: int | None = None,
    html: bool = True,
    **context: object,
) -> RenderedEmail:
    """The email of ``kind`` at ``level``: its neutral envelope, and a body that says no more than
    the level allows. At "discreet" an email about content becomes "N new items for you" with a
    sign-in link; below "full", names and free text (``FULL_ONLY``) are left out of the context."""
    policy = privacy.settings()
    if level == privacy.Level.DISCREET and not privacy.email_kind(kind).functional:
        count = count or 1
        subject = policy.subject("discreet", locale, count)
        template = "discreet"
        context = {
            "home_url": external_url("home.index"),
            "preferences_url": external_url("notifications.preferences"),
            **{key: context[key] for key in ("unsubscribe_url",) if key in context},
        }
    else:
        subject = policy.subject(kind, locale, count)
        if level != privacy.Level.FULL:
            shows = privacy.email_kind(kind).shows
            context = {
                key: (None if key in FULL_ONLY and not shows(key, value, level) else value)
                for key, value in context.items()
            }
    sender = policy.sender_name(locale)
    rendered = render_email(
        template,
        subject,
        locale=locale,
        html=html,
        level=level.value,
        sender_name=sender,
        count=count,
        **context,
    )
    return RenderedEmail(rendered.subject, rendered.body_text, rendered.body_html, sender)


def _gettext(translations: NullTranslations) -> Callable[..., str]:
    """The templates' ``gettext`` (what ``_`` calls) with the email's catalogue looked up once:
    Jinja's new-style gettext (``jinja2.ext``) over Flask-Babel's ``get_translations().ugettext``,
    whose lookup of the locale and the catalogue was most of the cost of each ``_()``."""

    @pass_context
    def gettext(context: Context, string: str, /, **variables: object) -> str:
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext


def warm_up() -> None:
    """Load what rendering email needs once, in a worker's parent process (app context): each
    forked work horse inherits the email templates compiled, the languages' catalogues and
    their date and number formats, instead of loading them again for every job."""
    env = current_app.jinja_env
    for name in env.list_templates(filter_func=lambda name: name.startswith("email/")):
        env.get_template(name)
    for locale in privacy.LOCALES:
        with force_locale(locale):
            get_translations()
            str(privacy.DEFAULT_SENDER_NAME)
            moment(datetime(2026, 1, 1, tzinfo=UTC), "medium")
            format_date(datetime(2026, 1, 1).date(), "long")
            number(1234)


def render_email(
    template: str, subject: object, *, locale: str = "fr", html: bool = True, **context: object
) -> RenderedEmail:
    """Render an email in ``locale`` without storing it (work that can happen outside a write lock).
    ``subject`` is a text or a lazy string, made a text in ``locale``."""
    with force_locale(locale):
        subject_text = str(subject)
        context.setdefault("gettext", _gettext(get_translations()))
        body_text = render_template(f"email/{template}.txt", locale=locale, **context)
        body_html = render_template(f"email/{template}.html", locale=locale, **context) if html else None
    return RenderedEmail(subject_text, body_text, body_html)
