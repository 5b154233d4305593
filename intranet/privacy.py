"""Spotting text that looks like personal information (DOMAIN rule 2): the guard's detection.

Kept for callers that check several texts at once; forms use ``intranet.guard``'s field types.
"""

from __future__ import annotations

from .guard.detect import Finding, scan

__all__ = ["Finding", "find_personal_info"]


def find_personal_info(*texts: str | None) -> list[Finding]:
    return [finding for text in texts for finding in scan(text)]
