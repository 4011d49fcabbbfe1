"""Text analysis: normalization, segmentation, numerals, English, pinyin tiers."""

import pytest

from lms.common.textanalysis import (
    analyze,
    analyze_query,
    chinese_to_number,
    fuzzy,
    index_tokens,
    normalize,
    number_to_chinese,
)


def test_normalize_full_width_traditional_and_case_keeps_length():
    text = "黨員教育ＡＢＣ１２３，隱患排查"
    norm = normalize(text)
    assert norm == "党员教育abc123,隐患排查"
    assert len(norm) == len(text)


def test_jieba_segments_and_user_dictionary_keeps_domain_terms_whole():
    exact = analyze("各支部要结合三会一课，认真组织好主题党日活动。").exact
    assert "三会一课" in exact
    assert "主题党日" in exact
    assert "支部" in exact  # search mode adds the sub-word of 各支部


def test_search_mode_adds_sub_words_for_indexing_only():
    indexed = analyze("推动企业高质量发展").exact
    assert {"高质量", "质量", "发展"} <= set(indexed)
    query = analyze_query("高质量发展").terms[0].exact
    assert query == ["高质量发展"] or set(query) <= set(indexed)


def test_traditional_text_matches_simplified_query():
    indexed = set(analyze("班族每週要開展一次隱患排查，並做好記錄。").exact)
    assert set(analyze_query("隐患排查").terms[0].exact) <= indexed


@pytest.mark.parametrize(
    "chinese, number",
    [("三十二", 32), ("五十六", 56), ("十二", 12), ("一百零五", 105), ("一千零五十", 1050), ("一万零五", 10005),
     ("两千", 2000), ("二〇二四", 2024), ("三亿五千万", 350_000_000)],
)
def test_chinese_numerals_parse(chinese, number):
    assert chinese_to_number(chinese) == number


@pytest.mark.parametrize("not_a_number", ["千万", "万一", "一一", "九九", "三三两两", "三百五", "九九八十一"])
def test_idioms_and_malformed_numerals_are_not_numbers(not_a_number):
    assert chinese_to_number(not_a_number) is None


@pytest.mark.parametrize("n", [5, 10, 12, 32, 100, 105, 1050, 10005, 10500, 100000, 123456789])
def test_number_to_chinese_round_trips(n):
    assert chinese_to_number(number_to_chinese(n)) == n or n < 10


def test_numerals_equivalent_both_ways():
    chinese = set(analyze("党员每年集中学习培训时间一般不少于三十二学时").exact)
    arabic = set(analyze("党员每年集中学习培训时间一般不少于32学时").exact)
    assert "32" in chinese and "32" in arabic
    assert analyze_query("三十二学时").terms[0].exact == ["32", "学时"]
    assert analyze_query("32学时").terms[0].exact == ["32", "学时"]
    # The pinyin stream reads numbers out, so a query in characters meets a transcript in digits.
    assert analyze("32学时").syllables == ["san", "shi", "er", "xue", "shi"]
    assert analyze_query("三十二学时").terms[0].syllables == ["san", "shi", "er", "xue", "shi"]


def test_idioms_with_numerals_stay_words():
    exact = analyze("千万不要三心二意").exact
    assert "千万" in exact
    assert "10000000" not in exact


def test_english_lowercase_hyphen_and_stemming():
    exact = analyze("Report every Near-Miss; LOCKOUT procedures for pumps").exact
    assert {"report", "near", "miss", "lockout", "procedur", "pump"} <= set(exact)
    assert "nearmiss" in exact  # joined spelling of adjacent words


def test_english_query_phrase_and_hyphen_are_the_same():
    a, b = analyze_query("near miss"), analyze_query("Near-miss")
    assert len(a.terms) == len(b.terms) == 1
    assert a.terms[0].exact == b.terms[0].exact == ["near", "miss"]
    assert a.terms[0].alternatives == [["nearmiss"]]
    assert analyze_query("procedures").terms[0].exact == analyze_query("procedure").terms[0].exact


def test_pinyin_is_toneless_and_contextual():
    assert analyze("支部书记").syllables == ["zhi", "bu", "shu", "ji"]
    assert analyze("银行行长").syllables == ["yin", "hang", "hang", "zhang"]


@pytest.mark.parametrize(
    "syllable, folded",
    [("zhi", "zi"), ("chang", "can"), ("shi", "si"), ("lan", "nan"), ("neng", "nen"), ("ying", "yin"),
     ("zhuang", "zuan"), ("xue", "xue"), ("long", "nong")],
)
def test_fuzzy_initials_and_finals(syllable, folded):
    assert fuzzy(syllable) == folded


def test_homophone_asr_error_shares_pinyin_tokens_with_the_query():
    term = analyze_query("签到").terms[0]
    assert set(term.py_tokens) <= set(index_tokens("大家迁到会场"))  # 签到 → 迁到: same pinyin
    term = analyze_query("支部书记").terms[0]
    asr = set(index_tokens("知不说近要带头"))
    assert "p_zhi_bu" in asr and set(term.ini_tokens) <= asr  # partial pinyin + same initials
    assert "p_shu_ji" not in asr


def test_fuzzy_tokens_meet_for_sh_s_and_in_ing():
    query = analyze_query("考试").terms[0]
    assert query.fz_tokens == ["f_kao_si"]
    assert "f_kao_si" in index_tokens("考司")  # kao si: only fuzzy-equal
    assert "p_kao_shi" not in index_tokens("考司")


def test_single_characters_left_by_jieba_become_bigrams():
    term = analyze_query("知不说近").terms[0]
    assert {"知不", "不说", "说近"} <= set(term.exact)


def test_empty_and_nonsense_queries_have_no_terms():
    for q in ["", "   ", "！！！", "，。、", "***"]:
        assert not analyze_query(q)


def test_index_tokens_use_separate_namespaces():
    tokens = index_tokens("签到 sign in")
    assert "签到" in tokens and "sign" in tokens
    assert "p_qian_dao" in tokens and "f_qian_dao" in tokens
    assert not any("_" in t for t in tokens if not t.startswith(("p_", "f_", "i_")))
