"""Search with accents optional and filters; CSV and HSDS exports; digests."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema
import pytest

from intranet.csvexport import read_csv
from intranet.database import utcnow
from intranet.directory.models import Profile


@pytest.fixture
def inventory(make_region, make_resource, make_user):
    staff = make_user("staff")
    abitibi = make_region("Abitibi-Témiscamingue")
    outaouais = make_region("Outaouais")
    estrie = make_region("Estrie")
    return {
        "province": make_resource(
            staff, name="Ligne Parole-Sûre", coverage="province", languages=["prs", "fa"],
            modalities=["telephone"], shareable=True, contact_name="Service des demandes",
            contact_email="demandes@parole.example",
        ),
        "outaouais": make_resource(
            staff, name="Interprètes dari de l’Outaouais", region_ids=[outaouais.id], languages=["prs"],
            modalities=["in_person"],
        ),
        "estrie": make_resource(
            staff, name="Interprètes tigrigna", region_ids=[estrie.id], languages=["ti"],
            modalities=["video"], shareable=True,
        ),
        "abitibi": abitibi,
        "outaouais_region": outaouais,
    }  # fmt: skip


def _names(client, **args):
    page = client.get("/ressources/", query_string=args, headers={"HX-Request": "true"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    return {
        n
        for n in ("Ligne Parole-Sûre", "Interprètes dari de l’Outaouais", "Interprètes tigrigna")
        if n in text
    }


def test_interprete_dari_en_abitibi_finds_the_province_wide_telephone_line(login_as, inventory):
    client, _ = login_as("member")
    assert _names(client, q="interprète dari en Abitibi") == {"Ligne Parole-Sûre"}
    assert _names(client, q="INTERPRETE DARI EN ABITIBI") == {
        "Ligne Parole-Sûre"
    }  # accents and case optional
    assert _names(client, q="dari outaouais") == {"Ligne Parole-Sûre", "Interprètes dari de l’Outaouais"}
    assert _names(client, q="persan") == {"Ligne Parole-Sûre"}  # the French name of a language
    assert _names(client, q="tigrinya") == {"Interprètes tigrigna"}  # its English name


def test_filters_by_region_language_and_modality(login_as, inventory):
    client, _ = login_as("member")
    assert _names(client, region=inventory["abitibi"].id) == {"Ligne Parole-Sûre"}
    assert _names(client, region=inventory["outaouais_region"].id, language="prs") == {
        "Ligne Parole-Sûre",
        "Interprètes dari de l’Outaouais",
    }
    assert _names(client, modality="in_person") == {"Interprètes dari de l’Outaouais"}
    assert _names(client, modality="video", language="ti") == {"Interprètes tigrigna"}
    assert _names(client, q="100%_") == set()  # LIKE wildcards are searched as text


def test_members_download_the_csv(login_as, inventory):
    client, _ = login_as("member")
    response = client.get("/ressources.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *lines = read_csv(response.get_data())
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert {r["name"] for r in rows} == {
        "Ligne Parole-Sûre",
        "Interprètes dari de l’Outaouais",
        "Interprètes tigrigna",
    }
    orgs = client.get("/repertoire/organismes.csv")
    assert orgs.status_code == 200 and "lead_name" in orgs.get_data(as_text=True)


# The HSDS 3.0 tables the export may carry, with the specification's field names. Additional
# properties are refused: nothing but these fields leaves the network.
def _table(required, optional=()):
    fields = {name: {"type": ["string", "null"]} for name in (*required, *optional)}
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": list(required),
            "properties": fields,
            "additionalProperties": False,
        },
    }


HSDS_SCHEMA = {
    "type": "object",
    "required": ["name", "resources"],
    "properties": {
        "resources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "data"],
                "properties": {
                    "name": {"enum": ["organizations", "services", "service_areas", "languages", "contacts"]}
                },
            },
        }
    },
}
TABLES = {
    "organizations": _table(
        ["id", "name"],
        ["alternate_name", "description", "email", "website", "tax_status", "tax_id", "year_incorporated",
         "legal_status", "logo", "uri", "parent_organization_id"],
    ),
    "services": _table(
        ["id", "organization_id", "name", "status"],
        ["program_id", "alternate_name", "description", "url", "email", "interpretation_services",
         "application_process", "fees_description", "wait_time", "fees", "accreditations",
         "eligibility_description", "minimum_age", "maximum_age", "assured_date", "assurer_email", "alert",
         "last_modified"],
    ),
    "service_areas": _table(
        ["id", "service_id", "name"],
        ["service_at_location_id", "description", "extent", "extent_type", "uri"],
    ),
    "languages": _table(["id", "service_id", "name", "code"], ["location_id", "phone_id", "note"]),
    "contacts": _table(
        ["id"],
        ["organization_id", "service_id", "service_at_location_id", "location_id", "name", "title",
         "department", "email"],
    ),
}  # fmt: skip


def test_the_hsds_export_holds_only_shareable_records(login_as, inventory, make_org, db):
    from intranet.directory.services import profiles

    shared = make_org(name="Maison Partagée", region="Estrie")
    private = make_org(name="Maison Canari Privée", region="Estrie")
    staff = login_as("staff")[1]
    for org, shareable in ((shared, True), (private, False)):
        profiles.save_profile(
            staff,
            db.session.get(Profile, org.id),
            profiles.ProfileData(
                town="Sherbrooke", region_ids=[], steps=["emergency_shelter"], languages=["fr"],
                approaches=[], lead_name="Porteuse Canarinom", lead_email="porteuse@canari.example",
                shareable=shareable,
            ),
        )  # fmt: skip
    client, _ = login_as("member")
    response = client.get("/repertoire/hsds.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    package = json.loads(response.get_data(as_text=True))
    jsonschema.validate(package, HSDS_SCHEMA)
    tables = {r["name"]: r["data"] for r in package["resources"]}
    assert set(tables) == set(TABLES)
    for name, rows in tables.items():
        jsonschema.validate(rows, TABLES[name])
    services = {s["name"] for s in tables["services"]}
    assert {"Ligne Parole-Sûre", "Interprètes tigrigna"} <= services
    assert "Interprètes dari de l’Outaouais" not in services  # not shareable
    organizations = {o["name"] for o in tables["organizations"]}
    assert "Maison Partagée" in organizations and "Maison Canari Privée" not in organizations
    text = json.dumps(package, ensure_ascii=False)
    assert "Canari" not in text and "Canarinom" not in text  # no private organization, no porteuse
    assert {"code": "prs", "name": "Dari"}.items() <= next(
        lang for lang in tables["languages"] if lang["code"] == "prs"
    ).items()
    areas = {a["name"] for a in tables["service_areas"]}
    assert "Québec" in areas and "Estrie" in areas
    ids = {s["id"] for s in tables["services"]}
    assert all(a["service_id"] in ids for a in tables["service_areas"] + tables["languages"])
    assert [c["email"] for c in tables["contacts"]] == ["demandes@parole.example"]


def test_digests_carry_new_resources_of_the_followed_regions(make_user, make_org, inventory, db):
    from intranet.directory.services import digest
    from intranet.notifications.models import NotificationPreference

    member = make_user("member", org=make_org(region="Abitibi-Témiscamingue"))
    since = utcnow() - timedelta(days=1)
    titles = {item.title for item in digest.collect(member, since)}
    # Abitibi: the province-wide line only.
    assert titles == {"Ligne Parole-Sûre"}
    pref = NotificationPreference(
        user_id=member.id, region_ids=[inventory["outaouais_region"].id], all_regions=False
    )
    db.session.add(pref)
    db.session.flush()
    titles = {item.title for item in digest.collect(member, since)}
    assert titles == {"Ligne Parole-Sûre", "Interprètes dari de l’Outaouais"}
    assert {i.title for i in digest.collect_many([(member, since)])[member.id]} == titles
    assert digest.collect(member, utcnow() + timedelta(minutes=1)) == []


def test_the_digest_has_a_resources_section(make_user, make_org, inventory):
    from intranet.notifications import digests

    member = make_user("member", org=make_org(region="Abitibi-Témiscamingue"))
    built = digests.build_digest(member, None, utcnow() - timedelta(days=1), utcnow())
    sections = {s.key: s for s in built.sections}
    assert [item.title for item in sections["resources"].items] == ["Ligne Parole-Sûre"]
