"""Text analysis shared by indexing and querying (every backend uses the same tokens).

Pipeline for a piece of text:

1. ``normalize``: full-width → half-width (NFKC, char by char), Traditional → Simplified (OpenCC t2s),
   lower case. It keeps the length of the text, so offsets found on the normalized text are valid on
   the original (highlighting relies on this).
2. ``tokenize``: CJK runs are segmented by jieba (precise mode, no HMM, plus the 2-/3-gram sub-words of
   search mode); runs of single characters that jieba could not group become character bigrams so a
   query never degrades into a bag of unrelated characters; Chinese numerals become Arabic numbers
   (三十二 → 32, 二〇二四 → 2024) so both spellings meet; English words are split on hyphens and
   punctuation, lower-cased and Snowball-stemmed, and adjacent English words are also joined
   ("lock out" ~ "lockout").
3. ``syllables``: the toneless pinyin of every CJK character (numbers are read out: 32 → san shi er),
   from jieba words so heteronyms follow the context. ``fuzzy`` folds the pairs Chinese input methods
   treat as equal: z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing.

Index tokens live in one namespace per tier so a backend can keep them in a single column:
``exact`` tokens have no underscore; pinyin bigrams are ``p_xue_shi``; fuzzy bigrams ``f_xue_si``;
fuzzy-initial trigrams ``i_xsz`` (only used to find candidates for the partial-pinyin tier).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ANALYZER_VERSION = "1"
USER_DICT = Path(__file__).resolve().parent / "data" / "userdict.txt"

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇]+")
# One run of text: CJK, ASCII letters/digits, or any other letters.
RUN_RE = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇]+)|([a-z]+)|([0-9]+)|([^\W\d_a-z]+)")
NUMERAL_RUN_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}")

_lock = threading.Lock()
_jieba = None
_opencc = None
_stemmer = None


# --------------------------------------------------------------------------- lazy singletons
def _tokenizer():
    """jieba's dictionary takes about a second to load: load it once, on first use."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import logging

                import jieba
                import pypinyin  # noqa: F401 - loads its phrase dictionary now, before the freeze below

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                if USER_DICT.exists():
                    tok.load_userdict(str(USER_DICT))
                _jieba = tok
                _warm_character_readings()
                freeze_long_lived_objects()
    return _jieba


def _common_characters() -> list[str]:
    """The 3,755 level-1 characters of GB 2312 (the everyday set: about 99.7 % of running text)."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            if hi == 0xD7 and lo > 0xF9:  # the level ends at D7F9
                break
            out.append(bytes([hi, lo]).decode("gb2312"))
    return out


def _warm_character_readings() -> None:
    """Look up the readings of the everyday characters once (0.1 s) instead of during searches: a
    fresh process otherwise meets new characters in almost every transcript it checks."""
    for ch in _common_characters():
        char_readings(ch)


def freeze_long_lived_objects() -> None:
    """pypinyin's and jieba's dictionaries add some 300,000 containers that live as long as the process.
    Every full garbage collection would walk them (about 0.2 s), stalling whichever search triggered it;
    gc.freeze() moves everything alive now into a generation the collector never scans. Called once the
    dictionaries are loaded, and again after a process's first search (search.services), by which time
    the modules and caches every search uses are loaded too."""
    import gc

    gc.freeze()


def _converter():
    global _opencc
    if _opencc is None:
        import opencc

        _opencc = opencc.OpenCC("t2s")
    return _opencc


def simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s); other text unchanged. Chinese is stored Simplified."""
    if not text or text.isascii():
        return text or ""
    return _converter().convert(text)


def _english_stemmer():
    global _stemmer
    if _stemmer is None:
        import snowballstemmer

        _stemmer = snowballstemmer.stemmer("english")
    return _stemmer


def fingerprint() -> str:
    """Changes whenever indexed tokens could change: rebuild the index when it does."""
    h = hashlib.sha1(ANALYZER_VERSION.encode())
    if USER_DICT.exists():
        h.update(USER_DICT.read_bytes())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- normalization
# Full-width ASCII and the ideographic space, the common case, by table.
_WIDTH_TABLE = {0x3000: 0x20, **{cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}}


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


