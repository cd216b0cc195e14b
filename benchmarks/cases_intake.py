"""Intake throughput: complaints recorded per second through the service layer, one transaction
per complaint (as the API does), on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/cases_intake.py --count 2000
    .venv/bin/python benchmarks/cases_intake.py --count 300 --suggest   # no category given

With ``--suggest`` the category is suggested from the text (one sentence embedding each).
"""

from __future__ import annotations

import argparse
import platform
import time

from cases_db import temporary_engine

from calmdesk.cases import service
from calmdesk.cases.categorize import suggest_category
from calmdesk.cases.schemas import CaseCreate
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.db import make_session_factory

TEXTS = [
    ("pl", "Na fakturze za marzec jest kwota o 200 zł wyższa niż w umowie."),
    ("ru", "Заказ не доставили в срок, курьер не отвечает на звонки."),
    ("en", "The phone arrived with a cracked screen and a missing charger."),
]


def run(backend: str, count: int, suggest: bool) -> float:
    playbook = default_playbook("pl")
    suggest_category(playbook, "warm-up")  # load the encoder and the playbook's embeddings
    with temporary_engine(backend, "intake") as engine:
        factory = make_session_factory(engine)
        started = time.perf_counter()
        for n in range(count):
            lang, text = TEXTS[n % len(TEXTS)]
            with factory() as session, session.begin():
                service.intake(
                    session,
                    case_in=CaseCreate(
                        customer_contact=f"customer-{n}@example.com",
                        description=text,
                        language=lang,
                        category=None if suggest else "invoice_error",
                        channel="email",
                    ),
                    actor=None,
                    playbook=playbook,
                )
        elapsed = time.perf_counter() - started
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--suggest", action="store_true")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"# {platform.machine()}, {platform.python_version()}, count={args.count}, "
        f"suggest={args.suggest}"
    )
    for backend in backends:
        rate = run(backend, args.count, args.suggest)
        print(f"{backend}: {rate:.0f} intakes/s ({1000 / rate:.2f} ms each)")


if __name__ == "__main__":
    main()
