"""The design system (issue 17): a light stylesheet with no web fonts, components that render what
their documentation says, tables that can stack on a phone."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from flask import render_template_string

ROOT = Path(__file__).resolve().parent.parent
CSS_BUDGET = 12 * 1024


def test_the_stylesheet_is_small_and_self_contained(app):
    css = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    assert len(gzip.compress(css, compresslevel=9)) <= CSS_BUDGET
    text = css.decode()
    # No web fonts, no imported framework, no images to fetch.
    assert "@font-face" not in text and "@import" not in text and "url(" not in text
    # The tokens the documentation names exist.
    for token in ("--ink", "--brand", "--err", "--ok", "--focus", "--s1", "--s7", "--f-s", "--f-xxl"):
        assert f"{token}:" in text


def _contrast(foreground: str, background: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_text_colours_pass_aa_on_their_backgrounds(app):
    css = (Path(app.static_folder) / "css" / "app.css").read_text()
    tokens = dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{6})", css.split("}", 1)[0]))
    pairs = [
        ("ink", "bg"), ("muted", "bg"), ("muted", "soft"), ("brand", "bg"), ("brand-dark", "tint"),
        ("err", "bg"), ("ok", "bg"), ("info", "bg"), ("warn", "warn-bg"), ("ink", "ok-bg"),
        ("ink", "err-bg"), ("ink", "info-bg"), ("ink", "warn-bg"), ("bg", "brand"), ("bg", "err"),
    ]  # fmt: skip
    weak = [(f, b, round(_contrast(tokens[f], tokens[b]), 2)) for f, b in pairs]
    assert all(ratio >= 4.5 for _f, _b, ratio in weak), weak


def test_components_render_what_they_promise(app):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "_ui.html" import tag, summary, banner, empty, pager, confirm %}'
            '{{ tag("Publiée", "ok") }}'
            '{{ summary([("Quand", "lundi"), ("Où", None), ("Qui", "Réseau")]) }}'
            '{% call banner("Enregistré", "success") %}<p>Vos choix sont enregistrés.</p>{% endcall %}'
            '{{ empty("Aucune pratique", "Écrivez la première.", "/pratiques/nouvelle", "Écrire") }}'
            '{{ pager(2, 3, "/?page=1", "/?page=3") }}{{ pager(1, 1) }}'
            '{% call confirm("Annuler votre inscription ?", '
            '"Votre place ira à la première personne de la liste d’attente.", '
            '"/annuler", "Annuler mon inscription", "/retour") %}'
            '<input type="hidden" name="back" value="mine">{% endcall %}'
        )
    assert '<span class="tag ok">Publiée</span>' in html
    assert "<dt>Quand</dt><dd>lundi</dd>" in html and "Où" not in html  # empty rows are left out
    assert 'class="banner success" role="status"' in html and "Vos choix sont enregistrés." in html
    assert 'class="empty"' in html and 'href="/pratiques/nouvelle"' in html
    assert html.count('class="pager"') == 1  # one page: no pager
    assert 'rel="prev"' in html and 'rel="next"' in html and "Page 2 sur 3" in html
    form = html.split('<div class="confirm">', 1)[1]
    assert 'method="post" action="/annuler"' in form and 'name="csrf_token"' in form
    assert 'name="back" value="mine"' in form and '<button class="primary danger">' in form
    assert 'href="/retour"' in form and "liste d’attente" in form


def test_every_cell_of_a_stacking_table_says_its_column():
    """A table.stack becomes cards under 600 px, each value named by its data-label: a cell
    without one would show a bare value."""
    missing = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for table in re.findall(r'<table class="stack[^"]*">(.*?)</table>', text, re.S):
            body = table.split("</thead>", 1)[-1]
            missing += [
                f"{path.relative_to(ROOT)}: {cell[:60]}"
                for cell in re.findall(r"<td(?![^>]*data-label)[^>]*>", body)
            ]
    assert not missing, missing
    stacked = sum(
        len(re.findall(r'<table class="stack', p.read_text())) for p in (ROOT / "templates").rglob("*.html")
    )
    assert stacked >= 15
