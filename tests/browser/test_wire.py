"""Light on the wire, as Chromium counts it (DevTools' encodedDataLength), through a real HTTP server
with the app's real compression: first visits with a cold cache, a repeat visit in a new tab, booking
a seat, a page left open; and a session that a self-refreshing region does not keep alive."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intranet.database import utcnow
from tests.browser.conftest import browser_login
from tests.browser.wire import WireMeter, count_refreshes, wait_refreshed
from tests.conftest import TEST_PASSWORD

KB = 1024
SIGN_IN_FIRST_VISIT = 20 * KB
SIGNED_IN_FIRST_VISIT = 30 * KB
REPEAT_VISIT = 4 * KB
BOOKING_COLD = 35 * KB
OPEN_PAGE_HOUR = 20 * KB


@pytest.fixture
def sessions(make_session, db):
    made = [make_session(starts_in=timedelta(days=5 + i), capacity=8) for i in range(6)]
    db.session.commit()
    return made


def _static(meter: WireMeter) -> list:
    return [e for e in meter.network if "/static/" in e.url]


def _visit(page, meter: WireMeter, url: str, *, cold: bool) -> int:
    if cold:
        meter.clear_browser_cache()
    meter.reset()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for exchange in _static(meter):  # compressed once, on the wire too
        assert exchange.encoding in ("br", "gzip"), exchange
    return meter.total


@pytest.mark.parametrize(
    "role,urls", [("member", ("/", "/formations/")), ("coordinator", ("/", "/pratiques/"))]
)
def test_first_and_repeat_visits(browser, live_server, make_user, sessions, db, role, urls):
    user = make_user(role)
    db.session.commit()
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    meter = WireMeter.attach(page)

    sign_in_page = _visit(page, meter, f"{live_server}/connexion", cold=True)
    assert sign_in_page <= SIGN_IN_FIRST_VISIT, meter.summary()
    assert not [e for e in meter.network if e.url.endswith(".js")], "the sign-in page loads no script"
    print(f"sign-in first visit: {sign_in_page} B ({meter.summary()})")

    browser_login(page, live_server, user.email, TEST_PASSWORD)
    for url in urls:
        first = _visit(page, meter, live_server + url, cold=True)
        assert first <= SIGNED_IN_FIRST_VISIT, (url, meter.summary())
        assert len(_static(meter)) == 3, meter.summary()

        # The same page in a new tab: one request, the page itself; CSS and JS from the cache.
        tab = context.new_page()
        tab_meter = WireMeter.attach(tab)
        tab.goto(live_server + url)
        tab.wait_for_load_state("networkidle")
        assert [e.url for e in tab_meter.network] == [live_server + url], tab_meter.summary()
        assert tab_meter.total <= REPEAT_VISIT, (url, tab_meter.summary())
        print(f"{role} {url}: first visit {first} B, repeat {tab_meter.total} B ({tab_meter.summary()})")
        tab.close()
    context.close()


def test_booking_a_seat_with_a_cold_cache(browser, live_server, make_user, sessions, db):
    user = make_user("member")
    db.session.commit()
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    browser_login(page, live_server, user.email, TEST_PASSWORD)
    meter = WireMeter.attach(page)
    meter.clear_browser_cache()
    meter.reset()
    page.goto(f"{live_server}/formations/")
    page.locator("#results a").first.click()
    page.get_by_role("button", name="M’inscrire", exact=True).click()
    page.get_by_text("Votre inscription est confirmée.").wait_for()
    page.wait_for_load_state("networkidle")
    assert meter.total <= BOOKING_COLD, meter.summary()
    print(f"booking, cold cache: {meter.total} B ({meter.summary()})")
    context.close()


def test_a_page_left_open_costs_little_and_does_not_keep_the_session_alive(
    app, browser, live_server, make_user, sessions, db, monkeypatch
):
    """The booking box refreshes itself every 30 s: Playwright's clock runs those minutes at once.
    An unchanged box costs a bare 304; a hidden tab does not refresh. Then, the idle timeout passed
    without a person's action, the next refresh lands on the sign-in page and the polling stops."""
    user = make_user("member")
    db.session.commit()
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    page.clock.install()
    count_refreshes(page)
    browser_login(page, live_server, user.email, TEST_PASSWORD)
    page.goto(f"{live_server}/formations/seances/{sessions[0].id}")
    page.wait_for_load_state("networkidle")
    meter = WireMeter.attach(page)

    polls = []
    for count in range(1, 7):
        with page.expect_response(lambda r: "/formations/seances/" in r.url) as answer:
            page.clock.run_for(30_000)
        polls.append(answer.value.status)
        wait_refreshed(page, count)
    assert polls[0] == 200 and set(polls[1:]) == {304}, polls

    def replies():
        return [e for e in meter.network if "/formations/seances/" in e.url]

    for _ in range(100):  # the last loadingFinished event may follow the response by a moment
        if len(replies()) == 6:
            break
        page.wait_for_timeout(50)
    assert len(replies()) == 6, meter.summary()
    full, unchanged = replies()[0].encoded, [e.encoded for e in replies()[1:]]
    hour = full + max(unchanged) * (3600 // 30 - 1)
    assert hour <= OPEN_PAGE_HOUR, (hour, meter.summary())
    print(f"open page: {hour} B an hour ({meter.summary()})")

    # A hidden tab does not refresh; back in view, it refreshes once at once.
    def visibility(hidden: bool) -> None:
        page.evaluate(
            "hidden => { Object.defineProperty(document, 'hidden', {value: hidden, configurable: true});"
            " document.dispatchEvent(new Event('visibilitychange')); }",
            hidden,
        )

    visibility(True)
    page.clock.run_for(120_000)
    page.wait_for_load_state("networkidle")
    assert len(replies()) == 6, meter.summary()
    with page.expect_response(lambda r: "/formations/seances/" in r.url) as answer:
        visibility(False)
    assert answer.value.status == 304

    # Nobody touches the page: with a short idle timeout, the refreshes do not keep the session
    # alive, and once it has passed the next refresh lands on the sign-in page.
    from intranet.accounts.models import UserSession

    def idle_for(seconds: int, since=None) -> None:
        db.session.rollback()  # a fresh read: the server's writes came after this session's snapshot
        record = db.session.query(UserSession).filter_by(user_id=user.id).one()
        record.last_seen_at = (since or record.last_seen_at) - timedelta(seconds=seconds)
        db.session.commit()

    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", 20)  # a person's request counts after 2 s
    idle_for(15, since=utcnow())
    with page.expect_response(lambda r: "/formations/seances/" in r.url) as answer:
        page.clock.run_for(30_000)
    assert answer.value.status == 304  # still signed in; had it counted as activity, the next
    idle_for(10)  # 10 seconds would leave 10 of the 20, and no sign-in page below
    page.clock.run_for(30_000)
    page.wait_for_url(f"{live_server}/connexion**")
    assert page.locator("script").count() == 0  # nothing left to poll
