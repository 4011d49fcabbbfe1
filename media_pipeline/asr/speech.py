"""Where the audio holds speech, and a guard against text Whisper invents over long non-speech.

Whisper tends to "hear" phrases such as "thanks for watching", credits or runs of one character in music,
applause or silence. The guard compares each recognised segment with the speech intervals found by the
Silero VAD bundled with faster-whisper and drops the ones that sit mostly on a long stretch of non-speech.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

Span = tuple[float, float]

# Float noise in sums of second values (faster-whisper rounds its times to 10 ms) must not flip a
# comparison that is exact on paper, e.g. a ratio of exactly min_speech_ratio.
_EPS = 1e-6


def vad_options():
    """The VAD options the transcription uses: faster-whisper's defaults for ``WhisperModel.transcribe``
    with ``vad_filter=True``. The backend passes these same options to the model, so the guard and the
    VAD filter cannot drift apart if faster-whisper changes its defaults."""
    from faster_whisper.vad import VadOptions

    return VadOptions()


def speech_spans(audio: np.ndarray, sample_rate: int = 16000, options=None) -> list[Span]:
    """Speech intervals of ``audio`` (mono float32) in seconds, sorted and disjoint."""
    # faster-whisper's Silero model runs on fixed 512-sample windows, which are only right at 16 kHz.
    if sample_rate != 16000:
        raise ValueError(f"speech_spans needs 16 kHz audio, not {sample_rate} Hz")
    if len(audio) == 0:
        return []
    from faster_whisper.vad import get_speech_timestamps

    chunks = get_speech_timestamps(np.asarray(audio, dtype=np.float32), options or vad_options(),
                                   sampling_rate=sample_rate)
    return [(chunk["start"] / sample_rate, chunk["end"] / sample_rate) for chunk in chunks]


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[list[float]] = []
    for start, end in sorted((float(s), float(e)) for s, e in spans if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _speech_in(start: float, end: float, spans: Sequence[Span]) -> float:
    return sum(max(0.0, min(end, e) - max(start, s)) for s, e in spans if s < end and e > start)


def _over_non_speech(segment: Any, spans: Sequence[Span], min_speech_ratio: float, min_gap: float) -> bool:
    words = [(float(w.start), float(w.end)) for w in (getattr(segment, "words", None) or [])]
    # Words are where the text actually lies; a segment's own bounds also take in the pauses between
    # them. Zero-length words (faster-whisper emits some at chunk edges) say nothing about that.
    timed = [(s, e) for s, e in words if e > s] or [(float(segment.start), float(segment.end))]
    duration = sum(e - s for s, e in timed)
    if duration <= 0:
        return False
    speech = sum(_speech_in(s, e, spans) for s, e in timed)
    if speech >= min_speech_ratio * duration - _EPS:
        return False
    start = min([float(segment.start)] + [s for s, _ in words])
    end = max([float(segment.end)] + [e for _, e in words])
    # A short stray word in an ordinary pause is left alone: only long non-speech breeds invented text.
    return (end - start) - _speech_in(start, end, spans) >= min_gap - _EPS


def drop_over_non_speech(segments: Iterable[Any], spans: Iterable[Span], *, min_speech_ratio: float = 0.2,
                         min_gap: float = 2.0) -> tuple[list, list]:
    """Split ``segments`` into (kept, dropped), in their order.

    A segment (anything with ``start``, ``end``, ``text`` and ``words`` whose items have ``start``/``end``)
    is dropped when its words — or its own [start, end] when it has no timed words — overlap speech for
    less than ``min_speech_ratio`` of their duration, and the non-speech inside its [start, end] adds up
    to at least ``min_gap`` seconds. Times and ``spans`` are in seconds.
    """
    if not 0 <= min_speech_ratio <= 1:
        raise ValueError(f"min_speech_ratio must be within 0…1, not {min_speech_ratio}")
    if min_gap < 0:
        raise ValueError(f"min_gap must not be negative, not {min_gap}")
    merged = _merge(spans)
    kept: list = []
    dropped: list = []
    for segment in segments:
        (dropped if _over_non_speech(segment, merged, min_speech_ratio, min_gap) else kept).append(segment)
    return kept, dropped
