"""SQL statements per page: the main page of each feature runs as many statements with three rows
as with six (no query per row: an N+1 fails here), and stays within its budget.

The census results are counted in tests/census/test_queries.py (they need its ``census`` fixture).
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import assert_flat_queries

# Statements per page: what SQLite ran on 2026-12-07 with the rows below, plus three: a new query on a
# page is a choice to make here, not a surprise.
BUDGETS = {
    "home": 16,
    "practices": 11,
    "practice": 12,
    "history": 6,
    "trainings": 12,
    "session": 7,
    "my_trainings": 9,
    "advocacy": 8,
    "advocacy_staff": 9,
    "advocacy_library": 12,
    "home_staff": 25,
    "position": 15,
    "position_staff": 15,
    "directory": 13,
}


def assert_flat(client, url, count_queries, grow, budget: str) -> int:
    return assert_flat_queries(client, url, count_queries, grow, BUDGETS[budget])


def test_home(login_as, make_user, make_practice, make_session, make_position, count_queries):
    client, user = login_as("member")

    def grow(n=3):
        for i in range(n):
            make_practice(title=f"Pratique {i}")
            make_session()
            make_position(status="published", title=f"Position {i}")

    grow()
    assert_flat(client, "/", count_queries, grow, "home")


def test_practices_list_and_page_and_history(login_as, make_practice, make_theme, make_user, count_queries):
    from intranet.practices import services

    client, user = login_as("member")
    themes = [make_theme("Plan de sécurité", "Safety planning"), make_theme("Hébergement", "Housing")]

    def more_practices(n=3):
        for i in range(n):
            make_practice(title=f"Pratique numéro {i}", themes=themes)

    more_practices()
    assert_flat(client, "/pratiques/", count_queries, more_practices, "practices")

    author = make_user("member")
    practice = make_practice(author, themes=themes)

    def more_comments(n=3):
        for i in range(n):
            services.add_comment(make_user("member"), practice, f"Un commentaire {i}")

    more_comments()
    assert_flat(client, f"/pratiques/{practice.id}", count_queries, more_comments, "practice")

    def more_revisions(n=3):
        for i in range(n):
            data = services.PracticeData(
                title=practice.title,
                summary=practice.summary,
                body=practice.body + f"\n\nUne précision {i} de plus.",
                audience=practice.audience,
                region_id=practice.region_id,
                theme_ids=[t.id for t in practice.themes],
                approaches=list(practice.approaches),
                sectors=list(practice.sectors),
                visibility=practice.visibility,
            )
            editor = make_user(
                "member", org=author.organization
            )  # each row by someone else: no identity-map help
            services.update_practice(editor, practice, data, expected_version=practice.version, publish=True)

    more_revisions()
    assert_flat(client, f"/pratiques/{practice.id}/historique", count_queries, more_revisions, "history")


def test_trainings_list_and_session(login_as, make_session, make_training, make_user, count_queries):
    from intranet.trainings import services

    client, user = login_as("member")

    def more_sessions(n=3):
        for i in range(n):
            make_session(make_training(title=f"Formation {i}"), starts_in=timedelta(days=10 + i))

    more_sessions()
    assert_flat(client, "/formations/", count_queries, more_sessions, "trainings")

    session = make_session(capacity=2)

    def more_people(n=3):
        for _ in range(n):
            person = make_user("member")
            services.register(person, session, person)

    more_people()
    assert_flat(client, f"/formations/seances/{session.id}", count_queries, more_people, "session")


def test_waiting_list_positions(login_as, make_session, make_training, make_user, count_queries):
    """A member waiting for several full sessions sees each place in line (home, "Mes formations")."""
    from intranet.trainings import services

    client, user = login_as("member")

    def more_waits(n=3):
        for i in range(n):
            session = make_session(make_training(title=f"Formation complète {i}"), capacity=1)
            other = make_user("member")
            services.register(other, session, other)
            services.register(user, session, user)

    more_waits()
    assert_flat(client, "/", count_queries, more_waits, "home")
    assert_flat(client, "/formations/mes-formations", count_queries, more_waits, "my_trainings")


def test_advocacy_list_and_position(login_as, make_position, make_user, count_queries):
    from intranet.advocacy import services

    client, user = login_as("member")

    def more_positions(n=3):
        for i in range(n):
            make_position(status="published", title=f"Une position {i}")

    more_positions()
    assert_flat(client, "/plaidoyer/", count_queries, more_positions, "advocacy")

    position = make_position(user, status="in_review")

    def more_comments(n=3):
        for i in range(n):
            services.add_comment(make_user("staff"), position.latest_version, f"Une remarque {i}")

    more_comments()
    assert_flat(client, f"/plaidoyer/{position.id}", count_queries, more_comments, "position")


def test_advocacy_library(login_as, make_position, make_org, make_user, count_queries):
    """Published texts with their signatories and PDF briefs: one brief's key per row, not its queries."""
    from intranet.advocacy import services
    from intranet.advocacy.views import today

    client, user = login_as("member")
    staff = make_user("staff")

    def more_published(n=3):
        for i in range(n):
            position = make_position(status="published", title=f"Un dossier {i}", staff=staff)
            services.open_cosigning(staff, position, today() + timedelta(days=10), today())
            services.sign(make_user("coordinator", org=make_org()), position, today())
            services.request_brief(staff, position)

    more_published()
    assert_flat(client, "/plaidoyer/bibliotheque", count_queries, more_published, "advocacy_library")


