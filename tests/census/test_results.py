"""Results: every page, chart, CSV and PDF shows suppressed aggregates only.

* a property test over random answers (hypothesis, bounded and derandomized) checks the pages and
  the CSV against the raw answers, computed here independently: every figure displayed brings
  together at least three organizations and is zero or at least k (from at least three
  organizations above zero), and no hidden figure follows from the displayed ones;
* the charts carry the same figures as their data tables;
* canaries: one organization's raw answers appear nowhere outside it (pages, CSV, PDF text);
* the PDF is made by a real worker.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intranet.census import aggregates
from intranet.census.suppression import MIN_ORGANIZATIONS, Relation
from intranet.csvexport import read_csv
from intranet.tasks.models import TaskStatus
from tests.census.test_suppression import recoverable

NETWORK_LABEL = "Ensemble du réseau"


def _csv(client, campaign) -> list[dict]:
    response = client.get(f"/recensements/{campaign.id}/resultats.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv", (
        campaign.status,
        campaign.id,
        response.status_code,
    )
    header, *lines = read_csv(response.get_data())
    return [dict(zip(header, line, strict=True)) for line in lines]


def _raw(campaign, orgs_by_region: dict[str, list], answers_by_org: dict[int, dict]) -> dict:
    """Independent sums: (question key, region name or None, category) -> (sum, respondents, positive)."""
    sums: dict = {}
    for region, orgs in orgs_by_region.items():
        for org in orgs:
            figures = answers_by_org.get(org.id)
            if figures is None:
                continue
            for (key, category), value in figures.items():
                for where in (region, None):
                    total, respondents, positive = sums.get((key, where, category), (0, 0, 0))
                    sums[(key, where, category)] = (total + value, respondents + 1, positive + (value > 0))
    return sums


def _expanded(campaign, overrides: dict) -> dict:
    """An answer given to ``census.submit`` as the full set of figures (key, category) -> value."""
    figures = {}
    values = {}
    for q in campaign.questions:
        wanted = overrides.get(q.key, 0)
        if isinstance(wanted, dict):
            for category, _label in q.categories:
                figures[(q.key, category)] = wanted.get(category, 0)
            values[q.key] = sum(wanted.values())
        else:
            for index, (category, _label) in enumerate(q.categories):
                figures[(q.key, category)] = wanted if index == 0 else 0
            values[q.key] = wanted
    for q in campaign.questions:
        parts = [c for c in campaign.questions if c.parent_id == q.id]
        if parts and q.key not in overrides:
            values[q.key] = sum(values[p.key] for p in parts)
            for index, (category, _label) in enumerate(q.categories):
                figures[(q.key, category)] = values[q.key] if index == 0 else 0
    for key, value in values.items():
        figures[(key, "")] = value
    return figures


def _number(text: str) -> int | None:
    digits = re.sub(r"[\s\u00a0\u202f]", "", text)
    return int(digits) if digits.isdigit() else None


def _check_displayed(value_text: str, raw: tuple[int, int, int], k: int, where: str) -> None:
    total, respondents, positive = raw
    number = _number(value_text)
    if number is None:
        assert value_text in ("—", f"< {k}"), (where, value_text)
        if value_text == f"< {k}":
            assert 0 < total < k
        return
    assert number == total, where
    assert respondents >= MIN_ORGANIZATIONS, (where, raw)
    assert total == 0 or (total >= k and positive >= MIN_ORGANIZATIONS), (where, raw)


_EXAMPLES = {"n": 0}


@pytest.fixture
def member_client(login_as):
    return login_as("member")[0]


answers_strategy = st.lists(
    st.tuples(
        st.sampled_from(["Estrie", "Laval", "Outaouais", "Montérégie"]),
        st.integers(min_value=0, max_value=14),  # women
        st.lists(st.integers(min_value=0, max_value=6), min_size=3, max_size=3),  # children by age band
        st.integers(min_value=0, max_value=9),  # interpreting met
        st.integers(min_value=0, max_value=4),  # interpreting unmet
    ),
    min_size=2,
    max_size=14,
)


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=answers_strategy, k=st.sampled_from([3, 5]))
def test_every_displayed_figure_is_safe_on_pages_and_in_the_csv(db, census, make_org, member_client, rows, k):
    from intranet.census.services import campaigns

    # Each example gets regions of its own (the test's transaction is rolled back at its end).
    _EXAMPLES["n"] += 1
    campaigns.save_threshold(census.staff, k)
    orgs_by_region: dict[str, list] = {}
    specs = []
    for region, women, children, met, unmet in rows:
        region = f"{region} {_EXAMPLES['n']}"
        org = make_org(region=region)
        orgs_by_region.setdefault(region, []).append(org)
        specs.append((org, women, children, met, unmet))
    campaign = census.campaign([o for o, *_ in specs])
    answered = {}
    for org, women, children, met, unmet in specs:
        overrides = {
            "women": {"30-49": women},
            "children": dict(zip(("0-5", "6-11", "12-17"), children, strict=True)),
            "interpreting_met": met,
            "interpreting_unmet": unmet,
            "interpreting": {"fr": met + unmet},
        }
        census.submit(campaign, org, overrides)
        answered[org.id] = _expanded(campaign, overrides)
    census.close(campaign)
    # Committed (to the test's savepoint): a sign-in older than a minute refreshes its
    # session record in a transaction of its own, which starts with a rollback.
    db.session.commit()
    raw = _raw(campaign, orgs_by_region, answered)
    region_names = {name: name for name in orgs_by_region}

    client = member_client
    # The CSV: every cell checked against the raw answers.
    rows_csv = _csv(client, campaign)
    labels = {q.label: q for q in campaign.questions}
    category_keys = {str(label): key for q in campaign.questions for key, label in q.categories}
    assert rows_csv
    for row in rows_csv:
        question = labels[row["Question"]]
        where = None if row["Région"] == NETWORK_LABEL else region_names[row["Région"]]
        category = category_keys[row["Catégorie"]] if row["Catégorie"] else ""
        _check_displayed(row["Chiffre"], raw.get((question.key, where, category), (0, 0, 0)), k, str(row))
    # The pages: the results table and each question's table by region.
    for question in campaign.questions:
        page = client.get(f"/recensements/{campaign.id}/resultats/{question.id}").get_data(as_text=True)
        table = page[
            page.index('<table id="bars-data">') : page.index(
                "</table>", page.index('<table id="bars-data">')
            )
        ]
        columns = [""] + [key for key, _label in question.categories]
        for name, cells in re.findall(r'<th scope="row">([^<]+)</th>((?:<td>[^<]*</td>)+)', table):
            if name == "Votre organisme":
                continue
            where = None if name == NETWORK_LABEL else name.replace("&#39;", "'")
            for category, text in zip(columns, re.findall(r"<td>([^<]*)</td>", cells), strict=True):
                text = text.replace("&lt;", "<")
                _check_displayed(
                    text, raw.get((question.key, where, category), (0, 0, 0)), k, f"{question.key} {name}"
                )
    # Nothing hidden follows from what is displayed (the module's whole output, all relations).
    results = aggregates.results(campaign)
    shown, relations = _as_system(results, campaign)
    assert recoverable(shown, relations) == []
    # A region with fewer than three organizations shows nothing at all.
    for orgs in orgs_by_region.values():
        if len(orgs) < MIN_ORGANIZATIONS:
            region_id = orgs[0].region_id
            for q in results.questions:
                assert not q.by_region[region_id].shown
                assert not any(q.grid[(region_id, c)].shown for c in q.categories)


def _as_system(results, campaign):
    """The module's output as cells and relations, for the independent recovery check."""
    shown, relations = {}, []
    regions = [r for r, _name in results.regions]
    for q in results.questions:
        shown[(q.id, 0, "")] = q.network
        for r in regions:
            shown[(q.id, r, "")] = q.by_region[r]
            for c in q.categories:
                shown[(q.id, r, c)] = q.grid[(r, c)]
        for c in q.categories:
            shown[(q.id, 0, c)] = q.by_category[c]
        for c in ["", *q.categories]:
            relations.append(Relation((q.id, 0, c), tuple((q.id, r, c) for r in regions)))
        if q.categories:
            for r in [0, *regions]:
                relations.append(Relation((q.id, r, ""), tuple((q.id, r, c) for c in q.categories)))
    for q in campaign.questions:
        parts = [p.id for p in campaign.questions if p.parent_id == q.id]
        if parts:
            for r in [0, *regions]:
                relations.append(Relation((q.id, r, ""), tuple((p, r, "") for p in parts)))
    return shown, relations


