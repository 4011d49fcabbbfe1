"""Figures read one way everywhere: hours without trailing zeros, durations in Chinese units, clock positions."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from lms.common import units


@pytest.mark.parametrize(("value", "text"), [
    (32, "32"), (Decimal("32.50"), "32.5"), ("0.25", "0.25"), (None, "0"), ("bad", "0"), (Decimal("-0.00"), "0"),
])
def test_hours_number_has_no_trailing_zeros(value, text):
    assert units.hours_number(value) == text


@pytest.mark.parametrize(("seconds", "zh", "en"), [
    (0, "0 秒", "0 s"), (5, "5 秒", "5 s"), (4.2, "5 秒", "5 s"), (80, "1 分 20 秒", "1 min 20 s"),
    (120, "2 分", "2 min"), (3900, "1 小时 5 分", "1 h 5 min"), (3661, "1 小时 1 分", "1 h 1 min"),
    (None, "0 秒", "0 s"),
])
def test_durations_read_in_words_with_two_units_at_most(seconds, zh, en):
    with translation.override("zh-hans"):
        assert units.duration_words(seconds) == zh
    with translation.override("en"):
        assert units.duration_words(seconds) == en


def test_hours_carry_the_unit_of_the_language():
    with translation.override("zh-hans"):
        assert units.hours_label(Decimal("32.50")) == "32.5 学时"
    with translation.override("en"):
        assert units.hours_label(1) == "1 hour"
        assert units.hours_label(56) == "56 hours"


@pytest.mark.parametrize(("seconds", "text"), [(754.3, "12:34"), (3725, "1:02:05"), (0, "0:00"), (-3, "0:00")])
def test_clock_positions(seconds, text):
    assert units.timecode(seconds) == text


def test_template_filters():
    with translation.override("zh-hans"):
        html = Template("{% load units %}{{ h|hours }}|{{ s|duration }}|{{ s|clock }}").render(
            Context({"h": Decimal("1.50"), "s": 80}))
    assert html == "1.5 学时|1 分 20 秒|1:20"
