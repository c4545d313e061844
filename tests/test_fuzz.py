"""Any payload is a scan or a refusal, never an exception: mutations of real certificates
(tests/fixtures/dcc), of generated chip-card codes and of ID numbers, through the parsers and
through the scan loop's per-code step. Fixed seeds and bounded counts: a few seconds in CI."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.scans import CertificateScan, IdentityScan, IdNumberScan, Rejected, parse_payload
from scanner.decode import Code
from scanner.loop import ScanLoop
from scanner.synthetic import cccd_payload, people
from tests.test_certificates import HCERT, certificate

TODAY = date(2026, 11, 23)
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dcc"
SCANS = (IdentityScan, IdNumberScan, CertificateScan, Rejected)
MUTANTS_PER_KIND = 3_400  # x3 kinds: over 10,000 payloads, each through parser and scan path
# A refusal is shown to the volunteer: in words, never an exception's or a type's name.
PYTHON_WORDS = re.compile(r"Error|Exception|NoneType|\b(str|int|dict|bool|bytes)\b")
ODD_VALUES: list[object] = [
    "", "x", "\x00", "\u202e\ufffe", "Ā" * 5000, 0, -1, 2**64, 1.5, float("nan"), True, None,
    b"\x00\xff", [], [1, "a"], {}, {"fn": 1}, {1: 2}, cbor2.CBORTag(1, "x"),
    cbor2.CBORTag(18, [1, 2]), [[[[[[[[[]]]]]]]]], {"v": []}, "2021-13-45", "9999-12-31",
]  # fmt: skip


def sample_certificates() -> list[bytes]:
    import cv2
    import numpy as np

    from scanner.decode import make_decoder

    decoder = make_decoder("zxing")
    codes = []
    for sample in sorted(FIXTURES.glob("*.png")):
        image = cv2.imdecode(np.fromfile(sample, dtype="uint8"), cv2.IMREAD_GRAYSCALE)
        codes += [code.data for code in decoder.decode(image)]
    return codes


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(buffer) + 1)
        op = rng.randrange(7)
        if op == 0 and buffer:
            buffer[min(where, len(buffer) - 1)] = rng.randrange(256)
        elif op == 1:
            buffer[where:where] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2:
            del buffer[where : where + rng.randint(1, 16)]
        elif op == 3:
            buffer[where:where] = b"\x00"
        elif op == 4:
            buffer[where:where] = rng.choice([b"|", b"||", b"HC1:", b"\xef\xbb\xbf", b" "])
        elif op == 5:
            buffer = buffer[:where]
        else:
            buffer[where:where] = buffer[: rng.randint(0, 64)]
    return bytes(buffer)


def mutate_tree(tree: object, rng: random.Random) -> object:
    """Replace, drop or retype one node of decoded claims."""
    if isinstance(tree, dict) and tree and rng.random() < 0.7:
        key = rng.choice(list(tree))
        out = dict(tree)
        if rng.random() < 0.15:
            del out[key]
        else:
            out[key] = mutate_tree(tree[key], rng)
        return out
    if isinstance(tree, list) and tree and rng.random() < 0.7:
        out_list = list(tree)
        where = rng.randrange(len(out_list))
        out_list[where] = mutate_tree(out_list[where], rng)
        return out_list
    return rng.choice(ODD_VALUES)


def claims_of(code: bytes) -> object:
    import zlib

    import base45

    cose = cbor2.loads(zlib.decompress(base45.b45decode(code[4:].decode())))
    return cbor2.loads(cose.value[2])


def certificate_mutants(rng: random.Random, count: int) -> list[bytes]:
    seeds = [claims_of(code) for code in sample_certificates()]
    seeds.append({1: "VN", -260: {1: HCERT}})
    assert len(seeds) == 5
    mutants = []
    for n in range(count):
        claims = rng.choice(seeds)
        if n % 4 == 0:  # the printed code itself, damaged
            mutants.append(mutate_bytes(certificate(None, claims=claims), rng))
        else:  # a well-formed code around wrong claims
            for _ in range(rng.randint(1, 3)):
                claims = mutate_tree(claims, rng)
            mutants.append(certificate(None, claims=claims if claims is not None else 0))
    return mutants


def cccd_mutants(rng: random.Random, count: int) -> list[bytes]:
    stream = people(7, today=TODAY)
    payloads = [cccd_payload(next(stream)).encode() for _ in range(50)]
    mutants = []
    for n in range(count):
        fields = rng.choice(payloads).decode().split("|")
        if n % 2:
            where = rng.randrange(len(fields))
            fields[where] = str(rng.choice(ODD_VALUES))[:200]
            mutants.append("|".join(fields).encode("utf-8", "surrogatepass"))
        else:
            mutants.append(mutate_bytes("|".join(fields).encode(), rng))
    return mutants


def id_mutants(rng: random.Random, count: int) -> list[bytes]:
    numbers = [b"079092001234", b"025123456", b"C1234567", b"B12345678", b"001080000001"]
    return [mutate_bytes(rng.choice(numbers), rng) for _ in range(count)]


KINDS: dict[str, Callable[[random.Random, int], list[bytes]]] = {
    "certificate": certificate_mutants,
    "cccd": cccd_mutants,
    "id": id_mutants,
}


class _Nothing:
    name = "none"
    simulated = False

    def frames(self, stop: object) -> list[object]:
        return []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_mutated_payloads_are_scans_or_refusals(kind: str) -> None:
    payloads = KINDS[kind](random.Random(f"vaxdesk-fuzz-{kind}"), MUTANTS_PER_KIND)
    assert len(payloads) == MUTANTS_PER_KIND
    loop = ScanLoop(_Nothing(), None, lambda scan, code: None,  # type: ignore[arg-type]
                    lambda state: None, today=lambda: TODAY)  # fmt: skip
    outcomes: dict[str, int] = {}
    refusals: set[str] = set()
    for payload in payloads:
        scan = parse_payload(payload, today=TODAY)
        assert isinstance(scan, SCANS)
        outcomes[scan.kind] = outcomes.get(scan.kind, 0) + 1
        if isinstance(scan, Rejected):  # its words can be made, as the screen makes them
            assert scan.reason and not PYTHON_WORDS.search(scan.reason), scan.reason
            refusals.add(scan.code)
        code = Code("QRCode" if kind != "id" else "Code39", payload, b"/" if kind == "id" else b"")
        assert isinstance(loop.parse(code), SCANS)
    # The mutations reach past the first check: some codes still read, most are refused.
    assert outcomes.get("rejected", 0) > MUTANTS_PER_KIND // 2
    assert sum(outcomes.values()) - outcomes["rejected"] > 0, outcomes
    # Every refusal came from the parsers' own checks, not from parse_payload's last resort.
    assert "scan.unreadable" not in refusals, refusals


@settings(derandomize=True, max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.binary(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=4) | st.integers(-300, 300), children, max_size=4),
    max_leaves=20,
))  # fmt: skip
def test_any_claims_in_a_well_formed_code_are_read_or_refused(hcert: object) -> None:
    for claims in ({-260: {1: hcert}}, {-260: hcert}, hcert):
        if claims is None:
            continue
        scan = parse_payload(certificate(None, claims=claims), today=TODAY)
        assert isinstance(scan, CertificateScan | Rejected)
        if isinstance(scan, Rejected):
            assert scan.code == "scan.certificate" and not PYTHON_WORDS.search(scan.reason)
