"""The directory's rules, split by concern: profiles, resources, search words and queries,
staleness reminders, exports and digests."""
