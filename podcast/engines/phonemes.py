"""eSpeak NG's phoneme notation (``[[ru:'i:s]]``, what voices.yaml's pronunciations
write) in the IPA that the neural engines read (Piper takes ``[[ɹuːˈiːs]]`` in its text;
Kokoro takes phonemes in place of text), so that one voices.yaml is right for every
engine. Pure: no engine is loaded.

The table is eSpeak NG's English phoneme set (its ``phsource/ph_english``), each
mnemonic with the IPA that eSpeak NG itself prints for it (``espeak-ng -x`` against
``--ipa``); the longest mnemonic is matched first, and a character that is no mnemonic
(IPA written by hand, say) is kept as it is.
"""

from __future__ import annotations

import re

BLOCK = re.compile(r"\[\[([^\[\]]*)\]\]")
"""A pronunciation in eSpeak NG's phonemes, as the text carries it."""

_IPA = {
    # stress and length
    "'": "ˈ", ",": "ˌ", ":": "ː", "%": "", "=": "", "_": " ", "|": "",
    # consonants
    "p": "p", "b": "b", "t": "t", "d": "d", "k": "k", "g": "ɡ", "f": "f", "v": "v",
    "T": "θ", "D": "ð", "s": "s", "z": "z", "S": "ʃ", "Z": "ʒ", "h": "h", "x": "x",
    "tS": "tʃ", "dZ": "dʒ", "m": "m", "n": "n", "N": "ŋ", "l": "l", "r": "ɹ", "w": "w",
    "j": "j", "t#": "ɾ", "?": "ʔ", "n-": "n̩", "l-": "əl", "r-": "ɹ", "W": "w", "C": "ç",
    # vowels
    "a": "æ", "a#": "ɐ", "aa": "æ", "A:": "ɑː", "A@": "ɑːɹ", "A": "ɑ", "aI": "aɪ",
    "aI@": "aɪə", "aI3": "aɪɚ", "aU": "aʊ", "aU@": "aʊə", "@": "ə", "@L": "əl", "@U": "oʊ",
    "@2": "ə", "@5": "ə", "3:": "ɜː", "3": "ɚ", "E": "ɛ", "e": "e", "e@": "ɛɹ", "eI": "eɪ",
    "I": "ɪ", "I2": "ɪ", "I#": "ᵻ", "i": "i", "i:": "iː", "i@": "ɪə", "i@3": "ɪɹ", "0": "ɑː",
    "O": "ɔ", "O:": "ɔː", "O@": "ɔːɹ", "OI": "ɔɪ", "o": "o", "o@": "ɔːɹ", "U": "ʊ",
    "u:": "uː", "u": "u", "U@": "ʊɹ", "V": "ʌ", "oU": "oʊ",
}  # fmt: skip
"""American English (en-us), as eSpeak NG prints each mnemonic."""
_BRITISH = {
    "0": "ɒ", "oU": "əʊ", "@U": "əʊ", "A@": "ɑː", "3": "ə", "e@": "eə", "i@3": "iə", "i@": "iə",
    "O@": "ɔː", "U@": "ʊə", "o@": "ɔː", "t#": "t", "aI3": "aɪə", "r-": "ə",
}  # fmt: skip
"""Where British English (en-gb) says a mnemonic otherwise."""
_LONGEST = max(len(key) for key in _IPA)


def to_ipa(mnemonics: str, language: str = "en-us") -> str:
    """eSpeak NG's phoneme mnemonics (``ru:'i:s``) in IPA (``ɹuːˈiːs``), as the voice's
    language (``en-us``, ``en-gb``) says them."""
    table = {**_IPA, **_BRITISH} if language.casefold().startswith("en-gb") else _IPA
    found = []
    index = 0
    while index < len(mnemonics):
        for size in range(min(_LONGEST, len(mnemonics) - index), 0, -1):
            piece = mnemonics[index : index + size]
            if piece in table:
                found.append(table[piece])
                index += size
                break
        else:
            found.append(" " if mnemonics[index].isspace() else mnemonics[index])
            index += 1
    return "".join(found)


def ipa_blocks(text: str, language: str = "en-us") -> str:
    """``text`` with every ``[[...]]`` of eSpeak NG's phonemes in IPA, brackets kept (as
    Piper reads raw phonemes)."""
    return BLOCK.sub(lambda match: f"[[{to_ipa(match[1], language)}]]", text)
