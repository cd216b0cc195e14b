"""The hand-written 0002_cases revision's partial indexes (that it creates what the models
declare is checked with the other domains in tests/storage/test_migrations_match_models.py)."""

from __future__ import annotations

from sqlalchemy import Engine, inspect


def test_the_open_case_indexes_are_partial(engine: Engine) -> None:
    names = {index["name"] for index in inspect(engine).get_indexes("cases")}
    assert {
        "ix_cases_open_resolution_due",
        "ix_cases_open_legal_due",
        "ix_cases_next_check_at",
    } <= names
