"""The guard that drops Whisper text lying over long non-speech: the pure rule, the real Silero VAD on
speech with a silent gap, the backend's wiring (with a stand-in model) and the real model."""

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pytest

from media_pipeline.asr.faster_whisper import FasterWhisperBackend
from media_pipeline.asr.speech import drop_over_non_speech, speech_spans, vad_options
from media_pipeline.media import SAMPLE_RATE, extract_audio, load_audio


@dataclass
class W:
    start: float
    end: float


@dataclass
class Seg:
    start: float
    end: float
    text: str = "…"
    words: list[W] = field(default_factory=list)


def seg(start, end, words=None, text="…"):
    return Seg(start, end, text, [W(s, e) for s, e in (words or [])])


SPEECH = [(0.0, 5.0), (15.0, 20.0)]  # 10 s of non-speech in between


# --- the rule --------------------------------------------------------------------------------------------


def test_segment_over_ten_seconds_of_silence_is_dropped():
    thanks = seg(5.5, 14.5, [(6.0, 8.0), (9.0, 12.0)], "谢谢观看")
    kept, dropped = drop_over_non_speech([thanks], SPEECH)
    assert kept == [] and dropped == [thanks]


def test_segment_without_words_over_silence_is_dropped():
    kept, dropped = drop_over_non_speech([seg(6.0, 14.0)], SPEECH)
    assert kept == [] and len(dropped) == 1


def test_segment_inside_speech_is_kept():
    inside = seg(1.0, 4.0, [(1.0, 2.0), (2.0, 4.0)])
    short = seg(16.0, 16.3, [(16.0, 16.3)])
    assert drop_over_non_speech([inside, short], SPEECH) == ([inside, short], [])


def test_segment_half_in_speech_is_kept():
    # Its words span 3…7: 2 s of 4 over speech, well above the 20 % ratio.
    half = seg(3.0, 7.0, [(3.0, 5.0), (5.0, 7.0)])
    assert drop_over_non_speech([half], SPEECH) == ([half], [])


def test_segment_spanning_the_gap_with_words_in_speech_is_kept():
    # faster-whisper joins speech chunks before decoding, so one line can start before a gap and end after it.
    across = seg(4.0, 16.0, [(4.0, 4.8), (15.2, 16.0)])
    assert drop_over_non_speech([across], SPEECH) == ([across], [])


def test_speech_ratio_boundary():
    # Words 3…13: exactly 2 s of 10 over speech is 20 %, kept; a little less is dropped.
    at_ratio = seg(3.0, 13.0, [(3.0, 13.0)])
    below = seg(3.1, 13.0, [(3.1, 13.0)])
    kept, dropped = drop_over_non_speech([at_ratio, below], SPEECH)
    assert kept == [at_ratio] and dropped == [below]


def test_min_gap_boundary():
    # A stray word in a short pause stays; from min_gap seconds of non-speech on it goes.
    spans = [(0.0, 5.0), (7.0, 10.0)]
    in_pause = seg(5.0, 7.0, [(5.2, 6.8)])
    assert drop_over_non_speech([in_pause], spans, min_gap=2.0) == ([], [in_pause])
    assert drop_over_non_speech([in_pause], spans, min_gap=2.01) == ([in_pause], [])
    assert drop_over_non_speech([seg(5.5, 6.5, [(5.5, 6.5)])], spans) == ([seg(5.5, 6.5, [(5.5, 6.5)])], [])


def test_order_spans_and_degenerate_segments():
    spans = [(15.0, 20.0), (0.0, 3.0), (2.0, 5.0)]  # unsorted and overlapping, as a caller might pass
    segments = [seg(1.0, 2.0), seg(6.0, 14.0), seg(8.0, 8.0), seg(16.0, 17.0, [(16.5, 16.5)]), seg(18.0, 19.0)]
    kept, dropped = drop_over_non_speech(segments, spans)
    assert kept == [segments[0], segments[2], segments[3], segments[4]] and dropped == [segments[1]]
    assert drop_over_non_speech(segments, []) == ([segments[0], segments[2], segments[3], segments[4]],
                                                   [segments[1]])
    assert drop_over_non_speech([], SPEECH) == ([], [])


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        drop_over_non_speech([], SPEECH, min_speech_ratio=1.5)
    with pytest.raises(ValueError):
        drop_over_non_speech([], SPEECH, min_gap=-1)


# --- the real VAD --------------------------------------------------------------------------------------------

SILENCE = (1.5, 9.5)  # where the synthetic clip below is silent


