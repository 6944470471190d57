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
calibrated box only where it does not. dlib's shape predictor
reads single pixels, so dlib's own CNN box moved by one pixel already moves the
descriptor by median L2 0.047 (p95 0.130, max 0.245) on the shared photos, and
dlib's CNN box sits on the face with a spread of about 5% of its size, which
no detector's box or landmarks predict: a box derived per face from the
predicted 5 points (least-squares fit of the predictor's mean shape, moved into
dlib's frame, predicted again) lands no closer to dlib's boxes and gives no
better descriptors: in-sample mean 0.065, median 0.054, p95 0.157 against
0.058, 0.046, 0.145; held out on alternate photos median 0.053, p95 0.151, max
0.374 against 0.051, 0.168, 0.360 (``bench/fit_box_calibration.py --landmarks``).
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class BoxCalibration:
    """An affine adjustment of (left, top, right, bottom) boxes, in the box's frame."""

    shift_x: float = 0.0
    shift_y: float = 0.0
    scale_x: float = 1.0
    scale_y: float = 1.0

    def apply(self, box: Box) -> Box:
        left, top, right, bottom = box
        width, height = right - left, bottom - top
        centre_x = (left + right) / 2 + self.shift_x * width
        centre_y = (top + bottom) / 2 + self.shift_y * height
        half_width, half_height = self.scale_x * width / 2, self.scale_y * height / 2
        return centre_x - half_width, centre_y - half_height, centre_x + half_width, centre_y + half_height


IDENTITY = BoxCalibration()
"""dlib's CNN detector (the MMOD network): its boxes are the convention."""

MTCNN_TO_DLIB = BoxCalibration(shift_x=-0.0167, shift_y=-0.0161, scale_x=1.0596, scale_y=0.7826)
"""MTCNN's O-Net boxes (taller than wide, from forehead to chin) to dlib's.

Fitted on the 112 faces of the shared photos that dlib's CNN detector finds:
dlib descriptors from the calibrated boxes lie at L2 median 0.046, mean 0.058,
p95 0.145, max 0.332 from those from dlib's own boxes (uncalibrated: median
0.085); fitted on alternate photos and measured on the others: median 0.051,
mean 0.064, p95 0.168, max 0.360. That is dlib's own box moved by one pixel:
median 0.047, mean 0.055, p95 0.130, max 0.245."""