def normalize(text: str) -> str:
    """Full-width → half-width, Traditional → Simplified, lower case; same length as ``text``."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    text = text.translate(_WIDTH_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        text = "".join(_nfkc_char(ch) if ord(ch) > 127 else ch for ch in text)
    converted = _converter().convert(text)
    if len(converted) != len(text):  # a phrase conversion changed the length: convert char by char
        conv = _converter()
        converted = "".join(c if len(c := conv.convert(ch)) == 1 else ch for ch in text)
    return converted.lower()


# --------------------------------------------------------------------------- numerals
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_DIGIT_CHARS = "〇零一二三四五六七八九"
_CN_DIGITS = "零一二三四五六七八九"


def _parse_section(s: str) -> int | None:
    """A number below 10,000 written with 千/百/十 (二千零五, 三十二, 十一)."""
    if not s:
        return 0
    total, digit, last_unit, after_zero = 0, None, 10_000, False
    for ch in s:
        if ch in _DIGITS:
            if digit is not None and not (digit == 0):
                return None  # two digits in a row
            digit = _DIGITS[ch]
            if digit == 0:
                after_zero = True
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if unit != 10 or total:
                    return None
                digit = 1  # 十二 = 12
            if digit == 0:
                return None
            total += digit * unit
            last_unit, digit = unit, None
        else:
            return None
    if digit:
        if after_zero or last_unit == 10_000:
            total += digit
        elif last_unit == 10:
            total += digit
        else:
            # 三百五 (= 350) is colloquial; we accept the plain reading only with a zero: 三百零五.
            return None
    return total


def chinese_to_number(s: str) -> int | None:
    """Parse a Chinese numeral; None when ``s`` is not a well-formed number (千万 / 万一 / 一一 …)."""
    if not s or s[0] not in _DIGITS and s[0] != "十":
        return None
    if all(ch in _DIGIT_CHARS for ch in s):
        # Digit by digit (二〇二四); two plain digits (一一, 九九) are idioms far more often than numbers.
        if len(s) < 3 and "〇" not in s and "零" not in s:
            return None
        return int("".join(str(_DIGITS[ch]) for ch in s))
    if "两" in s and not any(u in s for u in "十百千万亿"):
        return None
    total, rest = 0, s
    for big_ch, big in sorted(_BIG.items(), key=lambda kv: -kv[1]):
        if big_ch in rest:
            head, _, rest = rest.partition(big_ch)
            head_value = _parse_section(head.lstrip("零〇"))
            if head_value is None or head_value == 0:
                return None
            total += head_value * big
    tail = rest.lstrip("零〇") if total else rest
    tail_value = _parse_section(tail)
    if tail_value is None:
        return None
    return total + tail_value


def number_to_chinese(n: int) -> str:
    """32 → 三十二, 105 → 一百零五 (how a number is read aloud; ASR writes either form)."""
    if n == 0:
        return "零"
    if n >= 10**12:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))

    def section(v: int) -> str:
        out, zero = "", False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = v // unit_value % 10
            if d:
                if zero and out:
                    out += "零"
                out += _CN_DIGITS[d] + unit
                zero = False
            else:
                zero = True
        return out

    parts, big_units = [], [(100_000_000, "亿"), (10_000, "万"), (1, "")]
    for i, (value, unit) in enumerate(big_units):
        v = n // value % 10_000 if i else n // value
        if v:
            if parts and v < 1000:
                parts.append("零")
            parts.append(section(v) + unit)
        n %= value
    text = "".join(parts)
    if text.startswith("一十"):
        text = text[1:]
    return text


def digits_reading(digits: str) -> str:
    """How Arabic digits are read: a year (2024), a long run or a leading zero digit by digit, else as a number."""
    year_like = len(digits) == 4 and 1900 <= int(digits) <= 2100
    if len(digits) > 8 or digits.startswith("0") and len(digits) > 1 or year_like:
        return "".join(_CN_DIGITS[int(d)] for d in digits)
    return number_to_chinese(int(digits))


# --------------------------------------------------------------------------- pinyin
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=8192)
def fuzzy(syllable: str) -> str:
    """Fold the pairs input methods treat as equal: zh/z ch/c sh/s l/n, ang/an eng/en ing/in."""
    s = syllable
    for src, dst in _FUZZY_INITIALS:
        if s.startswith(src):
            s = dst + s[len(src):]
            break
    for src, dst in _FUZZY_FINALS:
        if s.endswith(src):
            s = s[: -len(src)] + dst
            break
    return s


@lru_cache(maxsize=200_000)
def _word_pinyin(word: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(word, style=Style.NORMAL, errors=lambda chars: ["" for _ in chars])
    if len(out) != len(word):  # never expected; keep one syllable per character
        out = [(lazy_pinyin(ch, style=Style.NORMAL) or [""])[0] for ch in word]
    return tuple(s if s.isascii() and s.isalpha() else "" for s in out)


@lru_cache(maxsize=20_000)
def char_readings(ch: str) -> frozenset[str]:
    """Every toneless reading of one character (heteronyms included), for highlighting and checks."""
    from pypinyin import Style, pinyin

    readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda chars: [[] for _ in chars])
    return frozenset(r for group in readings for r in group if r.isascii() and r.isalpha())


# --------------------------------------------------------------------------- tokenization
@dataclass
class Analysis:
    """Tokens of one text. ``syllables`` holds runs of (syllable, start, end) broken at English words."""

    exact: list[str] = field(default_factory=list)
    syllable_runs: list[list[tuple[str, int, int]]] = field(default_factory=list)

    @property
    def syllables(self) -> list[str]:
        return [s for run in self.syllable_runs for s, _, _ in run]


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return _english_stemmer().stemWord(word)


def _split_numerals(run: str):
    """Yield (piece, is_number, value) pieces of a CJK run, numbers cut out as their own pieces."""
    pos = 0
    for m in NUMERAL_RUN_RE.finditer(run):
        value = chinese_to_number(m.group())
        if value is None:
            continue
        if m.start() > pos:
            yield run[pos:m.start()], pos, None
        yield m.group(), m.start(), value
        pos = m.end()
    if pos < len(run):
        yield run[pos:], pos, None


_logp: dict[str, float] = {}


def _dag_cut(sentence: str) -> list[str]:
    """jieba's precise mode without HMM on a pure CJK run: the same dictionary DAG and maximum-probability
    route as ``Tokenizer.__cut_DAG_NO_HMM`` (same output), in one tighter loop. Segmenting a million
    transcript lines is most of a rebuild's time."""
    tok = _tokenizer()
    freq = tok.FREQ
    if not _logp:
        _logp[""] = math.log(tok.total)
    logtotal = _logp[""]
    n = len(sentence)
    score = [0.0] * (n + 1)
    nxt = [0] * (n + 1)
    for idx in range(n - 1, -1, -1):
        best_s, best_x = None, idx
        i, frag = idx, sentence[idx]
        found = False
        while i < n and frag in freq:
            if freq[frag]:
                found = True
                lp = _logp.get(frag)
                if lp is None:
                    lp = _logp[frag] = math.log(freq[frag]) - logtotal
                s = lp + score[i + 1]
                if best_s is None or s >= best_s:  # ties go to the longer word, as max() over (s, x) does
                    best_s, best_x = s, i
            i += 1
            frag = sentence[idx:i + 1]
        if not found:
            best_s, best_x = -logtotal + score[idx + 1], idx
        score[idx], nxt[idx] = best_s, best_x
    words, x = [], 0
    while x < n:
        y = nxt[x] + 1
        words.append(sentence[x:y])
        x = y
    return words


