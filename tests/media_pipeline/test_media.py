"""PyAV probing, audio extraction and posters on the sample clips and on broken files."""

import wave

import pytest
from django.utils import translation
from PIL import Image

from media_pipeline import media
from media_pipeline.errors import MediaError


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_probe_video_and_audio_samples(talks_dir, manifest):
    mp4 = media.probe(talks_dir / "dev01_dangke.mp4")
    assert mp4.has_video and mp4.audio["codec"] == "aac"
    assert mp4.video["width"] > 0 and mp4.video["height"] > 0
    assert mp4.audio_duration == pytest.approx(manifest["dev01_dangke"]["duration"], abs=0.3)

    ogg = media.probe(talks_dir / "dev02_anquan.ogg")
    assert not ogg.has_video and ogg.video == {}
    assert ogg.duration == pytest.approx(manifest["dev02_anquan"]["duration"], abs=0.3)


@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ("empty", "The file is empty."),
        ("text", "not audio or video: it contains text"),
        ("truncated", "MP4 file is incomplete or corrupt"),
        ("video_only", "no audio track"),
    ],
)
def test_probe_rejects_bad_files_with_a_reason(media_samples, sample, reason):
    with pytest.raises(MediaError) as info:
        media.probe(media_samples[sample])
    assert reason in info.value.message


def test_probe_missing_file(tmp_path):
    with pytest.raises(MediaError, match="missing from storage"):
        media.probe(tmp_path / "gone.mp4")


def test_extract_audio_gives_16k_mono_of_full_length(talks_dir, tmp_path, manifest):
    dest = tmp_path / "audio.wav"
    seen = []
    seconds = media.extract_audio(talks_dir / "dev01_dangke.ogg", dest, 45.15, progress=seen.append)
    assert seconds == pytest.approx(manifest["dev01_dangke"]["duration"], abs=0.1)
    with wave.open(str(dest)) as fh:
        assert (fh.getframerate(), fh.getnchannels(), fh.getsampwidth()) == (16000, 1, 2)
        assert fh.getnframes() == int(round(seconds * 16000))
    audio = media.load_audio(dest)
    assert audio.dtype.name == "float32" and len(audio) == int(round(seconds * 16000))
    assert 0.01 < float(abs(audio).max()) <= 1.0
    assert not list(tmp_path.glob(".*.tmp"))


def test_extract_detects_a_truncated_file_whose_index_survived(media_samples, tmp_path):
    # The index (moov) is at the front, so the file opens; half of the audio is missing.
    info = media.probe(media_samples["faststart_truncated"])
    dest = tmp_path / "audio.wav"
    with pytest.raises(MediaError, match="truncated"):
        media.extract_audio(media_samples["faststart_truncated"], dest, info.audio_duration)
    assert not dest.exists(), "no half-written audio"
    assert not list(tmp_path.iterdir())


def test_silent_wav_extracts_to_silence(media_samples, tmp_path):
    seconds = media.extract_audio(media_samples["silent"], tmp_path / "a.wav", 6.0)
    assert seconds == pytest.approx(6.0, abs=0.01)
    assert float(abs(media.load_audio(tmp_path / "a.wav")).max()) == 0.0


def test_poster_from_video_and_none_for_audio(talks_dir, tmp_path):
    poster = tmp_path / "poster.jpg"
    assert media.make_poster(talks_dir / "dev03_lianzheng.mp4", poster, duration=23.6)
    with Image.open(poster) as img:
        assert img.format == "JPEG" and img.width == 320
    assert not media.make_poster(talks_dir / "dev02_anquan.ogg", tmp_path / "none.jpg", duration=30)
    assert not (tmp_path / "none.jpg").exists()


def test_filename_and_url_checks():
    with pytest.raises(MediaError, match="Only http"):
        media.check_url("file:///etc/passwd")
    with pytest.raises(MediaError, match="Only http"):
        media.check_url("ftp://example.org/x.mp4")
    assert media.is_hls("http://h/live/index.m3u8?token=1")
    assert media.is_hls("http://h/play", "application/vnd.apple.mpegurl")
    assert not media.is_hls("http://h/a.mp4", "video/mp4")


def test_import_host_allow_list(settings):
    settings.MEDIA_IMPORT_ALLOWED_HOSTS = ["live.example.org", ".cdn.example.org"]
    media.check_url("https://live.example.org/replay.m3u8")
    media.check_url("https://a.cdn.example.org/x.mp4")
    with pytest.raises(MediaError, match="only be imported from these hosts"):
        media.check_url("http://169.254.169.254/latest/meta-data")
