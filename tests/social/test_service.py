"""The social services on a real database: the response clock, promises, escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases.models import Case
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.social import service
from calmdesk.social.clock import clock_for
from calmdesk.social.enums import Platform, PostEventKind, PostStatus
from calmdesk.social.errors import AlreadyEscalated, OpenPromises, PromiseAlreadyKept
from calmdesk.social.models import Promise, PublicPost
from calmdesk.social.schemas import (
    EscalateRequest,
    PostCreate,
    PostFilters,
    PromiseCreate,
    ReplyCreate,
)
from calmdesk.users.models import User

WARSAW = ZoneInfo("Europe/Warsaw")
SATURDAY_10 = datetime(2026, 11, 21, 10, 0, tzinfo=WARSAW)
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW)
START = MONDAY_NOON.astimezone(UTC)


@pytest.fixture
def playbook() -> Playbook:
    return default_playbook("pl")


def weekdays_only(playbook: Playbook) -> Playbook:
    public = playbook.public.model_copy(update={"weekends_included": False})
    return playbook.model_copy(update={"public": public})


def post_in(text: str = "Czekam trzeci tydzień na zwrot 120 zł za zamówienie 48213.") -> PostCreate:
    return PostCreate(platform=Platform.FACEBOOK, author_handle="@marta.k", text=text)


def register(session: Session, playbook: Playbook, user: User, at: datetime) -> PublicPost:
    return service.register_post(session, post_in=post_in(), actor=user, playbook=playbook, now=at)


def promised(
    session: Session, playbook: Playbook, user: User, text: str, due_in: timedelta
) -> tuple[PublicPost, Promise]:
    """A post registered on Monday at noon with one promise of ``user``'s due ``due_in`` later."""
    post = register(session, playbook, user, START)
    promise_in = PromiseCreate(text=text, due_at=START + due_in)
    promise = service.make_promise(session, post=post, promise_in=promise_in, actor=user, now=START)
    return post, promise


def test_a_saturday_post_is_due_on_saturday_when_weekends_are_included(playbook: Playbook) -> None:
    clock = clock_for(SATURDAY_10.astimezone(UTC), playbook)
    assert (
        clock.first_response_due.astimezone(WARSAW) == SATURDAY_10 + playbook.public.first_response
    )
    assert clock.first_response_due.astimezone(WARSAW).weekday() == 5


def test_without_weekends_a_saturday_post_waits_for_monday_business_hours(
    playbook: Playbook,
) -> None:
    clock = clock_for(SATURDAY_10.astimezone(UTC), weekdays_only(playbook))
    due = clock.first_response_due.astimezone(WARSAW)
    assert due.weekday() == 0
    assert due.date() == datetime(2026, 11, 23).date()


