"""What every page's navigation bar shows: the user's unread notices (the inbox badge)."""

from .selectors import unread_notice_count


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the count is read only by a template that prints it (the navbar).
    return {"unread_notice_count": lambda: unread_notice_count(user)}