def _precise_words(text: str) -> list[tuple[str, int]]:
    """jieba words of a CJK run (precise mode, no HMM) with their offsets."""
    words, pos = [], 0
    for w in _dag_cut(text):
        words.append((w, pos))
        pos += len(w)
    return words


def _search_words(words: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Search mode as jieba does it: each word preceded by its dictionary 2-grams and 3-grams."""
    freq = _tokenizer().FREQ
    out = []
    for w, start in words:
        if len(w) > 2:
            for i in range(len(w) - 1):
                if freq.get(w[i:i + 2]):
                    out.append((w[i:i + 2], start + i))
        if len(w) > 3:
            for i in range(len(w) - 2):
                if freq.get(w[i:i + 3]):
                    out.append((w[i:i + 3], start + i))
        out.append((w, start))
    return out


def _single_char_bigrams(words: list[tuple[str, int]]) -> list[str]:
    """Bigrams over runs of single characters jieba left ungrouped (知 不 说 近 → 知不 不说 说近)."""
    out, run = [], []
    for w, _ in words + [("", -1)]:
        if len(w) == 1:
            run.append(w)
            continue
        if len(run) >= 2:
            out.extend(run[i] + run[i + 1] for i in range(len(run) - 1))
        run = []
    return out


WORD_PIECE_RE = re.compile(r"[a-z0-9][a-z0-9\-]*")


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """The domain lexicon: the words of the user dictionary (one list for search, recommendations and
    transcript correction)."""
    if not USER_DICT.exists():
        return frozenset()
    return frozenset(line.split()[0] for line in USER_DICT.read_text(encoding="utf-8").splitlines() if line.strip())


def words(text: str, *, parts: bool = False) -> list[str]:
    """The words of ``text`` (normalized): CJK runs segmented as the index segments them (jieba's precise mode
    with the domain lexicon), English words and numbers whole. ``parts`` adds the lexicon words inside a longer
    word (中央八项规定 → also 八项规定), for features that compare texts rather than match them."""
    norm = normalize(text)
    out: list[str] = []
    pos = 0
    known = lexicon() if parts else frozenset()
    for m in CJK_RE.finditer(norm):
        out.extend(WORD_PIECE_RE.findall(norm[pos:m.start()]))
        for w in _dag_cut(m.group()):
            out.append(w)
            if parts and len(w) > 2:
                out.extend(w[i:j] for i in range(len(w)) for j in range(i + 2, len(w) + (i > 0))
                           if w[i:j] in known)
        pos = m.end()
    out.extend(WORD_PIECE_RE.findall(norm[pos:]))
    return out


def analyze(text: str, *, search_mode: bool = True, with_pinyin: bool = True, join_english: bool = True) -> Analysis:
    """Analyse ``text`` (already normalized or not: normalizing twice is harmless).

    ``search_mode`` adds jieba's sub-words (for indexed text); ``join_english`` adds the joined form of
    adjacent English words (for indexed text; queries offer it as an alternative instead).
    """
    norm = normalize(text)
    result = Analysis()
    syl_run: list[tuple[str, int, int]] = []
    prev_english: str | None = None
    for m in RUN_RE.finditer(norm):
        cjk, latin, digits, other = m.groups()
        base = m.start()
        if cjk:
            prev_english = None
            for piece, off, value in _split_numerals(cjk):
                start = base + off
                if value is not None:
                    result.exact.append(str(value))
                    if with_pinyin:
                        syl_run.extend((s, start + i, start + i + 1) for i, s in enumerate(_word_pinyin(piece)) if s)
                    continue
                precise = _precise_words(piece)
                words = _search_words(precise) if search_mode else precise
                result.exact.extend(w for w, _ in words)
                result.exact.extend(_single_char_bigrams(precise))
                if with_pinyin:
                    for w, p in precise:
                        for i, s in enumerate(_word_pinyin(w)):
                            if s:
                                syl_run.append((s, start + p + i, start + p + i + 1))
        elif digits:
            prev_english = None
            number = digits.lstrip("0") or "0"
            result.exact.append(number)
            if with_pinyin:
                reading = digits_reading(digits)
                syls = [s for s in _word_pinyin(reading) if s]
                # Spread the syllables of the number over its digits for highlighting.
                for s in syls:
                    syl_run.append((s, base, m.end()))
        else:
            word = latin or other
            stem = _stem(word) if latin else word
            result.exact.append(stem)
            if latin:
                if prev_english is not None and join_english:
                    result.exact.append(_stem(prev_english + word))
                prev_english = word
            if syl_run:
                result.syllable_runs.append(syl_run)
                syl_run = []
    if syl_run:
        result.syllable_runs.append(syl_run)
    return result


def _bigrams(run: list[str]) -> list[tuple[str, str]]:
    return [(run[i], run[i + 1]) for i in range(len(run) - 1)]


def pinyin_tokens(runs: list[list[str]]) -> tuple[list[str], list[str], list[str]]:
    """(pinyin bigrams, fuzzy bigrams, fuzzy-initial trigrams) for runs of syllables."""
    py, fz, ini = [], [], []
    for run in runs:
        fuzzy_run = [fuzzy(s) for s in run]
        py.extend(f"p_{a}_{b}" for a, b in _bigrams(run))
        fz.extend(f"f_{a}_{b}" for a, b in _bigrams(fuzzy_run))
        initials = [s[0] for s in fuzzy_run]
        ini.extend("i_" + "".join(initials[i:i + 3]) for i in range(len(initials) - 2))
    return py, fz, ini


def index_tokens(text: str) -> list[str]:
    """All tokens of one transcript segment, every tier, in index order."""
    a = analyze(text)
    py, fz, ini = pinyin_tokens([[s for s, _, _ in run] for run in a.syllable_runs])
    return a.exact + py + fz + ini


def document_text(tokens: list[str]) -> str:
    return " ".join(tokens)


# --------------------------------------------------------------------------- queries
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
QUERY_SPLIT_RE = re.compile(r"[\s,，、;；。.!！?？/|]+")


@dataclass
class QueryTerm:
    """One whitespace/punctuation separated part of a query."""

    raw: str
    exact: list[str]  # tokens that must all occur (precise mode)
    syllables: list[str]  # pinyin of the CJK/number part, one per character
    english: bool = False
    alternatives: list[list[str]] = field(default_factory=list)  # other exact spellings (joined words)
    words: list[str] = field(default_factory=list)  # the English words as typed

    @property
    def pinyin_eligible(self) -> bool:
        # A single syllable matches half of any transcript: pinyin tiers need two or more.
        return len(self.syllables) >= 2

    @property
    def py_tokens(self) -> list[str]:
        return [f"p_{a}_{b}" for a, b in _bigrams(self.syllables)]

    @property
    def fuzzy_syllables(self) -> list[str]:
        return [fuzzy(s) for s in self.syllables]

    @property
    def fz_tokens(self) -> list[str]:
        return [f"f_{a}_{b}" for a, b in _bigrams(self.fuzzy_syllables)]

    @property
    def ini_tokens(self) -> list[str]:
        initials = [s[0] for s in self.fuzzy_syllables]
        return ["i_" + "".join(initials[i:i + 3]) for i in range(len(initials) - 2)]


@dataclass
class AnalyzedQuery:
    raw: str
    terms: list[QueryTerm]

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def exact_tokens(self) -> list[str]:
        return [t for term in self.terms for t in term.exact]


def analyze_query(q: str) -> AnalyzedQuery:
    """Split a user query into terms; nonsense (only punctuation, symbols) gives an empty query.

    Consecutive English words form one term ("near miss" and "near-miss" both mean: near and miss in
    one moment); a two-word English term also accepts the joined spelling ("lock out" ~ "lockout").
    """
    q = (q or "").strip()[:MAX_QUERY_CHARS]
    terms: list[QueryTerm] = []
    for part in QUERY_SPLIT_RE.split(normalize(q)):
        if not part:
            continue
        a = analyze(part, search_mode=False, join_english=False)
        if not a.exact:
            continue
        syllables = a.syllables
        english = not syllables and all(t.isascii() for t in a.exact)
        words = re.findall(r"[a-z]+", part) if english else []
        term = QueryTerm(raw=part, exact=list(dict.fromkeys(a.exact)), syllables=syllables, english=english)
        term.words = words
        if english and terms and terms[-1].english:
            prev = terms[-1]
            prev.raw = f"{prev.raw} {part}"
            prev.exact = list(dict.fromkeys(prev.exact + term.exact))
            prev.words = prev.words + words
            continue
        terms.append(term)
    for term in terms:
        if term.english and len(term.words) == 2:
            term.alternatives.append([_stem("".join(term.words))])
    return AnalyzedQuery(raw=q, terms=terms[:MAX_TERMS])


def talk_tokens(title: str, speaker: str, texts: list[str]) -> tuple[list[str], list[str], list[list[str]]]:
    """Tokens of a whole talk: (title, speaker, one list per segment). Needs no Django, so a pool of
    worker processes can run it during a rebuild."""
    return (
        analyze(title or "", with_pinyin=False).exact,
        analyze(speaker or "", with_pinyin=False).exact,
        [index_tokens(t) for t in texts],
    )


def talk_tokens_job(job: tuple) -> tuple:
    """``(key, title, speaker, texts)`` → ``(key, talk_tokens(...))`` for multiprocessing pools."""
    key, title, speaker, texts = job
    return key, talk_tokens(title, speaker, texts)
