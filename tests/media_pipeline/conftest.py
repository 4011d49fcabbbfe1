"""Fixtures for media tests: the sample talks in samples/talks, generated bad inputs, the real model."""

import json
import wave
from pathlib import Path

import av
import pytest
from django.conf import settings

from media_pipeline.model_install import install

TALKS_DIR = Path(settings.LMS_SAMPLE_TALKS_DIR)


@pytest.fixture(scope="session")
def talks_dir() -> Path:
    manifest = TALKS_DIR / "manifest.json"
    assert manifest.is_file(), f"sample talks missing: {manifest} (set LMS_SAMPLE_TALKS_DIR)"
    return TALKS_DIR


@pytest.fixture(scope="session")
def manifest(talks_dir) -> dict:
    return json.loads((talks_dir / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _pipeline_work_dir(settings, tmp_path):
    settings.MEDIA_PIPELINE_WORK_DIR = tmp_path / "media-work"
    settings.MEDIA_PIPELINE_RETRY_BACKOFF = 0
    return settings.MEDIA_PIPELINE_WORK_DIR


@pytest.fixture(scope="session")
def asr_model():
    """The real Whisper base model, installed (idempotent) and loaded once for the test session."""
    from media_pipeline.asr import get_backend

    install(settings.ASR_MODEL_DIR)
    backend = get_backend()
    backend.warm_up()
    return backend


def write_silent_wav(path: Path, seconds: float = 6.0, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))
    return path


def remux(src: Path, dest: Path, *, kinds=("audio", "video"), max_seconds: float | None = None,
          fmt: str | None = None, options: dict | None = None) -> Path:
    """Copy some streams of ``src`` (optionally only the first ``max_seconds``) without re-encoding."""
    with av.open(str(src)) as inp, av.open(str(dest), "w", format=fmt, options=options or {}) as out:
        streams = [s for s in inp.streams if s.type in kinds]
        mapping = {s.index: out.add_stream_from_template(s) for s in streams}
        for packet in inp.demux(streams):
            if packet.dts is None:
                continue
            if max_seconds is not None and packet.pts is not None and packet.pts * packet.time_base > max_seconds:
                continue
            packet.stream = mapping[packet.stream_index]
            out.mux(packet)
    return dest


@pytest.fixture(scope="session")
def media_samples(tmp_path_factory, talks_dir) -> dict[str, Path]:
    """Good and bad inputs generated once per session."""
    d = tmp_path_factory.mktemp("media-samples")
    mp4 = talks_dir / "dev03_lianzheng.mp4"
    samples = {
        "empty": d / "empty.mp4",
        "text": d / "notes.mp4",
        "truncated": d / "truncated.mp4",
        "silent": write_silent_wav(d / "silent.wav"),
        "video_only": remux(mp4, d / "video_only.mp4", kinds=("video",)),
        # The first two sentences (≈ 8 s) of dev03, with the index in front ("faststart").
        "short": remux(mp4, d / "short.mp4", max_seconds=8.3, options={"movflags": "+faststart"}),
    }
    samples["empty"].write_bytes(b"")
    samples["text"].write_text("会议纪要：这不是视频文件。\nJust some notes.\n" * 20, encoding="utf-8")
    samples["truncated"].write_bytes(mp4.read_bytes()[: mp4.stat().st_size // 2])
    faststart = remux(mp4, d / "faststart.mp4", options={"movflags": "+faststart"})
    samples["faststart_truncated"] = d / "faststart_truncated.mp4"
    samples["faststart_truncated"].write_bytes(faststart.read_bytes()[: faststart.stat().st_size // 2])
    return samples


@pytest.fixture
def http_log() -> list[dict]:
    """What ``http_server`` received: one {"path", "host"} per request."""
    return []


@pytest.fixture
def http_redirects() -> dict[str, str]:
    """Paths that ``http_server`` answers with a 302 to the given Location."""
    return {}


@pytest.fixture
def http_server(tmp_path, settings, http_log, http_redirects):
    """A local HTTP server (127.0.0.1 only) serving files from a temp folder: (folder, base_url).

    Imports refuse loopback addresses unless allow-listed, so 127.0.0.1 is allow-listed for the test.
    Paths under /nolength/ are sent without a Content-Length (the body ends when the connection closes).
    """
    import functools
    import http.server
    import threading

    settings.MEDIA_IMPORT_ALLOWED_HOSTS = ["127.0.0.1"]
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            http_log.append({"path": self.path, "host": self.headers.get("Host")})
            if self.path in http_redirects:
                self.send_response(302)
                self.send_header("Location", http_redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/nolength/"):
                file = root / self.path.removeprefix("/nolength/")
                if file.is_file():
                    self.close_connection = True
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.end_headers()
                    self.wfile.write(file.read_bytes())
                    return
            super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port_url(settings):
    """A URL on 127.0.0.1 where nothing listens (127.0.0.1 allow-listed, as for ``http_server``)."""
    import socket

    settings.MEDIA_IMPORT_ALLOWED_HOSTS = ["127.0.0.1"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/replay.mp4"


def make_hls(src: Path, folder: Path, max_seconds: float | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    playlist = folder / "index.m3u8"
    remux(src, playlist, fmt="hls", max_seconds=max_seconds, options={
        "hls_time": "2", "hls_playlist_type": "vod", "hls_segment_filename": str(folder / "seg%03d.ts"),
    })
    return playlist
