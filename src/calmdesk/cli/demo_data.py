"""The demo's content: a small team, complaints in Polish, Russian and English in every state of
the workflow, and past contacts (one heated enough to call for a break).

All of it is invented for the demo; names, numbers and addresses are fictitious.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from calmdesk.cases.enums import CaseStatus

S = CaseStatus


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    language: str


@dataclass(frozen=True)
class DemoCase:
    lang: str
    channel: str
    customer_name: str
    customer_contact: str
    description: str
    days_ago: float
    """How long ago the complaint arrived (so some cases are past their targets)."""
    path: tuple[CaseStatus, ...] = ()
    """The statuses it moves through after ``received``, in order."""
    references: tuple[str, ...] = ()
    compensation: str | None = None
    """``"pending"`` (above the agent's limit, for a supervisor) or ``"granted"``."""


@dataclass(frozen=True)
class DemoContact:
    lang: str
    channel: str
    turns: tuple[tuple[Literal["customer", "agent", "action"], str], ...]
    """``(who, text)``, or ``("action", action name)``."""
    ended: bool = True
    can_transfer: bool = True
    extra: dict[str, str] = field(default_factory=dict)


USERS: tuple[DemoUser, ...] = (
    DemoUser("agent", "Agata Wiśniewska", "agent", "pl"),
    DemoUser("supervisor", "Sergey Volkov", "supervisor", "ru"),
    DemoUser("handler", "Hannah Price", "handler", "en"),
    DemoUser("admin", "Adam Kowal", "admin", "pl"),
)

_TO_CLOSED = (S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED)

CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "pl",
        "phone",
        "Jan Nowicki",
        "jan.nowicki@example.pl",
        "Faktura FV/2026/10/118 jest wyższa o 240 zł niż kwota z umowy abonenckiej. "
        "Klient prosi o korektę i zwrot nadpłaty.",
        days_ago=0.1,
        references=("FV/2026/10/118",),
    ),
    DemoCase(
        "pl",
        "email",
        "Maria Zielińska",
        "maria.z@example.pl",
        "Paczka z zamówienia 55-1043 miała dotrzeć w poniedziałek; od tygodnia brak informacji "
        "od kuriera.",
        days_ago=2,
        path=(S.ACKNOWLEDGED,),
        references=("55-1043",),
    ),
    DemoCase(
        "pl",
        "chat",
        "Piotr Lis",
        "+48 601 200 300",
        "Pralka kupiona w marcu przestała wirować po dwóch miesiącach; serwis nie oddzwania.",
        days_ago=9,
        path=(S.ACKNOWLEDGED, S.IN_PROGRESS),
        compensation="pending",
    ),
    DemoCase(
        "pl",
        "phone",
        "Ewa Kamińska",
        "ewa.kaminska@example.pl",
        "Dwukrotnie pobrano opłatę za tę samą usługę w październiku.",
        days_ago=26,
        path=(S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING_CUSTOMER),
    ),
    DemoCase(
        "pl",
        "social",
        "Tomasz Wróbel",
        "@tomek_w",
        "Publiczny wpis: konsultant był niegrzeczny i rozłączył rozmowę bez wyjaśnienia.",
        days_ago=5,
        path=(S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED),
        compensation="granted",
    ),
    DemoCase(
        "pl",
        "email",
        "Anna Dąbrowska",
        "anna.d@example.pl",
        "Brak internetu przez trzy dni w listopadzie; klientka prosi o obniżenie abonamentu.",
        days_ago=20,
        path=_TO_CLOSED,
    ),
    DemoCase(
        "ru",
        "phone",
        "Ольга Смирнова",
        "+7 912 555-01-02",
        "Заказ 77-2210 доставили с разбитым экраном; клиентка просит замену или возврат денег.",
        days_ago=1,
        path=(S.ACKNOWLEDGED, S.IN_PROGRESS),
        references=("77-2210",),
    ),
    DemoCase(
        "ru",
        "chat",
        "Игорь Петров",
        "igor.petrov@example.ru",
        "В счёте за октябрь начислена услуга, которую клиент не подключал.",
        days_ago=0.3,
    ),
    DemoCase(
        "ru",
        "email",
        "Наталья Кузнецова",
        "n.kuz@example.ru",
        "Курьер не пришёл в назначенный день, клиентка зря взяла отгул.",
        days_ago=12,
        path=(S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED),
    ),
    DemoCase(
        "en",
        "email",
        "Oliver Bennett",
        "oliver.bennett@example.co.uk",
        "Charged twice for order 3391; the second payment has not been refunded after a week.",
        days_ago=3,
        path=(S.ACKNOWLEDGED,),
        references=("3391",),
    ),
    DemoCase(
        "en",
        "chat",
        "Grace Hall",
        "grace.hall@example.com",
        "The replacement kettle arrived with the same fault as the first one.",
        days_ago=7,
        path=(S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING_CUSTOMER),
    ),
    DemoCase(
        "en",
        "phone",
        "Liam Carter",
        "+44 7911 123456",
        "Engineer missed two booked appointments for the broadband installation.",
        days_ago=15,
        path=_TO_CLOSED,
    ),
)

CONTACTS: tuple[DemoContact, ...] = (
    DemoContact(
        "pl",
        "phone",
        (
            ("customer", "Ile #$&^&%@! mam jeszcze czekać na ten laptop?! Zamówienie 55-2001!"),
            ("agent", "Dzień dobry, mam na imię Agata. Słyszę, że jest Pan bardzo zdenerwowany."),
            ("customer", "Nie obchodzi mnie, jak masz na imię, $#%^&! Chcę mój sprzęt!"),
            ("action", "boundary_stated"),
            ("customer", "Jesteście bandą #$&^&%@! idiotów, wszyscy!"),
            ("action", "warning_given"),
            ("customer", "Ty kretynko, słyszysz mnie w ogóle?"),
            ("agent", "Tak, jestem i notuję każde Pana słowo."),
            ("action", "transfer_offered"),
            ("action", "transferred"),
        ),
    ),
    DemoContact(
        "ru",
        "chat",
        (
            ("customer", "Здравствуйте, мне второй месяц выставляют счёт на 1500 рублей больше."),
            ("agent", "Понимаю, это неприятно. Уточните, пожалуйста, номер договора."),
            ("customer", "Договор 44-8812. Если не исправите, уйду к другому оператору."),
            ("agent", "Спасибо. Я передам обращение в отдел расчётов, ответ будет завтра."),
        ),
    ),
    DemoContact(
        "en",
        "phone",
        (
            ("customer", "This is the third time I'm calling about order 3391. Get me a manager!"),
            ("agent", "I'm sorry you've had to call again. I'll put you through to my manager."),
            ("action", "transfer_offered"),
            ("action", "transferred"),
        ),
    ),
    DemoContact(
        "ru",
        "phone",
        (
            ("customer", "Вы там совсем #$&^&%@!? Третью неделю жду возврат денег!"),
            ("agent", "Меня зовут Агата. Слышу, что вы очень расстроены; давайте разберёмся."),
        ),
        ended=False,
    ),
)
