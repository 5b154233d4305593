"""The world the discreet-email tests send from: an organization and people whose names are canaries,
so that a test can look for them in every part of every email."""

from __future__ import annotations

import pytest

ORG = "Maison Canariorg"
PERSON = "Personne Canarinom"


@pytest.fixture
def world(make_org, make_user):
    class World:
        org = make_org(name=ORG)
        staff = make_user("staff", name=PERSON)
        admin = make_user("admin", name=PERSON + " admin")

        def person(self, locale, role="member", **kwargs):
            return make_user(role, org=self.org, name=PERSON + " destinataire", locale=locale, **kwargs)

    return World()
