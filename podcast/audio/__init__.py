"""Clips -> a turn's audio -> encoded segments: joining and resampling (``clips``),
loudness and the true-peak limiter (``loudness``), music (``music``), one turn's whole
chain (``turn``) and the codec (``codec``)."""
