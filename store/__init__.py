"""Persistence: the schema, Alembic migrations and the queries. No business rules here."""
