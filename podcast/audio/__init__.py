"""Clips -> a turn's audio -> encoded segments: joining and resampling (``clips``),
loudness and the true-peak limiter (``loudness``), music (``music``), one turn's whole
chain (``turn``) and the codec (``codec``)."""

SAMPLE_RATE = 44100
"""Samples per second of every episode, every turn once joined, and all music."""
