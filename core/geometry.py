"""Face rectangles and boxes, with their conventions in their names.

Three kinds of rectangle meet in the service:

* ``Rectangle``: Azure's ``faceRectangle`` and ``targetFace``: whole pixels,
  ``left, top, width, height``.
* ``Box``: dlib's ``drectangle``, the box the shape predictors and face chips
  are computed from: ``left, top, right, bottom`` in pixels, right and bottom
  inclusive (a box one pixel wide has ``right == left``), not necessarily whole.
  A box straight from another detector (MTCNN's) holds that detector's corners
  until ``core.vision.detection.calibration`` moves it into dlib's convention.
* ``PixelBox``: dlib's ``rectangle``, the same corners in whole pixels: what
  dlib's CNN detector reports and where its pyramid levels sit in the tiled
  image, whose corners index arrays.

All are named tuples, so they unpack and convert to numpy arrays as the plain
tuples they replace did, and their arithmetic is that of their fields.
``width`` and ``height`` of a box are dlib's (``right - left + 1``, 0 when
empty), not the ``right - left`` of the shape predictor's unit square.
"""

from __future__ import annotations

from typing import NamedTuple


def _extent(low: float, high: float) -> float:
    """dlib's side length of an inclusive span: ``high - low + 1``, 0 when empty."""
    return high - low + 1 if high >= low else 0


class Rectangle(NamedTuple):
    """Azure's ``faceRectangle``: whole pixels, ``left, top, width, height``."""

    left: int
    top: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[float, float]:
        """(x, y) of the rectangle's centre."""
        return self.left + self.width / 2, self.top + self.height / 2

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies in the rectangle (left and top edges in, right and bottom out)."""
        return self.left <= x < self.left + self.width and self.top <= y < self.top + self.height

    def to_box(self) -> Box:
        """The dlib box of the same pixels (right and bottom inclusive).

        ``box.to_rectangle`` maps it back to this rectangle, so a ``targetFace`` a
        client sends back names the face's own box.
        """
        return Box(
            float(self.left),
            float(self.top),
            float(self.left + self.width - 1),
            float(self.top + self.height - 1),
        )


class Box(NamedTuple):
    """dlib's ``drectangle``: ``left, top, right, bottom`` pixels, right and bottom inclusive."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return _extent(self.left, self.right)

    @property
    def height(self) -> float:
        return _extent(self.top, self.bottom)

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def centre(self) -> tuple[float, float]:
        """(x, y) halfway between the corners."""
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    def rounded(self) -> PixelBox:
        """The corners rounded to whole pixels (Python's ``round``: halves to even)."""
        return PixelBox(round(self.left), round(self.top), round(self.right), round(self.bottom))

    def to_rectangle(self, image_width: int, image_height: int) -> Rectangle | None:
        """Azure's rectangle of the box: rounded to whole pixels and clipped to the
        ``image_width`` x ``image_height`` image; None when nothing of it is inside."""
        left, top = max(0, round(self.left)), max(0, round(self.top))
        right, bottom = min(image_width - 1, round(self.right)), min(image_height - 1, round(self.bottom))
        if right < left or bottom < top:
            return None
        return Rectangle(left, top, right - left + 1, bottom - top + 1)


class PixelBox(NamedTuple):
    """dlib's ``rectangle``: whole-pixel ``left, top, right, bottom``, right and bottom inclusive."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def area(self) -> int:
        return int(_extent(self.left, self.right) * _extent(self.top, self.bottom))

    def intersection(self, other: PixelBox) -> PixelBox:
        """The pixels in both (empty, so of area 0, when they do not meet)."""
        return PixelBox(
            max(self.left, other.left),
            max(self.top, other.top),
            min(self.right, other.right),
            min(self.bottom, other.bottom),
        )

    def enclosing(self, other: PixelBox) -> PixelBox:
        """The smallest box holding both (dlib's ``rectangle + rectangle``)."""
        return PixelBox(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def to_box(self) -> Box:
        """The same corners as a ``Box``."""
        return Box(float(self.left), float(self.top), float(self.right), float(self.bottom))