def test_directory(login_as, make_org, count_queries):
    client, user = login_as("member")

    def more_orgs(n=3):
        for _ in range(n):
            make_org()

    more_orgs()
    assert_flat(client, "/repertoire/", count_queries, more_orgs, "directory")


def test_position_as_reviewed_by_the_staff(login_as, make_position, make_user, count_queries):
    """Versions, transitions and comments by many hands, as the staff reviewing it sees them."""
    from intranet.advocacy import services

    client, staff = login_as("staff")
    author = make_user("member")
    position = make_position(author, status="in_review", staff=staff)

    def more_rounds(n=2):
        for i in range(n):
            reviewer = make_user("staff")
            services.add_comment(reviewer, position.latest_version, f"Une question {i}")
            services.transition(reviewer, position, "request_changes", "Précisez.")
            writer = make_user("coordinator", org=author.organization)
            services.transition(writer, position, "resubmit")
            services.transition(reviewer, position, "start_review")

    more_rounds()
    assert_flat(client, f"/plaidoyer/{position.id}", count_queries, more_rounds, "position_staff")


def test_advocacy_queue_and_desk_of_the_staff(
    login_as, make_position, make_practice, make_user, count_queries
):
    """The staff's queue of texts to review, and their desk, with texts from many organizations."""
    from intranet.practices import services as practices

    client, staff = login_as("staff")

    def more_work(n=3):
        for i in range(n):
            make_position(status="submitted", title=f"À réviser {i}")
            practice = make_practice(title=f"Signalée {i}")
            practices.report(make_user("member"), practice, "Un nom apparaît.")

    more_work()
    assert_flat(client, "/plaidoyer/", count_queries, more_work, "advocacy_staff")
    assert_flat(client, "/", count_queries, more_work, "home_staff")


def test_past_trainings(login_as, make_session, make_training, count_queries, db):
    from intranet.trainings.models import Registration, RegistrationStatus

    client, user = login_as("member")

    def more_past(n=3):
        for i in range(n):
            session = make_session(
                make_training(title=f"Formation passée {i}"), starts_in=-timedelta(days=30 + i)
            )
            db.session.add(
                Registration(session_id=session.id, user_id=user.id, status=RegistrationStatus.CONFIRMED)
            )
        db.session.flush()

    more_past()
    assert_flat(client, "/formations/mes-formations", count_queries, more_past, "my_trainings")
