from __future__ import annotations

import pytest

from domain.errors import FieldError
from domain.places import (
    province_name,
    provinces,
    resolve_province,
    resolve_ward,
    suggest,
    ward_name,
)


def test_34_provinces_after_2025() -> None:
    assert len(provinces()) == 34


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("ho chi minh", "Thành phố Hồ Chí Minh"),
        ("Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("thanh pho ha noi", "Thành phố Hà Nội"),
        ("ha noi", "Thành phố Hà Nội"),
        ("gia lai", "Gia Lai"),
        ("quang ninh", "Quảng Ninh"),
        ("79", "Thành phố Hồ Chí Minh"),
        ("vinh lo", "Vĩnh Long"),
    ],
)
def test_provinces_typed_without_diacritics(typed: str, name: str) -> None:
    assert province_name(resolve_province(typed)) == name


def test_ambiguous_and_unknown_places() -> None:
    with pytest.raises(FieldError, match="which one"):
        resolve_province("ha")
    with pytest.raises(FieldError, match="no province called 'Gotham'"):
        resolve_province("Gotham")
    with pytest.raises(FieldError, match="province first"):
        resolve_ward("", "hoan kiem")
    assert resolve_province("") == ""


def test_wards_of_a_province() -> None:
    hanoi = resolve_province("ha noi")
    assert ward_name(hanoi, resolve_ward(hanoi, "hoan kiem")) == "Phường Hoàn Kiếm"


def test_inline_suggestion_continues_what_was_typed() -> None:
    assert suggest(provinces(), "Gia") == "Gia Lai"
    completed = suggest(provinces(), "ho c")
    assert completed is not None and completed.startswith("ho c") and completed.endswith("Minh")
    assert suggest(provinces(), "zzz") is None
