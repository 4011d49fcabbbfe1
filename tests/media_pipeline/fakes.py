"""A stand-in ASR backend for tests that inject failures around transcription (the real model is used
in test_pipeline_real_model.py and test_worker.py)."""

from media_pipeline.asr import ASRBackend, Segment, Transcription, Word

CALLS = []


class FakeBackend(ASRBackend):
    name = "fake"

    def transcribe(self, audio, *, language=None, glossary=None, progress=None):
        CALLS.append({"samples": len(audio), "language": language, "glossary": glossary})
        duration = len(audio) / 16000
        if progress:
            progress(1.0)
        words = [Word(0.5, 1.2, "學習", 0.9), Word(1.2, 2.0, "黨章。", 0.8), Word(3.0, 3.6, "今天", 0.95),
                 Word(3.6, 4.4, "开会", 0.9)]
        return Transcription(
            language=language or "zh", language_probability=1.0, duration=duration,
            segments=[Segment(0.5, 4.4, "學習黨章。今天开会", words=words, avg_logprob=-0.2, no_speech_prob=0.01)],
            model="fake-model", settings={"backend": "fake"},
        )


SCRIPT: list = []  # ScriptedBackend returns the segments of SCRIPT[0] (words: (start, end, text) triples)


class ScriptedBackend(ASRBackend):
    """Returns what the test scripted: one segment per entry of SCRIPT, words given as (start, end, text)."""

    name = "scripted"

    def transcribe(self, audio, *, language=None, glossary=None, progress=None):
        CALLS.append({"samples": len(audio), "language": language, "glossary": glossary})
        segments = []
        for words in SCRIPT:
            ws = [Word(s, e, t, 0.9) for s, e, t in words]
            segments.append(Segment(ws[0].start, ws[-1].end, "".join(w.word for w in ws), words=ws,
                                    avg_logprob=-0.2, no_speech_prob=0.01))
        return Transcription(language=language or "zh", language_probability=1.0, duration=len(audio) / 16000,
                             segments=segments, model="scripted-model", settings={"backend": "scripted"})
