"""What the management pages read: organizations and their people, the job queues and the outbox.

The views parse, authorize, call these and render; these read (and never commit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from ..accounts import services as accounts
from ..accounts.models import Organization, Region, User
from ..extensions import db
from ..mail.models import MailStatus, OutboxMessage
from ..queue import QUEUES, get_queue, get_redis
from ..tasks.models import TaskRecord, TaskStatus

FAILED_JOBS_SHOWN = 50
ROWS_SHOWN = 20


def region_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))]


def organizations_by_name() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).order_by(Organization.name)))


def organization_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in organizations_by_name()]


def active_people_counts() -> dict[int, int]:
    """Active accounts per organization id."""
    return dict(
        db.session.execute(
            sa.select(User.organization_id, sa.func.count(User.id))
            .where(User.active)
            .group_by(User.organization_id)
        ).all()
    )


def manageable_organization(actor: User, org_id: int) -> Organization | None:
    """The organization if it exists and ``actor`` may manage it (staff, or its coordinator)."""
    org = db.session.get(Organization, org_id)
    return org if org is not None and accounts.can_manage_organization(actor, org_id) else None


def manageable_person(actor: User, user_id: int) -> User | None:
    """The account if it exists and ``actor`` may manage its organization."""
    user = db.session.get(User, user_id)
    return (
        user if user is not None and accounts.can_manage_organization(actor, user.organization_id) else None
    )


def people_of(org_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organization_id == org_id).order_by(User.name)))


@dataclass
class QueueState:
    name: str
    count: int
    failed_count: int
    failed: list[Job] = field(default_factory=list)


@dataclass
class JobsOverview:
    """The jobs page: each queue with its failed jobs, the workers, failed tasks and the outbox."""

    queues: list[QueueState]
    workers: list[Any]
    tasks: list[TaskRecord]
    mail_counts: dict[str, int]
    refused: list[OutboxMessage]


def _queue_state(name: str, conn) -> QueueState:
    q = Queue(name, connection=conn)
    registry = FailedJobRegistry(queue=q)
    failed = []
    for job_id in registry.get_job_ids()[:FAILED_JOBS_SHOWN]:
        try:
            failed.append(Job.fetch(job_id, connection=conn))
        except NoSuchJobError:
            continue
    return QueueState(name=name, count=q.count, failed_count=registry.count, failed=failed)


def jobs_overview() -> JobsOverview:
    conn = get_redis()
    mail_counts = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    return JobsOverview(
        queues=[_queue_state(name, conn) for name in QUEUES],
        workers=Worker.all(connection=conn),
        tasks=list(
            db.session.scalars(
                sa.select(TaskRecord)
                .where(TaskRecord.status == TaskStatus.FAILED)
                .order_by(TaskRecord.id.desc())
                .limit(ROWS_SHOWN)
            )
        ),
        mail_counts={str(getattr(k, "value", k)): v for k, v in mail_counts},
        refused=list(
            db.session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.status.in_([MailStatus.REFUSED, MailStatus.FAILED]))
                .order_by(OutboxMessage.id.desc())
                .limit(ROWS_SHOWN)
            )
        ),
    )


def requeue_failed(queue: str, job_id: str) -> None:
    """Run a failed job of ``queue`` again (rq's NoSuchJobError or InvalidJobOperation if it cannot)."""
    FailedJobRegistry(queue=get_queue(queue)).requeue(job_id)
