"""Reading dlib's serialisation format (dlib/serialize.h) from bytes.

dlib writes its objects as a stream of primitives with no self-description;
a reader must know which type comes next. This module decodes the primitives;
networks and shape predictors are parsed on top of it.

Public API (stable):

``DlibReader(data)``
    A cursor over ``bytes``/``bytearray``/``memoryview``. ``reader.offset`` is the
    position of the next unread byte (assignable), ``reader.size`` the data
    length, ``reader.at_end`` tells when all is read. Every ``read_*`` method
    consumes what it returns and raises ``DlibFormatError`` on malformed or
    truncated input.

    ``read_int()``             any C++ integral type (int, long, unsigned long, int64, ...)
    ``read_ints(count=None)``  ``count`` consecutive integers (all up to the end of
                               the data when ``None``), vectorised, int64 array
    ``read_byte()``            char / unsigned char (one raw byte)
    ``read_bool()``            bool (ASCII '0' / '1')
    ``read_float()``           float / double (float_details: mantissa, exponent)
    ``read_floats(count)``     ``count`` consecutive floats, vectorised, float64 array
    ``read_string()``          std::string (UTF-8, undecodable bytes kept as surrogates)
    ``read_version(*names)``   a std::string version tag, checked against ``names``
    ``read_vector(read_item)`` std::vector<T>: a length, then ``read_item(reader)`` each
    ``read_matrix()``          dlib::matrix<float|double>, as a 2-D float64 array
    ``read_tensor()``          dlib::resizable_tensor, as a float32 (n, k, nr, nc) array
    ``read_alias_tensor()``    dlib::alias_tensor, as its (n, k, nr, nc) shape

``floats_from_parts(mantissas, exponents)``
    float64 values from float_details integer pairs (vectorised).

Formats. An integer is a control byte (bit 7: negative, bits 0-3: byte count
1..8) followed by the magnitude in little-endian order. A float is two such
integers, a mantissa and an exponent (value = mantissa * 2**exponent;
exponents 32000/32001/32002 mean +inf/-inf/NaN). Containers of numbers
(vector lengths, matrix sizes, floats) are therefore one run of integers:
a structure made only of those, such as a shape predictor's forests, can be
decoded in one ``read_ints`` call and taken apart with numpy indexing.

Vectorised decoding. Every byte is read as if it were a control byte, which
gives a would-be successor position; the integers of a run are the chain of
successors from its first byte. The run is cut into blocks, one lane per
block follows successors from the block's first byte (all lanes advance
together as numpy arrays) and marks what it visits. A lane that started off
the true chain joins it after a few steps because successor chains merge; a
short sequential pass per block replaces the lane's false prefix with the
true chain entering from the previous block, so the result is exact whatever
the data, and fast on real data. Long runs go in windows of a few megabytes,
which keeps the lanes' working set in the CPU cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

T = TypeVar("T")

FLOAT_IS_INF = 32000
FLOAT_IS_NINF = 32001
FLOAT_IS_NAN = 32002

_MAX_INT_BYTES = 8
_PADDING = 2 * (1 + _MAX_INT_BYTES)
_TYPICAL_INT_BYTES = 4
_MAX_BLOCK_SIZE = 2048
_MIN_BLOCK_SIZE = 64
_LANES_PER_WINDOW = 64
_MAX_WINDOW_BYTES = 1 << 22  # windows small enough for the lanes to stay in cache
_SIZE_MASKS = np.array([(1 << min(8 * size, 64)) - 1 for size in range(16)], dtype=np.uint64)


class DlibFormatError(ValueError):
    """The bytes are not what dlib would have written for the expected type."""


def floats_from_parts(mantissas: np.ndarray, exponents: np.ndarray) -> np.ndarray:
    """float64 values of float_details (mantissa, exponent) pairs."""
    mantissas = np.asarray(mantissas, dtype=np.int64)
    exponents = np.asarray(exponents, dtype=np.int64)
    finite = exponents < FLOAT_IS_INF
    values = np.ldexp(mantissas.astype(np.float64), np.where(finite, exponents, 0).astype(np.int32))
    values[exponents == FLOAT_IS_INF] = np.inf
    values[exponents == FLOAT_IS_NINF] = -np.inf
    values[exponents >= FLOAT_IS_NAN] = np.nan
    return values


def _chain_marks(buffer: np.ndarray, start: int, stop: int) -> tuple[np.ndarray, int]:
    """Mark the integer starts of the chain from ``start`` within ``[start, stop)``.

    Returns a bool array over ``[start, stop)`` and the chain's first position
    at or beyond ``stop``. ``buffer`` is zero-padded past the data.
    """
    marks = np.zeros(stop - start, dtype=bool)
    block_size = int(np.clip((stop - start) // _LANES_PER_WINDOW, _MIN_BLOCK_SIZE, _MAX_BLOCK_SIZE))
    block_starts = np.arange(start, stop, block_size, dtype=np.int64)
    block_stops = np.minimum(block_starts + block_size, stop)
    lanes = block_starts.copy()
    active = np.flatnonzero(lanes < block_stops)
    while active.size:
        positions = lanes[active]
        marks[positions - start] = True
        lanes[active] = positions + 1 + (buffer[positions] & 0x0F)
        active = active[lanes[active] < block_stops[active]]
    position = start
    for block, (block_start, block_stop) in enumerate(zip(block_starts.tolist(), block_stops.tolist(), strict=True)):
        walked: list[int] = []
        while position < block_stop and not marks[position - start]:
            walked.append(position)
            position += 1 + int(buffer[position] & 0x0F)
        joined = position < block_stop
        marks[block_start - start : (position if joined else block_stop) - start] = False
        marks[np.asarray(walked, dtype=np.int64) - start] = True
        if joined:
            position = int(lanes[block])
    return marks, position


def _decode_ints(buffer: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values and byte counts of the integers whose control bytes are at ``starts``.

    Each magnitude is read as one unaligned little-endian 8-byte word (a view of
    ``buffer`` with a one-byte stride) and masked to its byte count.
    """
    words = np.ndarray(shape=(buffer.size - _MAX_INT_BYTES,), dtype="<u8", buffer=buffer, strides=(1,))
    controls = buffer[starts]
    sizes = controls & 0x0F
    values = (words[starts + 1] & _SIZE_MASKS[sizes]).view(np.int64)
    negative = controls >= 0x80
    values[negative] = -values[negative]
    return values, sizes


