"""Pronunciation-based correction of Whisper's Chinese mishearings (media_pipeline.correction)."""

import pytest

from media_pipeline.correction import Change, Corrected, Corrector, correct


def test_glossary_term_corrects_a_mishearing():
    result = correct("今天我们上党科。", ["党课"])
    assert result == Corrected("今天我们上党课。", (Change(5, 7, "党科", "党课", "glossary"),))


def test_lexicon_term_corrects_without_a_glossary():
    result = Corrector().correct("坚持连结从业底线")
    assert result.text == "坚持廉洁从业底线"
    assert result.changes == (Change(2, 6, "连结从业", "廉洁从业", "lexicon"),)


def test_three_meetings_one_lesson():
    result = Corrector().correct("落实三会一科制度")
    assert result.text == "落实三会一课制度"
    assert result.changes == (Change(2, 6, "三会一科", "三会一课", "lexicon"),)


def test_homophone_made_of_two_real_words_is_corrected():
    # 主题 and 当日 are both words, but 主题当日 is not: 主题党日 reads the same.
    assert Corrector().correct("开展主题当日活动").text == "开展主题党日活动"


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("开展组题当日活动", "开展主题党日活动"),  # zu ~ zhu
        ("召开民主森活会", "召开民主生活会"),  # sen ~ sheng
        ("坚持年洁从业", "坚持廉洁从业"),  # nian ~ lian
        ("讲好专题单课", "讲好专题党课"),  # dan ~ dang
    ],
)
def test_fuzzy_pinyin_corrects_terms_of_three_or_more_characters(heard, expected):
    assert Corrector().correct(heard).text == expected


def test_two_character_term_needs_the_exact_reading():
    corrector = Corrector(["党课"], use_lexicon=False)
    assert corrector.correct("这节单课").changes == ()  # dan ke, only fuzzily dang ke
    assert corrector.correct("这节党科").text == "这节党课"  # dang ke exactly


def test_changed_character_of_a_word_around_the_span_is_kept_even_with_the_exact_reading():
    # 当课 reads dang ke, but jieba reads 我们/上当/课 (上当: to be fooled): 当 was heard in context.
    assert Corrector(["党课"], use_lexicon=False).correct("我们上当课").changes == ()


def test_heteronym_reading_counts_for_two_character_terms():
    # 其 is read qi or ji: 其层 can be a mishearing of 基层 (ji ceng).
    assert Corrector(["基层"]).correct("到其层去调研").text == "到基层去调研"


def test_real_word_with_the_same_reading_is_left_alone():
    corrector = Corrector(["廉洁"])
    assert corrector.correct("请连接网络").changes == ()  # 连接 is a word (lian jie)
    # The same sounds in a four-character span that is no word are the lexicon term.
    assert corrector.correct("坚持连接从业").text == "坚持廉洁从业"


def test_dictionary_word_of_three_characters_is_left_alone():
    assert Corrector(["计算基"], use_lexicon=False).correct("计算机").changes == ()


def test_already_correct_term_gives_no_change():
    assert correct("今天我们上党课。", ["党课"]) == Corrected("今天我们上党课。", ())
    assert Corrector().correct("落实三会一课，开展主题党日").changes == ()


def test_changed_character_belonging_to_a_word_around_the_span_is_kept():
    # 当为 reads dang wei like the lexicon's 党委, but 当 belongs to 应当 here.
    text = "我们应当为群众办实事"
    assert Corrector().correct(text) == Corrected(text, ())


def test_span_inside_a_longer_correct_term_is_left_alone():
    # 会一课 reads like the glossary's 会以课, but it is part of 三会一课, spelled right.
    assert Corrector(["会以课"]).correct("落实三会一课").changes == ()


def test_glossary_term_beats_lexicon_term_of_the_same_reading():
    # 党纪 (lexicon) and 党籍 (glossary) both read dang ji.
    assert correct("开除挡籍", ["党籍"]).changes == (Change(2, 4, "挡籍", "党籍", "glossary"),)
    # Without the glossary nothing changes: two-character lexicon words never correct (学史 must not become 学时).
    assert correct("开除挡籍").changes == ()
    assert correct("学史明理，学时达标").text == "学史明理，学时达标"


def test_longest_term_wins_at_a_position():
    # 专题党课 (lexicon) and the glossary's 党课 overlap: the longer term takes the whole span.
    result = correct("讲好专题当科", ["党课"])
    assert result.changes == (Change(2, 6, "专题当科", "专题党课", "lexicon"),)


def test_offsets_of_several_changes_refer_to_the_input():
    text = "AI时代，我们上党科；落实三会一科和连结从业。OK"
    result = correct(text, ["党课"])
    assert result.text == "AI时代，我们上党课；落实三会一课和廉洁从业。OK"
    assert result.changes == (
        Change(8, 10, "党科", "党课", "glossary"),
        Change(13, 17, "三会一科", "三会一课", "lexicon"),
        Change(18, 22, "连结从业", "廉洁从业", "lexicon"),
    )
    for change in result.changes:
        assert text[change.start:change.end] == change.old
        assert result.text[change.start:change.end] == change.new
    assert len(result.text) == len(text)


def test_glossary_keeps_only_chinese_terms_of_two_or_more_characters():
    corrector = Corrector([" 党课 ", "AI党课", "课", "", "Party"], use_lexicon=False)
    assert corrector.correct("上党科").text == "上党课"
    assert Corrector(["AI党课", "课"], use_lexicon=False).correct("上党科").changes == ()


def test_without_lexicon_only_the_glossary_is_used():
    assert Corrector(use_lexicon=False).correct("坚持连结从业").changes == ()


@pytest.mark.parametrize(
    "text",
    ["", "hello world 123", "😀🎉", "Ünïcödé ß", "\ud800 lone surrogate", "，。！？", "a\n\tb", "〇" * 10],
)
def test_non_chinese_input_is_untouched(text):
    result = correct(text, ["党课"])
    assert result == Corrected(text, ())


def test_repeated_calls_give_the_same_result():
    first = correct("上党科", ("党课",))
    assert correct("上党科", ["党课"]) == first
    assert first.text == "上党课"


def test_an_hour_of_transcript_is_corrected():
    sentence = "今天我们上党科，落实三会一科制度，同志们要认真学习，不断提高工作能力。"
    text = sentence * (15_000 // len(sentence) + 1)
    result = correct(text, ["党课"])
    repeats = text.count(sentence)
    assert len(text) >= 15_000
    assert len(result.changes) == 2 * repeats
    assert result.text == text.replace("党科", "党课").replace("三会一科", "三会一课")
