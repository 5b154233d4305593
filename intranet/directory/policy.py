"""Who may see and do what in the directory: the one place these rules live.

The directory is for members only (every signed-in person of the network, partners included).
An organization's profile is edited by its coordinators and by the network's team; its sector,
which also decides who may book sector-restricted trainings, is the team's to change.
Coordinators and the team add resources directly; a member suggests one and the team approves
it. Any member confirms a published resource or reports it outdated; the team resolves reports.
"""

from __future__ import annotations

from ..accounts.models import Organization, User
from .models import Resource, ResourceNote, ResourceStatus


def can_edit_profile(user: User, organization: Organization) -> bool:
    if organization.is_network or not organization.active:
        return user.is_staff and not organization.is_network
    return user.is_staff or user.is_coordinator_of(organization.id)


def can_change_sector(user: User) -> bool:
    return user.is_staff


def can_publish_resource(user: User) -> bool:
    """Adds a resource published at once (otherwise it is a suggestion)."""
    return user.is_staff or user.role == "coordinator"


def can_view_resource(user: User, resource: Resource) -> bool:
    if resource.status == ResourceStatus.PUBLISHED:
        return True
    # A suggestion: the team, and the person who made it.
    return user.is_staff or resource.created_by_id == user.id


def can_edit_resource(user: User, resource: Resource) -> bool:
    if user.is_staff:
        return True
    if resource.status != ResourceStatus.PUBLISHED:
        return False
    return resource.organization_id is not None and user.is_coordinator_of(resource.organization_id)


def can_moderate(user: User) -> bool:
    """Approve or reject suggestions, resolve reports, see the verification list."""
    return user.is_staff


def can_confirm(user: User, resource: Resource) -> bool:
    return resource.status == ResourceStatus.PUBLISHED


def can_report(user: User, resource: Resource) -> bool:
    return resource.status == ResourceStatus.PUBLISHED


def can_note(user: User, resource: Resource) -> bool:
    return resource.status == ResourceStatus.PUBLISHED


def can_delete_note(user: User, note: ResourceNote) -> bool:
    return note.author_id == user.id or user.is_staff
