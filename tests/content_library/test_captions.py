from content_library.captions import build_vtt, timestamp, wrap


def test_timestamps():
    assert timestamp(0) == "00:00:00.000"
    assert timestamp(3725.4567) == "01:02:05.457"
    assert timestamp(-1) == "00:00:00.000"


def test_vtt_document():
    vtt = build_vtt([
        {"start": 0.24, "end": 4.46, "text": "同志们，今天我们进行本季度的专题党课学习。"},
        {"start": 5.0, "end": 5.0, "text": "a <b> & --> c"},
    ])
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.240 --> 00:00:04.460\n")
    assert "2\n00:00:05.000 --> 00:00:05.500\na &lt;b&gt; &amp; --&gt; c\n" in vtt


def test_long_cues_wrap_on_two_lines_at_punctuation():
    text = "按照规划要求，党员每年集中学习培训时间一般不少于三十二学时。"
    assert wrap(text) == "按照规划要求，\n党员每年集中学习培训时间一般不少于三十二学时。"
    assert wrap("short") == "short"
    english = "Report every near miss within twenty four hours using the incident form."
    first, second = wrap(english).split("\n")
    assert first + " " + second == english and abs(len(first) - len(second)) < 12