@pytest.fixture(scope="module")
def speech_gap_speech(tmp_path_factory, talks_dir) -> np.ndarray:
    """1.5 s of dev01's first sentence, 8 s of digital silence, 1.5 s of its second sentence (11 s)."""
    wav = tmp_path_factory.mktemp("speech-guard") / "dev01.wav"
    extract_audio(talks_dir / "dev01_dangke.ogg", wav)
    audio = load_audio(wav)

    def cut(start, end):
        return audio[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)]

    silence = np.zeros(int((SILENCE[1] - SILENCE[0]) * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([cut(0.5, 2.0), silence, cut(7.38, 8.88)])


def test_speech_spans_find_speech_at_both_ends_and_none_in_the_gap(speech_gap_speech):
    spans = speech_spans(speech_gap_speech)
    assert spans and all(0 <= s < e <= 11.0 for s, e in spans)
    assert spans == sorted(spans)
    assert spans[0][0] < 0.5 and spans[0][1] > 1.0
    assert spans[-1][0] < 10.0 and spans[-1][1] > 10.5
    assert not any(s < 8.0 and e > 2.0 for s, e in spans), spans


def test_speech_spans_edge_cases():
    assert speech_spans(np.zeros(0, dtype=np.float32)) == []
    assert speech_spans(np.zeros(3 * SAMPLE_RATE, dtype=np.float32)) == []
    with pytest.raises(ValueError):
        speech_spans(np.zeros(8000, dtype=np.float32), sample_rate=8000)


# --- the backend, with a stand-in model --------------------------------------------------------------------


class StandInModel:
    """Answers like WhisperModel.transcribe: one real line, then "thanks for watching" over the silence."""

    def __init__(self):
        self.calls = []

    def transcribe(self, audio, **kwargs):
        self.calls.append(kwargs)

        def word(start, end, text):
            return SimpleNamespace(start=start, end=end, word=text, probability=0.9)

        def segment(words, text):
            return SimpleNamespace(start=words[0].start, end=words[-1].end, text=text, words=words,
                                   avg_logprob=-0.3, no_speech_prob=0.1, compression_ratio=1.2)

        segments = [
            segment([word(0.1, 0.6, "同志"), word(0.6, 1.2, "们")], "同志们"),
            segment([word(3.0, 5.5, "谢谢"), word(5.5, 8.0, "观看")], "谢谢观看"),
            segment([word(9.6, 10.4, "教育")], "教育"),
        ]
        return iter(segments), SimpleNamespace(language="zh", language_probability=0.99)


@pytest.fixture
def stand_in(monkeypatch):
    model = StandInModel()
    backend = FasterWhisperBackend(model="stand-in")
    monkeypatch.setattr(backend, "model", lambda: (model, {"device": "cpu", "compute_type": "int8",
                                                            "cpu_threads": 1}))
    return backend, model


def test_backend_drops_text_over_silence_and_records_it(stand_in, speech_gap_speech, settings):
    backend, model = stand_in
    settings.ASR_NON_SPEECH_GUARD = True
    result = backend.transcribe(speech_gap_speech, language="zh")
    assert [s.text for s in result.segments] == ["同志们", "教育"]
    assert result.settings["dropped_non_speech"] == 1 and result.settings["non_speech_guard"] is True
    # The guard judges by the very VAD options the model filters with.
    assert model.calls[0]["vad_filter"] is True and model.calls[0]["vad_parameters"] == vad_options()


def test_guard_is_switched_off_by_the_setting(stand_in, speech_gap_speech, settings):
    backend, _ = stand_in
    settings.ASR_NON_SPEECH_GUARD = False
    result = backend.transcribe(speech_gap_speech, language="zh")
    assert [s.text for s in result.segments] == ["同志们", "谢谢观看", "教育"]
    assert result.settings["dropped_non_speech"] == 0 and result.settings["non_speech_guard"] is False


# --- the real model ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_model_leaves_no_text_over_the_silence(asr_model, speech_gap_speech):
    result = asr_model.transcribe(speech_gap_speech)
    assert result.segments, "the speech at both ends is heard"
    # Judged by the words: one line may legitimately start before the gap and end after it.
    gap_start, gap_end = SILENCE[0] + 0.5, SILENCE[1] - 0.5
    for segment in result.segments:
        timed = [(w.start, w.end) for w in segment.words if w.end > w.start] or [(segment.start, segment.end)]
        total = sum(e - s for s, e in timed)
        in_gap = sum(max(0.0, min(e, gap_end) - max(s, gap_start)) for s, e in timed)
        assert in_gap <= total / 2, segment
    dropped = result.settings["dropped_non_speech"]
    assert isinstance(dropped, int) and not isinstance(dropped, bool) and dropped >= 0
