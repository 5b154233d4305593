"""The catalogue: list, filters, month calendar, time zones, and the page budgets."""

from __future__ import annotations

import gzip
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from intranet.database import utcnow
from intranet.trainings import services


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def test_list_shows_upcoming_published_sessions_with_seats_left(
    login_as, make_training, make_session, make_user
):
    client, member = login_as("member")
    shown = make_session(capacity=3, training=make_training("Interprétariat en intervention"))
    other = make_user()
    services.register(other, shown, other)
    make_session(training=make_training("Formation en brouillon", published=False))
    cancelled = make_session(training=make_training("Séance annulée"))
    cancelled.cancelled_at = utcnow()
    make_session(training=make_training("Séance passée"), starts_at=utcnow() - timedelta(days=3))
    html = client.get("/formations/").get_data(as_text=True)
    assert "Interprétariat en intervention" in html
    assert "2 places libres" in html
    for hidden in ("Formation en brouillon", "Séance annulée", "Séance passée"):
        assert hidden not in html


def test_filters_by_region_theme_format_and_month(login_as, make_training, make_session, db, make_theme):
    client, _ = login_as("member")
    theme = make_theme("Accès au logement")
    housing = make_training("Logement après l’hébergement")
    housing.themes = [theme]
    in_estrie = make_session(training=housing, region="Estrie", starts_in=timedelta(days=40))
    online = make_session(
        training=make_training("Classe virtuelle"), online=True, starts_in=timedelta(days=5)
    )
    in_laval = make_session(training=make_training("Rencontre à Laval"), region="Laval", town="Laval")

    def titles(**args):
        html = client.get("/formations/", query_string=args).get_data(as_text=True)
        return {
            t for t in ("Logement après l’hébergement", "Classe virtuelle", "Rencontre à Laval") if t in html
        }

    assert titles(region=in_laval.region_id) == {"Rencontre à Laval"}
    assert titles(theme=theme.id) == {"Logement après l’hébergement"}
    assert titles(format="online") == {"Classe virtuelle"}
    month = services.to_local(in_estrie.starts_at).strftime("%Y-%m")
    assert "Logement après l’hébergement" in titles(mois=month)
    assert titles(mois=services.to_local(online.starts_at).strftime("%Y-%m")) >= {"Classe virtuelle"}


def test_htmx_gets_the_results_fragment_only(login_as, make_session):
    client, _ = login_as("member")
    make_session()
    response = client.get("/formations/?format=in_person", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert 'hx-trigger="every 60s"' in html  # the seats left refresh themselves


def test_month_calendar_places_the_session_on_its_local_day(login_as, make_training, make_session):
    client, _ = login_as("member")
    # 23:30 in Montréal is already the next day in UTC: the calendar must use the local day.
    local = datetime(2031, 3, 20, 23, 30, tzinfo=services.network_zone())
    make_session(training=make_training("Soirée tardive"), starts_at=local.astimezone(UTC), hours=1)
    html = client.get("/formations/calendrier?mois=2031-03").get_data(as_text=True)
    assert "mars 2031" in html
    day = re.search(r'<span class="d">(?:<span class="wd">[^<]*</span>)?20</span>', html)
    cell = html[day.start() :]
    cell = cell[: cell.find("</td>")]
    assert "23:30 Soirée tardive" in cell


@pytest.fixture
def server_in_tokyo(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_nine_in_montreal_is_nine_on_the_page_whatever_the_servers_zone(
    server_in_tokyo, login_as, make_training, db
):
    staff_client, _ = login_as("staff")
    training = make_training("Matinée à Montréal")
    response = staff_client.post(
        f"/formations/gestion/{training.id}/seances/nouvelle",
        data={
            "starts_at": "2031-07-15T09:00",
            "ends_at": "2031-07-15T12:00",
            "format": "online",
            "region_id": "",
            "online_url": "https://visio.example/matin",
            "capacity": "12",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    session = training.sessions[0]
    # 9:00 EDT (UTC−4) is 13:00 UTC.
    assert session.starts_at == datetime(2031, 7, 15, 13, 0, tzinfo=UTC)
    member_client, _ = login_as("member")
    html = member_client.get(f"/formations/seances/{session.id}").get_data(as_text=True)
    assert "09:00–12:00" in html
    assert "mardi 15 juillet 2031" in html
    # In winter (UTC−5) the same wall-clock time is another UTC instant, still 9:00 on the page.
    assert services.local_to_utc(datetime(2031, 1, 15, 9, 0)) == datetime(2031, 1, 15, 14, 0, tzinfo=UTC)


def test_catalogue_pages_stay_in_budget_with_500_upcoming_sessions(login_as, make_training, make_session, db):
    client, member = login_as("member")
    regions = ["Estrie", "Montréal", "Outaouais", "Laval", "Mauricie"]
    trainings = [
        make_training(f"Formation numéro {i} sur les approches intersectionnelles") for i in range(25)
    ]
    for i in range(500):
        make_session(
            training=trainings[i % 25],
            starts_in=timedelta(days=1 + (i * 180) // 500, hours=i % 8),
            region=regions[i % 5],
            online=i % 7 == 0,
        )
    for url in (
        "/formations/",
        "/formations/calendrier",
        f"/formations/calendrier?mois={services.to_local(utcnow() + timedelta(days=40)):%Y-%m}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert _gz(response.data) <= 14 * 1024, (url, _gz(response.data))
    fragment = client.get("/formations/?page=3", headers={"HX-Request": "true"})
    assert _gz(fragment.data) <= 4 * 1024, _gz(fragment.data)
    assert "page 3 sur 25" in fragment.get_data(as_text=True)
