"""Community scoping: which communities a user works in, and which one a page is about.

Every object a view touches comes from a queryset filtered by ``scope()``, so an object of a foreign
community is a 404, never a 403. Every page that is about one community, or about "all my communities
or one", chooses it with ``choose_community()``.
"""

from dataclasses import dataclass, field

from django.http import Http404

from core.forms import ID_PATTERN
from core.permissions import sees_all_communities

from .models import Community

SESSION_KEY = "community"  # the community last chosen on a page that remembers it


def community_ids(user) -> list[int]:
    """Ids of the communities the user works in (cached on the user object for the request)."""
    cached = getattr(user, "_community_ids", None)
    if cached is None:
        qs = Community.objects.all() if sees_all_communities(user) else Community.objects.filter(staff=user)
        cached = list(qs.order_by("id").values_list("id", flat=True))
        user._community_ids = cached
    return cached


def scope(queryset, user, field: str = "community"):
    """Limit ``queryset`` to the user's communities through ``field`` (a path to the community id)."""
    if not (user and user.is_authenticated):
        return queryset.none()
    if sees_all_communities(user):
        return queryset
    # A subquery, not a list: scoping costs no extra round trip.
    memberships = Community.staff.through.objects.filter(user_id=user.pk)
    return queryset.filter(**{f"{field}__in": memberships.values("community_id")})


def communities_of(user):
    """The user's communities by name (a queryset)."""
    return scope(Community.objects.order_by("name"), user, field="pk")


@dataclass
class CommunityChoice:
    communities: list  # the user's communities, by name
    community: Community | None  # the chosen one; None: all of them (or the user has none)
    ids: list[int] = field(default_factory=list)  # the communities the page reports on

    @property
    def value(self) -> str:
        """The chosen community as the ``?community=`` value ("" for all)."""
        return str(self.community.pk) if self.community else ""


def choose_community(request, *, all_allowed: bool = False, remember: bool = False, required: bool = True,
                     param: str = "community", post_param: str | None = None) -> CommunityChoice:
    """The community a page is about, from ``?community=`` (or the POSTed ``community``, or ``post_param``).

    - ``all_allowed``: a report over "all my communities or one": no choice, or an id that is not one of
      the user's, means all of them (``community`` is None, ``ids`` has them all).
    - a value that is not an id (text, a NUL byte, ``1e999999``) counts as no choice.
    - otherwise one community: an id that is not one of the user's is a 404; with no choice, the one
      remembered in the session (``remember``), else the first by name. A user with no community at
      all gets a 404 (``required``) or ``community=None``.
    - ``remember``: a chosen community is kept in the session for the next page that remembers.
    """
    communities = list(communities_of(request.user))
    by_id = {str(c.pk): c for c in communities}
    wanted = str(request.GET.get(param) or request.POST.get(post_param or param) or "").strip()
    if not ID_PATTERN.fullmatch(wanted):  # not an id at all (text, a NUL byte, 1e999999): as if nothing was chosen
        wanted = ""
    if all_allowed:
        chosen = by_id.get(wanted)
        if chosen is None:
            return CommunityChoice(communities, None, [c.pk for c in communities])
    elif wanted:
        chosen = by_id.get(wanted)
        if chosen is None:
            raise Http404
    else:
        remembered = request.session.get(SESSION_KEY) if remember and hasattr(request, "session") else None
        chosen = by_id.get(str(remembered)) or (communities[0] if communities else None)
        if chosen is None:
            if required:
                raise Http404
            return CommunityChoice(communities, None, [])
    if remember and hasattr(request, "session") and request.session.get(SESSION_KEY) != chosen.pk:
        request.session[SESSION_KEY] = chosen.pk
    return CommunityChoice(communities, chosen, [chosen.pk])
