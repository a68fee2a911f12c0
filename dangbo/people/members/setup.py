"""What the members area registers when the app is ready: its policies (first), nav links, search
kinds and audit labels. Called from ``dangbo.people.apps.PeopleConfig.ready``."""


def ready() -> None:
    pass
