"""RQ job functions (plain typed functions taking ids) and the worker and scheduler entry points."""
