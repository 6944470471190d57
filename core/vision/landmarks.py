"""Azure Face's 27 named landmarks, derived from dlib's 68-point (iBUG 300-W) shape.

Azure names sides as they appear in the image: ``pupilLeft`` is the pupil with
the smaller x, i.e. the subject's right eye. In the 68-point scheme (0-based)
the image-left side is: eyebrow 17-21 (outer to inner), eye 36-41 (36 outer
corner, 37-38 upper lid, 39 inner corner, 40-41 lower lid), mouth corner 48,
nostril 31; the image-right side mirrors it: eyebrow 22-26 (inner to outer),
eye 42-47 (42 inner corner, 43-44 upper lid, 45 outer corner, 46-47 lower
lid), mouth corner 54, nostril 35. The nose bridge runs 27 (root) to 30 (tip);
the outer lip is 48-59 (51 top of the upper lip, 57 bottom of the under lip),
the inner lip 60-67 (62 upper lip's lower edge, 66 under lip's upper edge).

Each Azure landmark is the mean of the 68-point indices listed in
``LANDMARK_SOURCES``, with two kinds of derived point:

* pupils are the centre of the six eye-contour points, eye top/bottom the
  middle of the two upper/lower lid points;
* ``noseRoot*`` lie a third of the way from the bridge root (27) to the eye's
  inner corner, and ``nose*AlarTop`` halfway between the bridge (29) and the
  nostril's outer point (31/35), where the alar crease starts.

Coordinates are rounded to 0.1 px as Azure reports them.
"""

from __future__ import annotations

import numpy as np

LANDMARK_SOURCES: dict[str, tuple[int, ...]] = {
    "pupilLeft": (36, 37, 38, 39, 40, 41),
    "pupilRight": (42, 43, 44, 45, 46, 47),
    "noseTip": (30,),
    "mouthLeft": (48,),
    "mouthRight": (54,),
    "eyebrowLeftOuter": (17,),
    "eyebrowLeftInner": (21,),
    "eyeLeftOuter": (36,),
    "eyeLeftTop": (37, 38),
    "eyeLeftBottom": (40, 41),
    "eyeLeftInner": (39,),
    "eyebrowRightInner": (22,),
    "eyebrowRightOuter": (26,),
    "eyeRightInner": (42,),
    "eyeRightTop": (43, 44),
    "eyeRightBottom": (46, 47),
    "eyeRightOuter": (45,),
    "noseRootLeft": (27, 27, 39),
    "noseRootRight": (27, 27, 42),
    "noseLeftAlarTop": (29, 31),
    "noseRightAlarTop": (29, 35),
    "noseLeftAlarOutTip": (31,),
    "noseRightAlarOutTip": (35,),
    "upperLipTop": (51,),
    "upperLipBottom": (62,),
    "underLipTop": (66,),
    "underLipBottom": (57,),
}


def azure_landmarks(points68: np.ndarray) -> dict[str, dict[str, float]]:
    """Azure's ``faceLandmarks`` object from a (68, 2) array of (x, y) points."""
    points = np.asarray(points68, dtype=np.float64)
    if points.shape != (68, 2):
        raise ValueError(f"expected 68 (x, y) points, got shape {points.shape}")
    landmarks: dict[str, dict[str, float]] = {}
    for name, indices in LANDMARK_SOURCES.items():
        x, y = points[list(indices)].mean(axis=0)
        landmarks[name] = {"x": round(float(x), 1), "y": round(float(y), 1)}
    return landmarks
