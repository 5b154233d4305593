"""One list of themes (issue 17): practices, trainings and advocacy texts are tagged from it, staff
manage it in one place, members read it in their language."""

from __future__ import annotations

import sqlalchemy as sa

from intranet.themes.models import Theme


def test_staff_manage_the_themes_and_members_cannot(login_as, make_theme, db):
    member, _ = login_as("member")
    assert member.get("/themes/").status_code == 403
    staff, _ = login_as("staff")
    assert (
        staff.post("/themes/", data={"name_fr": "Santé mentale", "name_en": "Mental health"}).status_code
        == 303
    )
    theme = db.session.scalar(sa.select(Theme).where(Theme.name_fr == "Santé mentale"))
    assert theme is not None and theme.active and theme.slug == "sante-mentale"
    for name in ("santé mentale", "Santé mentale", " Santé mentale ", "SANTE MENTALE"):
        duplicate = staff.post("/themes/", data={"name_fr": name, "name_en": "x"})
        assert duplicate.status_code == 422 and "existe déjà" in duplicate.get_data(as_text=True), name
    assert (
        staff.post("/themes/", data={"name_fr": "Évaluation du risque", "name_en": "Risk"}).status_code == 303
    )
    clash = staff.post(f"/themes/{theme.id}", data={"name_fr": "évaluation du risque", "name_en": "Risk"})
    assert clash.status_code == 422 and "existe déjà" in clash.get_data(as_text=True)
    renamed = staff.post(
        f"/themes/{theme.id}",
        data={"name_fr": "Santé mentale et trauma", "name_en": "Mental health and trauma"},
    )
    assert renamed.status_code == 303
    assert staff.post(f"/themes/{theme.id}/actif").status_code == 303
    db.session.expire_all()
    assert theme.name_fr == "Santé mentale et trauma" and not theme.active
    assert theme.slug == "sante-mentale"  # stable across renames
    page = staff.get("/themes/").get_data(as_text=True)
    assert "Santé mentale et trauma" in page and "Retiré" in page
    assert staff.get("/themes/999999").status_code == 404


def test_one_theme_tags_a_practice_a_training_and_a_text(
    login_as, make_theme, make_practice, make_training, make_session, make_position, db
):
    theme = make_theme("Interprétariat", "Interpreting")
    practice = make_practice(title="Banque d’interprètes", themes=[theme])
    training = make_training(title="Travailler avec une interprète", themes=[theme])
    make_session(training)
    position = make_position(status="published", themes=("Interprétariat",))
    db.session.commit()
    assert (
        [t.id for t in position.themes]
        == [theme.id]
        == [t.id for t in training.themes]
        == [t.id for t in practice.themes]
    )

    staff, _ = login_as("staff")
    page = staff.get("/themes/").get_data(as_text=True)
    row = page[page.index("Interprétariat") :].split("</tr>")[0]
    # One practice, one training, one text carry it: the page says so.
    for what in ("Pratiques", "Formations", "Prises de position"):
        assert f"{what} : 1" in row, what

    member, _ = login_as("member", locale="en")
    assert "Interpreting" in member.get(f"/pratiques/{practice.id}").get_data(as_text=True)
    assert "Interpreting" in member.get(f"/plaidoyer/{position.id}").get_data(as_text=True)
    catalogue = member.get("/formations/").get_data(as_text=True)
    assert f'<option value="{theme.id}">Interpreting</option>' in catalogue
    library = member.get("/plaidoyer/bibliotheque", query_string={"theme": theme.id}).get_data(as_text=True)
    assert position.title in library
    other = make_theme("Accès au logement")
    db.session.commit()
    library = member.get("/plaidoyer/bibliotheque", query_string={"theme": other.id}).get_data(as_text=True)
    assert position.title not in library


def test_a_retired_theme_is_offered_nowhere_new_but_kept_where_it_is(
    login_as, make_theme, make_practice, make_position, db
):
    theme = make_theme("Régions éloignées", "Remote regions")
    kept = make_position(themes=("Régions éloignées",))
    db.session.commit()
    staff, _ = login_as("staff")
    assert staff.post(f"/themes/{theme.id}/actif").status_code == 303
    author = kept.author
    client, _ = login_as(user=author)
    for url in ("/pratiques/nouvelle", "/plaidoyer/nouveau"):
        assert "Régions éloignées" not in client.get(url).get_data(as_text=True), url
    assert "Régions éloignées" not in staff.get("/formations/gestion/nouvelle").get_data(as_text=True)
    # The text that carries it still shows it checked, and saving it again keeps it.
    edit = client.get(f"/plaidoyer/{kept.id}/modifier").get_data(as_text=True)
    assert "Régions éloignées" in edit
    posted = client.post(
        "/plaidoyer/nouveau",
        data={
            "kind": "brief",
            "language": "fr",
            "title": "Un autre texte",
            "addressee": "",
            "summary": "En bref.",
            "body": "Texte.",
            "demands": "",
            "themes": [str(theme.id)],
        },
    )
    assert posted.status_code == 422  # a retired theme cannot be chosen for a new text


def test_the_library_filter_offers_the_themes_its_practices_carry(
    login_as, make_theme, make_practice, make_user, make_org, db
):
    carried = make_theme("Accès au logement")
    make_theme("Financement des maisons")  # on no practice
    hidden = make_theme("Santé mentale")
    make_practice(title="Garantie de loyer", themes=[carried])
    elsewhere = make_user("member", org=make_org(name="Maison d’ailleurs"))
    make_practice(elsewhere, title="Grille interne", visibility="organization", themes=[hidden])
    db.session.commit()
    client, _ = login_as("member")
    page = client.get("/pratiques/").get_data(as_text=True)
    options = page[page.index('id="f-theme"') :].split("</select>")[0]
    assert f'<option value="{carried.id}"' in options
    assert "Financement des maisons" not in options  # nothing to find
    assert "Santé mentale" not in options  # only on another organization's own practice
