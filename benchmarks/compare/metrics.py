"""Per-pair scores and summary statistics, in plain numpy.

- Mask IoU (locally-edited pairs): predicted 255 vs the true mask, over the pixels the copy
  covers, i.e. pixels inside the true coverage (ones warped through the true matrix, eroded by
  3 px so interpolated borders do not count) that the prediction does not mark 128. A
  prediction of 128 inside the true coverage is therefore not penalised for the mask, but such
  "lost coverage" is reported separately. Both empty -> 1.
- Corner error: the copy's four corners mapped through the predicted and the true matrix (both
  COPY -> ORIGINAL), mean Euclidean distance, in ORIGINAL pixels.
- Average precision: area under the step-wise precision/recall curve over distinct score
  thresholds (ties handled as one threshold, as scikit-learn does).
"""

from __future__ import annotations

import cv2
import numpy as np


def true_coverage(original_shape: tuple[int, ...], copy_shape: tuple[int, ...], matrix: np.ndarray) -> np.ndarray:
    """Bool, ORIGINAL's HxW: pixels the copy covers under the true matrix (eroded by 3 px)."""
    h, w = original_shape[:2]
    ones = np.full(copy_shape[:2], 255, np.uint8)
    covered = cv2.warpPerspective(ones, matrix, (w, h), flags=cv2.INTER_NEAREST) == 255
    return cv2.erode(covered.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)


def mask_iou(predicted: np.ndarray, truth: np.ndarray, coverage: np.ndarray) -> float:
    """IoU of ``predicted == 255`` vs ``truth`` over ``coverage`` minus predicted-128 pixels."""
    valid = coverage & (predicted != 128)
    p = (predicted == 255) & valid
    t = truth & valid
    union = np.count_nonzero(p | t)
    return 1.0 if union == 0 else np.count_nonzero(p & t) / union


def corner_error(predicted: np.ndarray, truth: np.ndarray, copy_shape: tuple[int, ...]) -> float:
    h, w = copy_shape[:2]
    corners = np.array([[0, 0, 1], [w - 1, 0, 1], [w - 1, h - 1, 1], [0, h - 1, 1]], float).T

    def project(m: np.ndarray) -> np.ndarray:
        p = np.asarray(m, float) @ corners
        return p[:2] / p[2]

    return float(np.linalg.norm(project(predicted) - project(truth), axis=0).mean())


def average_precision(scores: list[float] | np.ndarray, positive: list[bool] | np.ndarray) -> float:
    scores = np.asarray(scores, float)
    positive = np.asarray(positive, bool)
    if positive.sum() == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    scores, positive = scores[order], positive[order]
    tp = np.cumsum(positive)
    fp = np.cumsum(~positive)
    last = np.r_[np.nonzero(np.diff(scores))[0], len(scores) - 1]  # last index of each distinct score
    precision = tp[last] / (tp[last] + fp[last])
    recall = tp[last] / positive.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def median(values: list[float]) -> float:
    return float(np.median(values)) if values else float("nan")
