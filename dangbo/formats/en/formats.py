from dangbo.formats.vi.formats import *  # noqa: F403  (the same day-first formats)
