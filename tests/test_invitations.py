import re

import sqlalchemy as sa

from intranet.accounts.models import User


def test_staff_invites_a_member_who_sets_a_password_and_signs_in(app, db, login_as, make_org, run_jobs, smtp):
    org = make_org(name="Maison des Quatre Vents")
    staff_client, _staff = login_as("staff")
    response = staff_client.post(
        f"/gestion/organismes/{org.id}",
        data={
            "name": "Nouvelle Personne",
            "email": "Nouvelle@Essai.example",
            "organization_id": org.id,
            "role": "member",
            "locale": "fr",
        },
    )
    assert response.status_code == 303
    invited = db.session.scalar(sa.select(User).where(User.email == "nouvelle@essai.example"))
    assert invited is not None and invited.password_hash is None

    assert run_jobs() >= 1
    [message] = smtp.wait_for(1)
    assert message["To"] == "nouvelle@essai.example"
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"http://passerelle\.test(/invitation/\S+)", body).group(1)

    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    short = newcomer.post(link, data={"password": "court", "confirm": "court"})
    assert short.status_code == 422
    assert "12" in short.get_data(as_text=True)
    ok = newcomer.post(
        link, data={"password": "une phrase de passe solide", "confirm": "une phrase de passe solide"}
    )
    assert ok.status_code == 303
    assert newcomer.get("/").status_code == 200
    # The link works once.
    again = app.test_client().get(link)
    assert again.status_code == 400
