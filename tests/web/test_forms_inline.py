"""A refused form says why beside the field and keeps what was typed: a compensation above the
option's maximum comes back as a 422 case page with the amount kept, the reason kept, the
problem under the amount and the playbook's limits next to it, in the reader's language."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.cases.models import Compensation
from calmdesk.users.models import User
from tests.conftest import LoginHelper, TokenGetter
from tests.web.test_case_legal_and_money_pages import intake


def test_an_amount_above_the_maximum_is_refused_beside_the_field(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    users: dict[str, User],
    session: Session,
) -> None:
    case_id = intake(session, users["agent"])
    login(client, "agent")  # reads Polish
    token = csrf_token(client, f"/cases/{case_id}")
    refused = client.post(
        f"/cases/{case_id}/compensation",
        data={"csrf_token": token, "kind": "refund", "amount": "2 500,50", "reason": "Nadpłata"},
    )
    assert refused.status_code == 422
    form = refused.text.split('data-testid="compensation-form"', 1)[1].split("</form>", 1)[0]
    assert 'value="2 500,50"' in form and 'value="Nadpłata"' in form
    assert '<option value="refund" selected>' in form
    error = re.search(r'id="amount-error" role="alert">([^<]+)<', form)
    assert error and "więcej, niż zasady obsługi pozwalają" in error.group(1)
    assert 'aria-invalid="true"' in form
    limits = form.split('data-testid="compensation-limits"', 1)[1].split("</ul>", 1)[0]
    assert "od 0,00\xa0zł do 2\xa0000,00\xa0zł; samodzielnie do 200,00\xa0zł" in limits
    # the menu and the rest of the page are there; nothing was stored
    assert 'action="/logout"' in refused.text
    stored = session.scalars(select(Compensation).where(Compensation.case_id == case_id)).all()
    assert stored == []


def test_an_amount_that_is_no_number_is_named_beside_the_field(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    users: dict[str, User],
    session: Session,
) -> None:
    case_id = intake(session, users["handler"])
    login(client, "handler")  # reads English
    token = csrf_token(client, f"/cases/{case_id}")
    refused = client.post(
        f"/cases/{case_id}/compensation",
        data={"csrf_token": token, "kind": "refund", "amount": "lots", "reason": "Overcharge"},
    )
    assert refused.status_code == 422
    assert 'value="lots"' in refused.text
    assert "Write the amount as a number" in refused.text


def test_a_fitting_amount_is_proposed_as_before(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    users: dict[str, User],
    session: Session,
) -> None:
    case_id = intake(session, users["agent"])
    login(client, "agent")
    token = csrf_token(client, f"/cases/{case_id}")
    done = client.post(
        f"/cases/{case_id}/compensation",
        data={"csrf_token": token, "kind": "refund", "amount": "150,00", "reason": "Nadpłata"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get(f"/cases/{case_id}").text
    assert "150,00\xa0zł" in page  # money as a Polish reader writes it
