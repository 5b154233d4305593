"""The rules of training registration: seats, the waiting list, deadlines, emails.

Split by concern: ``common`` (refusals, statuses, the network's time), ``catalogue`` (reading
sessions, seats and the waiting list), ``booking`` (registering and cancelling under the session's
lock), ``staff`` (trainings and sessions, cancelling, attendance), ``evaluations``, ``feed`` (my
trainings, the calendar feed), ``digest`` (the digest's source, the home page), ``reminders``,
``emails`` (and notifications) and ``helpers`` (names, themes, a region's sessions).

Functions take the acting user, add and flush, never commit; emails and notifications are
written in the same transaction and leave only after the commit. Callers use the package
(``services.register``); a test that patches a name patches it where it is looked up (the booking
lock is ``services.booking.LOCKING``).
"""

from __future__ import annotations

from .booking import (
    begin_booking,
    cancel_registration,
    free_seats_of_closing_account,
    lock_session,
    register,
)
from .catalogue import (
    SOON_FULL_SEATS,
    CatalogueFilter,
    SessionAttention,
    catalogue,
    catalogue_theme_choices,
    colleague_registrations,
    colleagues_to_register,
    confirmed_counts,
    counts,
    filter_choices,
    month_sessions,
    participants,
    position,
    registration_of,
    registration_state,
    registrations_of,
    seats_left,
    sessions_needing_attention,
    waiting_list,
)
from .common import (
    CANCELLED,
    CONFIRMED,
    WAITING,
    AlreadyRegistered,
    TrainingError,
    local_to_utc,
    month_bounds,
    network_zone,
    to_local,
)
from .digest import (
    DIGEST_SESSIONS,
    DIGEST_SOON,
    digest_items,
    digest_items_many,
    home_section,
    open_sessions_for,
    open_sessions_many,
    upcoming_for,
)
from .emails import (
    _email_changed,
)
from .evaluations import (
    EvaluationSummary,
    evaluate,
    evaluated_sessions,
    evaluation_summary,
    has_evaluated,
)
from .feed import (
    feed_for,
    feed_ics,
    feed_user,
    my_registrations,
    rotate_feed,
)
from .helpers import (
    region_choices,
    role_names,
    sector_names,
    theme_choices,
    theme_usage,
    upcoming_in_region,
)
from .reminders import (
    REMINDER_BEFORE,
    send_due_reminders,
)
from .staff import (
    SessionData,
    cancel_session,
    create_session,
    latest_certificates_task,
    mark_attendance,
    participants_export,
    save_training,
    set_capacity,
    trainings_overview,
    update_session,
)

__all__ = [
    "_email_changed",
    "AlreadyRegistered",
    "begin_booking",
    "cancel_registration",
    "free_seats_of_closing_account",
    "cancel_session",
    "CANCELLED",
    "catalogue",
    "CatalogueFilter",
    "colleague_registrations",
    "colleagues_to_register",
    "CONFIRMED",
    "confirmed_counts",
    "counts",
    "create_session",
    "digest_items",
    "digest_items_many",
    "DIGEST_SESSIONS",
    "DIGEST_SOON",
    "evaluate",
    "evaluation_summary",
    "EvaluationSummary",
    "feed_for",
    "feed_ics",
    "feed_user",
    "catalogue_theme_choices",
    "filter_choices",
    "evaluated_sessions",
    "has_evaluated",
    "latest_certificates_task",
    "local_to_utc",
    "lock_session",
    "mark_attendance",
    "month_bounds",
    "month_sessions",
    "my_registrations",
    "network_zone",
    "open_sessions_for",
    "open_sessions_many",
    "participants",
    "participants_export",
    "position",
    "region_choices",
    "register",
    "registration_of",
    "registration_state",
    "registrations_of",
    "REMINDER_BEFORE",
    "role_names",
    "rotate_feed",
    "save_training",
    "seats_left",
    "sector_names",
    "send_due_reminders",
    "SessionAttention",
    "SessionData",
    "sessions_needing_attention",
    "set_capacity",
    "SOON_FULL_SEATS",
    "theme_choices",
    "theme_usage",
    "to_local",
    "TrainingError",
    "trainings_overview",
    "home_section",
    "upcoming_for",
    "upcoming_in_region",
    "update_session",
    "WAITING",
    "waiting_list",
]
