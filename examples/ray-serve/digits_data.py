"""The data of the example: scikit-learn's bundled handwritten digits (load_digits, 1797 8×8
images, nothing downloaded), placed on a noisy 16×16 canvas for a locate → classify pipeline.

A canvas has four 8×8 slots (2×2). One slot holds a digit upright; the other three hold other
digits turned upside down (rotated 180°: the same strokes and ink, so finding the upright one
takes more than summing ink — and a 0, 1 or 8 looks much the same either way). Every pixel gets Gaussian noise. The digit images are split
once into a training and a held-out part (stratified, fixed seed): no digit image of the held-out
canvases was ever seen in training.
"""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SLOTS = 4          # 2×2 slots of 8×8 pixels
NOISE = 4.0        # standard deviation of the pixel noise (pixel values are 0–16)
SEED = 20240613


def split_digits(seed=SEED):
    """(train images, train labels, test images, test labels); images 8×8, values 0–16."""
    digits = load_digits()
    return train_test_split(digits.images, digits.target, test_size=0.4, random_state=seed, stratify=digits.target)


def slot_window(slot):
    """The (rows, columns) slices of `slot` on the 16×16 canvas."""
    r, c = divmod(slot, 2)
    return slice(8 * r, 8 * r + 8), slice(8 * c, 8 * c + 8)


def make_canvases(images, labels, count, seed):
    """`count` canvases built from `images`: (canvases n×16×16, slot of the digit, digit label)."""
    rng = np.random.default_rng(seed)
    canvases = np.zeros((count, 16, 16))
    slots = rng.integers(0, SLOTS, size=count)
    chosen = rng.integers(0, len(images), size=count)
    for i in range(count):
        for slot in range(SLOTS):
            rows, cols = slot_window(slot)
            if slot == slots[i]:
                canvases[i, rows, cols] = images[chosen[i]]
            else:
                canvases[i, rows, cols] = images[rng.integers(0, len(images))][::-1, ::-1]
    canvases += rng.normal(0.0, NOISE, size=canvases.shape)
    return canvases, slots, labels[chosen]


def crop(canvas, slot):
    """The 8×8 window of `slot`, flattened (64 features): what the classifier sees."""
    rows, cols = slot_window(slot)
    return np.asarray(canvas)[rows, cols].reshape(-1)
