"""Helpers for the page tests: the CSRF token of a rendered page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

TokenGetter = Callable[[TestClient, str], str]


@pytest.fixture
def csrf_token() -> TokenGetter:
    """``csrf_token(client, "/login")``: render the page and return its form token (the
    cookie holding the same token stays on the client)."""

    def get(client: TestClient, path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, response.text
        match = TOKEN.search(response.text)
        assert match, f"no CSRF field on {path}"
        return match.group(1)

    return get
