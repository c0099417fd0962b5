"""The episode and what goes with it: where everything is (``timeline``), chapters,
tags, the side files (captions, chapters, transcript) and the episode file itself."""
