"""Search as people type it in French, on SQLite FTS5 and PostgreSQL full-text search alike."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.database import utcnow
from intranet.practices import services
from intranet.practices.models import Practice


def _titles(client, **params) -> list[str]:
    page = client.get("/pratiques/", query_string=params).get_data(as_text=True)
    # Matched words are in <mark> (issue 17): the titles as read.
    titles = re.findall(r'<h2><a href="/pratiques/\d+">(.+?)</a>', page)
    return [html.unescape(re.sub(r"</?mark>", "", t)) for t in titles]


@pytest.fixture
def library(make_practice, make_user, make_theme, make_org, make_region):
    author = make_user("member")
    housing = make_theme("Accès au logement", "Access to housing")
    interpreting = make_theme("Interprétariat", "Interpreting")
    estrie, laval = make_region("Estrie"), make_region("Laval")
    bridge = make_org(name="Pont interculturel", sector="immigration")
    partner = make_user("member", org=bridge)
    made = {
        "housing": make_practice(
            author,
            title="Hébergement transitoire sécuritaire",
            summary="Des logements de deuxième étape pour les femmes et leurs enfants.",
            body="Les maisons d’hébergement offrent un suivi.",
            themes=[housing],
            region=estrie,
            sectors=["shelter"],
            approaches=["feminist"],
        ),
        "interpreters": make_practice(
            partner,
            title="Interprètes formées",
            summary="Une banque d’interprètes pour les organismes pont.",
            body="Les INTERPRÈTES signent une entente de confidentialité.",
            themes=[interpreting],
            region=laval,
            sectors=["immigration"],
            approaches=["intercultural"],
        ),
        "courts": make_practice(
            author,
            title="Accompagnement au tribunal",
            summary="Préparer l’audience.",
            body="Nous visitons les tribunaux avec les femmes et parlons d’hébergement seulement à la fin.",
            region=estrie,
            sectors=["violence"],
        ),
    }
    return made


def test_accents_case_and_plurals_are_optional(library, login_as):
    client, _ = login_as("member")
    for query in ("hebergement", "HÉBERGEMENTS", "Hébergement", "hébergements transitoires"):
        assert "Hébergement transitoire sécuritaire" in _titles(client, q=query), query
    assert _titles(client, q="interpretes") == ["Interprètes formées"]
    assert _titles(client, q="interprète") == ["Interprètes formées"]
    assert _titles(client, q="tribunaux") == ["Accompagnement au tribunal"]
    assert _titles(client, q="logement") == ["Hébergement transitoire sécuritaire"]


def test_words_typed_so_far_match_as_a_prefix(library, login_as):
    client, _ = login_as("member")
    assert _titles(client, q="interpr") == ["Interprètes formées"]
    assert _titles(client, q="accompagnement trib") == ["Accompagnement au tribunal"]
    assert _titles(client, q="zzzz") == []


def test_the_words_the_search_matched_are_marked(library, login_as):
    """Whole words for the terms typed before the last, the last one as a prefix, accents and
    plurals optional; stop words and words the query did not ask for stay plain."""
    client, _ = login_as("member")
    page = client.get("/pratiques/", query_string={"q": "hébergements trans"}).get_data(as_text=True)
    title = re.search(r'<h2><a href="/pratiques/\d+">(.+?)</a>', page).group(1)
    assert re.findall(r"<mark>(.+?)</mark>", html.unescape(title)) == ["Hébergement", "transitoire"], title
    page = client.get("/pratiques/", query_string={"q": "accompagnement trib"}).get_data(as_text=True)
    title = re.search(r'<h2><a href="/pratiques/\d+">(.+?)</a>', page).group(1)
    assert html.unescape(title) == "<mark>Accompagnement</mark> au <mark>tribunal</mark>", title


def test_relevance_first_then_recency(library, login_as, db):
    client, _ = login_as("member")
    # « hébergement » is in one title and in the other's body: the title wins.
    assert _titles(client, q="hébergement")[:2] == [
        "Hébergement transitoire sécuritaire",
        "Accompagnement au tribunal",
    ]
    # Without a query: most recent first.
    library["housing"].published_at = utcnow() - timedelta(days=30)
    db.session.flush()
    assert _titles(client)[-1] == "Hébergement transitoire sécuritaire"


def test_filters_combine_with_search(library, login_as, make_region):
    client, _ = login_as("member")
    estrie = make_region("Estrie")
    assert set(_titles(client, region=estrie.id)) == {
        "Hébergement transitoire sécuritaire",
        "Accompagnement au tribunal",
    }
    assert _titles(client, region=estrie.id, q="tribunal") == ["Accompagnement au tribunal"]
    assert _titles(client, sector="immigration") == ["Interprètes formées"]
    assert _titles(client, approach="feminist") == ["Hébergement transitoire sécuritaire"]
    theme = library["interpreters"].themes[0]
    assert _titles(client, theme=theme.id) == ["Interprètes formées"]
    org = library["interpreters"].organization_id
    assert _titles(client, org=org) == ["Interprètes formées"]
    assert _titles(client, org=org, q="hebergement") == []
    # Nonsense parameters are ignored, never an error.
    assert (
        client.get("/pratiques/", query_string={"theme": "abc", "sector": "x", "page": "-3"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "NEAR(a b)",
        "a OR b AND",
        "*",
        "hé*",
        "-x",
        "(((",
        "l'hébergement:*",
        "a & b | !c",
        "ù" * 300,
    ],
)
def test_any_typed_text_is_safe(library, login_as, query):
    client, _ = login_as("member")
    assert client.get("/pratiques/", query_string={"q": query}).status_code == 200


def test_the_index_follows_edits_archive_and_visibility(library, login_as, make_org, db):
    pid = library["courts"].id
    author = library["courts"].author
    outside, _ = login_as("member", org=make_org(name="Autre organisme"))
    inside, _ = login_as("member", org=author.organization)

    def practice():  # a request ends the session: take the row afresh each time
        return db.session.get(Practice, pid)

    services.update_practice(
        author,
        practice(),
        services.PracticeData(
            title="Accompagnement aux audiences", summary="Préparer.", body="Une visite du palais."
        ),
        expected_version=practice().version,
        publish=True,
    )
    db.session.commit()
    assert _titles(outside, q="palais") == ["Accompagnement aux audiences"]
    assert _titles(outside, q="tribunaux") == []
    services.set_status(author, practice(), "archived")
    db.session.commit()
    assert _titles(inside, q="palais") == []
    services.set_status(author, practice(), "draft")
    db.session.commit()
    services.update_practice(
        author,
        practice(),
        services.PracticeData(
            title="Accompagnement aux audiences",
            summary="Préparer.",
            body="Une visite du palais.",
            visibility="organization",
        ),
        expected_version=practice().version,
        publish=True,
    )
    db.session.commit()
    assert _titles(outside, q="palais") == []
    assert _titles(inside, q="palais") == ["Accompagnement aux audiences"]


def test_htmx_gets_the_results_fragment_with_its_count(library, login_as):
    client, _ = login_as("member")
    response = client.get("/pratiques/", query_string={"q": "interpretes"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<form" not in body.split('<ol class="pr-list">')[0]
    assert 'id="pr-count"' in body and 'hx-swap-oob="true"' in body and "1 pratique" in body
    full = client.get("/pratiques/", query_string={"q": "interpretes"}).get_data(as_text=True)
    assert "<html" in full and 'value="interpretes"' in full and "1 pratique" in full
    assert response.headers.get("Vary") and "HX-Request" in response.headers["Vary"]


def test_pages_with_counts(make_practice, make_user, login_as, db):
    from intranet.practices.services import PER_PAGE

    author = make_user("member")
    for i in range(2 * PER_PAGE + 5):
        make_practice(author, title=f"Pratique numéro {i:02d}", summary="Atelier de groupe.")
    client, _ = login_as("member")
    first = client.get("/pratiques/", query_string={"q": "atelier"}).get_data(as_text=True)
    assert f"{2 * PER_PAGE + 5} pratiques" in first and "page 1 sur 3" in first
    assert len(re.findall(r'class="pr-card"', first)) == PER_PAGE
    third = client.get("/pratiques/", query_string={"q": "atelier", "page": 3}).get_data(as_text=True)
    assert len(re.findall(r'class="pr-card"', third)) == 5
    assert 'rel="prev"' in third and 'rel="next"' not in third
    assert "q=atelier" in third.split('rel="prev"')[0].rsplit("href=", 1)[1]


def test_search_uses_the_engine_index(app, library, db):
    """The query goes through FTS5 / the GIN index, not a scan of every row's text."""
    from intranet.practices import search

    user = library["housing"].author
    filters = services.Filters(q="hebergement")
    stmt = search.window_statement(user, filters, services._conditions(user, filters))
    sql = str(stmt.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True}))
    if db.session.get_bind().dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
        assert "VIRTUAL TABLE INDEX" in plan and "practice_fts" in plan, plan
        assert "SCAN practice " not in plan + " ", plan
    else:
        assert "search_vector @@ CASE" in sql and "to_tsquery('passerelle_fr'" in sql
        assert "'=vnetwork'" in sql  # visibility and filters are in the same tsquery
        # The match itself is answered by the GIN index (on a table this small the planner
        # prefers a scan unless told otherwise).
        match = sa.select(Practice.id).where(Practice.search_vector.op("@@")(search.pg_query(user, filters)))
        match_sql = str(match.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True}))
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(sa.text("EXPLAIN " + match_sql)))
        assert "ix_practice_search_vector" in plan, plan
    assert db.session.scalar(sa.select(sa.func.count(Practice.id))) == 3