class DlibReader:
    """A cursor decoding dlib's serialised primitives from a byte buffer."""

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        raw = np.frombuffer(data, dtype=np.uint8)
        self.size = raw.size
        self._padded = np.concatenate([raw, np.zeros(_PADDING, dtype=np.uint8)])
        self.buffer = self._padded[: self.size]
        self.offset = 0

    @property
    def at_end(self) -> bool:
        return self.offset >= self.size

    def _take(self, count: int) -> int:
        start = self.offset
        if count < 0 or start + count > self.size:
            raise DlibFormatError(f"unexpected end of data at byte {start}")
        self.offset = start + count
        return start

    def read_byte(self) -> int:
        return int(self.buffer[self._take(1)])

    def read_int(self) -> int:
        control = self.read_byte()
        size = control & 0x0F
        if not 1 <= size <= _MAX_INT_BYTES:
            raise DlibFormatError(f"bad integer control byte {control:#04x} at byte {self.offset - 1}")
        start = self._take(size)
        value = int.from_bytes(self.buffer[start : start + size].tobytes(), "little")
        return -value if control & 0x80 else value

    def _int_starts(self, count: int | None) -> np.ndarray:
        """Positions of the next ``count`` integers (all up to the end when ``None``)."""
        found: list[np.ndarray] = []
        have = 0
        position = self.offset
        while position < self.size and (count is None or have < count):
            wanted = self.size - position if count is None else (count - have) * _TYPICAL_INT_BYTES + 64
            stop = min(position + min(wanted, _MAX_WINDOW_BYTES), self.size)
            window_start = position
            marks, position = _chain_marks(self._padded, window_start, stop)
            starts = np.flatnonzero(marks) + window_start
            found.append(starts if count is None else starts[: count - have])
            have += found[-1].size
        if count is not None and have < count:
            raise DlibFormatError(f"unexpected end of data in a run of {count} integers at byte {self.offset}")
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def _read_int_run(self, count: int | None) -> tuple[np.ndarray, np.ndarray]:
        starts = self._int_starts(count)
        values, sizes = _decode_ints(self._padded, starts)
        if ((sizes < 1) | (sizes > _MAX_INT_BYTES)).any():
            bad = int(starts[np.flatnonzero((sizes < 1) | (sizes > _MAX_INT_BYTES))[0]])
            raise DlibFormatError(f"bad integer control byte {self.buffer[bad]:#04x} at byte {bad}")
        if starts.size:
            end = int(starts[-1] + 1 + sizes[-1])
            if end > self.size:
                raise DlibFormatError(f"unexpected end of data at byte {int(starts[-1])}")
            self.offset = end
        return values, sizes

    def read_ints(self, count: int | None = None) -> np.ndarray:
        return self._read_int_run(count)[0]

    def read_bool(self) -> bool:
        byte = self.read_byte()
        if byte not in (ord("0"), ord("1")):
            raise DlibFormatError(f"bad bool byte {byte:#04x} at byte {self.offset - 1}")
        return byte == ord("1")

    def _check_binary_float(self) -> None:
        if self.offset < self.size and self.buffer[self.offset] & 0x70:
            raise DlibFormatError(f"ASCII float encoding at byte {self.offset} is not supported")

    def read_float(self) -> float:
        self._check_binary_float()
        mantissa = self.read_int()
        exponent = self.read_int()
        return float(floats_from_parts(np.array([mantissa]), np.array([exponent]))[0])

    def read_floats(self, count: int) -> np.ndarray:
        if count == 0:
            return np.zeros(0, dtype=np.float64)
        self._check_binary_float()
        at = self.offset
        values, sizes = self._read_int_run(2 * count)
        if (sizes[1::2] > 2).any():
            raise DlibFormatError(f"bad float exponent in the run of {count} floats at byte {at}")
        return floats_from_parts(values[0::2], values[1::2])

    def read_string(self) -> str:
        size = self.read_int()
        start = self._take(size)
        return self.buffer[start : start + size].tobytes().decode("utf-8", "surrogateescape")

    def read_version(self, *names: str) -> str:
        at = self.offset
        version = self.read_string()
        if version not in names:
            raise DlibFormatError(f"expected one of {names} at byte {at}, found {version!r}")
        return version

    def read_vector(self, read_item: Callable[[DlibReader], T]) -> list[T]:
        return [read_item(self) for _ in range(self.read_int())]

    def read_matrix(self) -> np.ndarray:
        rows, columns = abs(self.read_int()), abs(self.read_int())
        return self.read_floats(rows * columns).reshape(rows, columns)

    def read_tensor(self) -> np.ndarray:
        version = self.read_int()
        if version != 2:
            raise DlibFormatError(f"unexpected resizable_tensor version {version}")
        shape = tuple(self.read_int() for _ in range(4))
        size = int(np.prod(shape))
        start = self._take(4 * size)
        return self.buffer[start : start + 4 * size].view("<f4").astype(np.float32).reshape(shape)

    def read_alias_tensor(self) -> tuple[int, int, int, int]:
        version = self.read_int()
        if version != 1:
            raise DlibFormatError(f"unexpected alias_tensor version {version}")
        n, k, nr, nc = (self.read_int() for _ in range(4))
        return n, k, nr, nc
