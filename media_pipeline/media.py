"""Media handling with PyAV (FFmpeg libraries, no ffmpeg binary needed).

Everything streams: downloads and remuxes copy in chunks, audio is decoded
packet by packet into a 16 kHz mono 16-bit WAV, and only one video frame is
decoded for the poster. Outputs are written to a temp file in the destination
folder and renamed into place once complete.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
import logging
import os
import tempfile
import time
import wave
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import av
import av.error
import numpy as np
from django.utils.translation import gettext as _

from . import fetch
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
# Every request goes through fetch.open_url, which refuses internal addresses on each hop (see fetch.py).

def is_hls(url: str, content_type: str = "") -> bool:
    return urlsplit(url).path.lower().endswith(".m3u8") or "mpegurl" in content_type.lower()


def check_url(url: str) -> None:
    """The checks that need no network (scheme, allow-list); MediaError when the address is refused."""
    fetch.check_url(url)


def download(url: str, dest: Path, timeout: float, max_bytes: int, progress: ProgressCallback | None = None) -> str:
    """Stream an HTTP(S) file to ``dest``; returns the response Content-Type (nothing is saved for HLS)."""
    budget = fetch.Budget.from_settings(read_timeout=timeout, max_bytes=max_bytes)
    with fetch.open_url(url, budget) as response:
        content_type = response.content_type
        total = response.content_length or 0
        if total > max_bytes:
            raise fetch.too_large(max_bytes)
        if is_hls(url, content_type):
            return content_type  # the caller remuxes playlists instead
        received = 0
        last_report = 0.0
        with _atomic_output(dest) as tmp, open(tmp, "wb") as out:
            while chunk := response.read(CHUNK):  # stops at the byte cap and the deadline
                received += len(chunk)
                out.write(chunk)
                if progress and total and time.monotonic() - last_report > 1.0:
                    last_report = time.monotonic()
                    progress(received / total)
            if total and received < total:
                logger.warning("Download of %s broke off after %d of %d bytes", url, received, total)
                raise fetch.broke_off()
    return content_type


PLAYLIST_MAX_BYTES = 16 * 1024 * 1024
AVIO_FLAG_WRITE = 2


class _ResponseReader:
    """A read-only, non-seekable file object over a fetch.Response, for FFmpeg's custom I/O."""

    def __init__(self, response: fetch.Response):
        self._response = response

    def read(self, size: int = -1) -> bytes:
        return self._response.read(size if size and size > 0 else CHUNK)

    def close(self) -> None:
        self._response.close()


class _Aes128CbcReader:
    """Decrypts an AES-128 HLS segment (CBC, PKCS#7 padding) while it streams, as FFmpeg's crypto protocol
    would; the cipher is libavutil's, which PyAV ships."""

    def __init__(self, raw: _ResponseReader, key_hex: str | None, iv_hex: str | None):
        try:
            key, iv = bytes.fromhex(key_hex or ""), bytes.fromhex(iv_hex or "")
        except ValueError:
            key = iv = b""
        if len(key) != 16 or len(iv) != 16:
            raw.close()
            raise MediaError(_("The address does not point to a playable HLS stream."))
        self._raw = raw
        self._decrypt = _aes128_cbc_decryptor(key, iv)
        self._pending = b""  # ciphertext not decrypted yet (the last block waits for the padding)
        self._plain = b""
        self._eof = False

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else CHUNK
        while len(self._plain) < size and not self._eof:
            chunk = self._raw.read(CHUNK)
            if chunk:
                self._pending += chunk
                usable = max(len(self._pending) // 16 - 1, 0) * 16
                self._plain += self._decrypt(self._pending[:usable])
                self._pending = self._pending[usable:]
                continue
            self._eof = True
            if len(self._pending) % 16:
                raise MediaError(_("The address does not point to a playable HLS stream."))
            last = self._decrypt(self._pending)
            self._pending = b""
            pad = last[-1] if last else 0
            if last and not 1 <= pad <= 16:
                raise MediaError(_("The address does not point to a playable HLS stream."))
            self._plain += last[:-pad] if last else b""
        data, self._plain = self._plain[:size], self._plain[size:]
        return data

    def close(self) -> None:
        self._raw.close()


@functools.cache
def _avutil():
    """libavutil as a ctypes library (the copy PyAV bundles, else the system's); None when not found."""
    package = Path(av.__file__).resolve().parent
    candidates = [str(p) for p in sorted(package.parent.glob("av.libs/libavutil*"))]
    candidates += [str(p) for p in sorted(package.glob(".dylibs/libavutil*"))]
    if system := ctypes.util.find_library("avutil"):
        candidates.append(system)
    for candidate in candidates:
        try:
            lib = ctypes.CDLL(candidate)
            lib.av_aes_alloc.restype = ctypes.c_void_p
            lib.av_aes_alloc.argtypes = []
            lib.av_aes_init.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
            lib.av_aes_crypt.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                         ctypes.c_void_p, ctypes.c_int]
            lib.av_aes_crypt.restype = None
            lib.av_free.argtypes = [ctypes.c_void_p]
            lib.av_free.restype = None
        except (OSError, AttributeError):
            continue
        return lib
    return None


