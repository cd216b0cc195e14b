"""Public posts for ``calmdesk demo``: one per language, in different states (an unanswered post
past its target, an answered one with a promise not kept on time, a resolved one).

Invented for the demo; handles and numbers are fictitious.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from calmdesk.languages import Language
from calmdesk.playbook.schema import Playbook
from calmdesk.social import service
from calmdesk.social.enums import Platform
from calmdesk.social.models import PublicPost
from calmdesk.social.schemas import PostCreate, PromiseCreate, ReplyCreate
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User


@dataclass(frozen=True)
class DemoPost:
    lang: Language
    platform: Platform
    author: str
    text: str
    hours_ago: float
    reply: str | None = None
    promise: str | None = None
    promise_hours: float = 0
    """When the promise fell due, counted from the reply (negative: already late)."""
    keep_and_resolve: bool = False


POSTS: tuple[DemoPost, ...] = (
    DemoPost(
        Language.PL,
        Platform.FACEBOOK,
        "@ola.nowicka",
        "Od tygodnia czekam na zwrot 89 zł za zamówienie 55120. Infolinia nie odbiera, "
        "a na czacie każą czekać. Czy ktoś tu w ogóle pracuje?",
        hours_ago=3,
    ),
    DemoPost(
        Language.RU,
        Platform.X,
        "@d_smirnov",
        "Второй раз за месяц пропадает интернет, договор 7781-22. Верните деньги за эти дни!",
        hours_ago=30,
        reply="Дмитрий, простите за перебои. Проверяем линию и напишем вам до вечера.",
        promise="Написать клиенту результат проверки линии",
        promise_hours=4,
    ),
    DemoPost(
        Language.EN,
        Platform.GOOGLE_REVIEWS,
        "Chris B.",
        "Waited 40 minutes at the counter and the staff were rude. Order 3391 still not ready.",
        hours_ago=50,
        reply="Chris, we're sorry about the wait and the tone. We'll call you about order 3391.",
        promise="Call the customer about order 3391",
        promise_hours=2,
        keep_and_resolve=True,
    ),
)


def add_posts(session: Session, *, playbook: Playbook, responder: User) -> list[PublicPost]:
    posts = []
    for demo in POSTS:
        seen = utcnow() - timedelta(hours=demo.hours_ago)
        post = service.register_post(
            session,
            post_in=PostCreate(
                platform=demo.platform,
                author_handle=demo.author,
                text=demo.text,
                lang=demo.lang,
                received_at=seen,
            ),
            actor=responder,
            playbook=playbook,
            now=seen,
        )
        if demo.reply:
            replied = seen + timedelta(minutes=40)
            reply_in = ReplyCreate(text=demo.reply)
            service.reply(session, post=post, reply_in=reply_in, actor=responder, now=replied)
            if demo.promise:
                due = replied + timedelta(hours=demo.promise_hours)
                promise = service.make_promise(
                    session,
                    post=post,
                    promise_in=PromiseCreate(text=demo.promise, due_at=due),
                    actor=responder,
                    now=replied,
                )
                if demo.keep_and_resolve:
                    done = due - timedelta(minutes=30)
                    service.keep_promise(session, promise=promise, actor=responder, now=done)
                    final = ReplyCreate(text=demo.reply, resolves=True, confirm_template=True)
                    service.reply(session, post=post, reply_in=final, actor=responder, now=done)
        posts.append(post)
    return posts
