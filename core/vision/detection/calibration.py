"""Box calibration: each detector's box mapped into dlib's detector box convention.

dlib's shape predictors were trained on boxes from dlib's own detectors, so a
box from another detector is first moved and scaled to where dlib's CNN
detector would have put it. The adjustment is affine in the box's own frame:

    centre' = centre + (shift_x * width, shift_y * height)
    width'  = scale_x * width,  height' = scale_y * height

with width and height measured as ``right - left`` and ``bottom - top`` (the
shape predictor's unit square). The constants are fitted on the shared photos
by ``bench/fit_box_calibration.py`` (least squares against dlib CNN boxes of the
same faces, refined on descriptor distance) and pasted here.

A fixed transform is as far as box calibration can go, which is why the
detectors refine calibrated boxes to dlib's own CNN boxes where dlib's
detector finds the face (``core.vision.detection.refinement``) and keep the
calibrated box only where it does not. dlib's shape predictor reads single
pixels, so dlib's own CNN box moved by one pixel already moves the descriptor
measurably, and where dlib's CNN box sits on a face varies from face to face in
a way no detector's box or landmarks predict: a box derived per face from the
predicted 5 points (least-squares fit of the predictor's mean shape, moved into
dlib's frame, predicted again) lands no closer to dlib's boxes and gives no
better descriptors (``bench/fit_box_calibration.py --landmarks``; the figures
are in the README's Models section).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.geometry import Box


@dataclass(frozen=True)
class BoxCalibration:
    """An affine adjustment of boxes, in the box's frame (see the module docstring)."""

    shift_x: float = 0.0
    shift_y: float = 0.0
    scale_x: float = 1.0
    scale_y: float = 1.0

    def apply(self, box: Box) -> Box:
        """The box moved and scaled; its sides measured as ``right - left`` and ``bottom - top``."""
        width, height = box.right - box.left, box.bottom - box.top
        centre_x, centre_y = box.centre
        centre_x += self.shift_x * width
        centre_y += self.shift_y * height
        half_width, half_height = self.scale_x * width / 2, self.scale_y * height / 2
        return Box(centre_x - half_width, centre_y - half_height, centre_x + half_width, centre_y + half_height)


IDENTITY = BoxCalibration()
"""dlib's CNN detector (the MMOD network): its boxes are the convention."""

MTCNN_TO_DLIB = BoxCalibration(shift_x=-0.0167, shift_y=-0.0161, scale_x=1.0596, scale_y=0.7826)
"""MTCNN's O-Net boxes (taller than wide, from forehead to chin) to dlib's.

Fitted on the faces of the shared photos that dlib's CNN detector finds, by
least squares against dlib's CNN boxes and then refined on the distance of the
resulting descriptors to dlib's (``bench/fit_box_calibration.py``; the distances
it reaches, about those of dlib's own box moved by one pixel, are in the
README's Models section)."""

YUNET_TO_DLIB = BoxCalibration(shift_x=-0.0285, shift_y=-0.0062, scale_x=1.085, scale_y=0.8076)
"""YuNet's boxes (from brow to chin, narrower than dlib's) to dlib's, so dlib's shape predictors
read YuNet's faces (detection_03's landmarks and attributes, and recognition_01/02's features).

Fitted as MTCNN's, on the same faces (``bench/fit_box_calibration.py --detector yunet``: least
squares, then refined on the descriptor distance); the distances it reaches are in the README's
Models section."""