def _aes128_cbc_decryptor(key: bytes, iv: bytes) -> Callable[[bytes], bytes]:
    lib = _avutil()
    if lib is None:
        raise MediaError(_("Encrypted HLS streams cannot be imported on this server."))
    ctx = lib.av_aes_alloc()
    if not ctx or lib.av_aes_init(ctx, key, 128, 1) < 0:
        lib.av_free(ctx)
        raise MediaError(_("Encrypted HLS streams cannot be imported on this server."))
    iv_buffer = ctypes.create_string_buffer(iv, 16)  # CBC state, carried from call to call

    def decrypt(data: bytes) -> bytes:
        if not data:
            return b""
        out = ctypes.create_string_buffer(len(data))
        lib.av_aes_crypt(ctx, out, data, len(data) // 16, iv_buffer, 1)
        return out.raw

    weakref.finalize(decrypt, lib.av_free, ctx)
    return decrypt


class _HlsOpener:
    """FFmpeg's ``io_open`` for an HLS import: every playlist, key and segment URL is fetched through
    fetch.open_url (same checks, one shared budget); local files and other protocols are refused."""

    def __init__(self, budget: fetch.Budget):
        self.budget = budget
        self.error: BaseException | None = None
        self._prefetched: dict[str, bytes] = {}

    def fetch_playlist(self, url: str) -> str:
        """Fetch the playlist (following checked redirects); returns its final URL, which segments resolve
        against and which ``open`` then serves from memory."""
        with fetch.open_url(url, self.budget) as response:
            body = b""
            while chunk := response.read(CHUNK):
                body += chunk
                if len(body) > PLAYLIST_MAX_BYTES:
                    raise MediaError(_("The address does not point to a playable HLS stream."))
            self._prefetched[response.url] = body
            return response.url

    def open(self, url: str, flags: int, options: dict):
        try:
            return self._open(url, flags, options or {})
        except BaseException as exc:
            # FFmpeg may skip a segment it cannot open; the import still fails with this reason.
            self.error = self.error or exc
            raise

    def _open(self, url: str, flags: int, options: dict):
        if self.error is not None:  # one refused or failed request ends the import: fetch nothing more
            raise self.error
        if flags & AVIO_FLAG_WRITE:
            raise fetch.not_allowed()
        if url in self._prefetched:
            return io.BytesIO(self._prefetched.pop(url))
        encrypted = url.startswith("crypto+")
        if encrypted:
            url = url[len("crypto+"):]
        response = fetch.open_url(url, self.budget)  # file:, data:, crypto: (a local file) … are refused here
        reader = _ResponseReader(response)
        return _Aes128CbcReader(reader, options.get("key"), options.get("iv")) if encrypted else reader


def remux_hls(url: str, dest: Path, timeout: float, max_bytes: int, progress: ProgressCallback | None = None,
              expected_duration: float | None = None) -> None:
    """Copy the audio/video of an HLS playlist into one MP4 file (no re-encoding).

    FFmpeg does no networking of its own here: it reads everything through ``_HlsOpener``.
    """
    budget = fetch.Budget.from_settings(read_timeout=timeout, max_bytes=max_bytes)
    opener = _HlsOpener(budget)
    playlist_url = opener.fetch_playlist(url)
    # No persistent or parallel HTTP inside FFmpeg: those bypass io_open (and need its own HTTP client).
    options = {"http_persistent": "0", "http_multiple": "0"}
    try:
        source = av.open(playlist_url, format="hls", options=options, io_open=opener.open, metadata_errors="ignore")
    except (MediaError, TransientError):
        raise
    except av.error.FFmpegError as exc:
        if opener.error is not None:
            raise opener.error
        if isinstance(exc, av.error.InvalidDataError):
            raise MediaError(_("The address does not point to a playable HLS stream."))
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
                except av.error.FFmpegError as exc:
                    if opener.error is not None:
                        raise opener.error
                    logger.warning("Remuxing the HLS stream %s failed: %s", url, exc)
                    raise TransientError(_("The download broke off before the end."))
                if opener.error is not None:
                    raise opener.error
            if tmp.stat().st_size > max_bytes:
                raise fetch.too_large(max_bytes)
