def test_login_page_renders_in_french(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    assert "Connexion" in response.get_data(as_text=True)


def test_signed_in_home(login_as):
    client, user = login_as("member")
    response = client.get("/")
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)
