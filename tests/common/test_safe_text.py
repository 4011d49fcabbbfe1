import pytest

from lms.common.safe_text import without_paths


@pytest.mark.parametrize(("text", "shown"), [
    ("No such file: /srv/lms/var/media/talks/7/a.mp4", "No such file: a.mp4"),
    ("[Errno 2] No such file or directory: '/var/spool/x/y.wav'", "[Errno 2] No such file or directory: 'y.wav'"),
    ("ffmpeg exited 1 in /opt/app/", "ffmpeg exited 1 in …"),
    (r"C:\lms\var\a.mp4 missing", "a.mp4 missing"),
    ("see https://example.com/a/b.html and 3/4 done", "see https://example.com/a/b.html and 3/4 done"),
    ("plain words", "plain words"),
])
def test_paths_are_cut_to_their_last_part(text, shown):
    assert without_paths(text) == shown
