"""Markdown written by members, rendered then sanitized: no raw HTML or script survives."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
    .use(footnote_plugin)
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "s",
    "del",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "section",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "th": {"align", "style"},
    "td": {"align", "style"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "section": {"class"},
    "hr": {"class"},
}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    return Markup(sanitize_html(_md.render(text)))
