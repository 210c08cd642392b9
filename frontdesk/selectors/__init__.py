"""Every non-trivial read of the archive, one module per area, scoped to the user's communities.

The names below are the ones other apps imported from ``frontdesk.selectors`` before it became a
package; new code imports from the area module (``frontdesk.selectors.units`` …) or from
``frontdesk.scoping`` (``communities_of``).
"""

from frontdesk.scoping import communities_of as communities_for  # noqa: F401 (duty)

from .search import ROOM_RE, normalise_query  # noqa: F401 (repairs)
from .units import units_for  # noqa: F401 (billing)