def test_the_reindex_command_rebuilds_the_index(library, login_as, runner, db):
    client, _ = login_as("member")
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("DELETE FROM practice_fts"))
    else:
        db.session.execute(sa.text("UPDATE practice SET search_vector = NULL"))
    assert _titles(client, q="interpretes") == []
    result = runner.invoke(args=["practices-reindex"])
    assert result.exit_code == 0 and "3 practices indexed." in result.output
    assert _titles(client, q="interpretes") == ["Interprètes formées"]


def test_a_full_page_of_results_stays_within_the_budgets(
    make_practice, make_user, make_theme, make_region, login_as
):
    import gzip
    import random

    from intranet.practices.services import PER_PAGE

    rng = random.Random(3)
    words = (
        "accueil sécuritaire",
        "interprètes formées",
        "plan de sécurité",
        "logement de transition",
        "audience au tribunal",
        "enfants exposés",
        "statut d’immigration",
        "médiation culturelle",
    )
    themes = [make_theme(f"Thème numéro {i}", f"Theme {i}") for i in range(6)]
    author = make_user("member")
    for i in range(25):
        summary = " ".join(
            f"Les intervenantes travaillent sur {rng.choice(words)} avec les partenaires." for _ in range(8)
        )
        make_practice(
            author,
            title=f"Pratique {i} : {rng.choice(words)} en région {rng.choice(words)}"[:120],
            summary=summary[:600],
            themes=rng.sample(themes, 3),
            region=make_region("Gaspésie–Îles-de-la-Madeleine"),
        )
    client, _ = login_as("member")
    page = client.get("/pratiques/", query_string={"q": "intervenantes"})
    assert page.get_data(as_text=True).count('class="pr-card"') == PER_PAGE
    assert len(gzip.compress(page.get_data())) <= 14 * 1024
    fragment = client.get("/pratiques/", query_string={"q": "intervenantes"}, headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).count('class="pr-card"') == PER_PAGE
    assert len(gzip.compress(fragment.get_data())) <= 4 * 1024, len(gzip.compress(fragment.get_data()))


