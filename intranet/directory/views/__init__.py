"""The directory of organizations (/repertoire) and the shared resources (/ressources), on one
blueprint, display apart from management: ``organizations`` (finding an organization, a region's,
a profile, the CSV and HSDS exports) and ``inventory`` (finding a resource, its page, the CSV) for
members; ``editing`` (a coordinator changes or confirms the profile), ``contributions`` (suggesting,
changing, confirming, reporting a resource, notes) and ``moderation`` (the team approves, refuses,
resolves reports). ``common`` holds the blueprint and what the pages share."""

from __future__ import annotations

from . import contributions, editing, inventory, moderation, organizations  # noqa: F401  (registers the routes)
from .common import bp

__all__ = ["bp"]
