"""The permission ladder every view climbs: works; anonymous → sign-in; another clinic → 404;
wrong role → 403; wrong method → 405.

A test file lists its views as `Rung`s, builds the things their URLs name in a fixture that
returns a `Ladder` (the personas of the `ladder_people` fixture in tests/conftest.py and the
ids), and each of its ladder tests calls one `check_*` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from tests import factories


@dataclass(frozen=True)
class Rung:
    """One view used one way: who may use it and who may not."""

    name: str
    url: str  # with {placeholders} filled from the ladder's ids
    allowed: str  # the persona who may use it
    wrong_role: str | None  # a persona who must get 403; None when every role may
    method: str = "get"  # how the allowed person uses it
    data: Mapping[str, str] = field(default_factory=dict)  # what they send with it
    wrong_method: str = "delete"  # a method the view must refuse with 405

    @property
    def ok(self) -> int:
        """A page answers 200; a form post that did its work redirects."""
        return 200 if self.method == "get" else 302

    @property
    def scoped(self) -> bool:
        """The URL names one clinic's thing, so a person of another clinic gets 404."""
        return "{" in self.url


@dataclass(frozen=True)
class Ladder:
    people: Mapping[str, Any]  # persona name → user
    ids: Mapping[str, Any]  # URL placeholder → public id

    def url(self, rung: Rung) -> str:
        return rung.url.format(**self.ids)

    def use(self, client: Any, rung: Rung, method: str | None = None) -> Any:
        """The rung's request: its method and data, or another method with no data."""
        if method is None:
            return getattr(client, rung.method)(self.url(rung), dict(rung.data))
        return getattr(client, method)(self.url(rung))

    def stranger(self, rung: Rung, other_clinic: Any) -> Any:
        """Someone of another clinic with the allowed person's role, so only the clinic differs."""
        role = self.people[rung.allowed].membership.role
        if role == "patient":
            return factories.make_patient(other_clinic).user
        return factories.make_staff(other_clinic, role)


def scoped(rungs: list[Rung]) -> list[Rung]:
    return [rung for rung in rungs if rung.scoped]


def with_wrong_role(rungs: list[Rung]) -> list[Rung]:
    return [rung for rung in rungs if rung.wrong_role]


def rung_name(rung: Rung) -> str:
    return rung.name


def check_it_works(client: Any, ladder: Ladder, rung: Rung) -> None:
    client.force_login(ladder.people[rung.allowed])
    assert ladder.use(client, rung).status_code == rung.ok


def check_anonymous_is_sent_to_sign_in(client: Any, ladder: Ladder, rung: Rung) -> None:
    response = ladder.use(client, rung)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def check_wrong_role_is_refused(
    client: Any, ladder: Ladder, rung: Rung, persona: str | None = None
) -> None:
    """`persona` names someone refused besides the rung's own wrong role."""
    who = persona or rung.wrong_role
    assert who, f"{rung.name} has no wrong role"
    client.force_login(ladder.people[who])
    assert ladder.use(client, rung).status_code == 403


def check_another_clinic_gets_not_found(
    client: Any, ladder: Ladder, rung: Rung, stranger: Any
) -> None:
    client.force_login(stranger)
    assert ladder.use(client, rung).status_code == 404


def check_wrong_method_is_refused(client: Any, ladder: Ladder, rung: Rung) -> None:
    client.force_login(ladder.people[rung.allowed])
    assert ladder.use(client, rung, rung.wrong_method).status_code == 405
