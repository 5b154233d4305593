"""The pages that compare versions (advocacy's: tests/advocacy/test_editing.py) show the formatted
text with its changes marked, never markup that someone typed, and the source's words when the
structure changed too much."""

from __future__ import annotations

import re

from tests.factories.practices import form_data


def _diff_of(page: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", page, re.S)
    assert match, page[:4000]
    return match.group(1)


def test_a_practice_revision_shows_the_formatted_changes(login_as, make_practice, db):
    client, author = login_as("member")
    practice = make_practice(author, body="## Le coin\n\nUn **coin** calme.\n\n- un livre")
    new_body = "## Le coin\n\nUn **coin** très calme <img src=x onerror=alert(1)>.\n\n- un livre\n- un jeu"
    assert (
        client.post(f"/pratiques/{practice.id}/modifier", data=form_data(practice, body=new_body)).status_code
        == 303
    )

    page = client.get(f"/pratiques/{practice.id}/historique/2").get_data(as_text=True)
    body = _diff_of(page, "Description")
    assert 'class="diff diff-formatted"' in body
    assert "<h2>Le coin</h2>" in body and "<strong>coin</strong>" in body  # formatted, unchanged parts kept
    assert "**" not in body and "##" not in body
    assert "<ins>très </ins>" in body
    assert "<li><ins>un jeu</ins></li>" in body
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<del>" not in body


def test_a_change_of_structure_shows_the_source_words(login_as, make_practice):
    client, author = login_as("member")
    practice = make_practice(
        author, body="Premier point important.\n\nDeuxième point important.\n\nTroisième point."
    )
    new_body = "- Premier point important.\n- Deuxième point important.\n- Troisième point."
    assert (
        client.post(f"/pratiques/{practice.id}/modifier", data=form_data(practice, body=new_body)).status_code
        == 303
    )
    body = _diff_of(
        client.get(f"/pratiques/{practice.id}/historique/2").get_data(as_text=True), "Description"
    )
    assert "La mise en forme a beaucoup changé" in body
    assert 'class="diff diff-text"' in body and "<li>" not in body
    assert "<ins>- </ins>Premier point important." in body


def test_a_post_history_shows_what_each_version_changed(app, db, login_as, make_user, make_org):
    import sqlalchemy as sa

    from intranet.spaces import services
    from intranet.spaces.models import Post, SpaceVisibility

    staff = make_user("staff")
    org = make_org(name="Maison Essai Histoire")
    space = services.create_space(
        staff,
        name="Espace histoire",
        description="",
        visibility=SpaceVisibility.MEMBERS.value,
        immigration_seats=0,
    )
    services.seat(staff, space, org)
    client, author = login_as("member", org=org)
    thread = services.start_thread(author, space, title="Sujet", body="Un **plan** simple.")
    db.session.commit()
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    for body in ("Un **plan** très simple.", "Un **plan** très simple <i>ici</i>.\n\n- une étape"):
        assert client.post(f"/tables/messages/{post.id}/modifier", data={"body": body}).status_code == 303

    page = client.get(f"/tables/messages/{post.id}/historique").get_data(as_text=True)
    changes = re.findall(r'<div class="diff diff-formatted">(.*?)</div>', page, re.S)
    assert len(changes) == 2  # the current version and the one before; the first as written
    current, before = changes
    assert "<strong>plan</strong>" in current and "<ins> &lt;i&gt;ici&lt;/i&gt;</ins>" in current
    assert "<i>" not in page
    assert '<ins class="diff-block"><ul>' in current
    assert "<ins>très </ins>" in before
    assert '<div class="card"><p>Un <strong>plan</strong> simple.</p>' in page
