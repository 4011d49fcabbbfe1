"""Error rates for transcripts: CER for Chinese (after Simplified + numeral normalization), WER for English."""

from __future__ import annotations

import re

from .normalize import to_simplified

_ZH_DIGITS = "零一二三四五六七八九"
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def int_to_zh(n: int) -> str:
    """Read an integer the Chinese way: 32 → 三十二, 105 → 一百零五, 20000 → 二万."""
    if n == 0:
        return "零"
    if n < 0:
        return "负" + int_to_zh(-n)

    def below_10000(x: int) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, x = divmod(x, value)
            if d:
                if zero:
                    out += "零"
                out += _ZH_DIGITS[d] + unit
                zero = False
            elif out:
                zero = True
        return out

    parts = []
    for unit_value, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        chunk, n = divmod(n, unit_value)
        if chunk:
            if parts and chunk < 1000:
                parts.append("零")
            parts.append(below_10000(chunk) + unit)
        elif parts and n:
            parts.append("")
    text = "".join(parts).replace("零零", "零")
    if text.startswith("一十"):
        text = text[1:]
    return text


def _zh_number(match: re.Match) -> str:
    number, after = match.group(1), match.group(2) or ""
    percent = after == "%"
    if "." in number:
        whole, frac = number.split(".", 1)
        text = int_to_zh(int(whole)) + "点" + "".join(_ZH_DIGITS[int(d)] for d in frac)
    elif len(number) == 4 and after == "年":
        text = "".join(_ZH_DIGITS[int(d)] for d in number)  # 2024年 → 二零二四年
    else:
        text = int_to_zh(int(number))
    if percent:
        return "百分之" + text
    return text + after


def normalize_zh(text: str) -> str:
    text = to_simplified(text)
    text = re.sub(r"(\d+(?:\.\d+)?)(%|年)?", _zh_number, text)
    return _PUNCT.sub("", text)


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def int_to_en(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (" " + _ONES[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + (" " + int_to_en(rest) if rest else "")
    thousands, rest = divmod(n, 1000)
    return int_to_en(thousands) + " thousand" + (" " + int_to_en(rest) if rest else "")


def normalize_en(text: str) -> list[str]:
    text = text.lower().replace("-", " ")
    text = re.sub(r"\d+", lambda m: " " + int_to_en(int(m.group())) + " " if len(m.group()) < 7 else m.group(), text)
    text = re.sub(r"[^\w\s']", " ", text)
    return text.split()


def edit_distance(ref, hyp) -> int:
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalize_zh(reference), normalize_zh(hypothesis)
    return edit_distance(ref, hyp) / max(len(ref), 1)


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalize_en(reference), normalize_en(hypothesis)
    return edit_distance(ref, hyp) / max(len(ref), 1)


def error_rate(language: str, reference: str, hypothesis: str) -> tuple[str, float]:
    """("cer", x) for Chinese, ("wer", x) otherwise."""
    if language.startswith("zh"):
        return "cer", cer(reference, hypothesis)
    return "wer", wer(reference, hypothesis)
