"""Factories for trainings: ``make_session(capacity=2)`` gives an open, published session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intranet.database import utcnow


@pytest.fixture
def make_training(db):
    from intranet.trainings.models import Training

    def make(title: str = "Plan de sécurité après la séparation", published: bool = True, **kwargs):
        training = Training(
            title=title,
            description=kwargs.pop("description", "Une formation **pratique**."),
            audience=kwargs.pop("audience", "Intervenantes et intervenants"),
            trainer=kwargs.pop("trainer", "Sophie Formatrice"),
            language=kwargs.pop("language", "fr"),
            published=published,
            **kwargs,
        )
        db.session.add(training)
        db.session.flush()
        return training

    return make


@pytest.fixture
def make_session(db, make_training, make_region):
    from intranet.trainings.models import SessionFormat, TrainingSession

    def make(
        training=None,
        *,
        capacity: int = 10,
        starts_in: timedelta = timedelta(days=10),
        hours: int = 3,
        online: bool = False,
        region: str = "Estrie",
        town: str = "Sherbrooke",
        deadline_before: timedelta = timedelta(days=1),
        **kwargs,
    ):
        training = training or make_training()
        starts = kwargs.pop("starts_at", None) or utcnow().replace(microsecond=0) + starts_in
        session = TrainingSession(
            training=training,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            format=SessionFormat.ONLINE if online else SessionFormat.IN_PERSON,
            region_id=None if online else make_region(region).id,
            town="" if online else town,
            room_details="" if online else kwargs.pop("room_details", "Salle Les Pins, centre communautaire"),
            online_url="https://visio.example/salle-secrete" if online else "",
            capacity=capacity,
            registration_deadline=kwargs.pop("registration_deadline", None) or starts - deadline_before,
            **kwargs,
        )
        db.session.add(session)
        db.session.flush()
        return session

    return make
