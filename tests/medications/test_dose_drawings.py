"""The dose cards' drawings are written in Python once, not by a template included per tablet."""

from __future__ import annotations

from django.utils.safestring import SafeString

from taperwell.medications.dose_cards import Drawing


def test_each_strength_rank_gets_its_own_tablet_shape_and_a_half_is_drawn_as_half():
    shapes = [Drawing("tablet", rank).svg for rank in range(4)]
    assert len(set(shapes)) == 4
    assert all(f'class="dose-svg pill s{rank}"' in svg for rank, svg in enumerate(shapes))
    half = Drawing("tablet", 1, half=True).svg
    assert 'class="dose-svg pill s1"' in half
    assert 'd="M5 18 A11 11 0 0 1 27 18 Z"' in half


def test_a_fifth_strength_is_drawn_like_the_fourth():
    assert Drawing("tablet", 7).svg == Drawing("tablet", 3).svg


def test_patches_and_liquids_are_drawn_as_what_they_are_and_the_markup_is_not_escaped():
    patch, liquid = Drawing("patch", 0).svg, Drawing("liquid", 2, half=True).svg
    assert 'class="dose-svg patch"' in patch
    assert 'class="dose-svg liquid"' in liquid
    assert isinstance(patch, SafeString)
    assert patch.startswith("<svg ")
    assert patch.endswith("</svg>")
