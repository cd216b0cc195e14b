"""CPU time of one 5P reply draft (analysis of the post, category suggestion for the gift,
phrase choice), per language, after a warm-up that loads the models.

    .venv/bin/python benchmarks/social_draft.py [--rounds 200]

Timed with ``time.process_time`` so other work on a shared machine inflates it less.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from calmdesk.playbook.load import default_playbook
from calmdesk.social.drafts import DraftPost, draft_reply

POSTS = {
    "pl": "Trzeci tydzień czekam na zwrot 120 zł za zamówienie 48213. Skandal!",
    "ru": "Курьер не привёз заказ 5521, а поддержка молчит. Верните 700 рублей!",
    "en": "Charged twice for order 7731, £40 gone, and nobody answers my emails.",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    due = datetime.now(UTC) + timedelta(hours=24)
    for lang, text in POSTS.items():
        playbook = default_playbook(lang)
        post = DraftPost(1, lang, "@someone", text, due)
        draft_reply(playbook, post)  # warm-up: loads the tone model and the category index
        start = time.process_time()
        for variant in range(rounds):
            draft_reply(playbook, post, variant=variant)
        per_draft = (time.process_time() - start) / rounds * 1000
        print(f"{lang}: {per_draft:.2f} ms CPU per draft ({rounds} drafts)")


if __name__ == "__main__":
    main()
