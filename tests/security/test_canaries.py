"""Planted canaries (a password, a reset token, an organization's private text) appear in no log
line, no email to another organization, no PDF's metadata and no export."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import sqlalchemy as sa

from intranet.accounts.models import User
from intranet.mail.models import OutboxMessage
from intranet.ops.logs import JSONFormatter
from intranet.tasks.models import TaskRecord
from tests.security import world

PASSWORD_CANARY = "CANARIMDP quatre chevaux sur la grève"


def _sign_in(app, email, password):
    client = app.test_client()
    client.post("/connexion", data={"email": email, "password": password})
    return client


def test_canaries_stay_where_they_belong(app, db, run_jobs, smtp, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "LOG_REQUESTS", True)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.INFO)
    for name in ("intranet", "jobs", "passerelle", "rq", "werkzeug", "flask_limiter"):
        caplog.set_level(logging.DEBUG, logger=name)
    try:
        org_id, private_canaries, clients = world.demo_world(app)
        assert private_canaries
        member = db.session.scalar(
            sa.select(User).where(User.email == "intervenante@demo.passerelle.example")
        )
        from intranet.accounts.models import Organization

        # The organization's own people, and the network team (staff review submitted drafts).
        own_org = {
            u.email
            for u in db.session.scalars(
                sa.select(User)
                .join(Organization)
                .where(sa.or_(User.organization_id == org_id, Organization.is_network))
            )
        }

        # The password canary: chosen, used, mistyped into the email field.
        from intranet.demo import DEMO_PASSWORD

        response = clients["member"].post(
            "/compte/mot-de-passe",
            data={
                "password-current": DEMO_PASSWORD,
                "password-password": PASSWORD_CANARY,
                "password-confirm": PASSWORD_CANARY,
            },
        )
        assert response.status_code == 303
        _sign_in(app, member.email, PASSWORD_CANARY)
        _sign_in(app, PASSWORD_CANARY, PASSWORD_CANARY)
        _sign_in(app, member.email, PASSWORD_CANARY + " faux")

        # The reset-token canary: a reset link mailed to the member herself only.
        app.test_client().post("/mot-de-passe-oublie", data={"email": member.email})
        db.session.flush()
        reset = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
        token = re.search(r"/reinitialiser/(\S+)", reset.body_text).group(1)
        app.test_client().get(f"/reinitialiser/{token}")  # the link is opened: the URL is in no log

        # Outputs: exports, PDFs, digests, every page of every other organization.
        staff = clients["staff"]
        staff.post("/gestion/repertoire.csv")
        from intranet.practices.models import Practice

        public = db.session.scalar(sa.select(Practice).where(Practice.status == "published").limit(1))
        private_practice = db.session.scalar(
            sa.select(Practice)
            .where(Practice.organization_id == org_id, Practice.title.contains(world.CANARY))
            .limit(1)
        )
        for role in world.OTHER_ORGANIZATIONS:
            clients[role].post(f"/pratiques/{public.id}/pdf")
        if private_practice is not None:
            clients["coordinator"].post(f"/pratiques/{private_practice.id}/pdf")
        for route in world.routes(app, org_id):
            if route.endpoint == "trainings.export" and "any" in route.urls:
                export = staff.get(route.urls["any"])
                assert export.status_code == 200
        from jobs.notifications import plan_digests

        plan_digests()
        db.session.flush()
        run_jobs()
        mydata = clients["partner"].post("/mes-donnees/telecharger").get_data(as_text=True)
        pages, team_pages = [], []
        from tests.crawl import crawl

        for role in world.OTHER_ORGANIZATIONS:
            pages += [p.body.decode("utf-8", "replace") for p in crawl(clients[role], limit=120)]
        team_pages = [p.body.decode("utf-8", "replace") for p in crawl(clients["admin"], limit=120)]
    finally:
        root.removeHandler(handler)

    secrets = [PASSWORD_CANARY, token]
    # Everything Passerelle and its libraries logged (not the test's own SMTP server, which
    # stands for the recipient's mail server and logs what it receives).
    logs = "\n".join(line for line in stream.getvalue().splitlines() if '"logger": "mail.log"' not in line)
    logs += "\n".join(
        f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records if r.name != "mail.log"
    )
    assert "request" in logs and "login.failed" in logs  # the logs were captured
    for secret in secrets + private_canaries:
        assert secret not in logs, f"{secret[:12]}… in the logs"

    # Emails: the token went to the member herself (positive control) and nowhere else;
    # no email to another organization carries the private text or a secret.
    outbox = db.session.scalars(sa.select(OutboxMessage)).all()
    assert any(token in m.body_text and m.to_address == member.email for m in outbox)
    foreign = [m for m in outbox if m.to_address not in own_org]
    for message in foreign:
        text = f"{message.subject}\n{message.body_text}\n{message.body_html or ''}\n{message.headers}"
        for canary in secrets + private_canaries:
            assert canary not in text, f"{canary[:12]}… in an email to another organization ({message.kind})"
    assert foreign, "emails to other organizations were produced (digests, notifications)"
    for message in smtp.messages:
        if message["To"] not in own_org:
            raw = message.as_string()
            assert not any(c in raw for c in secrets + private_canaries)

    # Exports and PDFs made by workers, and the partner's own data download.
    tasks = db.session.scalars(sa.select(TaskRecord).where(TaskRecord.result_path.is_not(None))).all()
    assert any(t.kind == "directory_csv" for t in tasks)
    from pypdf import PdfReader

    pdfs = 0
    for task in tasks:
        content = (Path(app.instance_path) / task.result_path).read_bytes()
        text = content.decode("latin-1")
        if task.result_mimetype == "application/pdf":
            pdfs += 1
            reader = PdfReader(io.BytesIO(content))
            metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
            assert not any(c in metadata for c in secrets + [member.email]), metadata
            if task.user_id != db.session.scalar(
                sa.select(User.id).where(User.email == "coordination@demo.passerelle.example")
            ):
                body = metadata + " ".join(page.extract_text() or "" for page in reader.pages)
                assert not any(c in body for c in private_canaries), task.kind
        else:
            assert not any(c in text for c in secrets + private_canaries), task.kind
    assert pdfs >= 1
    assert not any(c in mydata for c in secrets + private_canaries)
    for body in pages:
        assert not any(c in body for c in secrets + private_canaries)
    for body in team_pages:
        assert not any(c in body for c in secrets)
