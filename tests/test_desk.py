"""The staff desk (issue 17): what waits for the network's team, counted by each feature's services,
and the "Gestion" entry that gathers the management tools so the menu stays one row."""

from __future__ import annotations

import re
from datetime import timedelta

from intranet.accounts.models import Role
from intranet.tasks.services import submit_task


def _desk_counts(html: str) -> dict[str, int]:
    """The desk's lines as shown: {"signalements à traiter": 1, ...}."""
    desk = html.split('class="desk"', 1)[1].split("</ul>\n", 1)[0] if 'class="desk"' in html else ""
    return {
        label.strip(): int(n) for n, label in re.findall(r'<span class="n">(\d+)</span> ([^<]+)</a>', desk)
    }


def test_reports_to_moderate_are_counted_for_who_moderates_them(db, make_user, make_org, make_practice):
    from intranet.practices import services

    staff = make_user("staff")
    org = make_org()
    coordinator = make_user("coordinator", org=org)
    reader = make_user("member", org=org)
    shared = make_practice(make_user("member"), visibility="network")
    own = make_practice(reader, visibility="organization")
    assert services.count_open_reports(staff) == 0
    services.report(reader, shared, "Un nom de famille dans l’exemple.")
    services.report(reader, own, "Un numéro de téléphone.")
    assert services.count_open_reports(staff) == 1  # network-wide practices only
    assert services.count_open_reports(coordinator) == 1  # the organization's own practice
    assert services.count_open_reports(reader) == 0
    assert services.count_open_reports(staff) == len(services.open_reports(staff))
    [item] = services.open_reports(staff)
    services.resolve_report(staff, item)
    assert services.count_open_reports(staff) == 0


def test_texts_awaiting_review_are_counted_oldest_first(db, make_position):
    from intranet.advocacy import services

    make_position(status="draft")
    first = make_position(status="submitted", title="Premier texte soumis")
    second = make_position(status="in_review", title="Deuxième texte en révision")
    make_position(status="approved")
    count, oldest = services.awaiting_review()
    assert count == 2
    assert [p.id for p in oldest] == [first.id, second.id]


def test_sessions_soon_full_or_with_a_waiting_list_are_counted(db, make_user, make_session):
    from intranet.trainings import services
    from intranet.trainings.models import Registration, RegistrationStatus

    def fill(session, confirmed: int, waiting: int = 0) -> None:
        for status, n in ((RegistrationStatus.CONFIRMED, confirmed), (RegistrationStatus.WAITING, waiting)):
            for _ in range(n):
                db.session.add(Registration(session=session, user=make_user("member"), status=status))
        db.session.flush()

    almost_full = make_session(capacity=10, starts_in=timedelta(days=5))
    fill(almost_full, confirmed=8)  # 2 seats left
    waiting = make_session(capacity=1, starts_in=timedelta(days=3))
    fill(waiting, confirmed=1, waiting=2)
    roomy = make_session(capacity=20)
    fill(roomy, confirmed=3)
    past = make_session(capacity=1, starts_in=timedelta(days=-3))
    fill(past, confirmed=1, waiting=1)
    cancelled = make_session(capacity=2)
    fill(cancelled, confirmed=2)
    cancelled.cancelled_at = cancelled.starts_at - timedelta(days=2)
    make_session(capacity=4)  # empty, not soon full
    db.session.flush()

    count, soonest = services.sessions_needing_attention()
    assert count == 2
    assert [(a.session.id, a.seats_left, a.waiting) for a in soonest] == [
        (waiting.id, 0, 2),
        (almost_full.id, 2, 0),
    ]


def test_organizations_without_a_coordinator_are_counted(db, make_user, make_org):
    from intranet.accounts.services import organizations_without_coordinator

    before, _ = organizations_without_coordinator()
    alone = make_org(name="Maison sans coordination")
    make_user("member", org=alone)
    led = make_org(name="Maison coordonnée")
    make_user("coordinator", org=led)
    left = make_org(name="Maison dont la coordinatrice est partie")
    make_user("coordinator", org=left, active=False)
    make_org(name="Réseau", is_network=True)  # the network's own team has no coordinator to name
    count, first = organizations_without_coordinator(limit=50)
    assert count == before + 2
    names = {org.name for org in first}
    assert {"Maison sans coordination", "Maison dont la coordinatrice est partie"} <= names
    assert "Maison coordonnée" not in names and "Réseau" not in names


def test_the_desk_is_the_home_of_staff_with_counts_and_links(
    app,
    db,
    login_as,
    make_user,
    run_jobs,
    make_position,
    make_practice,
):
    from intranet.practices import services as practices

    make_position(status="submitted", title="Mémoire sur le logement de deuxième étape")
    reader = make_user("member")
    practices.report(reader, make_practice(visibility="network"), "Un prénom d’enfant.")
    submit_task(kind="test", func="tests.jobs_for_tests.failing", args=[], user=reader)
    db.session.commit()
    run_jobs()

    staff, _ = login_as("staff")
    page = staff.get("/").get_data(as_text=True)
    counts = _desk_counts(page)
    assert counts["signalement à traiter"] == 1
    assert counts["texte à réviser"] == 1
    assert "tâche de fond en échec" not in counts  # the job queue is the administrator's
    assert 'href="/pratiques/signalements"' in page
    assert "Mémoire sur le logement de deuxième étape" in page  # the oldest texts, each a link

    admin, _ = login_as("admin")
    admin_counts = _desk_counts(admin.get("/").get_data(as_text=True))
    assert admin_counts["tâche de fond en échec"] == 1
    assert admin_counts["signalement à traiter"] == 1

    member, _ = login_as("member")
    assert 'class="desk"' not in member.get("/").get_data(as_text=True)


def test_management_tools_gather_under_one_menu_entry(app, db, login_as):
    admin, _ = login_as("admin")
    home = admin.get("/").get_data(as_text=True)
    nav = home.split('class="navlinks"', 1)[1].split("</ul>", 1)[0]
    assert "Gestion" in nav
    for tool in ("Tâches de fond", "Journal", "Organismes", "Gérer les formations", "Courriels"):
        assert tool not in nav
    # One row: the features (practices, trainings, advocacy, tables, directory with its resources,
    # censuses), home and "Gestion"; the header test measures the row at every width.
    assert nav.count("<li>") <= 8
    manage = admin.get("/gestion/")
    assert manage.status_code == 200
    body = manage.get_data(as_text=True)
    for tool in ("Tâches de fond", "Journal", "Organismes", "Gérer les formations", "Courriels"):
        assert tool in body
    # On a management page, "Gestion" is the current entry.
    jobs = admin.get("/gestion/taches").get_data(as_text=True)
    assert re.search(r'href="/gestion/" aria-current="page">Gestion<', jobs)

    staff, _ = login_as("staff")
    staff_body = staff.get("/gestion/").get_data(as_text=True)
    assert "Organismes" in staff_body and "Tâches de fond" not in staff_body

    member, _ = login_as("member")
    assert "/gestion/" not in member.get("/").get_data(as_text=True).split("<main", 1)[0]
    assert member.get("/gestion/").status_code == 403


def test_a_coordinator_is_not_given_the_desk(db, make_user):
    from intranet.home.desk import desk_for

    coordinator = make_user("coordinator")
    assert coordinator.role == Role.COORDINATOR
    assert desk_for(coordinator) == []
