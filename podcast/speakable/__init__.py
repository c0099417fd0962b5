"""Turns -> the text as it will be spoken: markers for pauses, bleeps and asides
(``text``), numbers, money and times as words (``written``), pronunciations
(``pronounce``). Pure."""
