"""Pronunciations in eSpeak NG's phonemes, as the neural engines read them: our table
against the IPA eSpeak NG itself gives for the same words, American and British (in a
process of its own, as an independent reader)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from podcast.engines.phonemes import ipa_blocks, to_ipa

WORDS = (
    "tomato Sheppard Ruiz hello thought church judge singer water boy cure near hair start "
    "north nurse about cello violence Browning Williams perfection measure thin this yes "
    "ring kitten little button father caught lot cut foot goose fleece face price mouth "
    "choice goat square letter butter bottle fire tour poor car more sure there here our"
)
_ESPEAK = """
import ctypes, json, sys, espeakng_loader
lib = ctypes.CDLL(espeakng_loader.get_library_path())
lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)
lib.espeak_SetVoiceByName(sys.argv[1].encode())
lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
def phonemes(text, mode):
    buffer = ctypes.create_string_buffer(text.encode())
    pointer = ctypes.c_void_p(ctypes.addressof(buffer))
    return lib.espeak_TextToPhonemes(ctypes.byref(pointer), 0, mode).decode()
print(json.dumps({w: [phonemes(w, 0), phonemes(w, 2)] for w in sys.argv[2:]}))
"""


@pytest.mark.parametrize(("language", "voice"), [("en-us", "en-us"), ("en-gb", "en")])
def test_the_table_gives_the_ipa_espeak_gives(language: str, voice: str) -> None:
    command = [sys.executable, "-c", _ESPEAK, voice, *WORDS.split()]
    found = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    assert len(found) == len(WORDS.split())
    wrong = {
        word: (mnemonics, ipa, to_ipa(mnemonics, language))
        for word, (mnemonics, ipa) in found.items()
        if to_ipa(mnemonics, language) != ipa
    }
    assert wrong == {}


def test_blocks_in_text_become_ipa_and_the_rest_is_kept() -> None:
    text = "Ask [[ru:'i:s]] or Ruiz, [[l'0t]]."
    assert ipa_blocks(text) == "Ask [[ɹuːˈiːs]] or Ruiz, [[lˈɑːt]]."
    assert ipa_blocks(text, "en-gb") == "Ask [[ɹuːˈiːs]] or Ruiz, [[lˈɒt]]."
    assert to_ipa("ɹuːˈiːs") == "ɹuːˈiːs"  # IPA written by hand stays as it is
