"""The slip's code round-trips any record id and is never taken for something else."""

from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.slip_code import parse_slip_code, slip_code


@given(st.uuids())
def test_a_slip_code_names_its_record_again(record_id: UUID) -> None:
    code = slip_code(str(record_id))
    assert code.startswith("VX") and code[2:].isdigit() and len(code) == 41
    assert parse_slip_code(code) == str(record_id)


def test_other_texts_are_not_slip_codes() -> None:
    too_big = "VX" + str(1 << 128).zfill(39)
    for text in ("", "VX", "079203001234", "VX123", "vx" + "0" * 39, too_big, "HC1:abc"):
        assert parse_slip_code(text) is None, text
    assert parse_slip_code(" " + slip_code("0190a8f0-0000-7000-8000-000000000001") + "\n") == (
        "0190a8f0-0000-7000-8000-000000000001"
    )
