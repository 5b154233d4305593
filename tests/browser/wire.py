"""Bytes as Chromium counts them: DevTools' ``encodedDataLength`` of every response (headers and
body as they crossed the connection, compressed), and whether the response came from the network."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Exchange:
    url: str = ""
    status: int = 0
    cached: bool = False  # served from the browser's cache, nothing crossed the connection
    encoded: int = 0
    encoding: str = ""
    finished: bool = False


@dataclass
class WireMeter:
    """Listens to one page through the DevTools protocol (CDP ``Network`` domain)."""

    exchanges: dict[str, Exchange] = field(default_factory=dict)

    @classmethod
    def attach(cls, page) -> WireMeter:
        meter = cls()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        meter.cdp = cdp
        cdp.on("Network.requestWillBeSent", meter._sent)
        cdp.on("Network.responseReceived", meter._received)
        cdp.on("Network.requestServedFromCache", meter._from_cache)
        cdp.on("Network.loadingFinished", meter._finished)
        return meter

    def _get(self, request_id: str) -> Exchange:
        return self.exchanges.setdefault(request_id, Exchange())

    def _sent(self, event) -> None:
        exchange = self._get(event["requestId"])
        exchange.url = event["request"]["url"]

    def _received(self, event) -> None:
        exchange = self._get(event["requestId"])
        response = event["response"]
        exchange.url = response["url"]
        exchange.status = response["status"]
        exchange.cached = exchange.cached or bool(
            response.get("fromDiskCache")
            or response.get("fromPrefetchCache")
            or response.get("fromServiceWorker")
        )
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        exchange.encoding = headers.get("content-encoding", "")

    def _from_cache(self, event) -> None:
        self._get(event["requestId"]).cached = True

    def _finished(self, event) -> None:
        exchange = self._get(event["requestId"])
        exchange.encoded = int(event["encodedDataLength"])
        exchange.finished = True

    def clear_browser_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")

    def reset(self) -> None:
        self.exchanges.clear()

    @property
    def network(self) -> list[Exchange]:
        """What crossed the connection (requests answered from the cache left out)."""
        return [
            e for e in self.exchanges.values() if e.finished and not e.cached and e.url.startswith("http")
        ]

    @property
    def total(self) -> int:
        return sum(e.encoded for e in self.network)

    def summary(self) -> str:
        return ", ".join(
            f"{e.url.split('/', 3)[-1]} {e.status} {e.encoded} B {e.encoding}" for e in self.network
        )


# The page counts the refreshes htmx is done with: a swapped region arms its next timer only once it
# settles (a short timer of the page's own clock), so moving a test's clock before then skips a poll.
_COUNT_REFRESHES = (
    "window.__refreshed = 0;"
    " document.addEventListener('htmx:afterRequest',"
    "   e => { if (e.detail.xhr.status !== 200) window.__refreshed++; });"
    " document.addEventListener('htmx:afterSettle', () => { window.__refreshed++; });"
)


def count_refreshes(page) -> None:
    """Before the page loads: from then on, `wait_refreshed` can wait for htmx to finish."""
    page.add_init_script(_COUNT_REFRESHES)


def wait_refreshed(page, count: int) -> None:
    """Waits until htmx has finished `count` requests on this page (swapped and settled, or not swapped)."""
    page.wait_for_function("count => window.__refreshed >= count", arg=count)
