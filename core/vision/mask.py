"""Azure's ``mask`` face attribute, decided from the 68 landmarks and the colours of the face.

A mask replaces the skin of the nose, the mouth and the chin by a surface of
another colour. The decision compares those three zones of the face with
reference skin that no mask covers, the glabella (between the brows and the
inner eye corners) and a band of forehead above the brows:

* The face is cropped around its landmarks, reduced by a whole factor when its
  eyes are far apart (colour statistics need no detail), and converted to
  CIELAB. Each pixel's chroma is normalised by its lightness,
  ``(a*, b*) / (L* + 16)``, which a change of illumination intensity leaves
  unchanged (a*, b* and L* + 16 all scale by the cube root of the intensity),
  so a nose in shadow keeps the colour of the forehead in light.
* Each zone (nose tip and nostrils, the lips with the skin around them, the
  chin between the lower lip and the jaw) and each reference is summarised
  by its median lightness and median normalised chroma.
* A zone is *covered* compared with a reference when it is much darker than
  the reference (log ratio of ``L* + 16`` under ``DARKER``), or, when the
  reference has a usable colour (normalised chroma at least
  ``MIN_REFERENCE_CHROMA``; a grey photo has none), when its chroma is far
  weaker (white, grey, black fabric: ratio under ``COVER_SATURATION``), far
  stronger (``COVER_OVERSATURATION``), or of another hue (more than
  ``COVER_HUE`` degrees away: blue, green). It is *skin* when it is neither
  much darker (``SKIN_DARKER``) nor, against a usable reference, far off in
  strength or hue (the ``SKIN_*`` bounds, which a bare face's lips, nostrils,
  stubble and shading stay inside). Between the two it is unclear.
* A zone counts as covered only when it is covered compared with every
  reference whose colour is usable, and as skin when it is skin compared
  with one of them (references without a usable colour count only when no
  reference has one, and then only by lightness); so hair over the forehead
  or a shadow over the brows makes the answer ``uncertain``, not covered.

The answer:

* ``noseAndMouthCovered`` is true when the nose and the mouth zones are both
  covered. The type is then ``faceMask`` when the chin zone is covered too
  (one covering from the nose to below the chin, as a worn mask is), and
  ``otherMaskOrOcclusion`` when the chin is not (something held across nose
  and mouth, or a covering that stops above the chin).
* ``noMask`` when the nose and the mouth zones are both skin.
* ``uncertain`` otherwise: one zone covered and the other not (a mask under
  the nose and a dark beard look alike), a face whose eyes are under
  ``MIN_EYE_DISTANCE`` pixels apart, a zone mostly outside the image, or no
  reference with a usable colour and no zone much darker than the skin.

A covering of the wearer's own skin colour and lightness (a hand, a
skin-toned scarf) is not told apart from skin by this method; it is
answered ``noMask`` or ``uncertain``. The thresholds were chosen by
measurement (``bench/eval_mask.py``): every bare face of the shared photos
stays skin with a margin, and synthetic masks drawn on those faces are
covered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

MIN_EYE_DISTANCE = 10.0
"""Pixels between the eye centres under which a face is too small to judge (its nose zone holds
a few dozen pixels); detection_03's smallest faces have about this."""
WORKING_EYE_DISTANCE = 40.0
"""Larger faces are reduced by a whole factor towards this eye distance."""
MIN_ZONE_INSIDE = 0.8
"""Share of a zone's area that must lie inside the image."""

# Thresholds on a zone against a reference: log ratio of L* + 16, ratio of chroma strengths, hue
# turn in degrees. The covered bounds keep a margin from the nearest a bare face of the shared
# photos comes to them: moved together towards the skin bounds, they call no bare face covered
# until about halfway there (bench/eval_mask.py measures the answers).
MIN_REFERENCE_CHROMA = 0.15
DARKER = -0.6
COVER_SATURATION = 0.5
COVER_OVERSATURATION = 3.0
COVER_HUE = 45.0
SKIN_DARKER = -0.5
SKIN_SATURATION = (0.6, 2.5)
SKIN_HUE = 35.0
MIN_HUE_CHROMA = 0.05
"""A normalised chroma under this is grey: its hue is not read."""

COVERED, SKIN, UNCLEAR = "covered", "skin", "unclear"

# sRGB (D65) to CIE XYZ, rows X, Y, Z; the reference white D65.
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


