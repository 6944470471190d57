"""dlib's serialisation primitives on generated data: scalar and vectorised decoding agree."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from core.vision.conversion.dlib_serialization import DlibFormatError, DlibReader


def encode_int(value: int) -> bytes:
    """dlib's pack_int: control byte (sign bit, byte count), then little-endian magnitude."""
    magnitude = abs(value)
    payload = magnitude.to_bytes(max(1, (magnitude.bit_length() + 7) // 8), "little")
    return bytes([len(payload) | (0x80 if value < 0 else 0)]) + payload


def encode_float(value: float, digits: int = 24) -> bytes:
    """dlib's float_details conversion of a float (digits=24) or double (digits=53)."""
    if math.isnan(value):
        return encode_int(0) + encode_int(32002)
    if math.isinf(value):
        return encode_int(0) + encode_int(32000 if value > 0 else 32001)
    fraction, exponent = math.frexp(value)
    mantissa = int(fraction * (1 << digits))
    exponent -= digits
    for _ in range(8):
        if mantissa & 0xFF:
            break
        mantissa >>= 8
        exponent += 8
    return encode_int(mantissa) + encode_int(exponent)


def test_integers_round_trip() -> None:
    values = [0, 1, -1, 127, 128, 255, 256, -300, 2**31 - 1, -(2**31), 2**63 - 1]
    reader = DlibReader(b"".join(encode_int(v) for v in values))
    assert [reader.read_int() for _ in values] == values
    assert reader.at_end


def test_strings_bools_and_vectors() -> None:
    data = encode_int(5) + b"con_6" + b"10" + encode_int(3) + b"".join(encode_int(v) for v in (7, -8, 9))
    reader = DlibReader(data)
    assert reader.read_version("con_5", "con_6") == "con_6"
    assert reader.read_bool() is True and reader.read_bool() is False
    assert reader.read_vector(DlibReader.read_int) == [7, -8, 9]
    assert reader.at_end


def test_wrong_version_and_truncation_are_errors() -> None:
    with pytest.raises(DlibFormatError):
        DlibReader(encode_int(3) + b"fc_").read_version("con_6")
    with pytest.raises(DlibFormatError):
        DlibReader(encode_int(300)[:-1]).read_int()
    with pytest.raises(DlibFormatError):
        DlibReader(b"\x00").read_int()


def random_floats(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = (rng.standard_normal(count) * 10.0 ** rng.integers(-8, 8, count)).astype(np.float32)
    values[rng.integers(0, count, count // 20)] = 0.0
    values[rng.integers(0, count, count // 50)] = np.float32(1.5)
    values[:4] = [np.inf, -np.inf, 1e-42, -3.0]
    return values


def test_scalar_and_vectorised_float_decoding_agree() -> None:
    values = random_floats(50_000, seed=1)
    data = b"".join(encode_float(float(v)) for v in values) + encode_float(float("nan")) + encode_int(99)
    scalar = DlibReader(data)
    scalar_values = np.array([scalar.read_float() for _ in range(values.size + 1)])
    vectorised = DlibReader(data)
    vectorised_values = vectorised.read_floats(values.size + 1)
    np.testing.assert_array_equal(scalar_values[:-1], values.astype(np.float64))
    np.testing.assert_array_equal(vectorised_values, scalar_values)
    assert math.isnan(vectorised_values[-1])
    assert vectorised.offset == scalar.offset
    assert vectorised.read_int() == 99


@pytest.mark.parametrize("start", range(0, 40, 3))
def test_vectorised_decoding_from_every_offset_matches_scalar(start: int) -> None:
    values = random_floats(3_000, seed=start)
    data = bytes(start) + b"".join(encode_float(float(v), digits=53) for v in values.astype(np.float64))
    scalar = DlibReader(data)
    scalar.offset = start
    expected = [scalar.read_float() for _ in range(values.size)]
    vectorised = DlibReader(data)
    vectorised.offset = start
    np.testing.assert_array_equal(vectorised.read_floats(values.size), expected)
    assert vectorised.offset == scalar.offset == len(data)


def test_integer_runs_match_scalar_reads_to_the_end() -> None:
    rng = np.random.default_rng(3)
    values = [int(v) for v in rng.integers(-(2**62), 2**62, 20_000) >> rng.integers(0, 62, 20_000)]
    data = b"".join(encode_int(v) for v in values)
    assert DlibReader(data).read_ints().tolist() == values
    reader = DlibReader(data)
    assert reader.read_ints(7).tolist() == values[:7]
    assert reader.read_int() == values[7]


def test_doubles_keep_full_precision() -> None:
    values = [math.pi, -1e300, 2.0**-1070, 0.1]
    reader = DlibReader(b"".join(encode_float(v, digits=53) for v in values))
    assert list(reader.read_floats(len(values))) == values


def test_malformed_float_run_is_an_error() -> None:
    data = encode_float(1.0) + b"\x00\x00" + encode_float(2.0)
    with pytest.raises(DlibFormatError):
        DlibReader(data).read_floats(3)
    with pytest.raises(DlibFormatError):
        DlibReader(encode_float(1.0)).read_floats(2)


def test_long_runs_decode_fast() -> None:
    values = random_floats(2_000, seed=7)
    data = b"".join(encode_float(float(v)) for v in values) * 500
    started = time.perf_counter()
    decoded = DlibReader(data).read_floats(values.size * 500)
    elapsed = time.perf_counter() - started
    np.testing.assert_array_equal(decoded[-values.size :], values.astype(np.float64))
    assert elapsed < 5.0, f"1M floats took {elapsed:.2f} s"
