"""The rules of spaces and their discussions, by concern: ``spaces`` (which spaces one reads,
opening and changing them), ``seats`` (member organizations, facilitators, whom news concern),
``threads`` (the list of discussions, opening one, replying), ``reading`` (a page of posts, how far
one read, following), ``mentions`` (« @Prénom Nom »), ``posts`` (changing, removing, quoting a
post), ``reports`` (reporting a post) and ``digest``; ``common`` holds ``SpaceError``. Services add
and flush, never commit; they take the acting person as an argument and never read the request.
Callers import from here (``services.reply``)."""

from __future__ import annotations

from .common import SpaceError
from .digest import digest_items, digest_items_many
from .mentions import mentioned_readers
from .posts import delete_post, edit_post, quote, revisions
from .reading import POSTS_PER_PAGE, WATCHES, ThreadPage, mark_read, set_watch, thread_page, watch_of
from .reports import open_reports, report, resolve_report
from .seats import (
    Seats,
    facilitators,
    immigration_seats,
    members,
    name_facilitator,
    organizations_to_seat,
    people_of,
    seat,
    seats_of,
    unseat,
)
from .spaces import (
    create_space,
    open_regional_table,
    readable_spaces,
    region_practices,
    regions_without_table,
    update_space,
)
from .threads import (
    THREADS_ON_HOME,
    THREADS_PER_PAGE,
    ThreadLine,
    ThreadList,
    recent_threads,
    reply,
    start_thread,
    thread_list,
)

__all__ = [
    "POSTS_PER_PAGE",
    "THREADS_ON_HOME",
    "THREADS_PER_PAGE",
    "WATCHES",
    "Seats",
    "SpaceError",
    "ThreadLine",
    "ThreadList",
    "ThreadPage",
    "create_space",
    "delete_post",
    "digest_items",
    "digest_items_many",
    "edit_post",
    "facilitators",
    "immigration_seats",
    "mark_read",
    "members",
    "mentioned_readers",
    "name_facilitator",
    "open_regional_table",
    "open_reports",
    "organizations_to_seat",
    "people_of",
    "quote",
    "readable_spaces",
    "recent_threads",
    "region_practices",
    "regions_without_table",
    "reply",
    "report",
    "resolve_report",
    "revisions",
    "seat",
    "seats_of",
    "set_watch",
    "start_thread",
    "thread_list",
    "thread_page",
    "unseat",
    "update_space",
    "watch_of",
]
