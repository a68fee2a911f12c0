"""The people app's models live in its areas; Django finds them here."""

from .admission.models import *  # noqa: F403
from .cadres.models import *  # noqa: F403
from .members.models import *  # noqa: F403
from .ratings.models import *  # noqa: F403
