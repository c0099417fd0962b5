"""Loudness (ITU-R BS.1770-4) and a true-peak limiter, in numpy. Pure: samples in and out.

The K-weighting filter (a high shelf and a high pass) is applied to the power
spectrum of each 100 ms sub-block (Parseval), which gives the block's K-weighted
mean square without a time-domain IIR loop; four consecutive sub-blocks make a
400 ms gating block with 75 % overlap, as the standard asks. Gating: absolute at
-70 LUFS, relative at -10 LU. True peak: 4x oversampling.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from podcast.audio import SAMPLE_RATE

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
OVERSAMPLE = 4
LOOKAHEAD_BLOCKS = 4  # 20 ms each way: the gain is down before a peak, and comes back slowly
SILENCE = -120.0


@lru_cache(maxsize=4)
def _k_weight(size: int, rate: int) -> np.ndarray:
    """|H(f)|^2 of the BS.1770 K-weighting filter at the rfft bins of ``size`` samples.

    Below SAMPLE_RATE, the filter is the one for SAMPLE_RATE: a turn levelled at eSpeak's 22050 Hz
    then measures as it will once doubled to 44100 Hz (the same content, no more)."""
    design = max(rate, SAMPLE_RATE)
    freqs = np.fft.rfftfreq(size, 1 / rate)
    z = np.exp(-2j * np.pi * freqs / design)  # z^-1 on the unit circle
    shelf = _biquad_response(z, *_high_shelf(design))
    high_pass = _biquad_response(z, *_high_pass(design))
    return np.abs(shelf * high_pass) ** 2


def _biquad_response(z: np.ndarray, b: Sequence[float], a: Sequence[float]) -> np.ndarray:
    return (b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2)


def _high_shelf(rate: int) -> tuple[list[float], list[float]]:
    """Stage 1, the head's acoustic effect (libebur128's form of the BS.1770 filter,
    which gives the standard's coefficients at 48 kHz and the same curve at any rate)."""
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    return b, [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]


def _high_pass(rate: int) -> tuple[list[float], list[float]]:
    """Stage 2, the RLB high pass."""
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    return [1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]


