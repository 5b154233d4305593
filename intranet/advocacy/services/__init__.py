"""The rules of advocacy texts: drafting, the review workflow, versions, co-signing and briefs.

Split by concern: ``common`` (limits, refusals, the form's data, labels), ``reading`` (who sees
what, the lists, the history), ``drafting`` (the working copy, versions, attachments),
``workflow`` (the steps and comments), ``cosigning``, ``briefs`` (the PDF) and ``digests`` (the
digests' sources). Callers use the package (``services.transition``); a test that patches a name
patches it where it is looked up.

Services take the acting user, add and flush, and never commit; emails, notifications and jobs
go out with the caller's commit (queue_email and submit_task write rows in the same transaction).
"""

from __future__ import annotations

from .briefs import (
    brief_cache_key,
    brief_fingerprint,
    can_see_brief_task,
    current_brief,
    current_briefs,
    request_brief,
    wait_for_brief,
)
from .common import (
    ACTION_LABELS,
    BRIEF_LAYOUT,
    BRIEF_TASK_KIND,
    MAX_DEMANDS,
    AdvocacyError,
    EditConflict,
    PositionData,
    parse_demands,
)
from .cosigning import (
    close_cosigning,
    open_cosigning,
    sign,
    withdraw,
)
from .digests import (
    COSIGN_LIMIT,
    collect_cosigning,
    collect_cosigning_many,
    collect_review,
    cosigned_by,
)
from .drafting import (
    add_attachment,
    create_position,
    remove_attachment,
    update_position,
)
from .reading import (
    AWAITING_REVIEW,
    attachments,
    awaiting_review,
    comment_counts,
    get_for_update,
    get_version,
    last_request_for_changes,
    library,
    library_years,
    open_for_cosigning,
    organization_positions,
    review_queue,
    signatories,
    signature_of,
    theme_usage,
    transitions,
    visible_filter,
)
from .workflow import (
    add_comment,
    transition,
)

__all__ = [
    "ACTION_LABELS",
    "add_attachment",
    "add_comment",
    "AdvocacyError",
    "attachments",
    "AWAITING_REVIEW",
    "awaiting_review",
    "brief_cache_key",
    "brief_fingerprint",
    "BRIEF_LAYOUT",
    "BRIEF_TASK_KIND",
    "can_see_brief_task",
    "close_cosigning",
    "collect_cosigning",
    "collect_cosigning_many",
    "collect_review",
    "COSIGN_LIMIT",
    "cosigned_by",
    "create_position",
    "current_brief",
    "current_briefs",
    "EditConflict",
    "get_for_update",
    "get_version",
    "last_request_for_changes",
    "library",
    "theme_usage",
    "library_years",
    "MAX_DEMANDS",
    "open_cosigning",
    "open_for_cosigning",
    "organization_positions",
    "parse_demands",
    "PositionData",
    "remove_attachment",
    "request_brief",
    "review_queue",
    "sign",
    "signatories",
    "comment_counts",
    "signature_of",
    "transition",
    "transitions",
    "update_position",
    "visible_filter",
    "wait_for_brief",
    "withdraw",
]
