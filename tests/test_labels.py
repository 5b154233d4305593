"""The audit log and the jobs page speak to people: human labels in both languages instead of
codes (method=password, step=publish, sent : 40), and the objects named and linked as their
features register them (intranet.objects), not "advocacy_position 13"."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from markupsafe import escape

from intranet import events
from intranet.advocacy.models import Position
from intranet.mail.models import MailStatus, OutboxMessage
from intranet.vocabulary import known

ROOT = Path(__file__).resolve().parent.parent


def _audit(db, action, *, actor, target_type=None, target_id=None, **details):
    events.audit.send(
        None, action=action, actor_id=actor.id, organization_id=None,
        target_type=target_type, target_id=target_id, details=details,
    )  # fmt: skip
    db.session.flush()


def test_the_audit_log_names_and_links_what_it_speaks_of(app, db, demo, login_as):
    client, admin = login_as("admin")
    published = db.session.scalar(
        sa.select(Position).where(Position.published_at.is_not(None)).order_by(Position.id)
    )
    assert published is not None
    _audit(
        db,
        "advocacy.published",
        actor=admin,
        target_type="advocacy_position",
        target_id=published.id,
        step="publish",
    )
    _audit(db, "login.succeeded", actor=admin, target_type="user", target_id=admin.id, method="password")
    _audit(db, "practice.unpublished", actor=admin, target_type="practice", target_id=10**8, to="withdrawn")

    fragment = {"HX-Request": "true"}  # the results alone (the filter's options hold the codes)
    french = client.get("/gestion/journal", headers=fragment).get_data(as_text=True)
    assert "method=password" not in french and "step=publish" not in french
    assert "advocacy_position" not in french and "login.succeeded" not in french
    assert "Méthode : mot de passe" in french and "Étape : Publier" in french
    assert "Nouvel état : Retirée par la modération" in french
    assert f'Texte de plaidoyer : <a href="/plaidoyer/{published.id}">' in french
    assert escape(published.title) in french
    # A practice that is gone: its kind and number, no link, no title.
    assert 'Bonne pratique <span class="muted">n° 100000000</span>' in french

    admin.locale = "en"
    db.session.flush()
    english = client.get("/gestion/journal", headers=fragment).get_data(as_text=True)
    assert "Method: password" in english and "Step: Publish" in english
    assert f'Advocacy text: <a href="/plaidoyer/{published.id}">' in english
    assert "New state: Withdrawn by moderation" in english


def test_every_audit_action_sent_in_the_code_has_a_label(app):
    """A new ``events.audit`` action without a registered label fails here (intranet.vocabulary)."""
    patterns = (
        r'action="([a-z0-9_]+\.[a-z0-9_.]+)"',
        r'audit\(\s*"([a-z0-9_]+\.[a-z0-9_.]+)"',
        r'_audit\([^)]*?"([a-z0-9_]+\.[a-z0-9_.]+)"',
        r'(?:action=|audit\(\s*)"([a-z0-9_]+\.[a-z0-9_.]+)" if [^\n]* else "([a-z0-9_]+\.[a-z0-9_.]+)"',
        r'audit_action = "([a-z0-9_]+\.[a-z0-9_.]+)"',
    )
    actions = set()
    for path in (ROOT / "intranet").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit" not in text:
            continue
        for pattern in patterns:
            for found in re.findall(pattern, text):
                actions.update(found if isinstance(found, tuple) else (found,))
    actions = {a for a in actions if not a.endswith((".py", ".html", ".txt", ".json", ".csv"))}
    assert {"login.succeeded", "advocacy.published", "space.seated", "directory.resource_approved"} <= actions
    with app.app_context():
        unlabelled = sorted(a for a in actions if not known("audit.action", a))
    assert not unlabelled, unlabelled


def test_the_jobs_page_says_statuses_and_queues_in_words(app, db, login_as):
    client, _admin = login_as("admin")
    for i, status in enumerate((MailStatus.SENT, MailStatus.SENT, MailStatus.PENDING)):
        db.session.add(
            OutboxMessage(
                kind="invitation", to_address=f"p{i}@essai.example", subject="s", body_text="b",
                message_id=f"<m{i}@essai.example>", status=status,
            )
        )  # fmt: skip
    db.session.flush()
    page = client.get("/gestion/taches").get_data(as_text=True)
    assert "sent :" not in page and "pending" not in page
    assert "<dt>Envoyés</dt><dd>2</dd>" in page and "<dt>En attente</dt><dd>1</dd>" in page
    assert "Résumés par courriel" in page and ">digest<" not in page