def test_postgresql_takes_the_same_window_in_steps(
    make_practice, make_user, make_theme, make_org, make_region, db, monkeypatch
):
    """PostgreSQL takes the window by walking the most recent practices, walking on or asking the
    GIN index for the rest: whatever the path, exactly the rows of the one-statement reference,
    in the same order, and nothing the searcher may not see (rule 3)."""
    from intranet.practices import search
    from intranet.practices.models import Status
    from intranet.practices.search import planner as stepwise  # where the window's names are looked up

    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the stepwise window is PostgreSQL's")
    housing, courts = make_theme("Accès au logement", "Access to housing"), make_theme("Tribunaux", "Courts")
    estrie, laval = make_region("Estrie"), make_region("Laval")
    ours, theirs = make_org(name="Maison Une"), make_org(name="Pont Deux", sector="immigration")
    inside, outside = make_user("member", org=ours), make_user("member", org=theirs)
    now = utcnow()
    made = []
    for i in range(40):
        common = "hébergement" if i % 2 else "accueil"
        rare = " tribunal" if i % 7 == 0 else ""
        practice = make_practice(
            inside if i % 3 else outside,
            title=f"Pratique {i} : {common}{rare}",
            summary=f"Un {common} sécuritaire.",
            publish=i % 11 != 5,
            visibility="organization" if i % 4 == 0 else "network",
            themes=[housing] if i % 2 else [courts],
            region=estrie if i % 5 else laval,
            sectors=["shelter"] if i % 3 else ["immigration"],
            approaches=["feminist"] if i % 2 else [],
        )
        made.append(practice)
        if practice.status == Status.PUBLISHED:
            practice.published_at = now - timedelta(minutes=i // 3)  # ties broken by id
    db.session.flush()
    private_of_ours = {p.id for p in made if p.visibility == "organization" and p.organization_id == ours.id}
    monkeypatch.setattr(stepwise, "WINDOW", 6)
    queries = [
        services.Filters(q="hebergement"),
        services.Filters(q="accueil"),
        services.Filters(q="heb"),
        services.Filters(q="tribunal"),
        services.Filters(q="securitaire", theme_id=housing.id),
        services.Filters(q="pratique", theme_id=courts.id, region_id=laval.id),
        services.Filters(q="pratique", sector="immigration", approach="feminist"),
        services.Filters(q="pratique", organization_id=ours.id),
        services.Filters(q="zzzz"),
    ]
    paths = []

    def spy(name):
        real = getattr(stepwise, name)

        def step(query, conditions, *args):
            paths.append((name, len(args) > 2 or name == "_pg_indexed"))  # after a first step?
            return real(query, conditions, *args)

        monkeypatch.setattr(stepwise, name, step)

    spy("_pg_walk")
    spy("_pg_indexed")
    # A first walk of 1 or 3 practices, then walking on (DENSE low) or the GIN index (DENSE high).
    for recent, dense in ((1, 1), (3, 1), (3, 3), (3, 100), (2000, 50)):
        monkeypatch.setattr(stepwise, "RECENT", recent)
        monkeypatch.setattr(stepwise, "DENSE", dense)
        for user in (inside, outside):
            for filters in queries:
                conditions = services._conditions(user, filters)
                expected = [
                    row.id for row in db.session.execute(stepwise.window_statement(user, filters, conditions))
                ]
                got = [row.id for row in stepwise._pg_window(user, filters, conditions)]
                assert got == expected, (recent, dense, user.organization_id, filters)
                if user is outside:
                    assert not private_of_ours & set(got)
    assert {("_pg_walk", False), ("_pg_walk", True), ("_pg_indexed", True)} <= set(
        paths
    )  # every path was taken
    # An index entry out of date (filter lexemes of a theme the practice no longer has): the
    # candidates are checked against the SQL conditions, and the one statement answers instead.
    stale = next(
        p
        for p in made
        if p.status == Status.PUBLISHED and p.visibility == "network" and housing not in p.themes
    )
    fallbacks = []
    real_statement = stepwise.window_statement
    monkeypatch.setattr(
        stepwise, "window_statement", lambda *args: fallbacks.append(1) or real_statement(*args)
    )
    db.session.execute(
        sa.text(
            "UPDATE practice SET search_vector = search_vector || array_to_tsvector(CAST(:f AS text[])) "
            "WHERE id = :id"
        ),
        {"f": [f"{search.PG_FACET}t{housing.id}"], "id": stale.id},
    )
    for recent, dense in ((3, 1), (3, 100), (2000, 50)):
        monkeypatch.setattr(stepwise, "RECENT", recent)
        monkeypatch.setattr(stepwise, "DENSE", dense)
        for filters in (
            services.Filters(q="pratique", theme_id=housing.id),
            services.Filters(q="securitaire", theme_id=housing.id),
        ):
            conditions = services._conditions(inside, filters)
            expected = [
                row.id for row in db.session.execute(stepwise.window_statement(inside, filters, conditions))
            ]
            got = [row.id for row in stepwise._pg_window(inside, filters, conditions)]
            assert got == expected and stale.id not in got, (recent, dense, filters)
    assert fallbacks.count(1) > 6  # the stepwise way gave up at least once


def test_only_stop_words_find_nothing(library, login_as):
    client, _ = login_as("member")
    theme = library["interpreters"].themes[0]
    for query in ("de la", "de la pour", "du"):
        assert _titles(client, q=query) == [], query
        assert _titles(client, q=query, theme=theme.id) == [], query
        assert _titles(client, q=query, sector="immigration") == [], query
    assert _titles(client, q="de la interpretes") == ["Interprètes formées"]


def test_filter_tokens_are_not_words(library, login_as):
    """The filter tokens kept beside the text (FTS5's ``facets`` column, the ``=vnetwork``,
    ``=t3``... lexemes of the PostgreSQL vector) are out of reach of what people type."""
    client, _ = login_as("member")
    theme = library["interpreters"].themes[0]
    region = library["interpreters"].region_id
    org = library["interpreters"].organization_id
    for query in (
        "vnetwork",
        "=vnetwork",
        f"t{theme.id}",
        f"=t{theme.id}",
        f"r{region}",
        f"o{org}",
        "sshelter",
        "afeminist",
        "=",
        "==",
    ):
        assert _titles(client, q=query) == [], query
