"""Every CSV the intranet hands out opens in the reader's spreadsheet (issue 17): UTF-8 with a BOM,
``;`` between columns for a French reader (French Excel reads ``,`` as the decimal comma) and ``,``
for an English one, written by the one helper, ``intranet.csvexport``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from intranet.accounts.models import User
from intranet.census.models import Campaign
from intranet.csvexport import BOM, csv_text, read_csv
from intranet.tasks.models import TaskRecord
from intranet.trainings.models import TrainingSession
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parent.parent

# For each URL argument of a CSV route, the demo objects to try (a new CSV route with another
# argument fails the walk until it is named here).
CANDIDATES = {
    "session_id": lambda db: db.session.scalars(
        sa.select(TrainingSession.id).order_by(TrainingSession.id)
    ).all(),
    "campaign_id": lambda db: db.session.scalars(sa.select(Campaign.id).order_by(Campaign.id)).all(),
}


def _csv_routes(app) -> list:
    return [r for r in app.url_map.iter_rules() if r.rule.endswith(".csv") and "GET" in r.methods]


def _urls(app, db, rule) -> list[str]:
    unknown = set(rule.arguments) - set(CANDIDATES)
    assert not unknown, f"{rule.rule}: name demo objects for {unknown} in CANDIDATES"
    if not rule.arguments:
        return [rule.rule]
    (name,) = rule.arguments
    return [re.sub(r"<[^>]+>", str(value), rule.rule) for value in CANDIDATES[name](db)]


def _set_locale(db, email: str, locale: str) -> None:
    db.session.execute(sa.update(User).where(User.email == email).values(locale=locale))
    db.session.flush()


def test_the_helper_writes_for_each_language(app):
    rows = [["Maison Aube", 4.5, None], ["Le « Pont »; Laval", 12, "oui"]]
    with app.test_request_context():
        french = csv_text(rows, header=["Nom", "Moyenne", "Note"], locale="fr")
        english = csv_text(rows, header=["Name", "Average", "Note"], locale="en")
    assert french.startswith(BOM) and english.startswith(BOM)
    assert french.splitlines()[0] == "\ufeffNom;Moyenne;Note"
    assert english.splitlines()[0] == "\ufeffName,Average,Note"
    # A separator inside a value is quoted, and reading gives the cells back.
    assert read_csv(french)[2] == ["Le « Pont »; Laval", "12", "oui"]
    assert read_csv(english.encode("utf-8"))[1] == ["Maison Aube", "4.5", ""]


@pytest.mark.parametrize("role", ["staff", "member"])
def test_every_csv_route_opens_in_the_readers_spreadsheet(app, db, demo, role):
    emails, password = demo
    email = emails[role]
    client = app.test_client()
    assert sign_in(client, email, password).status_code == 303
    routes = _csv_routes(app)
    assert len(routes) >= 4  # participants, organizations, resources, census results
    served = set()
    for locale, separator in (("fr", ";"), ("en", ",")):
        _set_locale(db, email, locale)
        for rule in routes:
            for url in _urls(app, db, rule):
                response = client.get(url)
                if response.status_code in (403, 404):
                    continue  # not this role's, or not this object's
                assert response.status_code == 200, (url, response.status_code)
                assert response.mimetype == "text/csv", url
                assert response.headers["Content-Disposition"].startswith("attachment"), url
                body = response.get_data()
                assert body.startswith(BOM.encode("utf-8")), f"{url}: no BOM"
                first = body.decode("utf-8").removeprefix(BOM).split("\r\n", 1)[0]
                other = "," if separator == ";" else ";"
                assert separator in first and other not in first, (url, locale, first)
                rows = read_csv(body)
                assert len({len(r) for r in rows}) == 1, f"{url}: ragged rows"
                served.add(rule.rule)
                break  # one object per route is enough
    # Staff reach every CSV route; members reach the directory's.
    expected = (
        {r.rule for r in routes} if role == "staff" else {"/repertoire/organismes.csv", "/ressources.csv"}
    )
    assert expected <= served, expected - served


@pytest.mark.parametrize("locale,separator", [("fr", ";"), ("en", ",")])
def test_the_directory_export_made_by_a_worker_follows_its_askers_language(
    app, db, make_user, locale, separator
):
    from jobs.exports import directory_csv

    staff = make_user(role="staff")
    staff.locale = locale
    task = TaskRecord(kind="directory_csv", func="jobs.exports.directory_csv", args=[], user_id=staff.id)
    db.session.add(task)
    db.session.flush()
    result = directory_csv(task.id)
    body = (Path(app.instance_path) / result["path"]).read_bytes()
    assert body.startswith(BOM.encode("utf-8"))
    header = read_csv(body)[0]
    assert body.decode("utf-8").removeprefix(BOM).split("\r\n", 1)[0] == separator.join(header)
    assert header[0] == ("Organisme" if locale == "fr" else "Organization")


def test_no_csv_is_written_but_by_the_helper():
    """One way to write a CSV: a new export that calls ``csv.writer`` itself fails here."""
    offenders = []
    for path in [*(ROOT / "intranet").rglob("*.py"), *(ROOT / "jobs").rglob("*.py")]:
        if path.name == "csvexport.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(|mimetype=[\"']text/csv", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