def test_a_region_with_two_organizations_shows_nothing(db, census, make_org, login_as):
    pair = [make_org(region="Outaouais") for _ in range(2)]
    others = [make_org(region="Estrie") for _ in range(4)]
    campaign = census.campaign(pair + others)
    for org in pair + others:
        census.submit(campaign, org, {"women": 9})
    census.close(campaign)
    client, _ = login_as("member")
    women = next(q for q in campaign.questions if q.key == "women")
    page = client.get(f"/recensements/{campaign.id}/resultats/{women.id}").get_data(as_text=True)
    row = re.search(r'<th scope="row">Outaouais</th>((?:<td>[^<]*</td>)+)', page).group(1)
    assert set(re.findall(r"<td>([^<]*)</td>", row)) == {"—"}
    # Estrie's 36 would give Outaouais's 18 by subtraction from the network's 54: hidden too.
    estrie = re.search(r'<th scope="row">Estrie</th><td>([^<]*)</td>', page).group(1)
    network = re.search(r'<th scope="row">Ensemble du réseau</th><td>([^<]*)</td>', page).group(1)
    assert (estrie, network) == ("—", "54")


def test_the_charts_draw_what_their_data_tables_say(db, census, make_org, login_as):
    orgs = {
        region: [make_org(region=region) for _ in range(n)]
        for region, n in (("Estrie", 3), ("Laval", 4), ("Outaouais", 1))
    }
    campaign = census.campaign([o for group in orgs.values() for o in group])
    for region, group in orgs.items():
        for org in group:
            census.submit(campaign, org, {"women": 6 if region == "Estrie" else 8})
    census.close(campaign)
    client, _ = login_as("member")
    women = next(q for q in campaign.questions if q.key == "women")
    page = client.get(f"/recensements/{campaign.id}/resultats/{women.id}").get_data(as_text=True)
    svg = page[page.index('<svg class="chart" id="bars"') : page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<script" not in svg
    bars = [int(v) for v in re.findall(r'<rect [^>]*data-value="(\d+)"', svg)]
    table = page[page.index('<table id="bars-data">') :]
    shown = [
        int(v) for v in re.findall(r'<th scope="row">(?:Estrie|Laval|Outaouais)</th><td>(\d+)</td>', table)
    ]
    assert bars == shown and bars  # one bar per figure shown, the same figures
    labels = re.findall(r'<text [^>]*font-size="12"[^>]*>([^<]+)</text>', svg)
    assert "Outaouais" in labels and "—" in labels  # a hidden region draws no bar, says "—"


def test_year_over_year_lines_follow_the_question_across_campaigns(db, census, make_org, login_as):
    orgs = [make_org() for _ in range(3)]
    past = None
    for year, women in ((2024, 6), (2025, 7), (2026, 1)):
        campaign = census.campaign(orgs, year=year, copy_from=past, name=f"Recensement {year}")
        for org in orgs:
            census.submit(campaign, org, {"women": women})
        census.close(campaign)
        past = campaign
    client, _ = login_as("member")
    women = next(q for q in past.questions if q.key == "women")
    page = client.get(f"/recensements/{past.id}/resultats/{women.id}").get_data(as_text=True)
    svg = page[page.index('<svg class="chart" id="history"') :]
    svg = svg[: svg.index("</svg>")]
    assert [int(v) for v in re.findall(r'<circle [^>]*data-value="(\d+)"', svg)] == [18, 21]
    table = page[page.index('<table id="history-data">') :]
    assert re.findall(r'<th scope="row">Recensement (\d+)</th><td>([^<]+)</td>', table) == [
        ("2024", "18"),
        ("2025", "21"),
        ("2026", "&lt; 5"),  # 3 is below k: no point, "< 5" in the chart and the table
    ]
    assert "&lt; 5" in svg


@pytest.fixture
def canary_world(db, census, make_org, make_user):
    """Maison Canari (region of two) answers 48611 women and a highlight; nobody else may see them."""
    canary = make_org(name="Maison Canari", region="Outaouais")
    neighbour = make_org(region="Outaouais")
    others = [make_org(region="Estrie") for _ in range(3)]
    campaign = census.campaign([canary, neighbour, *others])
    census.submit(campaign, canary, {"women": 48611, "nights": 77719}, highlights="Canarifaits de la maison")
    for org in [neighbour, *others]:
        census.submit(campaign, org, {"women": 12, "nights": 900})
    census.close(campaign)
    db.session.commit()  # to the test's savepoint (see the property test)
    return campaign, canary, neighbour, others


CANARIES = (
    "48611",
    "48 611",
    "48\u202f611",
    "48\u00a0611",
    "77719",
    "77 719",
    "77\u202f719",
    "77\u00a0719",
    "Canarifaits",
)


def _no_canary(text: str, where: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary!r} leaked in {where}"


def test_one_organization_s_answers_appear_nowhere_outside_it(
    db, census, canary_world, login_as, make_user, run_jobs
):
    from pypdf import PdfReader

    campaign, canary, neighbour, others = canary_world
    signed_in = [
        login_as("coordinator", org=neighbour),
        login_as("member", org=others[0]),
        login_as("member", org=canary),  # a member of the organization itself is not a coordinator
        login_as("staff"),
    ]
    viewers = [client for client, _user in signed_in]
    urls = [
        "/recensements/",
        f"/recensements/{campaign.id}/resultats",
        f"/recensements/{campaign.id}/participation",
    ]
    urls += [f"/recensements/{campaign.id}/resultats/{q.id}" for q in campaign.questions]
    urls += [f"/recensements/{campaign.id}", f"/recensements/{campaign.id}/resultats.csv"]
    for client in viewers:
        for url in urls:
            response = client.get(url)
            _no_canary(response.get_data(as_text=True), url)
    # The staff choose highlights without knowing whose; unpublished, they are shown to no member.
    staff = viewers[-1]
    assert "Canarifaits" in staff.get(f"/recensements/{campaign.id}/faits-saillants").get_data(as_text=True)
    assert "Maison Canari" not in staff.get(f"/recensements/{campaign.id}/faits-saillants").get_data(
        as_text=True
    )

    # The PDF, made by a real worker, holds no canary either.
    client, reader_user = signed_in[1]
    response = client.post(f"/recensements/{campaign.id}/rapport", headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'hx-trigger="load delay' in response.get_data(as_text=True)
    assert run_jobs() >= 1
    from intranet.census import report

    task = report.current_task(reader_user, campaign)
    assert task is not None and task.status == TaskStatus.DONE, task and task.error
    download = client.get(f"/taches/{task.public_id}/fichier")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.get_data())).pages)
    flat = " ".join(text.split())
    assert "Femmes hébergées" in flat and campaign.name in flat  # a positive control
    _no_canary(flat, "the PDF")
    _no_canary(text, "the PDF")

    # The organization's own coordinator sees its figures beside the aggregates (positive control).
    own, _ = login_as("coordinator", org=canary)
    page = own.get(f"/recensements/{campaign.id}/resultats").get_data(as_text=True)
    assert "48611" in page and "Votre organisme" in page


