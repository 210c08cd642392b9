"""The community beside a room or a ticket, for staff who work in more than one (room numbers repeat)."""

from django import template
from django.utils.html import format_html

from frontdesk.scoping import community_ids

register = template.Library()


def several_communities(user) -> bool:
    """Whether ``user`` works in more than one community (one query, cached on the user for the request)."""
    return bool(user and user.is_authenticated and len(community_ids(user)) > 1)


@register.simple_tag(takes_context=True)
def community_of(context, obj, separator=" · "):
    """`` · 翠湖花园`` after a room or ticket when the user has several communities, else nothing.
    ``obj`` has ``community`` (select it with the rows)."""
    request = context.get("request")
    if obj is None or request is None or not several_communities(request.user):
        return ""
    return format_html('{}<span class="community-name">{}</span>', separator, obj.community.name)
