"""The navigation menu, gathered from every app and filtered by the permission table.

Each app registers its sections from its own ``extensions.register()``; the base template loops over
``menu_for(user)`` and names no app. A link is shown to whoever may open it: the permission is read
from the view the URL resolves to (``@require("<action>")`` records it), so the menu and the access
rules cannot drift apart.

    register_menu(MenuSection(key="repairs", label=_("Repairs and complaints"), order=20, links=(
        MenuLink(_("New ticket"), "repairs:ticket_create"),
        MenuLink(_("Statistics"), "repairs:stats", divider=True),
    )))
"""

from dataclasses import dataclass

from django.urls import resolve, reverse

from .permissions import has_perm


@dataclass(frozen=True)
class MenuLink:
    label: str
    url_name: str
    divider: bool = False  # a line above this link (a new group in the section)
    home_for: frozenset[str] = frozenset()  # roles whose landing page shows this link as a big button


@dataclass(frozen=True)
class MenuSection:
    key: str
    label: str
    order: int
    links: tuple[MenuLink, ...]
    dropdown: bool = True  # False: each link is its own item in the bar


_sections: dict[str, MenuSection] = {}
_actions: dict[str, str] = {}


def register_menu(section: MenuSection) -> None:
    _sections[section.key] = section


def unregister_menu(key: str) -> None:
    _sections.pop(key, None)


def sections() -> list[MenuSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def required_action(url_name: str) -> str:
    """The permission the view behind ``url_name`` requires (every view is wrapped in ``@require``)."""
    action = _actions.get(url_name)
    if action is None:
        view = resolve(reverse(url_name)).func
        action = getattr(view, "required_action", None)
        if action is None:
            raise LookupError(f"{url_name} is not protected by @require: it cannot be in the menu")
        _actions[url_name] = action
    return action


def home_shortcuts(user) -> list[dict]:
    """The links registered as the main tool of ``user``'s role (``home_for``), for one tap from the
    landing page (an engineer on a phone: 我的工单), if they may open them."""
    return [{"label": link.label, "url": reverse(link.url_name)}
            for section in sections() for link in section.links
            if user.role in link.home_for and has_perm(user, required_action(link.url_name))]


def menu_for(user) -> list[dict]:
    """The sections and links ``user`` may open, in order; a divider only between two shown links; a section
    with one link shown is that link in the bar (not a dropdown of one)."""
    result = []
    for section in sections():
        links = []
        for link in section.links:
            if has_perm(user, required_action(link.url_name)):
                links.append({"label": link.label, "url": reverse(link.url_name), "divider": bool(links) and link.divider})
        if len(links) == 1 and section.dropdown:
            # A dropdown of one link is one click too many: the link is in the bar itself, by its own name.
            result.append({"key": section.key, "label": section.label, "dropdown": False, "links": links})
        elif links:
            result.append({"key": section.key, "label": section.label, "dropdown": section.dropdown, "links": links})
    return result
