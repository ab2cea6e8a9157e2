from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of a view behind ``login_required``: ``user`` is a real User."""

    user: User