def test_highlights_show_only_once_published_without_their_organization(
    db, census, canary_world, login_as, run_jobs
):
    campaign, canary, neighbour, others = canary_world
    member, _ = login_as("member", org=others[0])
    assert "Canarifaits" not in member.get(f"/recensements/{campaign.id}/resultats").get_data(as_text=True)
    staff, _ = login_as("staff")
    response = census.response(campaign, canary)
    assert (
        staff.post(
            f"/recensements/{campaign.id}/faits-saillants", data={"publish": [str(response.id)]}
        ).status_code
        == 303
    )
    page = member.get(f"/recensements/{campaign.id}/resultats").get_data(as_text=True)
    assert "Canarifaits de la maison" in page
    assert "Maison Canari" not in page


def test_a_reopened_campaign_withdraws_its_results_and_its_report(
    db, census, canary_world, login_as, run_jobs
):
    campaign, canary, neighbour, others = canary_world
    member, user = login_as("member", org=others[0])
    from intranet.census import report

    task = report.request_report(user, campaign)
    db.session.flush()
    staff, _ = login_as("staff")
    assert staff.post(f"/recensements/{campaign.id}/rouvrir").status_code == 303
    assert member.get(f"/recensements/{campaign.id}/resultats").status_code == 404
    assert member.get(f"/taches/{task.public_id}").status_code == 404


