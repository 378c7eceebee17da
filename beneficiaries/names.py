"""Names in a spelling-neutral form (``Person.name_key``), for the register look-up.

The same person is written ``Hj. Siti Nurhayaty``, ``SITI NURHAYATI`` and ``Siti
Noerhayati`` in different extracts and at the desk. :func:`name_key` folds each
of them to one form (``SITI NURHAYATI``) so that the fuzzy look-up (trigrams:
pg_trgm on PostgreSQL, FTS5 on SQLite) only has to forgive real typos.

The rules, applied in this order (``tests/beneficiaries/test_names.py`` shows
each with real name pairs):

1. **Letters only.** Upper case; accents dropped (``É`` → ``E``); apostrophes
   and back-ticks removed (``MA'RUF`` → ``MARUF``); every other character
   (dots, commas, hyphens, digits) separates words.
2. **Degrees after a comma are dropped** (``ASEP, S.PD.I`` → ``ASEP``).
3. **Titles and honorifics are dropped** wherever they stand (:data:`TITLES`:
   ``H``, ``HJ``, ``HAJI``, ``DRS``, ``IR``, ``KH``, ``BIN``, ``BINTI``, ``SPD``,
   ``AMD``…), and so are single letters (``S`` of ``S.Pd``), except:
4. **Muhammad**: ``M.``, ``MUH``, ``MOCH``, ``MOH``, ``MHD``, ``MUHAMAD``,
   ``MUHAMMAD``, ``MOHAMMAD``, ``MOCHAMAD``… all become ``MUH`` (a short form: it
   is in so many names that it should weigh little in the ranking).
5. **Old (pre-1972 Dutch) spellings**: ``OE`` → ``U`` (``SOEKARNO``/``SUKARNO``,
   ``NOER``/``NUR``), ``DJ`` → ``J`` (``DJOKO``/``JOKO``), ``TJ`` → ``C``
   (``TJEPI``/``CEPI``), ``SJ`` → ``SY`` (then rule 7); ``NOOR`` → ``NUR``.
6. **Sundanese sounds**: ``F``, ``V`` and ``PH`` → ``P`` (``FITRI``/``PITRI``,
   ``VINA``/``PINA``, ``SOFYAN``/``SOPIAN``), ``Z`` → ``J`` (``ZAENAL``/
   ``JAENAL``), ``Q`` → ``K`` (``IQBAL``/``IKBAL``).
7. **Silent or optional H and Y** (Arabic spellings): ``CH``, ``KH`` → ``H``
   (``ACHMAD``/``AKHMAD``/``AHMAD``), ``DH`` → ``D`` (``RAMADHAN``/``RAMADAN``),
   ``TH`` → ``T``, ``SH``, ``SY`` → ``S`` (``SYARIF``/``SARIP``, ``SHOLEH``/
   ``SOLEH``), ``IY`` → ``I`` (``SUPRIYADI``/``SUPRIADI``), ``Y`` after a
   consonant other than ``N`` → ``I`` (``SOFYAN``/``SOPIAN``; ``NY`` is one
   sound: ``NYAI``), ``AI`` → ``AE``
   (``ZAINAL``/``ZAENAL``, ``NURAINI``/``NURAENI``), a final ``Y`` → ``I``
   (``NURHAYATY``/``NURHAYATI``, ``DEDY``/``DEDI``).
8. **Doubled consonants** are written once (``MUHAMMAD``, ``ABDULLAH``/
   ``ABDULAH``, ``SITTI``/``SITI``). Doubled vowels stay: in Sundanese names
   they are the name (``AAN``, ``EEM``, ``IIS``, ``UUM``).

Word order is kept (the look-up's trigram sets are order-independent anyway).
A name made only of titles keeps its letters (``HAJI`` stays ``HAJI``).

The import calls :func:`name_key` for every row: words are folded once and
remembered (names repeat a lot), so a call costs about a microsecond.
"""

from __future__ import annotations

import unicodedata

__all__ = ["TITLES", "name_key", "name_trigrams", "trigram_similarity", "word_similarity"]

#: Words that are not part of the name: religious and social titles, honorifics,
#: kinship connectors and academic degrees (written without their dots).
TITLES = frozenset(
    """
    H HJ HAJ HAJI HAJAH HAJJAH HJH KH KYAI KIAI USTADZ USTAD UST USTADZAH USTADAH
    DRS DRA DR IR PROF ALM ALMH ALMARHUM ALMARHUMAH
    BPK BAPAK PAK IBU BU NY NYI NYAI NYONYA NN NONA SDR SDRI TN TUAN MA MAK ABAH
    RD RADEN BIN BINTI BT BN
    SPD SPDI SAG SE SH SHI SKOM SSOS SIP SIKOM SST SSI SKM SKEP SKEB SFARM SKED SKG SP SPT
    STP SS ST SPSI SHUT SSY SAP SPDSD SSTP AMD AMK AMKEB AMA AMKL AMG AMF
    MPD MPDI MM MSI MAG MH MHI MKES MKEB MKOM MT MSC MBA PHD LC
    PD PDI AG KOM SOS KEP KEB FARM KED KG MD HUM PSI TP PT HI SI IP KM
    """.split()
)

