"""The advocacy brief (note de synthèse): one frozen version of a position as a brief.

What every brief shares (typography, footnotes, the network's paper, the compact layout of a
short text, the signatories block, file names) is in ``intranet.briefs``; this module says what
an advocacy brief holds: its kind, addressee, summary, demands and co-signing organizations.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from ..briefs import (  # noqa: F401  (footnotes_to_pdf, french_typography: the names advocacy always offered)
    BriefContent,
    download_name,
    footnotes_to_pdf,
    french_typography,
    layout_for,
    number_headings,
    plain,
    prepare,
    render_brief,
    word_count,
)
from .models import KIND_LABELS, Position, Version


def brief_context(
    position: Position, version: Version, signatory_names: list[str], *, cover: bool = False
) -> dict:
    """Everything the brief template needs, as primitives, in the version's language."""
    french = version.language == "fr"
    body, toc = number_headings(str(prepare(version.body, french)))
    when = position.published_at or version.created_at
    words = word_count(version.summary, version.body, *(version.demands or []))
    with force_locale(version.language):
        organization = plain(position.organization.name, french)
        signatories = [plain(n, french) for n in signatory_names]
        facts: list[tuple[str, Markup | str]] = []
        if version.addressee:
            facts.append((_("Destinataire"), plain(version.addressee, french)))
        facts += [(_("Porté par"), organization), (_("Date"), format_date(when, "long"))]
        if signatories:
            facts.append(
                (_("Cosignataires"), ngettext("%(num)s organisme", "%(num)s organismes", len(signatories)))
            )
        content = BriefContent(
            lang=version.language,
            network_name=current_app.config["NETWORK_NAME"],
            kind=str(KIND_LABELS[version.kind]),
            title=plain(version.title, french),
            body=Markup(body),
            toc=toc,
            layout=layout_for(len(toc), words, cover=cover),
            facts=facts,
            themes=[t.label(version.language) for t in position.themes],
            notice=""
            if position.published_at is not None
            else _("Document de travail, version %(n)s : pas encore publié par le réseau.", n=version.number),
            summary=prepare(version.summary, french) if version.summary else "",
            demands_heading=_("Revendications"),
            demands=[plain(d, french) for d in version.demands or []],
            signatories_heading=_("Organismes cosignataires") if signatories else _("Organisme signataire"),
            signatories=[{"name": organization, "note": _("organisme porteur")}]
            + [{"name": n, "note": ""} for n in signatories],
        )
        return content.as_context()


def brief_file_name(version: Version) -> str:
    return download_name(version.title, f"v{version.number}", default="dossier")


def render_brief_pdf(context: dict) -> bytes:
    return render_brief(context)
