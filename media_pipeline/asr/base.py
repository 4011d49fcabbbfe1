"""The interface every ASR backend implements (faster-whisper, openai-whisper, a remote service …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0


@dataclass
class Transcription:
    language: str
    language_probability: float
    duration: float
    segments: list[Segment]
    model: str
    settings: dict

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Transcription:
        segments = [
            Segment(**{**s, "words": [Word(**w) for w in s.get("words", [])]}) for s in data["segments"]
        ]
        return cls(**{**data, "segments": segments})


class ASRBackend:
    """Transcribe 16 kHz mono float32 audio.

    ``language`` is an ISO code or None to detect; ``glossary`` is a list of domain
    terms the backend should favour; ``progress`` is called with a fraction 0…1.
    Implementations load their model once and reuse it across calls.
    """

    name = "base"

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None = None,
        glossary: list[str] | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Transcription:
        raise NotImplementedError

    def warm_up(self) -> None:
        """Load the model now (worker start-up) instead of on the first talk."""
