"""core.links.id_path: a page's path for one record's UUID, the path worked out once per
process and the id put in on each call, as `reverse` writes it."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse, set_script_prefix
from django.utils.translation import override

from taperwell.core.links import id_path


@pytest.mark.parametrize("name", ["goals:activity_done", "meetings:detail", "care:record"])
def test_a_pages_path_for_each_id_is_the_one_reverse_gives(name):
    first, second = uuid.uuid4(), uuid.uuid4()
    assert id_path(name, first) == reverse(name, args=[first])
    assert id_path(name, second) == reverse(name, args=[second])
    assert str(second) in id_path(name, second)
    assert str(first) not in id_path(name, second)


def test_the_path_follows_the_script_prefix_and_the_language():
    public_id = uuid.uuid4()
    try:
        set_script_prefix("/clinic/")
        assert id_path("meetings:detail", public_id) == reverse("meetings:detail", args=[public_id])
        assert id_path("meetings:detail", public_id).startswith("/clinic/")
    finally:
        set_script_prefix("/")
    with override("es"):
        assert id_path("meetings:detail", public_id) == reverse("meetings:detail", args=[public_id])


def test_a_page_without_an_id_in_its_path_is_refused():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        id_path("today:today", uuid.uuid4())