def test_registering_snapshots_the_analysis_and_starts_the_clock(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    post = register(session, playbook, users["handler"], SATURDAY_10.astimezone(UTC))
    assert post.status == PostStatus.NEW
    assert post.lang == "pl"
    assert post.received_at == SATURDAY_10.astimezone(UTC)
    assert post.first_response_due == SATURDAY_10.astimezone(UTC) + timedelta(hours=1)
    assert [e.kind for e in service.events_of(session, post_id=post.id)] == ["registered"]


def test_the_first_reply_answers_the_post_and_stops_its_first_response_clock(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    start = SATURDAY_10.astimezone(UTC)
    post = register(session, playbook, users["handler"], start)
    later = start + timedelta(minutes=30)
    service.reply(
        session, post=post, reply_in=ReplyCreate(text="Już sprawdzamy."), actor=None, now=later
    )
    assert post.status == PostStatus.ANSWERED
    assert post.first_replied_at == later
    assert not service.is_overdue(post, start + timedelta(hours=2))


def test_an_unkept_promise_past_due_is_flagged(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    start = START
    post, promise = promised(
        session, playbook, users["handler"], "Zwrot do jutra.", timedelta(days=1)
    )
    after = start + timedelta(days=2)
    assert promise.is_overdue(after)
    flagged = service.list_(session, filters=PostFilters(promise_overdue=True), now=after)
    assert [p.id for p in flagged.items] == [post.id]
    assert service.promise_counts(session, post_ids=[post.id], now=after)[post.id].overdue == 1
    not_yet = service.list_(session, filters=PostFilters(promise_overdue=True), now=start)
    assert not_yet.total == 0
    with_open = service.list_(session, filters=PostFilters(open_promises=True), now=start)
    assert [p.id for p in with_open.items] == [post.id]
    assert service.list_(session, filters=PostFilters(open_promises=False), now=start).total == 0


def test_a_kept_promise_is_no_longer_flagged_and_the_event_says_it_was_late(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    start = START
    post, promise = promised(session, playbook, users["handler"], "Oddzwonimy.", timedelta(hours=2))
    late = start + timedelta(hours=3)
    service.keep_promise(session, promise=promise, actor=users["handler"], now=late)
    assert not promise.is_overdue(late + timedelta(days=1))
    kept = service.events_of(session, post_id=post.id)[-1]
    assert kept.kind == PostEventKind.PROMISE_KEPT
    assert kept.data["late"] is True
    with pytest.raises(PromiseAlreadyKept):
        service.keep_promise(session, promise=promise, actor=users["handler"], now=late)


def test_a_post_cannot_be_resolved_while_a_promise_is_open(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    start = START
    post, promise = promised(
        session, playbook, users["handler"], "Zwrot do jutra.", timedelta(days=1)
    )
    final = ReplyCreate(text="Gotowe, zwrot wysłany.", resolves=True)
    with pytest.raises(OpenPromises):
        service.reply(session, post=post, reply_in=final, actor=users["handler"], now=start)
    service.keep_promise(session, promise=promise, actor=users["handler"], now=start)
    service.reply(session, post=post, reply_in=final, actor=users["handler"], now=start)
    assert post.status == PostStatus.RESOLVED


def test_escalation_creates_a_linked_social_case_prefilled_from_the_post(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    start = MONDAY_NOON.astimezone(UTC)
    post = register(session, playbook, users["handler"], start)
    case = service.escalate_to_case(
        session,
        post=post,
        request=EscalateRequest(),
        actor=users["handler"],
        playbook=playbook,
        now=start + timedelta(minutes=5),
    )
    stored = session.get(Case, case.id)
    assert stored is not None
    assert stored.channel == "social"
    assert stored.description.startswith(post.text)
    assert stored.received_at == post.received_at
    assert stored.customer_name == "@marta.k"
    assert post.case_id == case.id
    with pytest.raises(AlreadyEscalated):
        service.escalate_to_case(
            session, post=post, request=EscalateRequest(), actor=None, playbook=playbook
        )


def test_filters_by_status_platform_and_overdue(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    start = MONDAY_NOON.astimezone(UTC)
    old = register(session, playbook, users["handler"], start - timedelta(hours=3))
    fresh = service.register_post(
        session,
        post_in=PostCreate(platform=Platform.X, author_handle="@ivan", text="Где мой заказ 5521?"),
        actor=None,
        playbook=playbook,
        now=start,
    )
    overdue = service.list_(session, filters=PostFilters(overdue=True), now=start)
    assert [p.id for p in overdue.items] == [old.id]
    on_x = service.list_(session, filters=PostFilters(platform=Platform.X), now=start)
    assert [p.id for p in on_x.items] == [fresh.id]
    assert fresh.lang == "ru"
    new = service.list_(session, filters=PostFilters(status=PostStatus.NEW), now=start)
    assert new.total == 2


def test_the_worker_flags_an_unanswered_post_past_its_target_once(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    from calmdesk.social import worker

    start = MONDAY_NOON.astimezone(UTC)
    late = register(session, playbook, users["handler"], start)
    answered = register(session, playbook, users["handler"], start)
    service.reply(
        session, post=answered, reply_in=ReplyCreate(text="Sprawdzamy."), actor=None, now=start
    )
    assert worker.run_once(session, now=start + timedelta(minutes=30)) == []
    after = start + timedelta(hours=2)
    assert worker.run_once(session, now=after) == [late.id]
    assert worker.run_once(session, now=after + timedelta(hours=1)) == []
    kinds = [e.kind for e in service.events_of(session, post_id=late.id)]
    assert kinds == ["registered", "social_sla_breached"]


def test_a_worker_step_flags_in_its_own_transactions_and_applies_retention(
    session: Session,
    session_factory: sessionmaker[Session],
    playbook: Playbook,
    users: dict[str, User],
) -> None:
    from calmdesk.social import worker

    start = MONDAY_NOON.astimezone(UTC)
    late = register(session, playbook, users["handler"], start)
    done = register(session, playbook, users["handler"], start)
    final = ReplyCreate(text="Załatwione.", resolves=True)
    service.reply(session, post=done, reply_in=final, actor=None, now=start)
    session.commit()
    later = start + timedelta(days=40)
    assert worker.run_step(session_factory, now=later, retention_days=30) == (1, 1)
    session.expire_all()
    assert late.sla_breached_at == later
    assert done.author_handle == "[erased]"


def test_history_rows_cannot_be_rewritten_nor_posts_deleted_through_the_orm(
    session: Session, playbook: Playbook, users: dict[str, User]
) -> None:
    from calmdesk.social.models import HistoryIsAppendOnly

    post = register(session, playbook, users["handler"], MONDAY_NOON.astimezone(UTC))
    session.commit()
    [registered] = service.events_of(session, post_id=post.id)
    registered.kind = "replied"
    with pytest.raises(HistoryIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(service.get_or_raise(session, post_id=post.id))
    with pytest.raises(HistoryIsAppendOnly):
        session.flush()
