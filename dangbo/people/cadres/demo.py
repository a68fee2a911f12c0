def load(*, today) -> dict[str, int]:
    return {}