def sub_blocks(samples: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """K-weighted mean square of every whole 100 ms sub-block (a trailing part is dropped)."""
    size = rate // 10
    count = len(samples) // size
    return _powers(samples[: count * size].reshape(count, size), rate)


def _powers(frames: np.ndarray, rate: int = SAMPLE_RATE, batch: int = 64) -> np.ndarray:
    """K-weighted mean square of each row (Parseval: the rfft's power, both halves),
    a batch of rows at a time, few enough to stay in the CPU's cache (twice as fast as
    256), in float64 (numpy's FFT of 4410 points is slower in float32)."""
    count, size = frames.shape
    weights = _k_weight(size, rate).copy()
    weights[1 : (size + 1) // 2] *= 2
    found = np.empty(count)
    for start in range(0, count, batch):
        spectrum = np.fft.rfft(frames[start : start + batch].astype(np.float64), axis=1)
        parts = spectrum.view(np.float64).reshape(*spectrum.shape, 2)  # real, imaginary
        found[start : start + batch] = np.einsum("ijk,ijk,j->i", parts, parts, weights)
    return found / size**2


def integrated(blocks: Sequence[float] | np.ndarray) -> float:
    """Integrated loudness in LUFS from consecutive 100 ms sub-block mean squares."""
    power = np.asarray(blocks, dtype=float)
    if len(power) < 4:
        return SILENCE
    gating = np.lib.stride_tricks.sliding_window_view(power, 4).mean(axis=1)
    loud = gating[_lufs(gating) > ABSOLUTE_GATE]
    if not len(loud):
        return SILENCE
    relative = float(_lufs(np.array([loud.mean()]))[0]) + RELATIVE_GATE
    kept = loud[_lufs(loud) > relative]
    return float(_lufs(np.array([kept.mean()]))[0])


def _lufs(power: np.ndarray) -> np.ndarray:
    return -0.691 + 10 * np.log10(np.maximum(power, 1e-20))


def true_peak(samples: np.ndarray) -> float:
    """The largest absolute value of the signal oversampled 4x (linear, 1.0 = full scale)."""
    if not len(samples):
        return 0.0
    return float(_oversampled_peaks(samples, NEAR * np.abs(samples).max()).max())


def sample_true_peaks(samples: np.ndarray) -> np.ndarray:
    """For every sample, the largest absolute value among it and the values oversampled
    next to it (``true_peak`` is their maximum); a sample within TAPS // 2 of either
    end is taken as if silence lay beyond."""
    if not len(samples):
        return np.abs(samples)
    return _oversampled_peaks(samples, NEAR * np.abs(samples).max())


TAPS = 48
"""Samples the oversampling filter reaches across: a sample's true peak depends on
TAPS // 2 samples each side."""


@lru_cache(maxsize=1)
def _phases() -> np.ndarray:
    """A 48-tap windowed-sinc interpolator as its four 12-tap phases (BS.1770 Annex 2
    describes the same structure)."""
    taps = np.arange(TAPS) - (TAPS - 1) / 2
    kernel = np.sinc(taps / OVERSAMPLE) * np.kaiser(TAPS, 8.0)
    kernel *= OVERSAMPLE / kernel.sum()
    return np.stack([kernel[phase::OVERSAMPLE][::-1] for phase in range(OVERSAMPLE)], axis=1)


def _oversampled_peaks(samples: np.ndarray, floor: float) -> np.ndarray:
    """For every sample, the largest absolute value among it and the oversampled values
    next to it. Only samples above ``floor`` are oversampled: an inter-sample peak is
    never far above the samples around it (NEAR allows 6 dB), so nothing louder hides
    among the quiet ones."""
    peaks = np.abs(samples)
    _oversample(samples, peaks.copy(), peaks, floor, np.inf)
    return peaks


def _oversample(
    samples: np.ndarray, size: np.ndarray, peaks: np.ndarray, floor: float, top: float
) -> None:
    """Raise ``peaks`` to the oversampled peak next to every sample whose absolute value
    (``size``) is above ``floor`` and up to ``top``."""
    near = np.flatnonzero((size > floor) & (size <= top))
    if not len(near):
        return
    phases = _phases().astype(samples.dtype)
    half = len(phases) // 2
    if near[0] >= half and near[-1] + half < len(samples):
        source, start = samples, -half  # no copy: every window lies inside
    else:
        source, start = np.pad(samples, (half, half)), 0
    between = np.zeros((OVERSAMPLE, len(near)), samples.dtype)
    # One multiply-add per tap and phase over all the samples at once: four times as
    # fast as einsum here, and no BLAS call (which would start threads in every worker).
    for tap, weights in enumerate(phases):
        window = source[near + (start + tap)]
        for phase in range(OVERSAMPLE):
            between[phase] += weights[phase] * window
    peaks[near] = np.maximum(peaks[near], np.abs(between).max(axis=0))


NEAR = 0.5  # -6 dB
LIMITER_SLOPE = 2.5  # dB of gain per dB of loudness, when the limiter is working


def limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """A look-ahead true-peak limiter at ``ceiling`` (linear), at SAMPLE_RATE; see ``_plan``."""
    peaks = _oversampled_peaks(samples, NEAR * ceiling)
    block = SAMPLE_RATE // 200
    return _applied(samples, 1.0, _plan(peaks, 1.0, ceiling, block), block)


def _plan(peaks: np.ndarray, scale: float, ceiling: float, block: int) -> np.ndarray | None:
    """The limiter's gain for ``peaks * scale`` in blocks of ``block`` samples (5 ms);
    None when no peak is over ``ceiling``.

    Each block's need is spread LOOKAHEAD_BLOCKS either way (so the gain is already
    down when a peak comes, and comes back slowly), then interpolated between block
    centres (``_gain_curve``). It never exceeds what a sample needs (between two block
    centres it lies between two plans, and each plan is at most the need of every block
    within reach), so the gain is smooth, and exactly 1 away from the peaks, which are
    all it computes.
    """
    over = np.flatnonzero(peaks * scale > ceiling)
    if not len(over):
        return None
    need = np.ones(-(-len(peaks) // block))
    np.minimum.at(need, over // block, ceiling / (peaks[over] * scale))
    plan = _running_min(need, LOOKAHEAD_BLOCKS)
    return np.minimum(plan, _moving_average(plan, 2 * LOOKAHEAD_BLOCKS + 1))


def _applied(audio: np.ndarray, scale: float, plan: np.ndarray | None, block: int) -> np.ndarray:
    """``audio * scale`` through the limiter's ``plan`` (blocks ``block`` samples long)."""
    if plan is None:
        return audio * audio.dtype.type(scale)  # float32 stays float32
    return audio * _gain_curve(plan * scale, len(audio), block, audio.dtype)


def _measured(
    samples: np.ndarray, scale: float, plan: np.ndarray | None, powers: np.ndarray, rate: int
) -> np.ndarray:
    """Sub-block powers of ``samples * scale`` through the limiter: ``powers`` (those
    of ``samples``) scaled, and the sub-blocks the limiter works in measured again."""
    blocks = powers * scale**2
    if plan is None:
        return blocks
    block, size = rate // 200, rate // 10
    working = np.flatnonzero(plan < 1.0)  # the gain is below 1 from one centre before
    reach = (working[:, None] + [-1, 1]) * block + block // 2  # to one centre after
    marked = np.zeros(len(blocks) + 1, dtype=bool)  # (two blocks: a sub-block or two)
    marked[np.clip(reach // size, 0, len(blocks))] = True
    frames = np.flatnonzero(marked[:-1])
    whole = len(blocks) * size
    gain = _gain_curve(plan * scale, len(samples), block, samples.dtype)[:whole]
    rows = (samples[:whole] * gain).reshape(len(blocks), size)[frames]
    blocks[frames] = _powers(rows, rate)
    return blocks


def _gain_curve(plan: np.ndarray, length: int, block: int, dtype: np.dtype) -> np.ndarray:
    """The gain at every sample: ``plan`` at the centres of blocks ``block`` samples
    long, linear between them, held before the first centre and after the last (as
    np.interp, which would be several times slower here: it searches for every sample)."""
    plan = plan.astype(dtype)
    curve = np.empty(length, dtype)
    start = min(length, block // 2)
    middle = max(0, min(length - start, (len(plan) - 1) * block))
    curve[:start] = plan[0]
    steps = np.arange(block, dtype=dtype) / dtype.type(block)
    curve[start : start + middle] = (plan[:-1, None] + np.diff(plan)[:, None] * steps).ravel()[
        :middle
    ]
    curve[start + middle :] = plan[-1]
    return curve


def _moving_average(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over ``width`` samples (edges held), in linear time."""
    padded = np.pad(values, (width // 2, width - width // 2), "edge")
    sums = np.cumsum(padded)
    return (sums[width:] - sums[:-width])[: len(values)] / width


def leveled(
    samples: np.ndarray, target: float, ceiling: float, doubled: np.ndarray | None = None
) -> np.ndarray:
    """Gain to ``target`` LUFS, then the limiter at ``ceiling`` dBTP; at SAMPLE_RATE. When
    ``doubled`` is the same audio at SAMPLE_RATE (from eSpeak's 22050 Hz), loudness is measured
    and the limiter planned on ``samples`` (half the samples), peaks are found on
    ``doubled`` (at 22050 Hz a short interpolator misses peaks of speech near 11 kHz by
    a quarter of a dB), and the gain is applied to ``doubled``, which is returned.

    The limiter takes loudness off the peaks (half a dB to a dB for eSpeak's speech),
    so a second pass adds back what the first lost, times LIMITER_SLOPE (under the
    limiter, each dB of gain brings well under a dB of loudness). Two passes land
    within about 0.3 LU of the target.
    """
    rate = SAMPLE_RATE if doubled is None else SAMPLE_RATE // 2
    source = samples if doubled is None else doubled  # where peaks are found, and the result
    powers = sub_blocks(samples, rate)
    level = _level(powers)
    limit_at = 10 ** (ceiling / 20)
    if level <= ABSOLUTE_GATE:  # silence, or too short to measure (an 11 ms blip): nothing
        return limit(source, limit_at)  # to bring up, but its peaks still held
    gain = target - level
    size = np.abs(source)
    fine = size.copy()
    floor = NEAR * limit_at / 10 ** (gain / 20)
    _oversample(source, size, fine, floor, np.inf)
    block = rate // 200  # 5 ms
    plan = _plan(_peaks(fine, doubled), 10 ** (gain / 20), limit_at, block)
    lost = target - _level(_measured(samples, 10 ** (gain / 20), plan, powers, rate))
    if lost > 0.1:
        gain += min(lost * LIMITER_SLOPE, 6.0)
        _oversample(source, size, fine, NEAR * limit_at / 10 ** (gain / 20), floor)  # the rest
        plan = _plan(_peaks(fine, doubled), 10 ** (gain / 20), limit_at, block)
    return _applied(source, 10 ** (gain / 20), plan, block * len(source) // len(samples))


def _peaks(fine: np.ndarray, doubled: np.ndarray | None) -> np.ndarray:
    """Peaks per sample, from those found at twice the rate when the samples were doubled:
    each sample's, and the one halfway to the next (the same stretch of time)."""
    return fine if doubled is None else np.maximum(fine[0::2], fine[1::2])


def _level(blocks: np.ndarray) -> float:
    """Gated loudness; for a turn shorter than one 400 ms block, its plain K-weighted level."""
    if len(blocks) >= 4:
        return integrated(blocks)
    return float(_lufs(np.array([blocks.mean()]))[0]) if len(blocks) else SILENCE


def _running_min(values: np.ndarray, reach: int) -> np.ndarray:
    """Minimum over [i - reach, i + reach] for every i, in linear time (van Herk)."""
    width = 2 * reach + 1
    padded = np.pad(values, (reach, reach + (-len(values) - 2 * reach) % width), "edge")
    blocks = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(len(values))
    return np.minimum(suffix[starts], prefix[starts + width - 1])


def db(linear: float) -> float:
    """Decibels of a linear amplitude."""
    return 20 * math.log10(linear) if linear > 0 else SILENCE
