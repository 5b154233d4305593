"""Meetings of a space (issue 20): a date, or a time poll first; a town or an online link shown to
participants only; an agenda; registrations by organization; minutes published afterwards."""
