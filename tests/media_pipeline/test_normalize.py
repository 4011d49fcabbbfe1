"""Normalization of recogniser output: Simplified Chinese, hallucinations, sentence-sized lines."""

from media_pipeline.asr import Segment, Word
from media_pipeline.normalize import is_hallucination, normalize_segments, tidy_text, to_simplified


def words_of(pairs):
    return [Word(start=s, end=e, word=w, probability=0.9) for s, e, w in pairs]


def test_traditional_chinese_becomes_simplified():
    assert to_simplified("黨員教育培訓是黨的建設的基礎性工作") == "党员教育培训是党的建设的基础性工作"
    seg = Segment(0.0, 3.0, "學習黨章黨規", words=words_of([(0, 1, "學習"), (1, 2, "黨章"), (2, 3, "黨規")]))
    [line] = normalize_segments([seg], "zh")
    assert line.text == "学习党章党规"
    assert [w["word"] for w in line.words] == ["学习", "党章", "党规"]


def test_punctuation_is_tidied_in_chinese_only():
    assert tidy_text(" 同志们,今天我们学习。党章 党规? ") == "同志们，今天我们学习。党章党规？"
    assert tidy_text("Every permit, signed.") == "Every permit, signed."


def test_long_segment_is_split_at_sentence_ends_and_pauses():
    seg = Segment(0.0, 9.0, "x", words=words_of([
        (0.2, 1.0, "同志们，"), (1.0, 2.5, "今天学习。"),   # sentence end
        (3.3, 4.0, "党员"), (4.0, 5.0, "教育"),           # 0.8 s pause before next word
        (5.8, 7.0, "很重要"), (7.0, 8.0, "。"),
    ]))
    lines = normalize_segments([seg], "zh")
    assert [line.text for line in lines] == ["同志们，今天学习。", "党员教育", "很重要。"]
    assert [(line.start, line.end) for line in lines] == [(0.2, 2.5), (3.3, 5.0), (5.8, 8.0)]
    assert all(0 < line.confidence <= 1 for line in lines)


def test_known_silence_hallucinations_are_dropped():
    credit = Segment(0, 2, "字幕由Amara.org社区提供", avg_logprob=-0.2, no_speech_prob=0.1)
    assert is_hallucination(credit, only_segment=False)
    like = Segment(0, 2, "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目", avg_logprob=-0.3)
    assert is_hallucination(like, only_segment=False)
    # "Thanks for watching" alone on a doubtful segment is invented …
    doubtful = Segment(10, 12, " Thanks for watching!", avg_logprob=-0.9, no_speech_prob=0.5)
    assert is_hallucination(doubtful, only_segment=False)
    # … and as the only thing "heard" in a file it is too …
    assert is_hallucination(Segment(0, 2, "谢谢观看", avg_logprob=-0.3, no_speech_prob=0.1), only_segment=True)
    # … but a confident "Thank you" inside a real talk stays, as does a sentence containing it.
    confident = Segment(20, 21, "Thank you.", avg_logprob=-0.2, no_speech_prob=0.01)
    assert not is_hallucination(confident, only_segment=False)
    real = Segment(21, 25, "Thank you, and please complete the follow up quiz by Friday.", avg_logprob=-0.3)
    assert not is_hallucination(real, only_segment=False)


def test_hallucinations_removed_from_output_and_times_are_monotonic():
    segments = [
        Segment(0.0, 2.0, "今天开会", words=words_of([(0.0, 1.0, "今天"), (1.0, 2.0, "开会")])),
        Segment(1.5, 4.0, "下面学习", words=words_of([(1.5, 3.0, "下面"), (3.0, 4.0, "学习")])),
        Segment(5.0, 30.0, "字幕由Amara.org社区提供", avg_logprob=-1.0, no_speech_prob=0.8),
        Segment(30.0, 31.0, "  ", avg_logprob=-1.0),
    ]
    lines = normalize_segments(segments, "zh", duration=10.0)
    assert [line.text for line in lines] == ["今天开会", "下面学习"]
    assert lines[1].start >= lines[0].end
    assert all(line.end <= 10.0 for line in lines)


def test_english_words_keep_their_spaces():
    seg = Segment(0, 3, " Report every near miss.", words=words_of(
        [(0.0, 0.5, " Report"), (0.5, 1.0, " every"), (1.0, 1.5, " near"), (1.5, 2.0, " miss.")]
    ))
    [line] = normalize_segments([seg], "en")
    assert line.text == "Report every near miss."


def test_segment_without_words_is_kept_and_converted():
    [line] = normalize_segments([Segment(1.0, 2.0, "廉潔從業", avg_logprob=-0.1)], "zh")
    assert (line.text, line.start, line.end, line.words) == ("廉洁从业", 1.0, 2.0, [])
    assert 0.85 < line.confidence < 0.95


def test_no_cue_is_longer_than_fifteen_seconds_without_punctuation():
    # 40 s of speech, no punctuation at all, words back to back except two short breaths.
    vocabulary = ["我们", "要", "认真", "学习", "党章", "党规", "自觉", "遵守", "纪律", "规矩", "加强", "修养"]
    pairs, t = [], 0.0
    for i in range(80):
        t += 0.3 if i in (25, 52) else 0.0
        pairs.append((round(t, 2), round(t + 0.5, 2), vocabulary[i % len(vocabulary)]))
        t += 0.5
    lines = normalize_segments([Segment(0.0, t, "x", words=words_of(pairs))], "zh")
    assert all(line.end - line.start <= 15.0 for line in lines)
    assert len(lines) >= 3 and "".join(line.text for line in lines) == "".join(w for _s, _e, w in pairs)
    assert lines[0].end == pairs[24][1]  # split at the breaths, the longest pauses, first


def test_a_stray_fullwidth_digit_between_sentences_is_a_sentence_end():
    seg = Segment(0.0, 6.0, "x", words=words_of([
        (0.0, 1.0, "廉洁从业"), (1.0, 2.0, "警示教育"), (2.0, 2.1, "２"), (2.1, 3.0, "今后"), (3.0, 4.0, "要"),
        (4.0, 5.0, "自觉遵守"), (5.0, 6.0, "纪律"),
    ]))
    lines = normalize_segments([seg], "zh")
    assert [line.text for line in lines] == ["廉洁从业警示教育。", "今后要自觉遵守纪律"]
    assert tidy_text("加强学习２提高认识") == "加强学习。提高认识"
    assert tidy_text("完成32学时") == "完成32学时"  # ordinary digits are numbers


def test_looping_repetition_and_platform_sign_offs_are_dropped_anywhere():
    loop = Segment(20.0, 23.0, "x", words=words_of([(20.0, 20.3, "作")] + [
        (20.3 + i * 0.3, 20.6 + i * 0.3, "语") for i in range(8)]))
    thanks = Segment(10.0, 11.0, "谢谢观看", avg_logprob=-0.2, no_speech_prob=0.01)
    real = Segment(0.0, 3.0, "奖励100000元", words=words_of([(0.0, 1.0, "奖励"), (1.0, 3.0, "100000元")]))
    lines = normalize_segments([real, thanks, loop], "zh")
    assert [line.text for line in lines] == ["奖励100000元"]
