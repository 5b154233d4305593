"""The header's search (``/recherche``): every kind within its own visibility rules (canaries),
matched words marked, markup escaped, hostile queries answered without an error."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.accounts.models import Sector
from intranet.database import utcnow
from intranet.spaces import decisions
from intranet.spaces import services as spaces
from intranet.spaces.models import SpaceVisibility
from tests.conftest import AuthActions


def _client(app, user):
    client = app.test_client()
    AuthActions(client).login(user)
    return client


def _search(client, q: str, **args) -> str:
    response = client.get("/recherche/", query_string={"q": q, **args})
    # NUL is refused before any view (intranet.security): 400, never a 500.
    assert response.status_code == (400 if "\x00" in q else 200), response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def world(db, make_org, make_user):
    """Two organizations of two sectors, a members-only space where only the first sits, staff."""
    staff = make_user("staff")
    inside = make_org(name="Maison Intérieure", sector=Sector.SHELTER)
    outside = make_org(name="Pont Extérieur", sector=Sector.IMMIGRATION)
    space = spaces.create_space(
        staff,
        name="Table fermée",
        description="",
        visibility=SpaceVisibility.MEMBERS.value,
        immigration_seats=0,
    )
    spaces.seat(staff, space, inside)
    people = {
        "staff": staff,
        "insider": make_user("member", org=inside),
        "coordinator": make_user("coordinator", org=inside),
        "outsider": make_user("member", org=outside),
    }
    return space, people


def _plant(world, make_practice, make_training, make_session, make_position, make_resource, db):
    """One object per visibility rule, each with its own canary word, and who may find it."""
    space, people = world
    insider, outsider = people["insider"], people["outsider"]
    inside, staff = {"insider", "coordinator"}, {"staff"}  # who may find it, by their key in ``people``
    canaries = {}
    make_practice(insider, title="Pratique Canaripra réservée", visibility="organization")
    canaries["canaripra"] = inside
    make_practice(insider, title="Brouillon Canaribro", publish=False)
    canaries["canaribro"] = set()
    make_session(make_training(title="Formation Canaritra cachée", published=False))
    canaries["canaritra"] = staff
    make_position(insider, title="Texte Canaripla en brouillon")
    canaries["canaripla"] = inside
    make_position(insider, title="Texte Canarisub soumis", status="submitted")
    canaries["canarisub"] = inside | staff
    make_resource(outsider, name="Ressource Canarires suggérée")
    canaries["canarires"] = set()  # a suggestion waits for the team: not in the inventory's search
    thread = spaces.start_thread(insider, space, title="Discussion Canarithr", body="Premier message.")
    spaces.reply(insider, thread, "Une réponse qui parle de Canaripost.")
    canaries["canarithr"] = inside | staff
    canaries["canaripost"] = inside | staff
    decisions.propose(
        insider, space, title="Décision Canaridec", body="", closes_at=utcnow() + timedelta(days=3),
        mode="organization", results_open=True,
    )  # fmt: skip
    canaries["canaridec"] = inside | staff
    removed = spaces.reply(insider, thread, "Message Canaridel retiré.")
    spaces.delete_post(insider, removed)
    canaries["canaridel"] = set()
    # Meetings: the space's readers find the title, the agenda and published minutes; the place
    # (town or link) is for the registered organizations, never in the search.
    from intranet.spaces.meetings import services as meetings
    from intranet.spaces.protocols import services as protocols

    staff_person = people["staff"]
    meeting = meetings.schedule(
        staff_person, space, title="Rencontre Canarimee", agenda="Ordre du jour : Canariage.",
        duration_minutes=90, place=meetings.Place(is_online=False, town="Canaritown"),
        starts_at=utcnow() + timedelta(days=1),
    )  # fmt: skip
    meeting.starts_at = utcnow() - timedelta(days=2)  # it took place: its minutes can be published
    db.session.flush()
    meetings.publish_minutes(staff_person, meeting, "Compte rendu : Canarimin.")
    canaries.update({"canarimee": inside | staff, "canariage": inside | staff, "canarimin": inside | staff})
    canaries["canaritown"] = set()
    meetings.schedule(
        staff_person, space, title="Rencontre suivante", agenda="", duration_minutes=90,
        place=meetings.Place(is_online=True, online_url="https://visio.example/Canarilink"),
        starts_at=utcnow() + timedelta(days=5),
    )  # fmt: skip
    canaries["canarilink"] = set()
    # Protocols: a draft stays with who takes part in the space, even when the space is open to
    # the network; once open for signature, the space's readers find it.
    open_space = spaces.create_space(
        staff_person, name="Table ouverte", description="", visibility=SpaceVisibility.NETWORK.value,
        immigration_seats=0,
    )  # fmt: skip
    spaces.seat(staff_person, open_space, insider.organization)
    protocols.create(staff_person, open_space, title="Protocole Canariprd", body="Un projet.")
    canaries["canariprd"] = inside | staff
    shared = protocols.create(staff_person, open_space, title="Protocole Canaripro", body="Qui fait quoi.")
    protocols.open_for_signature(staff_person, shared)
    canaries["canaripro"] = inside | staff | {"outsider"}
    db.session.commit()
    return canaries


def test_every_kind_keeps_its_own_visibility(
    app, db, world, make_practice, make_training, make_session, make_position, make_resource
):
    canaries = _plant(world, make_practice, make_training, make_session, make_position, make_resource, db)
    _space, people = world
    clients = {key: _client(app, person) for key, person in people.items()}
    for word, readers in canaries.items():
        for person, client in clients.items():
            page = _search(client, word)
            seen = f"<mark>{word.capitalize()}</mark>" in page or "<mark>Canari" in page
            assert seen == (person in readers), (word, person)
            if person not in readers:
                assert word.capitalize() not in page.replace(f"« {word} »", "")
            # One kind at a time, page by page: the same rules.
            for kind in (
                "practices",
                "trainings",
                "advocacy",
                "resources",
                "threads",
                "decisions",
                "meetings",
                "protocols",
            ):
                one = _search(client, word, type=kind)
                if person not in readers:
                    assert word.capitalize() not in one.replace(f"« {word} »", ""), (word, kind)


def test_every_kind_is_found_grouped_with_a_link_to_its_own_search(
    app, db, world, make_practice, make_training, make_session, make_position, make_resource
):
    space, people = world
    insider = people["insider"]
    for n in range(6):
        make_practice(insider, title=f"Accompagnement interculturel {n}")
    training = make_training(title="Approche interculturelle", description="Atelier **interculturel**.")
    make_session(training, starts_in=timedelta(days=30), town="Gatineau")
    first = make_session(training, starts_in=timedelta(days=5), online=True)
    make_session(training, starts_in=timedelta(days=-5))  # past: not a reason to list it
    make_position(insider, title="Pour une approche interculturelle", status="published")
    make_resource(name="Médiation interculturelle Estrie", description="Médiatrices interculturelles.")
    thread = spaces.start_thread(
        insider, space, title="Échanges", body="Une rencontre interculturelle à prévoir."
    )
    decisions.propose(
        insider, space, title="Adopter un cadre interculturel", body="",
        closes_at=utcnow() + timedelta(days=3), mode="organization", results_open=True,
    )  # fmt: skip
    profile_org = insider.organization
    from intranet.directory.services import profiles

    profile = profiles.ensure_profile(profile_org)
    profile.description = "Accueil interculturel des femmes."
    profiles.refresh_search_text(profile)
    db.session.commit()
    page = _search(_client(app, insider), "INTERCULTUREL")
    for label in (
        "Bonnes pratiques", "Formations à venir", "Textes de plaidoyer", "Organismes du répertoire",
        "Ressources partagées", "Discussions des tables", "Décisions des tables",
    ):  # fmt: skip
        assert label in page, label
    assert page.count('class="se-item"') == 4 + 6  # four practices of six, one of each other kind
    assert "Voir les 6 résultats" in page
    assert "/pratiques/?q=INTERCULTUREL" in page
    assert "<mark>interculturel</mark>" in page and "<mark>interculturelle</mark>" in page
    assert f"/tables/discussions/{thread.id}" in page
    # A training once, with its next session and how many are to come.
    assert page.count("Approche <mark>interculturelle</mark>") == 1
    assert f"/formations/seances/{first.id}" in page and "En ligne · Sophie Formatrice · 2 séances" in page
    # The practices' own results show the same marks, as a page and as the live fragment.
    client = _client(app, insider)
    own = client.get("/pratiques/?q=interculturel").get_data(as_text=True)
    assert "<mark>interculturel</mark>" in own
    fragment = client.get("/pratiques/?q=interculturel", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "<mark>interculturel</mark>" in fragment and "<html" not in fragment
    # One kind, page by page.
    one = _search(client, "interculturel", type="practices")
    assert one.count('class="se-item"') == 6


def test_markup_in_titles_and_in_the_query_is_never_markup(app, db, world, make_practice, make_position):
    _space, people = world
    insider = people["insider"]
    make_practice(
        insider, title='<script>alert("x")</script> Hébergement', summary="<img src=x onerror=alert(1)> sûr"
    )
    make_position(insider, title="<b onmouseover=alert(2)>Hébergement</b>")
    db.session.commit()
    client = _client(app, insider)
    page = _search(client, '<img src=x onerror=alert(3)> "hebergement"')  # every word: the practice's summary
    # (SQLite marks « alert » too; PostgreSQL's parser takes the tag whole, and marks no word in it.)
    assert re.search(
        r"&lt;script&gt;(<mark>)?alert(</mark>)?\(&#34;x&#34;\)&lt;/script&gt; <mark>Hébergement</mark>", page
    )
    assert "&lt;img src=x onerror=alert(3)&gt;" in page  # the query, said back
    page += _search(client, "hébergement")
    assert "&lt;b onmouseover=alert(2)&gt;<mark>Hébergement</mark>&lt;/b&gt;" in page
    for raw in ("<script>alert", "<img src=x", "<b onmouseover", "onerror=alert(3)>"):
        assert raw not in page, raw


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""hebergement',
        "*",
        "héb*",
        "NEAR(plan securite)",
        "-plan",
        "plan OR",
        "a AND NOT b",
        "%_\\",
        "plan:*",
        "'&|!()<>:",
        "x" * 5000,
        "mot " * 3000,
        "plan\x00securite",
        "ÉÉÉ " * 50,
        "de la",
    ],
)
def test_hostile_queries_are_answered(app, db, world, make_practice, q):
    _space, people = world
    make_practice(people["insider"], title="Plan de sécurité")
    db.session.commit()
    client = _client(app, people["insider"])
    for args in ({}, {"type": "practices"}, {"type": "threads", "page": "99999999999"}, {"type": "nope"}):
        _search(client, q, **args)
    assert client.get("/pratiques/", query_string={"q": q}).status_code in (200, 400)
    assert client.get("/recherche/?q=%ED%A0%80%FF%C3plan").status_code == 200  # not UTF-8


def test_the_header_has_the_search_bar_and_no_query_says_what_it_searches(app, world):
    _space, people = world
    client = _client(app, people["outsider"])
    home = client.get("/").get_data(as_text=True)
    assert 'action="/recherche/"' in home and 'name="q"' in home
    page = _search(client, "")
    assert "Tapez un ou plusieurs mots" in page


@pytest.mark.parametrize("role", ["member", "staff"])
def test_results_pages_stay_within_the_page_budget(app, db, role):
    import gzip

    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
    from tests.conftest import sign_in
    from tests.test_pages import PAGE_BUDGET

    load_demo()
    db.session.commit()
    email = {"member": ACCOUNTS[3][0], "staff": ACCOUNTS[1][0]}[role]
    client = app.test_client()
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 303
    found_somewhere = 0
    for q in ("violence", "femmes", "interprète", "région", "sécurité plan"):
        for args in ({}, {"type": "practices"}, {"type": "threads"}):
            response = client.get("/recherche/", query_string={"q": q, **args})
            assert response.status_code == 200
            body = response.get_data()
            found_somewhere += body.count(b"<mark>")
            assert len(gzip.compress(body, compresslevel=6)) <= PAGE_BUDGET, (q, args)
    assert found_somewhere > 20


def test_discussions_past_the_window_say_more_than(app, db, world, monkeypatch):
    from intranet.spaces import search_source

    space, people = world
    insider = people["insider"]
    for n in range(3):
        thread = spaces.start_thread(
            insider, space, title=f"Sujet {n}", body="Parlons du covoiturage régional."
        )
        spaces.reply(insider, thread, "Le covoiturage encore.")
    db.session.commit()
    monkeypatch.setattr(search_source, "WINDOW", 2)
    page = _search(_client(app, insider), "covoiturage")
    assert "(plus de 1)" in page  # the two most recent messages are of one thread
    monkeypatch.setattr(search_source, "WINDOW", 400)
    page = _search(_client(app, insider), "covoiturage")
    assert 'Discussions des tables <span class="muted">(3)</span>' in page


def test_older_discussions_are_found_past_the_first_walk(app, db, world, monkeypatch):
    from intranet.spaces import search_source

    space, people = world
    insider = people["insider"]
    old = spaces.start_thread(insider, space, title="Ancien sujet", body="Le mot rarissime zygomatique.")
    recent = spaces.start_thread(insider, space, title="Récent", body="Rien à voir.")
    for _ in range(3):
        spaces.reply(insider, recent, "Toujours rien.")
    db.session.commit()
    monkeypatch.setattr(search_source, "RECENT", 2)  # the old message is past the first walk
    page = _search(_client(app, insider), "zygomatique")
    assert f"/tables/discussions/{old.id}" in page and "<mark>zygomatique</mark>" in page


def test_the_folded_copies_follow_every_edit(app, db, world, make_position):
    """Messages and advocacy texts are matched on a folded copy written with them: a new text, an
    edit, a removal, and a write that leaves the text alone keep it in step."""
    from intranet.advocacy import services as advocacy
    from intranet.advocacy.models import Position
    from intranet.spaces.models import Post

    space, people = world
    insider = people["insider"]
    thread = spaces.start_thread(insider, space, title="Sujet", body="Le Théâtre de l’Œuvre.")
    post = db.session.scalars(sa.select(Post).where(Post.thread_id == thread.id)).one()
    db.session.commit()
    client = _client(app, insider)
    assert post.search_body == "le theatre de l’oeuvre."
    assert f"/tables/discussions/{thread.id}" in _search(client, "theatre oeuvre")
    spaces.edit_post(insider, post, "Une cafétéria.")
    db.session.commit()
    assert post.search_body == "une cafeteria."
    assert f"/tables/discussions/{thread.id}" not in _search(client, "theatre")
    assert f"/tables/discussions/{thread.id}" in _search(client, "CAFÉTÉRIA")
    post.edited_at = utcnow()  # a write that leaves the body alone
    db.session.commit()
    assert post.search_body == "une cafeteria."
    spaces.delete_post(insider, post)
    db.session.commit()
    assert post.search_body == ""
    assert f"/tables/discussions/{thread.id}" not in _search(client, "cafeteria")

    position = make_position(people["coordinator"], title="Élan régional")
    db.session.commit()
    assert db.session.get(Position, position.id).search_text.startswith("elan regional\n")
    assert f"/plaidoyer/{position.id}" in _search(_client(app, people["coordinator"]), "élan")
    data = advocacy.PositionData(
        kind=position.kind, title="Horizon partagé", addressee=position.addressee, summary=position.summary,
        body=position.body, demands=list(position.demands), language=position.language,
        theme_ids=[t.id for t in position.themes],
    )  # fmt: skip
    advocacy.update_position(people["coordinator"], position, data, base_revision=position.revision)
    db.session.commit()
    assert db.session.get(Position, position.id).search_text.startswith("horizon partage\n")
