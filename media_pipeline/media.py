"""Media handling with PyAV (FFmpeg libraries, no ffmpeg binary needed).

Everything streams: downloads and remuxes copy in chunks, audio is decoded
packet by packet into a 16 kHz mono 16-bit WAV, and only one video frame is
decoded for the poster. Outputs are written to a temp file in the destination
folder and renamed into place once complete.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import tempfile
import time
import urllib.error
import urllib.request
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import av
import av.error
import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import MediaError, TransientError

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
CHUNK = 1024 * 1024
ProgressCallback = Callable[[float], None]


@dataclass
class ProbeResult:
    format_name: str
    duration: float | None
    audio_duration: float | None
    has_video: bool
    audio: dict = field(default_factory=dict)
    video: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def _atomic_output(dest: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temp path next to ``dest``; rename it onto ``dest`` only if the block succeeds."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _sniff_unreadable(path: Path) -> str:
    """A readable reason for a file FFmpeg cannot open."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        return _("The file is empty.")
    if b"ftyp" in head[:12]:
        return _(
            "The MP4 file is incomplete or corrupt (its index is missing; was the upload or copy cut short?)."
        )
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return _("The file is not audio or video: it contains text.")
    return _("The file is not a readable audio or video file.")


def _seconds(value, time_base) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def probe(path: Path) -> ProbeResult:
    """Streams and duration of a local media file; MediaError with a clear reason when unusable."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise MediaError(_("The source file is missing from storage."))
    if size == 0:
        raise MediaError(_("The file is empty."))
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise MediaError(_sniff_unreadable(path))
    except av.error.FFmpegError as exc:
        raise MediaError(_("The media file cannot be read: %(error)s") % {"error": exc.strerror or exc})
    with container:
        audio_streams = list(container.streams.audio)
        video_streams = [s for s in container.streams.video if not _is_cover_art(s)]
        if not audio_streams:
            raise MediaError(_("The file has no audio track, so there is nothing to transcribe."))
        audio = audio_streams[0]
        if audio.codec_context is None or not audio.codec_context.name:
            raise MediaError(_("The audio track uses a codec that cannot be decoded."))
        duration = container.duration / 1_000_000 if container.duration else None
        audio_duration = _seconds(audio.duration, audio.time_base)
        result = ProbeResult(
            format_name=container.format.name,
            duration=duration or audio_duration,
            audio_duration=audio_duration,
            has_video=bool(video_streams),
            audio={
                "codec": audio.codec_context.name,
                "sample_rate": audio.codec_context.sample_rate,
                "channels": audio.codec_context.channels,
            },
        )
        if video_streams:
            v = video_streams[0]
            result.video = {"codec": v.codec_context.name, "width": v.codec_context.width,
                            "height": v.codec_context.height}
    return result


def _is_cover_art(stream) -> bool:
    # MP3/M4A cover images show up as a one-frame "video" stream.
    disposition = getattr(stream, "disposition", None)
    try:
        return bool(disposition & av.stream.Disposition.attached_pic)
    except (TypeError, AttributeError):
        return False


def extract_audio(
    src: Path, dest: Path, expected_duration: float | None = None, progress: ProgressCallback | None = None
) -> float:
    """Decode the first audio track to 16 kHz mono s16 WAV at ``dest``; returns its length in seconds."""
    samples = 0
    bad_packets = 0
    last_report = 0.0
    try:
        container = av.open(str(src), metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise MediaError(_("The media file cannot be read: %(error)s") % {"error": exc.strerror or exc})
    with container, _atomic_output(dest) as tmp:
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)

            def write(frames):
                nonlocal samples
                for frame in frames:
                    data = frame.to_ndarray()
                    out.writeframes(data.tobytes())
                    samples += data.shape[-1]

            try:
                for packet in container.demux(stream):
                    try:
                        frames = packet.decode()
                    except av.error.InvalidDataError:
                        bad_packets += 1
                        if bad_packets > 100:
                            raise MediaError(_("The audio track is corrupt: too many undecodable packets."))
                        continue
                    for frame in frames:
                        write(resampler.resample(frame))
                    if progress and expected_duration and time.monotonic() - last_report > 1.0:
                        last_report = time.monotonic()
                        progress(min(samples / SAMPLE_RATE / expected_duration, 1.0))
                write(resampler.resample(None))
            except av.error.FFmpegError as exc:
                if isinstance(exc, av.error.InvalidDataError) or samples == 0:
                    raise MediaError(_("The audio track cannot be decoded: %(error)s") % {"error": exc.strerror or exc})
                raise
        seconds = samples / SAMPLE_RATE
        if seconds <= 0:
            raise MediaError(_("No audio could be decoded from the file."))
        if expected_duration and seconds < expected_duration * 0.9 - 1.0:
            raise MediaError(
                _("The file is truncated: only %(got).1f of %(want).1f seconds of audio could be decoded.")
                % {"got": seconds, "want": expected_duration}
            )
    return seconds


def load_audio(path: Path) -> np.ndarray:
    """The extracted WAV as float32 samples in [-1, 1] (what faster-whisper expects)."""
    with wave.open(str(path), "rb") as fh:
        if fh.getframerate() != SAMPLE_RATE or fh.getnchannels() != 1 or fh.getsampwidth() != 2:
            raise MediaError(_("The extracted audio has an unexpected format."))
        total = fh.getnframes()
        # Filled chunk by chunk: peak memory is the float array (what the model needs), not twice that.
        audio = np.empty(total, dtype=np.float32)
        position = 0
        while position < total:
            chunk = np.frombuffer(fh.readframes(CHUNK), dtype=np.int16)
            if not len(chunk):
                break
            np.multiply(chunk, 1 / 32768.0, out=audio[position : position + len(chunk)], casting="unsafe")
            position += len(chunk)
    return audio[:position]


def make_poster(src: Path, dest: Path, duration: float | None = None, max_size=(960, 540)) -> bool:
    """Save a JPEG still from the video (about 10 % in, at most 5 s); False for audio-only files."""
    try:
        container = av.open(str(src), metadata_errors="ignore")
    except av.error.FFmpegError:
        return False
    with container:
        streams = [s for s in container.streams.video if not _is_cover_art(s)]
        if not streams:
            return False
        stream = streams[0]
        stream.thread_type = "AUTO"
        target = min((duration or 0) * 0.1, 5.0)
        image = None
        try:
            if target > 0 and stream.time_base:
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
            for count, frame in enumerate(container.decode(stream)):
                image = frame.to_image()
                if frame.time is None or frame.time >= target - 0.05 or count > 300:
                    break
        except av.error.FFmpegError as exc:
            logger.warning("Poster frame of %s could not be decoded: %s", src, exc)
        if image is None:
            return False
        image.thumbnail(max_size)
        with _atomic_output(dest) as tmp:
            image.convert("RGB").save(tmp, "JPEG", quality=82)
    return True


# --- Import by URL --------------------------------------------------------------------------------

def is_hls(url: str, content_type: str = "") -> bool:
    return urlsplit(url).path.lower().endswith(".m3u8") or "mpegurl" in content_type.lower()


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MediaError(_("Only http:// and https:// addresses can be imported."))
    # Production can limit imports to the streaming platform's hosts ("live.example.org", ".example.org").
    allowed = getattr(settings, "MEDIA_IMPORT_ALLOWED_HOSTS", None) or []
    host = (parts.hostname or "").lower()
    if allowed and not any(host == a.lower() or (a.startswith(".") and host.endswith(a.lower())) for a in allowed):
        raise MediaError(_("Replays can only be imported from these hosts: %(hosts)s.") % {"hosts": ", ".join(allowed)})


def _network_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, socket.timeout | TimeoutError):
        return _("the server did not answer in time")
    if isinstance(reason, ConnectionRefusedError) or getattr(reason, "errno", None) == errno.ECONNREFUSED:
        return _("the connection was refused (is the address right and the server running?)")
    if isinstance(reason, socket.gaierror):
        return _("the host name could not be resolved")
    return str(reason)


def download(url: str, dest: Path, timeout: float, max_bytes: int, progress: ProgressCallback | None = None) -> str:
    """Stream an HTTP(S) file to ``dest``; returns the response Content-Type."""
    check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": "dangjian-lms-media-pipeline/1.0"})  # noqa: S310
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (scheme checked above)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise TransientError(_("The server answered HTTP %(code)s for %(url)s.") % {"code": exc.code, "url": url})
        raise MediaError(_("The address could not be fetched: HTTP %(code)s.") % {"code": exc.code})
    except (urllib.error.URLError, OSError) as exc:
        raise TransientError(
            _("Could not download %(url)s: %(reason)s.") % {"url": url, "reason": _network_reason(exc)}
        )
    with response:
        content_type = response.headers.get("Content-Type", "")
        total = int(response.headers.get("Content-Length") or 0)
        if total > max_bytes:
            raise MediaError(_("The file at the address is larger than the allowed %(gb).1f GB.")
                             % {"gb": max_bytes / 1024**3})
        if is_hls(url, content_type):
            return content_type  # the caller remuxes playlists instead
        received = 0
        last_report = 0.0
        with _atomic_output(dest) as tmp, open(tmp, "wb") as out:
            try:
                while chunk := response.read(CHUNK):
                    received += len(chunk)
                    if received > max_bytes:
                        raise MediaError(_("The file at the address is larger than the allowed %(gb).1f GB.")
                                         % {"gb": max_bytes / 1024**3})
                    out.write(chunk)
                    if progress and total and time.monotonic() - last_report > 1.0:
                        last_report = time.monotonic()
                        progress(received / total)
            except (TimeoutError, ConnectionError, urllib.error.URLError) as exc:
                raise TransientError(_("The download of %(url)s broke off: %(reason)s.")
                                     % {"url": url, "reason": _network_reason(exc)})
            if total and received < total:
                raise TransientError(_("The download of %(url)s broke off after %(got)d of %(want)d bytes.")
                                     % {"url": url, "got": received, "want": total})
    return content_type


def remux_hls(url: str, dest: Path, timeout: float, max_bytes: int, progress: ProgressCallback | None = None,
              expected_duration: float | None = None) -> None:
    """Copy the audio/video of an HLS playlist into one MP4 file (no re-encoding)."""
    check_url(url)
    options = {"protocol_whitelist": "http,https,tcp,tls,crypto"}
    try:
        source = av.open(url, options=options, timeout=(timeout, timeout), metadata_errors="ignore")
    except av.error.HTTPClientError as exc:
        raise MediaError(_("The playlist could not be fetched: %(error)s") % {"error": exc.strerror or exc})
    except (av.error.HTTPServerError, av.error.ConnectionRefusedError, av.error.ConnectionResetError,
            av.error.TimeoutError, av.error.EOFError) as exc:
        raise TransientError(_("Could not download %(url)s: %(reason)s.") % {"url": url, "reason": exc.strerror or exc})
    except av.error.InvalidDataError:
        raise MediaError(_("The address does not point to a playable HLS stream."))
    except av.error.FFmpegError as exc:
        raise MediaError(_("The stream cannot be read: %(error)s") % {"error": exc.strerror or exc})
    with source:
        streams = [s for s in source.streams if s.type in ("audio", "video")]
        if not any(s.type == "audio" for s in streams):
            raise MediaError(_("The file has no audio track, so there is nothing to transcribe."))
        duration = source.duration / 1_000_000 if source.duration else expected_duration
        last_report = 0.0
        with _atomic_output(dest, suffix=".mp4") as tmp:
            with av.open(str(tmp), "w", format="mp4") as out:
                mapping = {s.index: out.add_stream_from_template(s) for s in streams}
                try:
                    for packet in source.demux(streams):
                        if packet.dts is None:
                            continue
                        packet.stream = mapping[packet.stream_index]
                        out.mux(packet)
                        if progress and duration and packet.pts is not None and packet.time_base \
                                and time.monotonic() - last_report > 1.0:
                            last_report = time.monotonic()
                            progress(min(float(packet.pts * packet.time_base) / duration, 1.0))
                except (av.error.HTTPServerError, av.error.ConnectionResetError, av.error.TimeoutError) as exc:
                    raise TransientError(_("The download of %(url)s broke off: %(reason)s.")
                                         % {"url": url, "reason": exc.strerror or exc})
            if tmp.stat().st_size > max_bytes:
                raise MediaError(_("The file at the address is larger than the allowed %(gb).1f GB.")
                                 % {"gb": max_bytes / 1024**3})
