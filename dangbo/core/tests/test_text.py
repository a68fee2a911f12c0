import unicodedata

from dangbo.core.text import fold, normalize


def test_fold_strips_diacritics_and_case():
    assert fold("Nghị quyết Đại hội XIII") == "nghi quyet dai hoi xiii"


def test_fold_handles_decomposed_text_and_d_lookalikes():
    decomposed = unicodedata.normalize("NFD", "Đông Lương")
    assert fold(decomposed) == "dong luong"
    assert fold("\u00d0ông Hà") == "dong ha"  # Icelandic eth
    assert fold("\u0189ảng bộ") == "dang bo"  # African D


def test_fold_collapses_spaces_and_accepts_none():
    assert fold("  Phường   1 ") == "phuong 1"
    assert fold(None) == ""


def test_normalize_keeps_diacritics_but_canonicalises():
    assert normalize(unicodedata.normalize("NFD", "Đông  Hà ")) == "Đông Hà"
    assert normalize("\u00d0ông Hà") == "Đông Hà"