def test_the_pdf_report_is_us_letter_and_reads_the_suppressed_results(app, db, census, make_org, run_jobs):
    from pypdf import PdfReader

    from intranet.census import report

    orgs = [make_org() for _ in range(3)]
    campaign = census.campaign(orgs)
    for org in orgs:
        census.submit(campaign, org, {"women": 7})
    census.close(campaign)
    task = report.request_report(census.staff, campaign)
    db.session.commit()
    assert run_jobs() >= 1
    db.session.refresh(task)
    assert task.status == TaskStatus.DONE, task.error
    reader = PdfReader(Path(app.instance_path) / task.result_path)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (612, 792)  # US Letter, in points
    flat = " ".join("\n".join(p.extract_text() for p in reader.pages).split())
    assert "Femmes hébergées 21" in flat and reader.metadata.title == campaign.name
    assert "Nuitées 0" in flat


def test_a_report_made_on_one_paper_is_not_served_after_the_paper_changes(app, db, census, make_org):
    """The report's cache key holds the network's paper: once the administrator changes it, the
    next report is made again instead of the one printed on the former paper."""
    from intranet import network
    from intranet.census import report

    campaign = census.campaign([make_org(name="Maison Papier")])
    letter = report._cache_key(campaign, "fr")
    network.save_paper_size(census.staff.id, network.A4)
    db.session.flush()
    assert network.paper_size() == network.A4
    assert report._cache_key(campaign, "fr") != letter
