"""Japanese and Western name normalisation (pure; tables built once at import).

Public surface: ``normalize_name`` / ``fold_name`` / ``name_tokens`` / ``display_name``
(normalize), ``romaji_key`` (romaji), ``to_katakana`` / ``katakana_to_romaji`` (kana),
``fold_variants`` (variant kanji), ``PersonName`` / ``NamedPerson`` / ``Fit`` (person), and
``find_salutation`` (salutation).
"""