#: How Muhammad is written, as the rules below leave it (MOCHAMMAD → MOHAMAD).
_MUHAMMAD = frozenset(
    "MUH MOH MHD MOHD MUHD MUHAMAD MOHAMAD MUHAMED MOHAMED MUHAMAT MOHAMAT MUHAMET "
    "MOHAMET MUHAMD".split()
)
_MUH = "MUH"

# Whole words with a fixed answer (checked before the letter rules).
_WORDS = {"NOOR": "NUR", "NUUR": "NUR"}

# Rule 1: a translation table for every character a name may bring along.
_DELETE = "'`\u2018\u2019\u02bc\u02b9"


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x250):  # Latin, Latin-1 and Latin Extended-A/B
        char = chr(code)
        if "A" <= char <= "Z":
            continue
        if "a" <= char <= "z":
            table[code] = char.upper()
            continue
        base = unicodedata.normalize("NFKD", char)[:1].upper()
        if char.isalpha() and "A" <= base <= "Z":
            table[code] = base
        else:
            table[code] = " "
    for char in _DELETE:
        table[ord(char)] = None
    table[ord(",")] = ","  # kept for rule 2, removed after it
    return table


_TABLE = _build_table()

# Rules 5-7, as (old, new) replacements on one word, in order. Letters first (F,
# V, Z, Q), so the pairs see their final letters (DZ → DJ → J).
_LETTERS = str.maketrans("FVZQ", "PPJK")
_PAIRS = (
    ("OE", "U"),
    ("DJ", "J"),
    ("TJ", "C"),
    ("SJ", "SY"),
    ("CH", "H"),
    ("KH", "H"),
    ("PH", "P"),
    ("DH", "D"),
    ("TH", "T"),
    ("SH", "S"),
    ("SY", "S"),
    ("IY", "I"),
    *((c + "Y", c + "I") for c in "BCDGHJKLMPRTW"),
    ("AI", "AE"),
)
_DOUBLES = tuple((c + c, c) for c in "BCDGHJKLMNPRSTWXY")

# Folded words, remembered: a register has a few tens of thousands of distinct words.
_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def _fold_word(word: str) -> str:
    fixed = _WORDS.get(word)
    if fixed is not None:
        return fixed
    folded = word.translate(_LETTERS)
    for old, new in _PAIRS:
        if old in folded:
            folded = folded.replace(old, new)
    if folded[-1] == "Y" and len(folded) > 1:
        folded = folded[:-1] + "I"
    for old, new in _DOUBLES:
        if old in folded:
            folded = folded.replace(old, new)
    if folded in _MUHAMMAD:
        return _MUH
    return folded


def _word(word: str) -> str:
    folded = _CACHE.get(word)
    if folded is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        folded = _CACHE[word] = _fold_word(word)
    return folded


def name_key(name: str) -> str:
    """The spelling-neutral form of a person's name (see the module docstring).

    ``"Hj. Siti Noerhayaty, S.Pd."`` → ``"SITI NURHAYATI"``. Empty for a name
    without letters.
    """
    if not name:
        return ""
    text = name.translate(_TABLE)
    if "," in text:
        head = text.split(",", 1)[0]
        text = head if head.strip() else text.replace(",", " ")
    words = text.split()
    last = len(words) - 1
    kept = []
    for i, word in enumerate(words):
        if len(word) == 1:
            if word == "M" and i < last:  # M. Yusuf: Muhammad
                kept.append(_MUH)
            continue
        if word in TITLES:
            continue
        kept.append(_word(word))
    if not kept:
        # Only titles (or initials): keep what was written rather than nothing.
        kept = [_word(w) for w in words if len(w) > 1] or words
    return " ".join(kept)


# ---------------------------------------------------------------------------
# Trigram similarity, as PostgreSQL's pg_trgm computes it, for the SQLite
# fallback (so that both databases rank a look-up the same way).
# ---------------------------------------------------------------------------

_TRIGRAMS: dict[str, frozenset[str]] = {}


def _word_trigrams(word: str) -> frozenset[str]:
    found = _TRIGRAMS.get(word)
    if found is None:
        if len(_TRIGRAMS) >= _CACHE_LIMIT:
            _TRIGRAMS.clear()
        padded = f"  {word} "
        found = _TRIGRAMS[word] = frozenset(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def name_trigrams(key: str) -> frozenset[str]:
    """The trigram set of a name key, as pg_trgm's ``show_trgm`` (upper case).

    Each word is padded with two spaces in front and one behind; the set does
    not depend on the order of the words.
    """
    words = key.split()
    if len(words) == 1:
        return _word_trigrams(words[0])
    return frozenset().union(*map(_word_trigrams, words))


def trigram_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """pg_trgm's ``similarity()``: shared trigrams over all distinct trigrams."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def word_similarity(word: frozenset[str], key: str) -> float:
    """How well one query word (its trigram set) matches the closest word of ``key``.

    A simpler cousin of pg_trgm's ``word_similarity()`` (which also considers
    runs of several words): the best :func:`trigram_similarity` over the words.
    """
    return max((trigram_similarity(word, _word_trigrams(w)) for w in key.split()), default=0.0)
