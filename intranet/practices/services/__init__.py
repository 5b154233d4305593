"""The rules of the good-practices library, callable from views, jobs and the CLI.

Split by concern: ``common`` (limits, refusals, the form's data, loading), ``themes``, ``writing``
(create, edit, publish, archive, attachments, revisions, withdrawal), ``discussion`` (comments,
helpful marks, bookmarks), ``reports`` (moderation), ``finding`` (the library's pages, related
practices, revisions) and ``digest`` (the digest's source, the home page).

Services take the acting user, add and flush, never commit, and never read ``request``. The
search index is kept in line here (``search.index_practice``) on every change of content,
status or visibility. Callers use the package (``services.find``); a test that patches a name
patches it where it is looked up.
"""

from __future__ import annotations

from .common import (
    COUNT_CAP,
    MAX_ATTACHMENTS,
    PER_PAGE,
    Conflict,
    PracticeData,
    PracticeError,
    get,
    get_for_update,
)
from .digest import (
    can_still_see_pdf_task,
    collect_digest,
    collect_digest_many,
    home_context,
    published_by_organization,
)
from .discussion import (
    add_comment,
    comments,
    delete_comment,
    edit_comment,
    marks_of,
    toggle_bookmark,
    toggle_helpful,
)
from .finding import (
    Filters,
    ResultPage,
    _conditions,
    bookmarked,
    filter_choices,
    find,
    organization_practices,
    regions,
    related,
    revision,
    revisions,
)
from .reports import (
    count_open_reports,
    moderators_of,
    open_reports,
    report,
    resolve_report,
)
from .themes import (
    list_themes,
    theme_usage,
)
from .writing import (
    create_practice,
    details_of,
    latest_revision,
    saved_version,
    set_status,
    update_practice,
    version_of,
    withdraw,
)

__all__ = [
    "_conditions",
    "add_comment",
    "bookmarked",
    "can_still_see_pdf_task",
    "collect_digest",
    "collect_digest_many",
    "comments",
    "Conflict",
    "COUNT_CAP",
    "count_open_reports",
    "create_practice",
    "delete_comment",
    "details_of",
    "edit_comment",
    "filter_choices",
    "Filters",
    "find",
    "get",
    "get_for_update",
    "home_context",
    "latest_revision",
    "list_themes",
    "marks_of",
    "MAX_ATTACHMENTS",
    "moderators_of",
    "open_reports",
    "organization_practices",
    "PER_PAGE",
    "PracticeData",
    "PracticeError",
    "published_by_organization",
    "regions",
    "related",
    "report",
    "resolve_report",
    "ResultPage",
    "revision",
    "revisions",
    "saved_version",
    "set_status",
    "toggle_bookmark",
    "toggle_helpful",
    "theme_usage",
    "update_practice",
    "version_of",
    "withdraw",
]
