"""Turn raw recogniser output into clean, time-coded transcript lines.

* Chinese is converted to Simplified with OpenCC (Whisper often writes Traditional).
* Known silence hallucinations ("字幕由…提供", "Thanks for watching") are dropped anywhere in a talk, and so are
  lines that are mostly one character or phrase repeated ("作语语语语语语语语": the decoder looping).
* Long recogniser segments are split at sentence ends and pauses using the word
  timestamps, so each caption cue matches one spoken sentence; no cue is longer than
  ``MAX_CUE_SECONDS`` even when the recogniser wrote no punctuation (split at the longest pause).
* A stray full-width digit between Chinese sentences ("…教育２今后…") is a sentence end the recogniser
  mis-wrote, and becomes "。".
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import opencc

from .asr.base import Segment

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_FULLWIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_HALF_PUNCT_AFTER_CJK = re.compile(f"(?<=[{CJK}])\\s*([,?!:;])\\s*")
_PERIOD_AFTER_CJK = re.compile(f"(?<=[{CJK}])\\.(?=\\s|$|[{CJK}])")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}，。！？、；：])\\s+(?=[{CJK}])")
_STRIP_FOR_MATCH = re.compile(r"[\s\W_]+", re.UNICODE)
_SENTENCE_END = ("。", "！", "？", ".", "!", "?", "…")
_CLAUSE_END = ("，", "、", "；", "：", ",", ";", ":")

# Phrases that never occur in a real talk but that Whisper invents on silence or music
# (subtitle credits and video-platform boilerplate from its training data).
ALWAYS_HALLUCINATED = [
    re.compile(p)
    for p in (
        r"字幕(由|提供|制作|志愿者|组|翻译|校对)",
        r"(请|欢迎)?不吝点赞",
        r"点赞.{0,6}订阅",
        r"订阅.{0,6}(转发|打赏|频道)",
        r"明镜与点点",
        r"amara\s*\.?\s*org",
        r"优优独播剧场",
        r"小铃铛",
        r"字幕by",
        r"subtitlesby",
        # Video-platform sign-offs: a talk never says them, wherever they appear.
        r"^(thanks|thankyou)(so|very)?(much)?forwatching",
        r"^pleasesubscribe",
        r"^(谢谢|感谢)(大家)?(观看|收看)",
        r"^请?订阅(我的)?频道",
    )
]
MAX_CUE_SECONDS = 15.0
# A line that is mostly one unit (1–6 characters) repeated five or more times in a row is the decoder looping.
_REPEATED = re.compile(r"(.{1,6}?)\1{4,}")
_STRAY_FULLWIDTH_DIGITS = re.compile(f"(?<=[{CJK}])[０-９]+(?=[{CJK}]|$)")
# Phrases that are real speech in a talk but, as the whole text of a segment the model
# itself doubts (high no-speech probability), are the classic silent-audio inventions.
SUSPICIOUS_WHOLE_SEGMENT = {
    "thanksforwatching", "thankyouforwatching", "thankyousomuchforwatching", "pleasesubscribe",
    "thankyou", "thanks", "you", "bye", "byebye",
    "谢谢观看", "感谢观看", "感谢收看", "谢谢收看", "谢谢大家观看", "谢谢", "谢谢大家", "再见",
    "请订阅", "请订阅我的频道",
}

_converter_lock = threading.Lock()
_converter: opencc.OpenCC | None = None


def to_simplified(text: str) -> str:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def tidy_text(text: str) -> str:
    """Full-width punctuation and no stray spaces inside Chinese text; English left alone."""
    text = text.strip()
    if not has_cjk(text):
        return re.sub(r"\s+", " ", text)
    text = _STRAY_FULLWIDTH_DIGITS.sub("。", text)
    text = _HALF_PUNCT_AFTER_CJK.sub(lambda m: _FULLWIDTH[m.group(1)], text)
    text = _PERIOD_AFTER_CJK.sub("。", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return text.strip()


def _match_key(text: str) -> str:
    return _STRIP_FOR_MATCH.sub("", text).lower()


def is_repetition(text: str) -> bool:
    """Mostly one character or short phrase said five or more times in a row."""
    key = re.sub(r"\d+", "", _match_key(text))  # 100000 元 is a number, not a loop
    repeated = sum(m.end() - m.start() for m in _REPEATED.finditer(key))
    return bool(key) and repeated >= 0.5 * len(key)


def is_hallucination(segment: Segment, only_segment: bool) -> bool:
    key = _match_key(segment.text)
    if not key:
        return True
    if any(p.search(key) for p in ALWAYS_HALLUCINATED) or is_repetition(segment.text):
        return True
    if key in SUSPICIOUS_WHOLE_SEGMENT:
        doubtful = segment.no_speech_prob >= 0.3 or segment.avg_logprob <= -0.8
        return doubtful or only_segment
    return False


@dataclass
class Line:
    start: float
    end: float
    text: str
    words: list[dict] = field(default_factory=list)
    confidence: float | None = None
    raw_text: str = ""  # the recogniser's text, before correction and trainers' edits

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "words": self.words,
                "confidence": self.confidence, "raw_text": self.raw_text}


def _split_words(words: list[dict], pause: float, max_len: float) -> list[list[dict]]:
    """Group words into sentence-sized runs: break after sentence punctuation, at pauses,
    and at clause punctuation once a run grows longer than ``max_len`` seconds."""
    runs: list[list[dict]] = []
    current: list[dict] = []
    for i, word in enumerate(words):
        current.append(word)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None:
            break
        token = word["word"].strip()
        gap = nxt["start"] - word["end"]
        length = word["end"] - current[0]["start"]
        if token.endswith(_SENTENCE_END) or gap >= pause or (length >= max_len and token.endswith(_CLAUSE_END)):
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [piece for run in runs for piece in _cap_length(run, MAX_CUE_SECONDS)]


def _cap_length(run: list[dict], limit: float) -> list[list[dict]]:
    """Split a run longer than ``limit`` seconds at its longest pause (the middle-most of equal ones), again
    until every piece fits: cues stay readable when the recogniser wrote no punctuation."""
    if len(run) < 2 or run[-1]["end"] - run[0]["start"] <= limit:
        return [run]
    middle = (run[0]["start"] + run[-1]["end"]) / 2
    cut = max(range(1, len(run)), key=lambda i: (round(run[i]["start"] - run[i - 1]["end"], 2),
                                                 -abs(run[i]["start"] - middle)))
    return _cap_length(run[:cut], limit) + _cap_length(run[cut:], limit)


def _stray_digits_as_sentence_ends(words: list[dict]) -> None:
    """A word of full-width digits alone after Chinese ("２") is a mis-written sentence end: make it "。", so the
    run splits there and the caption reads as a sentence."""
    for i, word in enumerate(words):
        token = word["word"].strip()
        if token and all("０" <= ch <= "９" for ch in token) and i > 0 and has_cjk(words[i - 1]["word"][-1:]):
            word["word"] = "。"


def normalize_segments(
    segments: list[Segment], language: str | None, duration: float | None = None,
    pause: float = 0.5, max_len: float = 12.0, dropped: list[str] | None = None,
) -> list[Line]:
    """Sentence-sized lines from the recogniser's segments. Hallucinated segments and looping lines are left out;
    their texts go to ``dropped`` when a list is given (the pipeline counts them)."""
    chinese = (language or "").startswith(("zh", "yue"))
    dropped = [] if dropped is None else dropped
    kept = []
    for s in segments:
        if is_hallucination(s, only_segment=len(segments) == 1):
            dropped.append(s.text)
        else:
            kept.append(s)
    lines: list[Line] = []
    for seg in kept:
        words = [
            {
                "start": round(float(w.start), 3),
                "end": round(float(w.end), 3),
                "word": to_simplified(w.word) if chinese or has_cjk(w.word) else w.word,
                "probability": round(float(w.probability), 4),
            }
            for w in seg.words
        ]
        _stray_digits_as_sentence_ends(words)
        if words:
            for run in _split_words(words, pause, max_len):
                text = tidy_text("".join(w["word"] for w in run))
                if not _match_key(text) or is_repetition(text):
                    if _match_key(text):
                        dropped.append(text)
                    continue
                lines.append(Line(
                    start=run[0]["start"], end=run[-1]["end"], text=text, words=run,
                    confidence=round(sum(w["probability"] for w in run) / len(run), 4),
                ))
        else:
            text = seg.text
            text = tidy_text(to_simplified(text) if chinese or has_cjk(text) else text)
            if _match_key(text):
                lines.append(Line(start=round(seg.start, 3), end=round(seg.end, 3), text=text,
                                  confidence=round(min(1.0, 2.718281828 ** seg.avg_logprob), 4)))
    # Monotonic, non-overlapping, inside the media.
    previous_end = 0.0
    for line in lines:
        line.start = max(line.start, previous_end)
        if duration:
            line.start = min(line.start, duration)
            line.end = min(line.end, duration)
        line.end = max(line.end, line.start)
        previous_end = line.end
    return lines
