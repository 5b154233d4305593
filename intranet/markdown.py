"""Markdown written by members, rendered then sanitized: no raw HTML or script survives."""

from __future__ import annotations

from collections.abc import Callable

import nh3
from flask import Flask, current_app
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


def sanitize_html(html: str, *, tags: set[str] = ALLOWED_TAGS, attributes: dict = ALLOWED_ATTRIBUTES) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    return Markup(sanitize_html(_md.render(text)))


_DIFF_TAGS = ALLOWED_TAGS | {"ins", "del"}
_DIFF_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "ins": {"class"}, "del": {"class"}}


def sanitize_diff_html(html: str) -> str:
    """Rendered Markdown with the marks of a comparison (<ins>, <del>, their class)."""
    return sanitize_html(html, tags=_DIFF_TAGS, attributes=_DIFF_ATTRIBUTES)


def register_renderer(app: Flask, name: str, render: Callable[[str | None], Markup]) -> None:
    """Name a renderer for the texts of a page (a Markdown field's ``render=``, its preview, its diffs)."""
    app.extensions.setdefault("markdown_renderers", {"markdown": render_markdown})[name] = render


def renderer(name: str | None) -> Callable[[str | None], Markup]:
    """The renderer registered under ``name``; the plain one for an unknown name."""
    return current_app.extensions.get("markdown_renderers", {}).get(name or "", render_markdown)
