"""Persistence: the schema, Alembic migrations and the queries. No business rules here."""

from store.errors import StoreError

__all__ = ["StoreError"]
