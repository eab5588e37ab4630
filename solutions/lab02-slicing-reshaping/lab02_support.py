"""Lab 2's set-up mirrored for its hidden checks, and the slips that only make sense in this lab.

The check process puts this folder first on ``sys.path``, so a hidden check imports it as ``lab02_support``.
Public checks never do: students do not get this file.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from sklearn.datasets import load_digits, load_sample_images

from autograder.feedback import Slip
from autograder.feedback.slices import swapped_key

N_TILES, TILE_SIZE, SEED = 80, 64, 0
"""The set-up cell's tiles: 80 tiles of 64 x 64 pixels, drawn with ``default_rng(0)``."""
CORNER = np.s_[:120, :160]
"""Question 8's corner of a photo: its first 120 rows and first 160 columns."""
CHANNELS = ("red", "green", "blue")


class LabData(NamedTuple):
    """What the set-up cell makes."""

    images: np.ndarray
    photos: np.ndarray
    tiles: np.ndarray
    labels: np.ndarray
    onehot: np.ndarray


def cut_tiles(photos: np.ndarray, n: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``n`` random ``size`` x ``size`` tiles from a stack of photos (N, H, W, C), as the set-up cell does.

    Returns the tiles and, for each, the index of the photo it came from. The draws come in the set-up cell's
    order: the photo, then the top rows, then the left columns.
    """
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(photos), size=n)
    tops = rng.integers(0, photos.shape[1] - size + 1, size=n)
    lefts = rng.integers(0, photos.shape[2] - size + 1, size=n)
    tiles = [photos[p, t:t + size, c:c + size] for p, t, c in zip(which, tops, lefts, strict=True)]
    return np.stack(tiles), which


@lru_cache(maxsize=1)
def lab_data() -> LabData:
    """The set-up cell's arrays, built once per check process (checks only read them)."""
    photos = np.stack(load_sample_images().images)
    tiles, labels = cut_tiles(photos, N_TILES, TILE_SIZE, SEED)
    return LabData(load_digits().images, photos, tiles, labels, np.eye(2, dtype="float32")[labels])


def label_slips(name: str, labels: np.ndarray) -> list[Slip]:
    """Question 6: the labels flipped (as column 0 of ``onehot`` or the temple row hold them), or sorted."""
    row = labels[np.newaxis, :]
    return [
        Slip(f"`{name}` holds the labels flipped (1 where the tile comes from photo 0): keep the labels as they are, "
             "only add an axis.", 1 - row),
        Slip(f"`{name}` holds the labels sorted: adding an axis keeps every label in its place.",
             np.sort(labels)[np.newaxis, :]),
    ]


def onehot_column_slips(name: str, onehot: np.ndarray, as_row: bool) -> list[Slip]:
    """Question 7: the flower's column of ``onehot`` where the temple's was asked."""
    column = onehot[:, 1:]
    return [Slip(f"`{name}` holds the numbers of column 1 of `onehot`, which marks the tiles of photo 1 (the "
                 "flower): columns count from 0, and the temple of photo 0 is column 0.",
                 column.T if as_row else column)]


def tinted(photos: np.ndarray, photo: int, channel: int, key: tuple = CORNER) -> np.ndarray:
    """A copy of ``photos[photo][key]`` with one channel set to 255."""
    picture = photos[photo][key].copy()
    picture[..., channel] = 255
    return picture


def corner_slips(name: str, photos: np.ndarray) -> list[Slip]:
    """Question 8: the corner of the other photo, another channel painted, no paint, the row and column slices
    swapped."""
    slips = [
        Slip(f"`{name}` comes from photo 1, the flower: photos count from 0, so the first photo is `photos[0]`.",
             tinted(photos, 1, 0)),
        Slip(f"`{name}` holds the original colours: set its red channel to 255 after taking the copy.",
             photos[0][CORNER].copy()),
        Slip(f"`{name}` has the slices of the rows and the columns swapped: in `photo[rows, columns]` the slice "
             "for the rows comes first.", tinted(photos, 0, 0, swapped_key(CORNER, (0, 1)))),
    ]
    for channel, colour in enumerate(CHANNELS[1:], start=1):
        slips.append(Slip(f"`{name}` has its {colour} channel set to 255: red is channel 0.",
                          tinted(photos, 0, channel)))
    return slips


def painted_corner(corner: object, photos: np.ndarray) -> bool:
    """Whether ``corner`` is the corner of some photo with exactly one channel painted 255."""
    if not isinstance(corner, np.ndarray):
        return False
    for photo in photos:
        source = photo[CORNER]
        if corner.shape != source.shape:
            return False
        for channel in range(source.shape[-1]):
            others = [c for c in range(source.shape[-1]) if c != channel]
            if (np.all(corner[..., channel] == 255) and not np.all(source[..., channel] == 255)
                    and np.array_equal(corner[..., others], source[..., others])):
                return True
    return False
