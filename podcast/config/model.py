"""voices.yaml as typed, frozen settings: one dataclass per section, a docstring per field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from podcast.speakable.pronounce import Pronunciation
from podcast.speakable.rules import ReadingRule
from podcast.speakable.text import Asides, Censor, Promotion, Reading
from podcast.transcript.model import ParseSettings, Pattern, find_speaker

VOICES_FILE = "voices.yaml"
GENDERS = ("female", "male")
NATURAL_PACE = 170
"""Words a minute: eSpeak NG's default rate, and the ``rate`` that asks a neural voice
(Piper's, Kokoro's) for its own pace; 85 is half as fast."""


@dataclass(frozen=True)
class Voice:
    """How one speaker sounds."""

    voice: str = "en-us"
    """eSpeak NG voice, optionally with a variant: ``en-us``, ``en-gb-x-rp``, ``en-us+f3``;
    a voice of another engine is named with its engine first (``engine:name``)."""
    rate: int = NATURAL_PACE
    """Speaking rate in words per minute (80-450)."""
    pitch: int = 50
    """Base pitch, 0-99 (50 is the voice's normal pitch)."""
    volume: float = 1.0
    """Volume, 0-1."""
    pan: float = 0.0
    """Stereo position, -1 (left) to 1 (right); used when output.channels is 2."""
    speaker: int | None = None
    """Piper: the speaker of a multi-speaker model (also ``piper:NAME#12``)."""
    variation: float | None = None
    """Piper: how much the voice varies (its noise scale; the model's own when unset)."""
    timing_variation: float | None = None
    """Piper: how much the length of sounds varies (its noise width scale)."""
    given: frozenset[str] = field(default=frozenset(), compare=False)
    """The settings voices.yaml gave this entry itself (not inherited from defaults):
    the engine checks it has each of them. Not part of how it sounds."""
    origin: str = field(default="defaults", compare=False)
    """Where voices.yaml sets it, for messages: ``speakers.ANA``, ``narrator``."""

    @property
    def engine(self) -> str | None:
        """The engine this voice names (``piper`` in ``piper:en_US-joe-medium``); None for
        a plain name, which the default engine speaks."""
        kind, colon, _ = self.voice.partition(":")
        return kind.casefold() if colon and kind.isalpha() else None


@dataclass(frozen=True)
class Speaker:
    """A speaker configured in voices.yaml."""

    name: str
    """The speaker's canonical name, as written in the transcript's labels."""
    voice: Voice
    """The speaker's resolved voice (defaults filled in)."""
    aliases: tuple[str, ...] = ()
    """Other labels that mean this speaker (``WILLIAMS`` for ``ALLISON WILLIAMS``)."""
    gender: str | None = None
    """female or male: a speaker with no voice of their own gets one of this gender."""
    has_voice: bool = False
    """True when the entry sets the voice itself (not only rate, pitch or volume)."""
    person: Person | None = None
    """Who they are, for the feed's ``podcast:person`` (``role``, ``img``, ``href``)."""


class Role(StrEnum):
    """A speaker's part in the show, as the Podcasting 2.0 feed names it."""

    HOST = "host"
    COHOST = "cohost"
    GUEST = "guest"
    NARRATOR = "narrator"


@dataclass(frozen=True)
class Person:
    """A speaker as the feed lists them (``podcast:person``)."""

    role: Role | None = None
    """host, cohost, guest or narrator (else: the interviewer is the host, the others
    guests, a named narrator the narrator)."""
    img: str | None = None
    """A picture of them: an https URL."""
    href: str | None = None
    """Their page: an https URL."""


@dataclass(frozen=True)
class Pauses:
    """Silences between pieces of speech, in milliseconds."""

    paragraph: int = 350
    """Between paragraphs of one turn."""
    turn: int = 500
    """Between two turns of the same speaker."""
    speaker_change: int = 500
    """Between turns of different speakers: the centre, after a statement; shorter after
    a question or a short reply, longer after a long answer or before a new topic."""
    dash: int = 250
    """For an em dash inside a sentence (``word — word``)."""
    ellipsis: int = 450
    """For an ellipsis (``...`` or ``…``)."""
    spread: float = 0.3
    """How far gaps stray from their centres, as people's do (0: never)."""
    by_context: bool = True
    """Gaps by what the turn was (false: every change of speaker ``speaker_change``)."""
    overlap: int = 300
    """How long the next speaker talks over a turn that breaks off, its centre (0: not)."""


DISCLOSURE = (
    "The voices in this episode are synthetic: every speaker is read by a text-to-speech engine."
)


@dataclass(frozen=True)
class Episode:
    """Tags written into the episode file."""

    title: str | None = None
    """Episode title; the transcript's first line or file name when unset."""
    show: str | None = None
    """The show's name (ID3 album)."""
    author: str | None = None
    """The host or author (ID3 artist)."""
    number: str | None = None
    """Episode number (ID3 track)."""
    date: str | None = None
    """Release date, 2026-11-25."""
    description: str | None = None
    """A sentence or two about the episode (ID3 comment)."""
    cover: str | None = None
    """Cover art: a JPEG or PNG file, relative to voices.yaml."""
    artist: str | None = None
    """Same as author (older name)."""
    album: str | None = None
    """Same as show (older name)."""
    disclosure: str = DISCLOSURE
    """That synthetic voices made the episode, as Apple requires: said by the narrator
    at the end, and in the metadata (the feed, the show notes); ``false`` leaves it
    out, with a warning."""


@dataclass(frozen=True)
class Reactions:
    """The listener's short reactions ("mm-hm", "right") under a long answer, quiet and
    sparse, at sentence ends (``reactions:``); off by default."""

    everyone: bool = False
    """Every speaker reacts (``reactions: all``)."""
    speakers: tuple[str, ...] = ()
    """These speakers react (``reactions: [DANA OKAFOR]``)."""
    words: tuple[str, ...] = ("mm-hm", "right", "yeah", "I see")
    """What they say."""
    level: float = -12.0
    """dB under the episode's level."""

    def reacts(self, name: str) -> bool:
        """Whether ``name`` reacts while another speaks."""
        return self.everyone or any(find_speaker(wanted, [name]) for wanted in self.speakers)


@dataclass(frozen=True)
class MusicSettings:
    """Music files (WAV works anywhere; FLAC, OGG and MP3 through libsndfile; others need
    ffmpeg), relative to voices.yaml."""

    intro: str | None = None
    """Played before the first words."""
    outro: str | None = None
    """Played after the last words."""
    between_sections: str | None = None
    """A short sting before every section after the first."""
    duck: bool = False
    """The intro goes on, quietly, under the first words."""
    lead: float = 3.0
    """With duck: seconds of intro before the first words."""
    fade_in: float = 0.5
    """Seconds."""
    fade_out: float = 2.0
    """Seconds."""


class ChapterMode(StrEnum):
    """Where chapters start."""

    AUTO = "auto"
    """Sections when the transcript has them, else questions."""
    SECTIONS = "sections"
    """At every section heading (Markdown headings, screenplay scenes)."""
    QUESTIONS = "questions"
    """At every interviewer question of a Q&A."""
    NONE = "none"
    """No chapters."""


class Preset(StrEnum):
    """A set of output numbers a publisher asks for."""

    ACX = "acx"
    """Audible's ACX: see ``Standard``."""


@dataclass(frozen=True)
class Standard:
    """What a publisher's audio must measure, and how a render meets it."""

    rms: tuple[float, float]
    """Lowest and highest RMS level of the whole file, dBFS."""
    peak: float
    """Highest sample peak, dBFS."""
    noise_floor: float
    """Highest level of the quietest half second (the room tone), dBFS."""
    head: tuple[float, float]
    """Seconds of room tone before the first words, least and most."""
    tail: tuple[float, float]
    """Seconds of room tone after the last words, least and most."""
    bitrate: int
    """kbit/s, constant."""
    sample_rate: int
    """Samples per second."""
    loudness: float
    """The integrated loudness (LUFS) a render aims at to land the RMS in range."""
    true_peak: float
    """The true-peak ceiling (dBTP) a render keeps to, under ``peak``."""


STANDARDS = {
    Preset.ACX: Standard(
        rms=(-23.0, -18.0),
        peak=-3.0,
        noise_floor=-60.0,
        head=(0.5, 1.0),
        tail=(1.0, 5.0),
        bitrate=192,
        sample_rate=44_100,
        loudness=-20.0,
        true_peak=-3.5,
    ),
}
"""Every preset's numbers: their one home, for render and for ``podcast check``."""


@dataclass(frozen=True)
class Output:
    """How the episode file is made."""

    loudness: float | None = -16.0
    """Integrated loudness in LUFS (-16 is Apple Podcasts' figure); null: leave levels."""
    true_peak: float = -1.0
    """Highest true peak, in dBTP."""
    channels: int = 1
    """1 (mono) or 2 (stereo, each speaker at their pan)."""
    chapters: ChapterMode = ChapterMode.AUTO
    """sections, questions, none, or auto (sections when the transcript has them)."""
    side_files: bool = True
    """Write .vtt, .srt, .chapters.json, .transcript.json and .shownotes.md beside the
    episode."""
    page: bool = True
    """Write the episode page, ``<stem>.html``, beside it too (with the side files)."""
    preset: Preset | None = None
    """A publisher's numbers (``acx``): loudness, peaks, bitrate and room tone set to
    them (over the settings above); ``podcast check --preset`` verifies them."""


NARRATOR_VOICE = Voice("en-gb-x-rp", rate=165, pitch=45)


@dataclass(frozen=True)
class VoiceBook:
    """Everything voices.yaml configures."""

    defaults: Voice = Voice()
    """Settings every speaker starts from."""
    narrator: Voice = NARRATOR_VOICE
    """The narrator's voice (intro, closing lines, titles)."""
    narrator_set: bool = False
    """voices.yaml sets the narrator's voice (else a natural one may be chosen for it)."""
    narrator_name: str | None = None
    """Who reads the narration (``narrator: {name: ...}``): listed in the feed as a
    person only when named, a synthetic voice being nobody."""
    narrator_person: Person | None = None
    """The named narrator's role, picture and page."""
    interviewer: str | None = None
    """The speaker who asks the unlabeled questions; detected when unset."""
    speakers: tuple[Speaker, ...] = ()
    """Configured speakers."""
    pauses: Pauses = Pauses()
    """Silences between turns and paragraphs."""
    episode: Episode = Episode()
    """Tags for the episode file."""
    pronunciations: tuple[Pronunciation, ...] = ()
    """Whole-word replacements."""
    skip: tuple[Pattern, ...] = ()
    """Lines never to speak (regular expressions searched in each line)."""
    narration: bool = True
    """Read scene headings and action lines of a screenplay (false: skip them)."""
    directions: bool = False
    """A stage play's directions are read by the narrator (``narration: {directions:
    read}``); not spoken by default."""
    promotion: Promotion = Promotion.SKIP
    """A publication's sales and navigation copy in the narrator's text: skip or read
    (``narration: {promotion: read}``)."""
    censor: Censor = Censor.BLEEP
    """Censored words (``f***``, ``s—``): bleep, skip or read."""
    asides: Asides = Asides.NARRATOR
    """A whole bracketed sentence in an answer: narrator (read in its voice) or read."""
    as_written: frozenset[ReadingRule] = frozenset()
    """Kinds of written forms left as written (``reading:``); the rest read as words."""
    output: Output = Output()
    """Loudness, channels, chapters and side files."""
    music: MusicSettings = MusicSettings()
    """Intro, outro and between-section music."""
    reactions: Reactions = Reactions()
    """Who reacts under a long answer, and with what."""
    sounds: Mapping[str, str] = field(default_factory=dict)
    """A cue's name (``laughs``, ``applause``, any bracketed word) -> an audio file,
    relative to voices.yaml, played where the cue stands."""
    source: Path | None = field(default=None, compare=False)
    """The file this was read from; None for the built-in defaults."""

    def aliases(self) -> dict[str, str]:
        """Every configured name and alias -> the canonical speaker name."""
        table: dict[str, str] = {}
        for speaker in self.speakers:
            for name in (speaker.name, *speaker.aliases):
                table[name] = speaker.name
        return table

    def speaker(self, name: str) -> Speaker | None:
        """The configured speaker with this name or alias (case-insensitive).

        A one-word entry also matches a full name it is the surname or first name of.
        """
        key = name.casefold()
        for speaker in self.speakers:
            if key in {n.casefold() for n in (speaker.name, *speaker.aliases)}:
                return speaker
        return next((s for s in self.speakers if find_speaker(s.name, [name])), None)

    def path_of(self, name: str) -> Path:
        """A file named in voices.yaml (music, cover): relative to the voices file."""
        return Path(name) if self.source is None else self.source.parent / name

    @property
    def where(self) -> str:
        """How messages name this configuration: its file, else voices.yaml."""
        return str(self.source or VOICES_FILE)

    def parse_settings(self) -> ParseSettings:
        """What this book tells the transcript's parser."""
        return ParseSettings(
            self.interviewer, self.aliases(), self.skip, self.narration, self.directions
        )

    def reading(self) -> Reading:
        """How this book says text aloud."""
        pauses = self.pauses
        return Reading(
            self.pronunciations,
            self.censor,
            self.asides,
            pauses.dash,
            pauses.ellipsis,
            self.as_written,
            self.promotion,
            frozenset(self.sounds),
        )
