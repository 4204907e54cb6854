"""Secrets of the installation (one value per name, shared by every process)."""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from openani.store.schema import installation_secrets


def secret(conn: Connection, name: str) -> str:
    """The secret called ``name``, made now if the database has none yet (a database emptied
    by hand, or made from the schema rather than the migrations)."""
    query = select(installation_secrets.c.value).where(installation_secrets.c.name == name)
    found = conn.execute(query).scalar_one_or_none()
    if found is not None:
        return str(found)
    try:
        with conn.begin_nested():
            conn.execute(
                insert(installation_secrets).values(name=name, value=secrets.token_hex(32))
            )
    except IntegrityError:
        pass  # another process made it first
    return str(conn.execute(query).scalar_one())