@dataclass(frozen=True)
class Colour:
    """A region's median lightness ``L*`` and median normalised chroma ``(a*, b*) / (L* + 16)``."""

    lightness: float
    chroma: tuple[float, float]


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB values in [0, 255], shape (..., 3)."""
    scaled = rgb / 255.0
    linear = np.where(scaled <= 0.04045, scaled / 12.92, ((scaled + 0.055) / 1.055) ** 2.4)
    xyz = linear @ SRGB_TO_XYZ.T / WHITE_D65
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def eye_distance(points68: np.ndarray) -> float:
    """Pixels between the centres of the two eyes (points 36-41 and 42-47)."""
    return float(np.linalg.norm(points68[42:48].mean(axis=0) - points68[36:42].mean(axis=0)))


def scaled_about_centre(polygon: np.ndarray, factor: float) -> np.ndarray:
    centre = polygon.mean(axis=0)
    return centre + (polygon - centre) * factor


def zones(points68: np.ndarray, eyes: float) -> dict[str, np.ndarray]:
    """The polygons compared: three that a mask covers, two references it leaves bare."""
    up = np.array([0.0, -eyes])
    brows = points68[18:26]
    return {
        "nose": scaled_about_centre(
            np.vstack([(points68[29] + points68[30]) / 2, points68[[35, 34, 33, 32, 31]]]), 1.2
        ),
        "mouth": scaled_about_centre(points68[48:60], 1.3),
        "chin": scaled_about_centre(points68[[59, 58, 57, 56, 55, 10, 9, 8, 7, 6]], 0.85),
        "glabella": scaled_about_centre(
            np.vstack([points68[[21, 22, 42]], (points68[27] + points68[28]) / 2, points68[[39]]]), 0.8
        ),
        "forehead": np.vstack([brows + 0.12 * up, brows[::-1] + 0.4 * up]),
    }


def zone_colours(image_rgb_uint8: np.ndarray, points68: np.ndarray) -> dict[str, Colour | None]:
    """Each zone's ``Colour``; None for a zone mostly outside the image."""
    eyes = eye_distance(points68)
    polygons = zones(points68, eyes)
    corners = np.vstack(list(polygons.values()))
    height, width = image_rgb_uint8.shape[:2]
    left, top = (max(0, math.floor(value)) for value in corners.min(axis=0))
    right, bottom = (math.ceil(value) + 1 for value in corners.max(axis=0))
    right, bottom = min(width, right), min(height, bottom)
    if right <= left or bottom <= top:
        return dict.fromkeys(polygons)
    factor = max(1, int(eyes // WORKING_EYE_DISTANCE))
    crop = Image.fromarray(np.ascontiguousarray(image_rgb_uint8[top:bottom, left:right])).reduce(factor)
    lab = srgb_to_lab(np.asarray(crop, dtype=np.float64))
    chroma = lab[..., 1:] / (lab[..., :1] + 16.0)
    colours: dict[str, Colour | None] = {}
    for name, polygon in polygons.items():
        local = (polygon - (left, top)) / factor
        drawn = Image.new("1", (crop.width, crop.height), 0)
        ImageDraw.Draw(drawn).polygon([tuple(point) for point in local], fill=1)
        inside = np.asarray(drawn, dtype=bool)
        if inside.sum() < MIN_ZONE_INSIDE * polygon_area(local):
            colours[name] = None
            continue
        median_chroma = np.median(chroma[inside], axis=0)
        colours[name] = Colour(
            float(np.median(lab[..., 0][inside])), (float(median_chroma[0]), float(median_chroma[1]))
        )
    return colours


def polygon_area(polygon: np.ndarray) -> float:
    """Shoelace area, at least one pixel."""
    x, y = polygon[:, 0], polygon[:, 1]
    return max(1.0, 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))))


def compare(zone: Colour, reference: Colour) -> str:
    """``COVERED``, ``SKIN`` or ``UNCLEAR``: the zone against one reference (rules in the module's docstring)."""
    darker = math.log((zone.lightness + 16.0) / (reference.lightness + 16.0))
    reference_strength = math.hypot(*reference.chroma)
    if reference_strength < MIN_REFERENCE_CHROMA:
        return COVERED if darker < DARKER else UNCLEAR
    strength = math.hypot(*zone.chroma)
    saturation = strength / reference_strength
    hue = 0.0
    if strength >= MIN_HUE_CHROMA:
        turn = math.atan2(zone.chroma[1], zone.chroma[0]) - math.atan2(reference.chroma[1], reference.chroma[0])
        hue = abs(math.degrees(math.remainder(turn, 2 * math.pi)))
    if darker < DARKER or saturation < COVER_SATURATION or saturation > COVER_OVERSATURATION or hue > COVER_HUE:
        return COVERED
    if darker >= SKIN_DARKER and SKIN_SATURATION[0] <= saturation <= SKIN_SATURATION[1] and hue <= SKIN_HUE:
        return SKIN
    return UNCLEAR


def zone_state(zone: Colour | None, references: list[Colour]) -> str:
    """Covered against every usable reference, skin against one, else unclear.

    References without a usable colour count only when no reference has one.
    """
    if zone is None or not references:
        return UNCLEAR
    usable = [reference for reference in references if math.hypot(*reference.chroma) >= MIN_REFERENCE_CHROMA]
    states = [compare(zone, reference) for reference in usable or references]
    if SKIN in states:
        return SKIN
    return COVERED if all(state == COVERED for state in states) else UNCLEAR


def mask(image_rgb_uint8: np.ndarray, points68: np.ndarray) -> dict[str, Any]:
    """Azure's ``mask`` {type, noseAndMouthCovered} of the face with these (68, 2) landmarks."""
    points = np.asarray(points68, dtype=np.float64)
    if eye_distance(points) < MIN_EYE_DISTANCE:
        return {"type": "uncertain", "noseAndMouthCovered": False}
    colours = zone_colours(image_rgb_uint8, points)
    references = [colour for name in ("glabella", "forehead") if (colour := colours[name]) is not None]
    nose, mouth, chin = (zone_state(colours[name], references) for name in ("nose", "mouth", "chin"))
    if nose == COVERED and mouth == COVERED:
        return {"type": "faceMask" if chin == COVERED else "otherMaskOrOcclusion", "noseAndMouthCovered": True}
    if nose == SKIN and mouth == SKIN:
        return {"type": "noMask", "noseAndMouthCovered": False}
    return {"type": "uncertain", "noseAndMouthCovered": False}
