"""After a redaction: reclaim the old versions of the rows it rewrote (PostgreSQL keeps them as
dead tuples until a VACUUM; autovacuum would come, later)."""

from __future__ import annotations

from intranet.extensions import db


def vacuum(tables: list[str]) -> list[str]:
    known = {table.name for table in db.metadata.sorted_tables}
    names = [name for name in tables if name in known]
    db.session.rollback()
    if db.engine.dialect.name != "postgresql" or not names:
        return []
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names:
            conn.exec_driver_sql(f'VACUUM "{name}"')
    return names
