"""``{% load units %}``: ``{{ x|hours }}`` (32.5 学时), ``{{ x|hours_number }}`` (32.5), ``{{ s|duration }}``
(1 分 20 秒), ``{{ s|clock }}`` (12:34), ``{{ d|day }}`` (11月30日) — see lms.common.units."""

from django import template

from lms.common import units

register = template.Library()

register.filter("hours", units.hours_label)
register.filter("hours_number", units.hours_number)
register.filter("duration", units.duration_words)
register.filter("clock", units.timecode)
register.filter("day", units.day_label)
register.filter("percent", units.percent_label)
