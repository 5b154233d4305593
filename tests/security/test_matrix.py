"""The authorization matrix, generated from the URL map: every route × every method × every role,
with real ids of the demo network and a second organization. Zero unauthorized reads or writes."""

from __future__ import annotations

import pytest

from tests.security import world


@pytest.fixture
def network(app, db):
    return world.demo_world(app)


# Endpoints that end a session or an account: people of organization A and the network team would
# sign themselves or their colleagues out in the middle of the matrix. Other organizations still
# try them all (they must be refused).
SESSION_ENDING = {
    "accounts.quick_exit",
    "accounts.quick_exit_done",
    "accounts.logout",
    "admin.toggle_active",
    "admin.change_role",
    "admin.reset_two_factor",
    "mydata.close",
}


# Pages about an organization that every member reads by design: its directory profile (issue 18).
# They are still checked for leaks of the organization's private rows (the canaries).
NETWORK_READABLE = {"directory.profile"}


def _expected_refusal(route, role) -> int | None:
    if route.access == "public":
        return None
    if role == "anonymous":
        return 302
    if world.ROLE_RANK[role] < world.RULE_RANK[route.access]:
        return 403
    return None


def test_matrix(app, network):
    org_id, canaries, clients = network
    assert canaries, "the demo network should have private rows in organization A"
    all_routes = world.routes(app, org_id)
    assert len(all_routes) > 40
    problems: list[str] = []
    private_checked = 0
    seen_by_owner = 0
    for route in all_routes:
        for method in route.methods:
            for role, client in clients.items():
                for variant, url in route.urls.items():
                    if route.endpoint in SESSION_ENDING and role not in world.OTHER_ORGANIZATIONS + (
                        "anonymous",
                    ):
                        continue
                    if route.endpoint in ("accounts.quick_exit", "accounts.logout") and role != "anonymous":
                        continue
                    if route.endpoint == "accounts.quick_exit_done":
                        continue  # its marker sends this client to the neutral site for a while
                    before = (
                        world.fingerprint()
                        if method != "GET" and role in world.OTHER_ORGANIZATIONS and variant == "private"
                        else None
                    )
                    response = client.open(url, method=method, data={})
                    status = response.status_code
                    where = f"{method} {url} ({route.endpoint}) as {role}"
                    if status >= 500:
                        problems.append(f"{where}: {status}")
                        continue
                    refusal = _expected_refusal(route, role)
                    if refusal is not None and status != refusal:
                        problems.append(f"{where}: {status}, expected {refusal}")
                        continue
                    body = (
                        response.get_data(as_text=True)
                        if "text" in (response.content_type or "") or "json" in (response.content_type or "")
                        else response.get_data().decode("latin-1")
                    )
                    if role in world.OTHER_ORGANIZATIONS:
                        leaked = [c for c in canaries if c in body]
                        if leaked:
                            problems.append(f"{where}: shows {leaked[:3]} of another organization")
                        if variant == "private":
                            private_checked += 1
                            if method == "GET" and status == 200 and route.endpoint not in NETWORK_READABLE:
                                problems.append(f"{where}: 200 on another organization's private object")
                            if before is not None and world.fingerprint() != before:
                                problems.append(f"{where}: changed another organization's data ({status})")
                    elif role == "coordinator" and variant == "private" and status == 200:
                        seen_by_owner += any(c in body for c in canaries)
    for role, client in clients.items():  # nobody was signed out on the way (coverage not lost)
        if role != "anonymous":
            assert client.get("/compte").status_code == 200, role
    assert private_checked > 20
    assert seen_by_owner > 0, "the owner organization should see its own private rows (positive control)"
    assert not problems, "\n".join(problems)


def test_crawling_as_another_organization_never_shows_private_rows(app, network):
    from tests.crawl import crawl

    _org_id, canaries, clients = network
    for role in world.OTHER_ORGANIZATIONS:
        for page in crawl(clients[role], limit=150):
            body = page.body.decode("utf-8", "replace")
            leaked = [c for c in canaries if c in body]
            assert not leaked, f"{page.url} as {role} shows {leaked}"
    owner_pages = crawl(clients["coordinator"], limit=150)
    assert any(c in p.body.decode("utf-8", "replace") for p in owner_pages for c in canaries)
